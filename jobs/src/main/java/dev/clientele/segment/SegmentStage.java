package dev.clientele.segment;

import static org.apache.spark.sql.functions.col;

import dev.clientele.common.columns.CustomerSegmentsColumns;
import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.job.Stage;
import dev.clientele.common.table.Table;
import dev.clientele.tiering.Tiering;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The {@code segment} stage: reads the as-of snapshot of {@code customer_features} (never
 * transactions) and writes {@code customer_segments} (one row per customer: RFM, lifecycle,
 * activity, target flag, preference, each with a reason) and its RFM cut points to {@code
 * tier_cutpoints} (dimensions {@value RfmScores#R_CUTS}, {@value RfmScores#F_CUTS}, {@value
 * RfmScores#M_CUTS}), each as one replaced snapshot.
 */
public final class SegmentStage implements Stage {
  static final List<String> DIMENSIONS =
      List.of(RfmScores.R_CUTS, RfmScores.F_CUTS, RfmScores.M_CUTS);

  private final SegmentRules rules;

  public SegmentStage(SegmentRules rules) {
    this.rules = rules;
  }

  /** {@code customer_segments} rows from {@code customer_features} rows of one as-of date. */
  public static Dataset<Row> segments(Dataset<Row> features, SegmentRules rules) {
    return segments(features, RfmScores.cutPoints(features, rules.rfm()), rules);
  }

  private static Dataset<Row> segments(
      Dataset<Row> features, Dataset<Row> rfmCuts, SegmentRules rules) {
    Dataset<Row> withCuts = Tiering.withCuts(features, rfmCuts);
    Dataset<Row> labelled =
        PreferenceClasses.label(
            LifecycleStages.label(RfmScores.score(withCuts, rules.rfm()), rules),
            rules.preference());
    return labelled
        .withColumn(CustomerSegmentsColumns.FREQUENCY, col(FeaturesColumns.ORDER_COUNT))
        .withColumn(CustomerSegmentsColumns.MONETARY, col(FeaturesColumns.NET_SPEND))
        .select(
            Arrays.stream(CustomerSegmentsColumns.SCHEMA.fieldNames())
                .map(c -> col(c))
                .toArray(Column[]::new));
  }

  /** {@code tier_cutpoints} rows (the RFM cut points) for the features of one as-of date. */
  public static Dataset<Row> cutpoints(
      Dataset<Row> features, java.time.LocalDate asOf, SegmentRules rules) {
    return cutpointRows(RfmScores.cutPoints(features, rules.rfm()), asOf, rules);
  }

  private static Dataset<Row> cutpointRows(
      Dataset<Row> rfmCuts, java.time.LocalDate asOf, SegmentRules rules) {
    List<String> names = Tiering.percentileNames(Tiering.equalShares(rules.rfm().scores()));
    return Tiering.cutPointRows(
        rfmCuts,
        org.apache.spark.sql.functions.lit(java.sql.Date.valueOf(asOf)),
        DIMENSIONS.stream().map(d -> new Tiering.CutArray(d, d, names)).toList(),
        List.of());
  }

  @Override
  public String name() {
    return "segment";
  }

  @Override
  public List<Table> inputs() {
    return List.of(Table.CUSTOMER_FEATURES);
  }

  @Override
  public Table output() {
    return Table.CUSTOMER_SEGMENTS;
  }

  @Override
  public List<String> cutDimensions() {
    return DIMENSIONS;
  }

  /**
   * Cuts once for both tables: the exact RFM percentiles (an aggregation over every customer) are
   * kept, one row, for the cut points, where building each table from the features would compute
   * them twice.
   */
  @Override
  public Output apply(RunContext run, Map<Table, Dataset<Row>> inputs) {
    Dataset<Row> features = inputs.get(Table.CUSTOMER_FEATURES);
    Dataset<Row> rfmCuts =
        RfmScores.cutPoints(features, rules.rfm()).persist(StorageLevel.MEMORY_AND_DISK());
    return Output.of(segments(features, rfmCuts, rules))
        .withCutpoints(cutpointRows(rfmCuts, run.asOf(), rules))
        .releasing(rfmCuts);
  }
}
