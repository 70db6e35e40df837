package dev.clientele.common.job;

import org.apache.spark.sql.SparkSession;

/**
 * One job: its config is already bound and validated when it is constructed, so {@link #run} only
 * does Spark work. Throw {@link JobFailure} for a failed run with a message for the operator.
 */
@FunctionalInterface
public interface ClienteleJob {
  void run(SparkSession spark, RunContext context) throws Exception;
}
