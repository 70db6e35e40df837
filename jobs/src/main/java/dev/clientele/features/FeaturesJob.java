package dev.clientele.features;

import dev.clientele.common.columns.CustomersColumns;
import dev.clientele.common.job.ClienteleJob;
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
 * The {@code features} job: one scan of silver {@code transactions} (lines on or before the as-of
 * date) joined with silver {@code customers} gives {@code customer_features}, one row per customer,
 * written as the as-of snapshot (a rerun replaces it). See {@link CustomerFeatures}.
 */
public final class FeaturesJob implements ClienteleJob {
  private static final Logger LOG = LoggerFactory.getLogger(FeaturesJob.class);

  private final FeatureRules rules;

  public FeaturesJob(FeatureRules rules) {
    this.rules = rules;
  }

  @Override
  public void run(SparkSession spark, RunContext run) {
    Instant started = Instant.now();
    String txnPath = run.tables().path(Table.TRANSACTIONS);
    if (!DeltaIO.exists(spark, txnPath)) {
      throw new JobFailure("transactions does not exist at " + txnPath + "; run 'clientele ingest' first.");
    }
    Dataset<Row> transactions = DeltaIO.read(spark, txnPath);
    Dataset<Row> customers =
        DeltaIO.readOrEmpty(spark, run.tables().path(Table.CUSTOMERS), CustomersColumns.SCHEMA);
    String out = run.tables().path(Table.CUSTOMER_FEATURES);
    DeltaIO.replaceSnapshot(CustomerFeatures.compute(transactions, customers, run.asOf(), rules), out, run.asOf());
    // Counted from the written snapshot, so the transactions are not scanned a second time.
    long rows = DeltaIO.readSnapshot(spark, out, run.asOf()).count();
    LOG.info("Wrote {} customer feature rows as of {}", rows, run.asOf());
    RunLog.record(
        spark,
        run,
        List.of(
            new RunLog.Entry(
                "features", "succeeded", null, rows, null, null, started, Instant.now(), null,
                Map.of(Table.CUSTOMER_FEATURES.tableName, DeltaIO.version(spark, out)))));
  }
}
