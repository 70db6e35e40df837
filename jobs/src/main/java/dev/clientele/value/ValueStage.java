package dev.clientele.value;

import static org.apache.spark.sql.functions.col;

import dev.clientele.common.columns.CustomerValuesColumns;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.job.Stage;
import dev.clientele.common.table.Table;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The {@code value} stage: reads the as-of snapshot of {@code customer_features} (never
 * transactions) and writes {@code customer_values} (one row per customer: value tier, ABC grade,
 * frequency / monetary / AOV / margin bands, membership tier and points, each label with a reason)
 * and its cut points to {@code tier_cutpoints}, each as one replaced snapshot.
 */
public final class ValueStage implements Stage {

  private final ValueRules rules;

  public ValueStage(ValueRules rules) {
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

  @Override
  public String name() {
    return "value";
  }

  @Override
  public List<Table> inputs() {
    return List.of(Table.CUSTOMER_FEATURES);
  }

  @Override
  public Table output() {
    return Table.CUSTOMER_VALUES;
  }

  @Override
  public List<String> cutDimensions() {
    return ValueTiers.dimensions();
  }

  /**
   * Ranks once for both tables: the labels and the cut points read the same persisted ranked frame,
   * where building each from the features would compute the percentiles and the rank twice.
   */
  @Override
  public Output apply(RunContext run, Map<Table, Dataset<Row>> inputs) {
    Dataset<Row> ranked =
        ValueTiers.ranked(inputs.get(Table.CUSTOMER_FEATURES), rules)
            .persist(StorageLevel.MEMORY_AND_DISK());
    return Output.of(valuesRanked(ranked, rules))
        .withCutpoints(ValueTiers.cutpointsRanked(ranked, run.asOf(), rules))
        .releasing(ranked);
  }
}
