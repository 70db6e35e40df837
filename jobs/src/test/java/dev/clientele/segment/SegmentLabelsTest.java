package dev.clientele.segment;

import static dev.clientele.features.FeatureRows.buyer;
import static dev.clientele.features.FeatureRows.prospect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.columns.CustomerSegmentsColumns;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import dev.clientele.features.FeatureRows;
import dev.clientele.testing.SparkTestExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class SegmentLabelsTest {
  static SegmentRules rules(String... overrides) {
    return SegmentRules.from(
        ClienteleConfig.load(null, List.of(), List.of(overrides)).at("clientele"));
  }

  static Map<String, Row> segments(
      SparkSession spark, List<FeatureRows> rows, String... overrides) {
    Dataset<Row> out = SegmentStage.segments(FeatureRows.frame(spark, rows), rules(overrides));
    assertThat(out.schema().fieldNames())
        .containsExactly(CustomerSegmentsColumns.SCHEMA.fieldNames());
    return out.collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs(CustomerSegmentsColumns.CUSTOMER_ID), r -> r));
  }

  static String s(Map<String, Row> rows, String id, String column) {
    Object v = rows.get(id).getAs(column);
    return v == null ? null : v.toString();
  }

  /** Ten buyers: customer i bought i days ago, i orders, 10 x i spend; plus a prospect. */
  static List<FeatureRows> ladder() {
    List<FeatureRows> rows = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      rows.add(
          buyer("C" + i)
              .recency(i)
              .firstAgo(400)
              .orders(i, i + 1)
              .spend(i * 10 + ".00")
              .meanGap(100.0));
    }
    rows.add(prospect("P"));
    return rows;
  }

  @Test
  void rfmScoresCodesAndSegmentsFromQuantileCuts(SparkSession spark) {
    Map<String, Row> out = segments(spark, ladder());
    // Cuts of 1..10 at p20..p80 are 2.8, 4.6, 6.4, 8.2: values 1-2 score 1 ... 9-10 score 5; R
    // reversed.
    assertThat(s(out, "C1", CustomerSegmentsColumns.RFM_CODE)).isEqualTo("511");
    assertThat(s(out, "C3", CustomerSegmentsColumns.RFM_CODE)).isEqualTo("422");
    assertThat(s(out, "C5", CustomerSegmentsColumns.RFM_CODE)).isEqualTo("333");
    assertThat(s(out, "C10", CustomerSegmentsColumns.RFM_CODE)).isEqualTo("155");
    assertThat(s(out, "C1", CustomerSegmentsColumns.RFM_SEGMENT)).isEqualTo("New Customers");
    assertThat(s(out, "C3", CustomerSegmentsColumns.RFM_SEGMENT)).isEqualTo("Potential Loyalists");
    assertThat(s(out, "C5", CustomerSegmentsColumns.RFM_SEGMENT)).isEqualTo("Need Attention");
    assertThat(s(out, "C10", CustomerSegmentsColumns.RFM_SEGMENT)).isEqualTo("Can't Lose Them");
    assertThat(s(out, "C5", CustomerSegmentsColumns.RFM_CODE_REASON))
        .isEqualTo(
            "scored:r=3,recency_days=5,r_cuts=[4.60..6.40),f=3,order_count=5,f_cuts=(4.60..6.40],"
                + "m=3,net_spend=50.00,m_cuts=(46.00..64.00]");
    assertThat(s(out, "C10", CustomerSegmentsColumns.RFM_CODE_REASON))
        .isEqualTo(
            "scored:r=1,recency_days=10,r_cuts=[8.20..+inf),f=5,order_count=10,f_cuts=(8.20..+inf],"
                + "m=5,net_spend=100.00,m_cuts=(82.00..+inf]");
    assertThat(s(out, "C10", CustomerSegmentsColumns.RFM_SEGMENT_REASON))
        .isEqualTo("grid:r=1,f=5,scale=5,rule=cant-lose-them,priority=9");
    assertThat(s(out, "P", CustomerSegmentsColumns.RFM_SEGMENT)).isEqualTo("No Purchases");
    assertThat(s(out, "P", CustomerSegmentsColumns.RFM_CODE)).isNull();
    assertThat(s(out, "P", CustomerSegmentsColumns.R_SCORE)).isNull();
    assertThat(s(out, "P", CustomerSegmentsColumns.RFM_CODE_REASON)).isEqualTo("no_purchase");
  }

  @Test
  void tiesByValueShareAScoreAndAValueAtACutStaysBelow(SparkSession spark) {
    // Orders 1,1,1,1,2,3: cuts p20..p80 = 1, 1, 1, 2, collapsed, widened to 1, 2, 3, 4. Every 1 is
    // F1; 2 equals the second cut and stays below it: F2; 3 likewise F3.
    List<FeatureRows> rows = new ArrayList<>();
    long[] orders = {1, 1, 1, 1, 2, 3};
    for (int i = 0; i < orders.length; i++) rows.add(buyer("T" + i).orders(orders[i], orders[i]));
    Map<String, Row> out = segments(spark, rows);
    for (int i = 0; i < 4; i++)
      assertThat(s(out, "T" + i, CustomerSegmentsColumns.F_SCORE)).isEqualTo("1");
    assertThat(s(out, "T4", CustomerSegmentsColumns.F_SCORE)).isEqualTo("2");
    assertThat(s(out, "T5", CustomerSegmentsColumns.F_SCORE)).isEqualTo("3");
    // Same recency r for all: cuts r, r, r, r widened to r, r+1, r+2, r+3; three lie above r: R4,
    // the same for everyone.
    for (int i = 0; i < 6; i++)
      assertThat(s(out, "T" + i, CustomerSegmentsColumns.R_SCORE)).isEqualTo("4");
  }

  @Test
  void threeScoresMapOntoTheFiveCellGrid(SparkSession spark) {
    Map<String, Row> out = segments(spark, ladder(), "segment.rfm.scores=3");
    // Cuts of 1..10 at p33, p67: 4.00, 7.00. C1: R3 F1 -> grid R5 F2 -> Potential Loyalists.
    assertThat(s(out, "C1", CustomerSegmentsColumns.RFM_CODE)).isEqualTo("311");
    assertThat(s(out, "C1", CustomerSegmentsColumns.RFM_SEGMENT)).isEqualTo("Potential Loyalists");
    assertThat(s(out, "C10", CustomerSegmentsColumns.RFM_CODE)).isEqualTo("133");
    assertThat(s(out, "C10", CustomerSegmentsColumns.RFM_SEGMENT)).isEqualTo("Can't Lose Them");
    Map<String, Row> ten = segments(spark, ladder(), "segment.rfm.scores=10");
    assertThat(s(ten, "C10", CustomerSegmentsColumns.RFM_CODE)).isEqualTo("1-10-10");
  }

  @Test
  void lifecycleStagesAtJustBelowAndJustAboveEveryBar(SparkSession spark) {
    List<FeatureRows> rows =
        List.of(
            prospect("prospect"),
            buyer("churned-181").recency(181),
            buyer("churned-180").recency(180),
            buyer("not-churned-179").recency(179),
            buyer("reactivated-90")
                .recency(10)
                .firstAgo(900)
                .orders(3, 5)
                .reactivatedAgo(90)
                .meanGap(30.0),
            buyer("reactivated-91")
                .recency(10)
                .firstAgo(900)
                .orders(3, 5)
                .reactivatedAgo(91)
                .meanGap(30.0),
            buyer("new-90").recency(90),
            buyer("single-91").recency(91),
            buyer("overdue-60").recency(60).firstAgo(400).orders(5, 5).meanGap(30.0),
            buyer("on-time-59").recency(59).firstAgo(400).orders(5, 5).meanGap(30.0),
            buyer("falling")
                .recency(10)
                .firstAgo(400)
                .orders(5, 5)
                .meanGap(30.0)
                .trend("50.00", "100.00"),
            buyer("not-falling")
                .recency(10)
                .firstAgo(400)
                .orders(5, 5)
                .meanGap(30.0)
                .trend("50.01", "100.00"),
            buyer("rising")
                .recency(10)
                .firstAgo(400)
                .orders(5, 5)
                .meanGap(30.0)
                .trend("100.01", "100.00"));
    Map<String, Row> out = segments(spark, rows);
    Map<String, String> stage = new java.util.TreeMap<>();
    out.forEach((k, v) -> stage.put(k, v.getAs(CustomerSegmentsColumns.LIFECYCLE_STAGE)));
    assertThat(stage)
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("prospect", "prospect"),
                Map.entry("churned-181", "churned"),
                Map.entry("churned-180", "churned"),
                Map.entry("not-churned-179", "declining"),
                Map.entry("reactivated-90", "reactivated"),
                Map.entry("reactivated-91", "stable"),
                Map.entry("new-90", "new"),
                Map.entry("single-91", "declining"),
                Map.entry("overdue-60", "declining"),
                Map.entry("on-time-59", "stable"),
                Map.entry("falling", "declining"),
                Map.entry("not-falling", "stable"),
                Map.entry("rising", "developing")));
    // churned exactly from the horizon (180) on, as is_churned (ChurnRiskTest) and the KPIs.
    assertThat(s(out, "churned-180", CustomerSegmentsColumns.LIFECYCLE_STAGE_REASON))
        .isEqualTo("churned:recency_days=180>=180");
    // Overdue and spend falling are ChurnRisk's signals reaching their bars: overdue from exactly
    // 2 x the mean gap on, spend falling from a drop of exactly spend-drop-bar (0.5) on.
    assertThat(s(out, "overdue-60", CustomerSegmentsColumns.LIFECYCLE_STAGE_REASON))
        .isEqualTo("overdue:recency_days=60>=60.0,gap=30.0,factor=2.0");
    assertThat(s(out, "on-time-59", CustomerSegmentsColumns.LIFECYCLE_STAGE_REASON))
        .isEqualTo("on_cadence:recency_days=59<60.0,last_prev=0.00/0.00");
    assertThat(s(out, "falling", CustomerSegmentsColumns.LIFECYCLE_STAGE_REASON))
        .isEqualTo("spend_falling:last_prev=50.00/100.00,drop=0.50>=0.50");
    assertThat(s(out, "reactivated-90", CustomerSegmentsColumns.LIFECYCLE_STAGE_REASON))
        .isEqualTo("reactivated:on=2026-08-23,days_ago=90<=90,gap_over=180");
    assertThat(s(out, "new-90", CustomerSegmentsColumns.LIFECYCLE_STAGE_REASON))
        .isEqualTo("new:first_purchase=2026-08-23,days_ago=90<=90");
    assertThat(s(out, "single-91", CustomerSegmentsColumns.LIFECYCLE_STAGE_REASON))
        .isEqualTo("single_purchase:recency_days=91>90");
    // Activity: active up to 90 days, lost exactly when churned (180), dormant between.
    assertThat(s(out, "new-90", CustomerSegmentsColumns.ACTIVITY_STATUS)).isEqualTo("active");
    assertThat(s(out, "single-91", CustomerSegmentsColumns.ACTIVITY_STATUS)).isEqualTo("dormant");
    assertThat(s(out, "not-churned-179", CustomerSegmentsColumns.ACTIVITY_STATUS))
        .isEqualTo("dormant");
    assertThat(s(out, "churned-180", CustomerSegmentsColumns.ACTIVITY_STATUS)).isEqualTo("lost");
    assertThat(s(out, "prospect", CustomerSegmentsColumns.ACTIVITY_STATUS)).isEqualTo("none");
    assertThat(s(out, "churned-180", CustomerSegmentsColumns.ACTIVITY_STATUS_REASON))
        .isEqualTo("churned:recency_days=180>=180");
    assertThat(s(out, "single-91", CustomerSegmentsColumns.ACTIVITY_STATUS_REASON))
        .isEqualTo("dormant:recency_days=91>90,horizon_days=180");
  }

  @Test
  void targetFlagFromMeanRfmScoreActivityAndStage(SparkSession spark) {
    // Customer i: recency i, i orders, 10 x i spend: scores R = 6 - i, F = M = i; mean (6 + i) / 3.
    List<FeatureRows> rows = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      rows.add(
          buyer("C" + i)
              .recency(i)
              .firstAgo(400)
              .orders(i, 3)
              .spend(i * 10 + ".00")
              .meanGap(100.0));
    }
    rows.add(prospect("P"));
    Map<String, Row> out = segments(spark, rows, "segment.target.core-min-rfm-mean=3.5");
    assertThat(s(out, "C5", CustomerSegmentsColumns.TARGET_FLAG)).isEqualTo("core");
    assertThat(s(out, "C5", CustomerSegmentsColumns.TARGET_FLAG_REASON))
        .isEqualTo("active_high_rfm:rfm_mean=3.67>=3.50");
    assertThat(s(out, "C4", CustomerSegmentsColumns.TARGET_FLAG)).isEqualTo("potential");
    assertThat(s(out, "C2", CustomerSegmentsColumns.TARGET_FLAG))
        .isEqualTo("potential"); // 2.67 >= 2.5
    assertThat(s(out, "C1", CustomerSegmentsColumns.TARGET_FLAG)).isEqualTo("non-target"); // 2.33
    assertThat(s(out, "C1", CustomerSegmentsColumns.TARGET_FLAG_REASON))
        .isEqualTo("low_rfm:rfm_mean=2.33<2.50,lifecycle_stage=stable");
    assertThat(s(out, "P", CustomerSegmentsColumns.TARGET_FLAG)).isEqualTo("potential");
    assertThat(s(out, "P", CustomerSegmentsColumns.TARGET_FLAG_REASON))
        .isEqualTo("stage:activity=none,lifecycle_stage=prospect");
  }

  @Test
  void preferenceClassesAtTheirBarsAndByPrecedence(SparkSession spark) {
    List<FeatureRows> rows =
        List.of(
            buyer("one-order").orders(1, 1).preference(0.9, 0.9, 9),
            buyer("brand-70").orders(2, 2).preference(0.7, 0.0, 1),
            buyer("brand-6999").orders(2, 2).preference(0.6999, 0.0, 1),
            buyer("discount-10").orders(2, 2).preference(0.1, 0.1, 1),
            buyer("discount-0999").orders(2, 2).preference(0.1, 0.0999, 1),
            buyer("both").orders(2, 2).preference(0.8, 0.5, 1),
            buyer("explorer-5").orders(2, 2).preference(0.1, 0.05, 5),
            buyer("cats-4").orders(2, 2).preference(null, null, 4));
    Map<String, Row> out = segments(spark, rows);
    Map<String, String> cls = new java.util.TreeMap<>();
    out.forEach((k, v) -> cls.put(k, v.getAs(CustomerSegmentsColumns.PREFERENCE_CLASS)));
    assertThat(cls)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "one-order", "none",
                "brand-70", "brand-loyal",
                "brand-6999", "none",
                "discount-10", "price-sensitive",
                "discount-0999", "none",
                "both", "brand-loyal",
                "explorer-5", "category-explorer",
                "cats-4", "none"));
    assertThat(s(out, "one-order", CustomerSegmentsColumns.PREFERENCE_CLASS_REASON))
        .isEqualTo("few_orders:order_count=1<2");
    assertThat(s(out, "brand-70", CustomerSegmentsColumns.PREFERENCE_CLASS_REASON))
        .isEqualTo("brand_loyal:top_brand_share=0.7000>=0.70,brand=B1");
    assertThat(s(out, "cats-4", CustomerSegmentsColumns.PREFERENCE_CLASS_REASON))
        .isEqualTo(
            "no_bar:top_brand_share=0.0000<0.70,discount_share=0.0000<0.10,category_count=4<5");
    Map<String, Row> priceFirst =
        segments(
            spark,
            rows,
            "segment.preference.precedence=[price-sensitive, brand-loyal, category-explorer]");
    assertThat(s(priceFirst, "both", CustomerSegmentsColumns.PREFERENCE_CLASS))
        .isEqualTo("price-sensitive");
  }

  @Test
  void cutPointsAreStoredPerRun(SparkSession spark) {
    List<Row> cuts =
        SegmentStage.cutpoints(FeatureRows.frame(spark, ladder()), FeatureRows.AS_OF, rules())
            .collectAsList();
    assertThat(cuts).hasSize(12);
    assertThat(
            cuts.stream()
                .map(r -> r.getString(1) + "/" + r.getString(2) + "=" + r.get(3))
                .sorted()
                .toList())
        .containsExactly(
            "rfm_frequency/p20=2.8",
            "rfm_frequency/p40=4.6",
            "rfm_frequency/p60=6.4",
            "rfm_frequency/p80=8.2",
            "rfm_monetary/p20=28.0",
            "rfm_monetary/p40=46.0",
            "rfm_monetary/p60=64.0",
            "rfm_monetary/p80=82.0",
            "rfm_recency/p20=2.8",
            "rfm_recency/p40=4.6",
            "rfm_recency/p60=6.4",
            "rfm_recency/p80=8.2");
    assertThat(cuts.get(0).getDate(0)).isEqualTo(java.sql.Date.valueOf(FeatureRows.AS_OF));
  }

  @Test
  void emptyInputGivesNoRowsAndNullCuts(SparkSession spark) {
    Dataset<Row> empty = FeatureRows.frame(spark, List.of());
    assertThat(SegmentStage.segments(empty, rules()).count()).isZero();
    List<Row> cuts = SegmentStage.cutpoints(empty, FeatureRows.AS_OF, rules()).collectAsList();
    assertThat(cuts).hasSize(12).allSatisfy(r -> assertThat(r.get(3)).isNull());
  }

  @Test
  void onlyProspectsAllGetTheNoPurchaseSegment(SparkSession spark) {
    Map<String, Row> out = segments(spark, List.of(prospect("A"), prospect("B")));
    assertThat(out.values())
        .allSatisfy(
            r ->
                assertThat(r.<String>getAs(CustomerSegmentsColumns.RFM_SEGMENT))
                    .isEqualTo("No Purchases"));
  }

  @Test
  void configIsValidatedWithKeyAndAllowedValues() {
    assertThatThrownBy(() -> rules("segment.rfm.scores=6"))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("'clientele.segment.rfm.scores'")
        .hasMessageContaining("must be one of [3, 4, 5, 10], got 6.");
    assertThatThrownBy(() -> rules("segment.rfm.segments.hibernating=null"))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("'clientele.segment.rfm.segments'")
        .hasMessageContaining("no segment covers the cell R1 F1 of the 1..5 grid");
    assertThatThrownBy(() -> rules("segment.rfm.segments.loyal.priority=1"))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("must be unique among segments, 1 is used twice.");
    assertThatThrownBy(() -> rules("segment.activity.active-days=179"))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("'clientele.segment.activity.active-days'")
        .hasMessageContaining(
            "must be below clientele.satisfaction.churn.horizon-days - 1 (179, lost = churned), got 179.");
    assertThatThrownBy(() -> rules("segment.preference.brand-loyal-share=1"))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("must be a share strictly between 0 and 1, got 1.0.");
    assertThatThrownBy(() -> rules("segment.target.potential-stages=[nope]"))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("'nope' is not a lifecycle stage");
  }
}
