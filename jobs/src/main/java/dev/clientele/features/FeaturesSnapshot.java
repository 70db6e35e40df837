package dev.clientele.features;

import dev.clientele.common.columns.TierCutpointsColumns;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.RunLog;
import dev.clientele.common.table.Table;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O every aggregate job over {@code customer_features} shares: read the as-of snapshot (or
 * fail with what to run first), then write the job's per-customer label table and its slice of
 * {@code tier_cutpoints}, and record the run.
 */
public final class FeaturesSnapshot {
  private static final Logger LOG = LoggerFactory.getLogger(FeaturesSnapshot.class);

  private FeaturesSnapshot() {}

  /**
   * The as-of snapshot of customer_features; a {@link JobFailure} naming the fix if it is absent.
   */
  public static Dataset<Row> require(SparkSession spark, RunContext run) {
    String path = run.tables().path(Table.CUSTOMER_FEATURES);
    String fix = "run 'clientele features --as-of " + run.asOf() + "' first.";
    if (!DeltaIO.exists(spark, path)) {
      throw new JobFailure("customer_features does not exist at " + path + "; " + fix);
    }
    Dataset<Row> snapshot = DeltaIO.readSnapshot(spark, path, run.asOf());
    if (snapshot.isEmpty()) {
      throw new JobFailure(
          "customer_features has no snapshot for as-of " + run.asOf() + "; " + fix);
    }
    return snapshot;
  }

  /**
   * Replaces the as-of snapshot of {@code labelsTable} and the job's {@code dimensions} of {@code
   * tier_cutpoints}, then records the run with the row count and table versions.
   */
  public static void publish(
      SparkSession spark,
      RunContext run,
      Instant started,
      Table labelsTable,
      Dataset<Row> labels,
      Dataset<Row> cutpoints,
      List<String> dimensions) {
    String labelsPath = run.tables().path(labelsTable);
    String cutsPath = run.tables().path(Table.TIER_CUTPOINTS);
    DeltaIO.replaceSnapshot(labels, labelsPath, run.asOf());
    DeltaIO.replaceSnapshotSlice(
        cutpoints, cutsPath, run.asOf(), TierCutpointsColumns.DIMENSION, dimensions);
    long rows = DeltaIO.readSnapshot(spark, labelsPath, run.asOf()).count();
    LOG.info("Wrote {} rows to {} as of {}", rows, labelsTable.tableName, run.asOf());
    RunLog.record(
        spark,
        run,
        List.of(
            new RunLog.Entry(
                run.job(),
                "succeeded",
                null,
                rows,
                null,
                null,
                started,
                Instant.now(),
                "wrote " + rows + " rows to " + labelsTable.tableName,
                Map.of(
                    labelsTable.tableName, DeltaIO.version(spark, labelsPath),
                    Table.TIER_CUTPOINTS.tableName, DeltaIO.version(spark, cutsPath)))));
  }
}
