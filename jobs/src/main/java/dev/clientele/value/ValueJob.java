package dev.clientele.value;

import static org.apache.spark.sql.functions.col;

import dev.clientele.common.columns.CustomerValuesColumns;
import dev.clientele.common.columns.TierCutpointsColumns;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.RunLog;
import dev.clientele.common.table.Table;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code value} job: reads the as-of snapshot of {@code customer_features} (never
 * transactions) and writes {@code customer_values} (one row per customer: value tier, ABC grade,
 * frequency / monetary / AOV / margin bands, membership tier and points, each label with a reason)
 * and its cut points to {@code tier_cutpoints}, each as one replaced snapshot.
 */
public final class ValueJob implements ClienteleJob {
  private static final Logger LOG = LoggerFactory.getLogger(ValueJob.class);

  private final ValueRules rules;

  public ValueJob(ValueRules rules) {
    this.rules = rules;
  }

  /** {@code customer_values} rows from {@code customer_features} rows of one as-of date. */
  public static Dataset<Row> values(Dataset<Row> features, ValueRules rules) {
    Dataset<Row> labelled = MembershipPoints.label(ValueTiers.label(features, rules), rules.membership());
    return labelled.select(
        Arrays.stream(CustomerValuesColumns.SCHEMA.fieldNames()).map(c -> col(c)).toArray(Column[]::new));
  }

  /** {@code tier_cutpoints} rows of the value dimensions. */
  public static Dataset<Row> cutpoints(Dataset<Row> features, LocalDate asOf, ValueRules rules) {
    return ValueTiers.cutpoints(features, asOf, rules);
  }

  @Override
  public void run(SparkSession spark, RunContext run) {
    Instant started = Instant.now();
    String featuresPath = run.tables().path(Table.CUSTOMER_FEATURES);
    if (!DeltaIO.exists(spark, featuresPath)) {
      throw new JobFailure("customer_features does not exist at " + featuresPath + "; run 'clientele features' first.");
    }
    Dataset<Row> features = DeltaIO.readSnapshot(spark, featuresPath, run.asOf());
    long customers = features.count();
    if (customers == 0) {
      throw new JobFailure(
          "customer_features has no snapshot for as-of " + run.asOf() + "; run 'clientele features --as-of " + run.asOf() + "' first.");
    }
    String valuesPath = run.tables().path(Table.CUSTOMER_VALUES);
    String cutsPath = run.tables().path(Table.TIER_CUTPOINTS);
    DeltaIO.replaceSnapshot(values(features, rules), valuesPath, run.asOf());
    DeltaIO.replaceSnapshotSlice(
        cutpoints(features, run.asOf(), rules), cutsPath, run.asOf(), TierCutpointsColumns.DIMENSION, ValueTiers.dimensions());
    LOG.info("Valued {} customers as of {}", customers, run.asOf());
    RunLog.record(
        spark,
        run,
        List.of(
            new RunLog.Entry(
                "value", "succeeded", customers, customers, null, null, started, Instant.now(), null,
                Map.of(
                    Table.CUSTOMER_VALUES.tableName, DeltaIO.version(spark, valuesPath),
                    Table.TIER_CUTPOINTS.tableName, DeltaIO.version(spark, cutsPath)))));
  }
}
