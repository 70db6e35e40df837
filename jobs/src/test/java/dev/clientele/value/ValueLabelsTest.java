package dev.clientele.value;

import static dev.clientele.features.FeatureRows.buyer;
import static dev.clientele.features.FeatureRows.prospect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.columns.CustomerValuesColumns;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import dev.clientele.features.FeatureRows;
import dev.clientele.testing.SparkTestExtension;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class ValueLabelsTest {
  static ValueRules rules(String... overrides) {
    return ValueRules.from(
        ClienteleConfig.load(null, List.of(), List.of(overrides)).at("clientele"));
  }

  static Map<String, Row> values(SparkSession spark, List<FeatureRows> rows, String... overrides) {
    Dataset<Row> out = ValueStage.values(FeatureRows.frame(spark, rows), rules(overrides));
    assertThat(out.schema().fieldNames())
        .containsExactly(CustomerValuesColumns.SCHEMA.fieldNames());
    return out.collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs(CustomerValuesColumns.CUSTOMER_ID), r -> r));
  }

  static Map<String, String> column(Map<String, Row> rows, String column) {
    Map<String, String> out = new TreeMap<>();
    rows.forEach((k, v) -> out.put(k, v.getAs(column) == null ? null : v.getAs(column).toString()));
    return out;
  }

  static String s(Map<String, Row> rows, String id, String column) {
    Object v = rows.get(id).getAs(column);
    return v == null ? null : v.toString();
  }

  /**
   * S01..S10 spend 100, 90, ..., 10; S10 has 24 orders, S09 23; plus zero, negative and a prospect.
   */
  static List<FeatureRows> spenders() {
    List<FeatureRows> rows = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      FeatureRows r = buyer(String.format("S%02d", i)).spend((110 - 10 * i) + ".00");
      if (i == 9) r.orders(23, 23);
      if (i == 10) r.orders(24, 24);
      rows.add(r);
    }
    rows.add(buyer("Z").spend("0.00"));
    rows.add(buyer("NEG").orders(0, 0).spend("-5.00"));
    rows.add(prospect("P"));
    return rows;
  }

  @Test
  void topShareTiersWithTheOrderCountBar(SparkSession spark) {
    Map<String, Row> out = values(spark, spenders());
    assertThat(column(out, CustomerValuesColumns.VALUE_TIER))
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("S01", "high"),
                Map.entry("S02", "high"),
                Map.entry("S03", "medium"),
                Map.entry("S04", "medium"),
                Map.entry("S05", "medium"),
                Map.entry("S06", "low"),
                Map.entry("S07", "low"),
                Map.entry("S08", "low"),
                Map.entry("S09", "low"),
                Map.entry("S10", "high"),
                Map.entry("Z", "none"),
                Map.entry("NEG", "none"),
                Map.entry("P", "none")));
    assertThat(s(out, "S01", CustomerValuesColumns.VALUE_TIER_REASON))
        .isEqualTo("top_share:rank=1/10,top_n=2,share=0.2,net_spend=100.00");
    assertThat(s(out, "S03", CustomerValuesColumns.VALUE_TIER_REASON))
        .isEqualTo("top_share:rank=3/10,top_n=5,share=0.5,net_spend=80.00");
    assertThat(s(out, "S06", CustomerValuesColumns.VALUE_TIER_REASON))
        .isEqualTo("below_top_share:rank=6/10,top_n=5,share=0.5,net_spend=50.00");
    assertThat(s(out, "S10", CustomerValuesColumns.VALUE_TIER_REASON))
        .isEqualTo("order_count:order_count=24>=24");
    assertThat(s(out, "NEG", CustomerValuesColumns.VALUE_TIER_REASON))
        .isEqualTo("no_spend:net_spend=-5.00<=0");
    assertThat(s(out, "S01", CustomerValuesColumns.VALUE_RANK)).isEqualTo("1");
    assertThat(s(out, "S10", CustomerValuesColumns.VALUE_RANK)).isEqualTo("10");
    assertThat(s(out, "Z", CustomerValuesColumns.VALUE_RANK)).isNull();
  }

  @Test
  void abcGradeByCumulativeRevenueShare(SparkSession spark) {
    Map<String, Row> out = values(spark, spenders());
    // Total 550; revenue ranked before S05 is 340 (61.8%), S06 400 (72.7%), S09 520 (94.5%).
    assertThat(s(out, "S05", CustomerValuesColumns.ABC_GRADE)).isEqualTo("A");
    assertThat(s(out, "S06", CustomerValuesColumns.ABC_GRADE)).isEqualTo("B");
    assertThat(s(out, "S08", CustomerValuesColumns.ABC_GRADE)).isEqualTo("B");
    assertThat(s(out, "S09", CustomerValuesColumns.ABC_GRADE)).isEqualTo("C");
    assertThat(s(out, "Z", CustomerValuesColumns.ABC_GRADE)).isEqualTo("none");
    assertThat(s(out, "S06", CustomerValuesColumns.ABC_GRADE_REASON))
        .isEqualTo("cumulative_share:rank=6,revenue_above=72.73<90.00");
    assertThat(s(out, "S09", CustomerValuesColumns.ABC_GRADE_REASON))
        .isEqualTo("beyond_share:rank=9,revenue_above=94.55>=90.00");
  }

  @Test
  void tiesAtTheBoundaryAreResolvedByCustomerId(SparkSession spark) {
    // n = 5: high = top ceil(1.0) = 1, high + medium = top ceil(2.5) = 3. B, C and D tie at 50.
    Map<String, Row> out =
        values(
            spark,
            List.of(
                buyer("A").spend("100.00"),
                buyer("D").spend("50.00"),
                buyer("C").spend("50.00"),
                buyer("B").spend("50.00"),
                buyer("E").spend("10.00")));
    assertThat(column(out, CustomerValuesColumns.VALUE_TIER))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("A", "high", "B", "medium", "C", "medium", "D", "low", "E", "low"));
    assertThat(column(out, CustomerValuesColumns.VALUE_RANK))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("A", "1", "B", "2", "C", "3", "D", "4", "E", "5"));
  }

  @Test
  void paretoRuleCoversTheConfiguredRevenueShare(SparkSession spark) {
    Map<String, Row> out =
        values(
            spark,
            List.of(
                buyer("W").spend("50.00"),
                buyer("X").spend("30.00"),
                buyer("Y").spend("10.00"),
                buyer("Z").spend("10.00"),
                buyer("N").spend("0.00")),
            "value.tier.rule=pareto");
    // W and X cover exactly 80%; Y's predecessors hold 80%, not below it.
    assertThat(column(out, CustomerValuesColumns.VALUE_TIER))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("W", "high", "X", "high", "Y", "medium", "Z", "medium", "N", "none"));
    assertThat(s(out, "Y", CustomerValuesColumns.VALUE_TIER_REASON))
        .isEqualTo("pareto:rank=3,revenue_above=80.00<95.00");
    assertThat(s(out, "X", CustomerValuesColumns.VALUE_TIER_REASON))
        .isEqualTo("pareto:rank=2,revenue_above=50.00<80.00");
  }

  static List<FeatureRows> bandRows() {
    return List.of(
        buyer("F1").orders(1, 1).spend("10.00").aov("10.00").margin("1.00"),
        buyer("F2").orders(2, 2).spend("40.00").aov("20.00").margin("3.00"),
        buyer("F3").orders(3, 3).spend("90.00").aov("30.00").margin(null),
        prospect("P"));
  }

  @Test
  void threeBandTiersByTertilesWithUnknownMargin(SparkSession spark) {
    Map<String, Row> out = values(spark, bandRows());
    assertThat(column(out, CustomerValuesColumns.FREQUENCY_TIER))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("F1", "low", "F2", "medium", "F3", "high", "P", "none"));
    assertThat(column(out, CustomerValuesColumns.MONETARY_TIER))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("F1", "low", "F2", "medium", "F3", "high", "P", "none"));
    assertThat(column(out, CustomerValuesColumns.AOV_TIER))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("F1", "low", "F2", "medium", "F3", "high", "P", "none"));
    assertThat(column(out, CustomerValuesColumns.MARGIN_TIER))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("F1", "low", "F2", "high", "F3", "unknown", "P", "none"));
    assertThat(s(out, "F2", CustomerValuesColumns.FREQUENCY_TIER_REASON))
        .isEqualTo("tertile:order_count=2.00,range=(1.67..2.33]");
    assertThat(s(out, "F3", CustomerValuesColumns.MARGIN_TIER_REASON)).isEqualTo("cost_unknown");
    assertThat(s(out, "P", CustomerValuesColumns.MONETARY_TIER_REASON))
        .isEqualTo("no_spend:net_spend=0.00<=0");
    assertThat(s(out, "P", CustomerValuesColumns.FREQUENCY_TIER_REASON)).isEqualTo("no_orders");
  }

  @Test
  void fixedBandThresholdsReadFromTheThresholdOn(SparkSession spark) {
    Map<String, Row> out =
        values(
            spark,
            bandRows(),
            "value.bands.frequency.rule=fixed",
            "value.bands.frequency.thresholds=[2, 3]");
    assertThat(column(out, CustomerValuesColumns.FREQUENCY_TIER))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("F1", "low", "F2", "medium", "F3", "high", "P", "none"));
    assertThat(s(out, "F2", CustomerValuesColumns.FREQUENCY_TIER_REASON))
        .isEqualTo("fixed_threshold:order_count=2.00,range=[2.00..3.00)");
    assertThat(s(out, "F3", CustomerValuesColumns.FREQUENCY_TIER_REASON))
        .isEqualTo("fixed_threshold:order_count=3.00,range=[3.00..+inf)");
  }

  @Test
  void membershipTiersAtTheirThresholdsWithNextTierAndPoints(SparkSession spark) {
    Map<String, Row> out =
        values(
            spark,
            List.of(
                buyer("M1").lifetime("999.99"),
                buyer("M2").lifetime("1000.00"),
                buyer("M3").lifetime("4999.99"),
                buyer("M4").lifetime("5000.00"),
                buyer("M5").lifetime("20000.00"),
                buyer("M6").lifetime("-5.00")));
    assertThat(column(out, CustomerValuesColumns.MEMBERSHIP_TIER))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "M1", "regular", "M2", "silver", "M3", "silver", "M4", "gold", "M5", "diamond",
                "M6", "regular"));
    assertThat(s(out, "M1", CustomerValuesColumns.MEMBERSHIP_TIER_REASON))
        .isEqualTo("below_next:spend=999.99<1000,next=silver");
    assertThat(s(out, "M2", CustomerValuesColumns.MEMBERSHIP_TIER_REASON))
        .isEqualTo("at_threshold:spend=1000.00>=1000");
    assertThat(column(out, CustomerValuesColumns.MEMBERSHIP_DISCOUNT))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "M1", "0.9", "M2", "0.85", "M3", "0.85", "M4", "0.8", "M5", "0.75", "M6", "0.9"));
    assertThat(s(out, "M3", CustomerValuesColumns.NEXT_MEMBERSHIP_TIER)).isEqualTo("gold");
    assertThat(out.get("M3").<BigDecimal>getAs(CustomerValuesColumns.SPEND_TO_NEXT_TIER))
        .isEqualTo(new BigDecimal("0.01"));
    assertThat(s(out, "M5", CustomerValuesColumns.NEXT_MEMBERSHIP_TIER)).isNull();
    assertThat(s(out, "M5", CustomerValuesColumns.SPEND_TO_NEXT_TIER)).isNull();
    assertThat(s(out, "M1", CustomerValuesColumns.POINTS_BALANCE)).isEqualTo("10");
  }

  /**
   * The global rank shuffles what it ranks and the stage persists it: only the columns the stage
   * reads go in, so the shuffle of the ranked frame carries none of the others.
   */
  @Test
  void theRankedFrameCarriesOnlyTheColumnsTheStageReads(SparkSession spark) {
    Dataset<Row> features = FeatureRows.frame(spark, spenders());
    Dataset<Row> ranked = ValueTiers.ranked(features, rules());

    assertThat(features.columns()).contains("top_brand", "region", "points_expiry_date");
    assertThat(ranked.columns())
        .startsWith(ValueTiers.READS.toArray(String[]::new))
        .doesNotContain("top_brand", "region", "points_expiry_date");
    String plan = ranked.queryExecution().executedPlan().toString();
    assertThat(plan).contains("Exchange").doesNotContain("top_brand");
  }

  @Test
  void valueCutPointsAreStoredPerRun(SparkSession spark) {
    List<Row> cuts =
        ValueStage.cutpoints(FeatureRows.frame(spark, spenders()), FeatureRows.AS_OF, rules())
            .collectAsList();
    Map<String, Object> byName = new TreeMap<>();
    cuts.forEach(r -> byName.put(r.getString(1) + "/" + r.getString(2), r.get(3)));
    assertThat(byName).hasSize(19);
    assertThat(byName)
        .containsEntry("value_tier/high_min_net_spend", 90.0)
        .containsEntry("value_tier/medium_min_net_spend", 60.0)
        .containsEntry("value_tier/spenders", 10.0)
        .containsEntry("value_tier/revenue", 550.0)
        .containsEntry("value_tier/high_order_count", 24.0)
        .containsEntry("abc_grade/a_min_net_spend", 60.0)
        .containsEntry("abc_grade/b_min_net_spend", 30.0)
        .containsEntry("membership_tier/gold_min_spend", 5000.0)
        .containsKey("frequency_tier/p33")
        .containsKey("margin_tier/p67");
  }

  @Test
  void emptyInput(SparkSession spark) {
    Dataset<Row> empty = FeatureRows.frame(spark, List.of());
    assertThat(ValueStage.values(empty, rules()).count()).isZero();
    assertThat(ValueStage.cutpoints(empty, FeatureRows.AS_OF, rules()).count()).isEqualTo(19);
  }

  @Test
  void configIsValidated() {
    assertThatThrownBy(() -> rules("value.tier.high-share=0.6", "value.tier.medium-share=0.5"))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("'clientele.value.tier.medium-share'")
        .hasMessageContaining("high-share + medium-share must not exceed 1, got 0.6 + 0.5.");
    assertThatThrownBy(() -> rules("value.membership.tiers.regular=null"))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("exactly one tier must have min-spend 0");
    assertThatThrownBy(() -> rules("value.membership.tiers.gold.min-spend=1000"))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining(
            "have the same min-spend 1000.00; thresholds must be strictly ascending.");
    assertThatThrownBy(
            () -> rules("value.bands.aov.rule=fixed", "value.bands.aov.thresholds=[5, 2]"))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("'clientele.value.bands.aov.thresholds'")
        .hasMessageContaining("must be [medium-from, high-from], ascending, got [5.0, 2.0].");
    assertThatThrownBy(() -> rules("value.tier.rule=top"))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("must be one of [pareto, top-share], got 'top'.");
    assertThatThrownBy(() -> rules("value.points.expiry-month-day=\"02-29\""))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("must exist every year; 02-29 does not.");
  }
}
