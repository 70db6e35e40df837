package dev.clientele.value;

import static org.apache.spark.sql.functions.col;

import dev.clientele.common.columns.CustomerValuesColumns;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.Table;
import dev.clientele.features.FeaturesSnapshot;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The {@code value} job: reads the as-of snapshot of {@code customer_features} (never transactions)
 * and writes {@code customer_values} (one row per customer: value tier, ABC grade, frequency /
 * monetary / AOV / margin bands, membership tier and points, each label with a reason) and its cut
 * points to {@code tier_cutpoints}, each as one replaced snapshot.
 */
public final class ValueJob implements ClienteleJob {

  private final ValueRules rules;

  public ValueJob(ValueRules rules) {
    this.rules = rules;
  }

  /** {@code customer_values} rows from {@code customer_features} rows of one as-of date. */
  public static Dataset<Row> values(Dataset<Row> features, ValueRules rules) {
    return valuesRanked(ValueTiers.ranked(features, rules), rules);
  }

  private static Dataset<Row> valuesRanked(Dataset<Row> ranked, ValueRules rules) {
    Dataset<Row> labelled =
        MembershipPoints.label(ValueTiers.labelRanked(ranked, rules), rules.membership());
    return labelled.select(
        Arrays.stream(CustomerValuesColumns.SCHEMA.fieldNames())
            .map(c -> col(c))
            .toArray(Column[]::new));
  }

  /** {@code tier_cutpoints} rows of the value dimensions. */
  public static Dataset<Row> cutpoints(Dataset<Row> features, LocalDate asOf, ValueRules rules) {
    return ValueTiers.cutpoints(features, asOf, rules);
  }

  /**
   * Ranks once for both tables: the labels and the cut points read the same persisted ranked frame,
   * where building each from the features would compute the percentiles and the rank twice.
   */
  @Override
  public void run(SparkSession spark, RunContext run) {
    Instant started = Instant.now();
    Dataset<Row> features = FeaturesSnapshot.require(spark, run);
    Dataset<Row> ranked =
        ValueTiers.ranked(features, rules).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      FeaturesSnapshot.publish(
          spark,
          run,
          started,
          Table.CUSTOMER_VALUES,
          valuesRanked(ranked, rules),
          ValueTiers.cutpointsRanked(ranked, run.asOf(), rules),
          ValueTiers.dimensions());
    } finally {
      ranked.unpersist();
    }
  }
}
