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
 * The {@code features} job: refreshes {@code customer_days} from silver {@code transactions} for
 * the days new ingest runs added lines to ({@link DaysFold}), then aggregates those rows up to the
 * as-of date, joined with the customer attributes in effect on that date ({@link
 * CustomerAttributes}, from silver {@code customer_history}), into {@code customer_features}, one
 * row per customer, written as the as-of snapshot (a rerun replaces it). See {@link
 * CustomerFeatures}.
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
      throw new JobFailure(
          "transactions does not exist at " + txnPath + "; run 'clientele ingest' first.");
    }
    DaysFold.Result fold = DaysFold.refresh(spark, run.tables(), rules);
    Dataset<Row> days = DeltaIO.read(spark, run.tables().path(Table.CUSTOMER_DAYS));
    // Attributes as they were on the as-of date, so a rerun for a past date is reproducible.
    Dataset<Row> customers =
        CustomerAttributes.asOf(
            DeltaIO.readOrEmpty(spark, run.tables().path(Table.CUSTOMERS), CustomersColumns.SCHEMA),
            DeltaIO.readOrEmpty(
                spark, run.tables().path(Table.CUSTOMER_HISTORY), CustomersColumns.HISTORY_SCHEMA),
            run.asOf());
    String out = run.tables().path(Table.CUSTOMER_FEATURES);
    DeltaIO.replaceSnapshot(
        CustomerFeatures.fromDays(days, customers, redemptions(spark, run), run.asOf(), rules),
        out,
        run.asOf());
    // Counted from the written snapshot, so the transactions are not scanned a second time.
    long rows = DeltaIO.readSnapshot(spark, out, run.asOf()).count();
    LOG.info("Wrote {} customer feature rows as of {}", rows, run.asOf());
    RunLog.record(
        spark,
        run,
        List.of(
            new RunLog.Entry(
                "features",
                "succeeded",
                null,
                rows,
                null,
                null,
                started,
                Instant.now(),
                (fold.rebuilt() ? "rebuilt customer_days: " : "refreshed customer_days: ")
                    + fold.days()
                    + " day(s) for "
                    + fold.runs()
                    + " ingest run(s)",
                Map.of(
                    Table.CUSTOMER_FEATURES.tableName, DeltaIO.version(spark, out),
                    Table.CUSTOMER_DAYS.tableName,
                        DeltaIO.version(spark, run.tables().path(Table.CUSTOMER_DAYS))))));
  }

  /** Silver redemptions, or null when no redemptions source was ever ingested. */
  private static Dataset<Row> redemptions(SparkSession spark, RunContext run) {
    String path = run.tables().path(Table.REDEMPTIONS);
    return DeltaIO.exists(spark, path) ? DeltaIO.read(spark, path) : null;
  }
}
