package dev.clientele.satisfaction;

import static dev.clientele.satisfaction.Fixtures.complaint;
import static dev.clientele.satisfaction.Fixtures.complaints;
import static dev.clientele.satisfaction.Fixtures.date;
import static dev.clientele.satisfaction.Fixtures.days;
import static dev.clientele.satisfaction.Fixtures.label;
import static dev.clientele.satisfaction.Fixtures.labels;
import static dev.clientele.satisfaction.Fixtures.line;
import static dev.clientele.satisfaction.Fixtures.survey;
import static dev.clientele.satisfaction.Fixtures.surveys;
import static dev.clientele.satisfaction.Fixtures.transactions;
import static dev.clientele.testing.DatasetAssert.assertThatDataset;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.columns.KpiMonthlyColumns;
import dev.clientele.testing.SparkTestExtension;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class SatisfactionKpisTest {
  static final String[] ACTIVITY = {
    "month",
    "dimension",
    "label",
    "active_customers",
    "orders",
    "repurchase_base",
    "repurchasers",
    "repurchase_rate",
    "churn_base",
    "churned_customers",
    "churn_rate",
    "reactivation_base",
    "reactivated_customers",
    "reactivation_rate"
  };

  /**
   * H = 60 days, W = 30 days, as-of 2026-06-30. A buys 01-05, 01-20, 03-10 (churned at the end of
   * May); B buys 01-10 (churned at the end of March), then 05-02 (reactivated in May); C only
   * returns something; D buys 02-27 and 03-20 (a repurchase across the month end; churned end of
   * May).
   */
  Dataset<Row> history(SparkSession spark) {
    return transactions(
        spark,
        line("O1", "A", "2026-01-05", false),
        line("O2", "A", "2026-01-20", false),
        line("O3", "A", "2026-03-10", false),
        line("O4", "A", "2026-04-12", true), // a return: not activity
        line("O5", "A", "2026-07-02", false), // after as-of: ignored
        line("O6", "B", "2026-01-10", false),
        line("O7", "B", "2026-05-02", false),
        line("O8", "C", "2026-02-14", true),
        line("O9", "D", "2026-02-27", false),
        line("O10", "D", "2026-03-20", false));
  }

  static final LocalDate AS_OF = LocalDate.parse("2026-06-30");
  final SatisfactionRules rules =
      Fixtures.rules(
          "satisfaction.churn.horizon-days=60", "satisfaction.kpi.repurchase-window-days=30");

  Dataset<Row> historyKpis(SparkSession spark) {
    Dataset<Row> labels =
        labels(
            spark,
            label("A", "value_tier", "high"),
            label("D", "value_tier", "high"),
            label("B", "value_tier", "low"),
            label("C", "value_tier", "low"),
            label("C", "region", "south"),
            label("A", "region", null));
    return SatisfactionKpis.monthly(
        days(history(spark)), surveys(spark), complaints(spark), labels, rules, AS_OF);
  }

  @Test
  void churnRepurchaseAndReactivationOnHandBuiltHistories(SparkSession spark) {
    Dataset<Row> kpis = historyKpis(spark);

    // 6 months x (overall, value_tier high/low/unknown, region south/unknown).
    assertThat(kpis.count()).isEqualTo(6 * 6);
    assertThatDataset(
            kpis.where(col("dimension").isin("overall", "value_tier"))
                .select(
                    col("month"),
                    col("dimension"),
                    col("label"),
                    col("active_customers"),
                    col("orders"),
                    col("repurchase_base"),
                    col("repurchasers"),
                    col("repurchase_rate"),
                    col("churn_base"),
                    col("churned_customers"),
                    col("churn_rate"),
                    col("reactivation_base"),
                    col("reactivated_customers"),
                    col("reactivation_rate")))
        .containsExactlyRows(
            List.of(
                r("2026-01-01", "overall", "all", 2, 3, 0, 0, null, 0, 0, null, 0, 0, null),
                r("2026-02-01", "overall", "all", 1, 1, 2, 1, 0.5, 2, 0, 0.0, 0, 0, null),
                r("2026-03-01", "overall", "all", 2, 2, 1, 1, 1.0, 3, 1, 0.3333, 0, 0, null),
                r("2026-04-01", "overall", "all", 0, 0, 2, 0, 0.0, 2, 0, 0.0, 1, 0, 0.0),
                r("2026-05-01", "overall", "all", 1, 1, 0, 0, null, 2, 2, 1.0, 1, 1, 1.0),
                r("2026-06-01", "overall", "all", 0, 0, 1, 0, 0.0, 1, 0, 0.0, 2, 0, 0.0),
                r("2026-01-01", "value_tier", "high", 1, 2, 0, 0, null, 0, 0, null, 0, 0, null),
                r("2026-02-01", "value_tier", "high", 1, 1, 1, 1, 1.0, 1, 0, 0.0, 0, 0, null),
                r("2026-03-01", "value_tier", "high", 2, 2, 1, 1, 1.0, 2, 0, 0.0, 0, 0, null),
                r("2026-04-01", "value_tier", "high", 0, 0, 2, 0, 0.0, 2, 0, 0.0, 0, 0, null),
                r("2026-05-01", "value_tier", "high", 0, 0, 0, 0, null, 2, 2, 1.0, 0, 0, null),
                r("2026-06-01", "value_tier", "high", 0, 0, 0, 0, null, 0, 0, null, 2, 0, 0.0),
                r("2026-01-01", "value_tier", "low", 1, 1, 0, 0, null, 0, 0, null, 0, 0, null),
                r("2026-02-01", "value_tier", "low", 0, 0, 1, 0, 0.0, 1, 0, 0.0, 0, 0, null),
                r("2026-03-01", "value_tier", "low", 0, 0, 0, 0, null, 1, 1, 1.0, 0, 0, null),
                r("2026-04-01", "value_tier", "low", 0, 0, 0, 0, null, 0, 0, null, 1, 0, 0.0),
                r("2026-05-01", "value_tier", "low", 1, 1, 0, 0, null, 0, 0, null, 1, 1, 1.0),
                r("2026-06-01", "value_tier", "low", 0, 0, 1, 0, 0.0, 1, 0, 0.0, 0, 0, null),
                unknownZeros("2026-01-01"),
                unknownZeros("2026-02-01"),
                unknownZeros("2026-03-01"),
                unknownZeros("2026-04-01"),
                unknownZeros("2026-05-01"),
                unknownZeros("2026-06-01")));
    // C's label has only a return behind it: present every month, all zeros, rates undefined.
    assertThatDataset(
            kpis.where(col("label").equalTo("south"))
                .select(
                    "active_customers", "orders", "churn_base", "reactivation_base", "churn_rate"))
        .containsExactlyRows(List.of(z(), z(), z(), z(), z(), z()));
    // A null label counts as 'unknown'.
    assertThat(
            kpis.where(col("dimension").equalTo("region").and(col("label").equalTo("unknown")))
                .count())
        .isEqualTo(6);
  }

  static final org.apache.spark.sql.types.StructType HISTORY =
      new org.apache.spark.sql.types.StructType()
          .add("customer_id", "string")
          .add("dimension", "string")
          .add("label", "string")
          .add("valid_from", "date")
          .add("valid_to", "date");

  static Row held(String customer, String label, String from, String to) {
    return org.apache.spark.sql.RowFactory.create(
        customer, "value_tier", label, date(from), to == null ? null : date(to));
  }

  /**
   * The label history the publish has at 06-30: A high from 01-01, low from 03-15 (so high at the
   * starts of January to March, low from April); B low from 04-01 (no label before: unknown January
   * to March); D high from 01-01 to 02-10, then absent (unknown from March). Events as in {@link
   * #history}: A churns in May, B in March and comes back in May, D churns in May.
   */
  static Dataset<Row> heldAt0630(SparkSession spark) {
    return spark.createDataFrame(
        List.of(
            held("A", "high", "2026-01-01", "2026-03-15"),
            held("A", "low", "2026-03-15", null),
            held("B", "low", "2026-04-01", null),
            held("D", "high", "2026-01-01", "2026-02-10")),
        HISTORY);
  }

  @Test
  void eachMonthCountsCustomersUnderTheLabelHeldAtItsStartAndUnknownWithoutOne(SparkSession spark) {
    Dataset<Row> kpis =
        SatisfactionKpis.monthly(
            days(history(spark)),
            surveys(spark),
            complaints(spark),
            heldAt0630(spark),
            List.of("value_tier"),
            rules,
            AS_OF);
    assertThatDataset(kpis.where(col("dimension").equalTo("value_tier")).selectExpr(ACTIVITY))
        .containsExactlyRows(
            List.of(
                // high is held at the starts of January to March only (A, and D until February).
                r("2026-01-01", "value_tier", "high", 1, 2, 0, 0, null, 0, 0, null, 0, 0, null),
                r("2026-02-01", "value_tier", "high", 1, 1, 1, 1, 1.0, 1, 0, 0.0, 0, 0, null),
                r("2026-03-01", "value_tier", "high", 1, 1, 0, 0, null, 1, 0, 0.0, 0, 0, null),
                // low from April: A's churn in May counts under low, not under the high it had
                // when it bought; B's return in May too.
                r("2026-04-01", "value_tier", "low", 0, 0, 1, 0, 0.0, 1, 0, 0.0, 1, 0, 0.0),
                r("2026-05-01", "value_tier", "low", 1, 1, 0, 0, null, 1, 1, 1.0, 1, 1, 1.0),
                r("2026-06-01", "value_tier", "low", 0, 0, 1, 0, 0.0, 1, 0, 0.0, 1, 0, 0.0),
                // B before its first label, D after its last: unknown, never today's label.
                r("2026-01-01", "value_tier", "unknown", 1, 1, 0, 0, null, 0, 0, null, 0, 0, null),
                r("2026-02-01", "value_tier", "unknown", 0, 0, 1, 0, 0.0, 1, 0, 0.0, 0, 0, null),
                r("2026-03-01", "value_tier", "unknown", 1, 1, 1, 1, 1.0, 2, 1, 0.5, 0, 0, null),
                r("2026-04-01", "value_tier", "unknown", 0, 0, 1, 0, 0.0, 1, 0, 0.0, 0, 0, null),
                r("2026-05-01", "value_tier", "unknown", 0, 0, 0, 0, null, 1, 1, 1.0, 0, 0, null),
                r("2026-06-01", "value_tier", "unknown", 0, 0, 0, 0, null, 0, 0, null, 1, 0, 0.0)));
    // Every dimension's labels add up to overall in every month.
    assertThatDataset(
            kpis.groupBy("month", "dimension")
                .agg(
                    org.apache.spark.sql.functions.sum("active_customers").as("a"),
                    org.apache.spark.sql.functions.sum("churn_base").as("c"),
                    org.apache.spark.sql.functions.sum("reactivation_base").as("r"))
                .groupBy("month")
                .agg(org.apache.spark.sql.functions.countDistinct("a", "c", "r").as("distinct"))
                .select("distinct")
                .distinct())
        .containsExactlyRows(List.of(List.of(1)));
  }

  /** The label history the publish had at 03-31: B had no label yet. */
  Dataset<Row> heldAt0331(SparkSession spark) {
    return spark.createDataFrame(
        List.of(
            held("A", "high", "2026-01-01", "2026-03-15"),
            held("A", "low", "2026-03-15", null),
            held("D", "high", "2026-01-01", "2026-02-10")),
        HISTORY);
  }

  /**
   * A closed month's rows are a function of its events and the labels held at its start: computed
   * on 03-31 with the history known then, January to March equal those computed on 06-30 after
   * three more months of purchases, churns and labels (B's label from 04-01).
   */
  @Test
  void closedMonthsAreTheSameWhicheverLaterDateTheyAreComputedAt(SparkSession spark) {
    Dataset<Row> march =
        SatisfactionKpis.monthly(
            days(history(spark)),
            surveys(spark),
            complaints(spark),
            heldAt0331(spark),
            List.of("value_tier"),
            rules,
            LocalDate.parse("2026-03-31"));
    Dataset<Row> june =
        SatisfactionKpis.monthly(
            days(history(spark)),
            surveys(spark),
            complaints(spark),
            heldAt0630(spark),
            List.of("value_tier"),
            rules,
            AS_OF);
    assertThat(march.count()).isEqualTo(3 * 3);
    assertThatDataset(june.where(col("month").leq(date("2026-03-01")))).isEqualTo(march);
  }

  /**
   * Complaints open at each month's end, under the label held at the month's start (see heldAt0630:
   * A high to March, low from April; B unknown to March, low from April; D high to February,
   * unknown from March). k1 (A, 02-10 → 04-01 00:30) is open at the ends of February and March:
   * resolved after the March end. k2 (A) is resolved on 03-31, the month's last day: open at no
   * month end. k3 (B, 04-20, resolved after as-of) is open at April, May and June's ends. k4 (D,
   * 01-15, never resolved) at every month end. k5 (B) opened and resolved on the as-of date and k7
   * (A, 05-10) resolved on the as-of date: not open at as-of; k7 open at the May end. k6 opens
   * after as-of.
   */
  @Test
  void openComplaintsAtMonthEndByTheLabelHeldAtTheMonthStart(SparkSession spark) {
    Dataset<Row> complaints = openAndResolved(spark);
    Dataset<Row> june =
        SatisfactionKpis.monthly(
            days(history(spark)),
            surveys(spark),
            complaints,
            heldAt0630(spark),
            List.of("value_tier"),
            rules,
            AS_OF);
    assertThatDataset(june.select("month", "dimension", "label", "open_complaints"))
        .containsExactlyRows(
            List.of(
                r("2026-01-01", "value_tier", "high", 1),
                r("2026-01-01", "value_tier", "unknown", 0),
                r("2026-01-01", "overall", "all", 1),
                r("2026-02-01", "value_tier", "high", 2),
                r("2026-02-01", "value_tier", "unknown", 0),
                r("2026-02-01", "overall", "all", 2),
                r("2026-03-01", "value_tier", "high", 1),
                r("2026-03-01", "value_tier", "unknown", 1),
                r("2026-03-01", "overall", "all", 2),
                r("2026-04-01", "value_tier", "low", 1),
                r("2026-04-01", "value_tier", "unknown", 1),
                r("2026-04-01", "overall", "all", 2),
                r("2026-05-01", "value_tier", "low", 2),
                r("2026-05-01", "value_tier", "unknown", 1),
                r("2026-05-01", "overall", "all", 3),
                r("2026-06-01", "value_tier", "low", 1),
                r("2026-06-01", "value_tier", "unknown", 1),
                r("2026-06-01", "overall", "all", 2)));
    // Computed on 03-31, before k1's resolution was known: January to March are the same.
    Dataset<Row> march =
        SatisfactionKpis.monthly(
            days(history(spark)),
            surveys(spark),
            complaints
                .where("complaint_id <> 'k1'")
                .unionByName(
                    complaints(
                        spark, complaint("k1", "A", "2026-02-10 09:00:00", null, "quality"))),
            heldAt0331(spark),
            List.of("value_tier"),
            rules,
            LocalDate.parse("2026-03-31"));
    assertThatDataset(march.select("month", "dimension", "label", "open_complaints", "complaints"))
        .isEqualTo(
            june.where(col("month").leq(date("2026-03-01")))
                .select("month", "dimension", "label", "open_complaints", "complaints"));
  }

  /**
   * Complaints opened and resolved across month ends: those of
   * openComplaintsAtMonthEndByTheLabelHeldAtTheMonthStart, also read from a given month on below.
   */
  private static Dataset<Row> openAndResolved(SparkSession spark) {
    return complaints(
        spark,
        complaint("k1", "A", "2026-02-10 09:00:00", "2026-04-01 00:30:00", "quality"),
        complaint("k2", "A", "2026-03-05 09:00:00", "2026-03-31 23:00:00", "quality"),
        complaint("k3", "B", "2026-04-20 09:00:00", "2026-07-02 09:00:00", "service"),
        complaint("k4", "D", "2026-01-15 09:00:00", null, "price"),
        complaint("k5", "B", "2026-06-30 10:00:00", "2026-06-30 12:00:00", "service"),
        complaint("k6", "C", "2026-07-01 09:00:00", null, "quality"),
        complaint("k7", "A", "2026-05-10 09:00:00", "2026-06-30 08:00:00", "quality"));
  }

  /**
   * The months from a given one on, computed alone (what a publish that rewrites only the open
   * month asks for), are the rows of the full computation: every measure, with churn and
   * reactivation spells, open complaints and label intervals that began before that month (A's high
   * until 03-15, D's high until 02-10, k1 and k4 open since February and January), and from a month
   * before the first (December 2025: every month) to the as-of month.
   */
  @Test
  void monthsFromAGivenOneAreTheRowsOfTheFullComputation(SparkSession spark) {
    Dataset<Row> redemptions = redemptions(spark);
    java.util.function.Function<LocalDate, Dataset<Row>> from =
        month ->
            SatisfactionKpis.monthly(
                days(history(spark)),
                surveys(spark),
                openAndResolved(spark),
                redemptions,
                heldAt0630(spark),
                List.of("value_tier"),
                rules,
                AS_OF,
                month);
    List<Row> all = from.apply(null).collectAsList();
    assertThat(all).hasSize(6 * 3);
    for (String month :
        List.of(
            "2025-12-01",
            "2026-01-01",
            "2026-02-01",
            "2026-03-01",
            "2026-04-01",
            "2026-05-01",
            "2026-06-01")) {
      Dataset<Row> alone = from.apply(LocalDate.parse(month));
      assertThatDataset(alone)
          .as("from %s", month)
          .isEqualTo(
              spark.createDataFrame(all, alone.schema()).where(col("month").geq(date(month))));
    }
    assertThat(from.apply(LocalDate.parse("2026-06-01")).count()).isEqualTo(3);
  }

  @Test
  void outputHasTheDocumentedSchemaAndPointsRedemptionIsNullWithAReason(SparkSession spark) {
    Dataset<Row> kpis =
        SatisfactionKpis.monthly(
            days(history(spark)),
            surveys(spark),
            complaints(spark),
            heldAt0630(spark),
            List.of("value_tier"),
            rules,
            AS_OF);
    StructField[] expected = KpiMonthlyColumns.SCHEMA.fields();
    StructField[] actual = kpis.schema().fields();
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i].name()).isEqualTo(expected[i].name());
      assertThat(actual[i].dataType()).as(expected[i].name()).isEqualTo(expected[i].dataType());
    }
    Row first =
        kpis.where(col("month").equalTo(date("2026-06-01")))
            .select("as_of", "points_redemption_rate", "points_redemption_note")
            .head();
    // as_of: the date a month's figures run to, its last day once closed.
    assertThat(first.get(0)).isEqualTo(date("2026-06-30"));
    assertThat(
            kpis.where(col("month").equalTo(date("2026-01-01"))).select("as_of").distinct().head())
        .isEqualTo(org.apache.spark.sql.RowFactory.create(date("2026-01-31")));
    // No redemptions input: nothing to measure, so null, and the note says why.
    assertThat(first.isNullAt(1)).isTrue();
    assertThat(first.getString(2)).isEqualTo(SatisfactionKpis.NO_REDEMPTIONS_NOTE);
    assertThat(kpis.where(col("points_redeemed").isNotNull()).count()).isZero();
  }

  /**
   * Every purchase line of {@link #history} is 10.00, so it earns 10 points (rate 1; A's return
   * reverses, it earns nothing). Redemptions: A 15 points on 01-25, D 20 on 03-31 at 23:30, B 5 on
   * 04-10, A 40 on 07-01 (after as-of: ignored). Overall: January 15 of 30 earned (A 20, B 10) =
   * 0.5; February 0 of 10 = 0.0; March 20 of 20 = 1.0; April 5 redeemed with nothing earned: null;
   * June nothing either way: null. By value tier at the month's start, January high (A, D) 15 of 20
   * = 0.75; March unknown (D) 20 of 10 = 2.0: points from earlier months are redeemed too.
   */
  @Test
  void pointsRedemptionRateIsRedeemedOverEarnedInTheMonth(SparkSession spark) {
    Dataset<Row> redemptions = redemptions(spark);
    Dataset<Row> kpis =
        SatisfactionKpis.monthly(
            days(history(spark)),
            surveys(spark),
            complaints(spark),
            redemptions,
            heldAt0630(spark),
            List.of("value_tier"),
            rules,
            AS_OF,
            null);
    String nothing = SatisfactionKpis.NOTHING_EARNED_NOTE;
    assertThatDataset(
            kpis.where("dimension = 'overall' OR month IN (DATE'2026-01-01', DATE'2026-03-01')")
                .select(
                    "month",
                    "dimension",
                    "label",
                    "points_earned",
                    "points_redeemed",
                    "points_redemption_rate",
                    "points_redemption_note"))
        .containsExactlyRows(
            List.of(
                r("2026-01-01", "overall", "all", 30, 15, 0.5, null),
                r("2026-01-01", "value_tier", "high", 20, 15, 0.75, null),
                r("2026-01-01", "value_tier", "unknown", 10, 0, 0.0, null),
                r("2026-02-01", "overall", "all", 10, 0, 0.0, null),
                r("2026-03-01", "overall", "all", 20, 20, 1.0, null),
                r("2026-03-01", "value_tier", "high", 10, 0, 0.0, null),
                r("2026-03-01", "value_tier", "unknown", 10, 20, 2.0, null),
                r("2026-04-01", "overall", "all", 0, 5, null, nothing),
                r("2026-05-01", "overall", "all", 10, 0, 0.0, null),
                r("2026-06-01", "overall", "all", 0, 0, null, nothing)));
  }

  /** The redemptions of pointsRedemptionRateIsRedeemedOverEarnedInTheMonth. */
  private static Dataset<Row> redemptions(SparkSession spark) {
    return spark.createDataFrame(
        List.of(
            redemption("r1", "A", "2026-01-25 10:00:00", 15),
            redemption("r2", "D", "2026-03-31 23:30:00", 20),
            redemption("r3", "B", "2026-04-10 10:00:00", 5),
            redemption("r4", "A", "2026-07-01 10:00:00", 40)),
        dev.clientele.common.columns.RedemptionsColumns.SCHEMA);
  }

  private static Row redemption(String id, String customer, String at, long points) {
    return org.apache.spark.sql.RowFactory.create(
        id, customer, null, Fixtures.ts(at), points, null, "run-1");
  }

  /**
   * Windows count in the month they end in: E's 01-01 window ends 01-31 (January, repurchased
   * exactly on its last day), F's 01-01 window ends 01-31 (not: F came back 02-01), H's 01-10 ends
   * 02-09 (February; a second order the same day is no repurchase), F's 02-01 window ends 03-03
   * (March), G's 03-05 window ends after as-of and is left out.
   */
  @Test
  void repurchaseWindowIsInclusiveSameDayDoesNotCountAndOpenWindowsAreLeftOut(SparkSession spark) {
    Dataset<Row> tx =
        transactions(
            spark,
            line("E1", "E", "2026-01-01", false),
            line("E2", "E", "2026-01-31", false), // exactly 30 days later: a repurchase
            line("F1", "F", "2026-01-01", false),
            line("F2", "F", "2026-02-01", false), // 31 days later: not
            line("H1", "H", "2026-01-10", false),
            line("H2", "H", "2026-01-10", false), // same day, second order: not a repurchase
            line("G1", "G", "2026-03-05", false),
            line("G2", "G", "2026-03-05", false)); // 03-05 + 30 is after as-of: not in the base
    Dataset<Row> kpis =
        SatisfactionKpis.monthly(
            days(tx),
            surveys(spark),
            complaints(spark),
            labels(spark),
            rules,
            LocalDate.parse("2026-03-31"));
    assertThatDataset(
            kpis.select(
                "month",
                "active_customers",
                "orders",
                "repurchase_base",
                "repurchasers",
                "repurchase_rate"))
        .containsExactlyRows(
            List.of(
                Arrays.asList(date("2026-01-01"), 3, 5, 2, 1, 0.5),
                Arrays.asList(date("2026-02-01"), 1, 1, 1, 0, 0.0),
                Arrays.asList(date("2026-03-01"), 1, 2, 1, 0, 0.0)));
  }

  @Test
  void npsIsPromotersMinusDetractorsPercentToTwoDecimals(SparkSession spark) {
    List<Row> answers = new ArrayList<>();
    for (int nps = 0; nps <= 10; nps++)
      answers.add(survey("m" + nps, "X", "2026-03-15", null, nps));
    answers.add(survey("c1", "X", "2026-03-16", 5, null));
    answers.add(survey("c2", "X", "2026-03-16", 4, null));
    answers.add(survey("c3", "Y", "2026-03-16", 4, null));
    for (int i = 0; i < 100; i++) answers.add(survey("p" + i, "Y", "2026-04-02", null, 9 + i % 2));
    for (int i = 0; i < 30; i++) answers.add(survey("q" + i, "Y", "2026-04-02", null, 7 + i % 2));
    for (int i = 0; i < 80; i++) answers.add(survey("d" + i, "Y", "2026-04-02", null, i % 7));
    Dataset<Row> kpis =
        SatisfactionKpis.monthly(
            days(transactions(spark)),
            surveys(spark, answers.toArray(Row[]::new)),
            complaints(spark),
            labels(spark),
            rules,
            LocalDate.parse("2026-04-15"));
    assertThatDataset(
            kpis.select(
                "month",
                "csat_answers",
                "csat_mean",
                "nps_answers",
                "promoters",
                "detractors",
                "nps"))
        .containsExactlyRows(
            List.of(
                Arrays.asList(date("2026-03-01"), 3, 4.33, 11, 2, 7, -45.45),
                Arrays.asList(date("2026-04-01"), 0, null, 210, 100, 80, 9.52)));
  }

  /**
   * Resolution hours per month of resolution, Spark's exact percentile (linear interpolation at
   * position (n − 1) × p): March [1.5, 2, 4, 10, 26, 30] → median 7, p90 28; April [2, 3, 5, 11] →
   * median 4, p90 9.2.
   */
  @Test
  void resolutionMedianAndP90AndComplaintsPer1000Orders(SparkSession spark) {
    Dataset<Row> complaints =
        complaints(
            spark,
            complaint("k1", "A", "2026-03-01 00:00:00", "2026-03-01 01:30:00", "quality"),
            complaint("k2", "A", "2026-03-02 00:00:00", "2026-03-02 02:00:00", "quality"),
            complaint("k3", "B", "2026-03-03 00:00:00", "2026-03-03 04:00:00", "price"),
            complaint("k4", "B", "2026-03-04 00:00:00", "2026-03-04 10:00:00", "service"),
            complaint("k5", "A", "2026-03-10 00:00:00", "2026-03-11 06:00:00", "delivery"),
            // opened in February, resolved in March after 26 hours
            complaint("k6", "B", "2026-02-27 22:00:00", "2026-03-01 00:00:00", "quality"),
            complaint("k7", "A", "2026-04-01 00:00:00", "2026-04-01 02:00:00", "quality"),
            complaint("k8", "A", "2026-04-02 00:00:00", "2026-04-02 03:00:00", "quality"),
            complaint("k9", "A", "2026-04-03 00:00:00", "2026-04-03 05:00:00", "quality"),
            complaint("k10", "A", "2026-04-04 00:00:00", "2026-04-04 11:00:00", "quality"),
            complaint("k11", "A", "2026-04-20 00:00:00", null, "quality"), // still open
            complaint(
                "k12",
                "B",
                "2026-05-30 00:00:00",
                "2026-06-02 00:00:00",
                "quality")); // resolved after as-of
    List<Row> lines = new ArrayList<>();
    lines.add(line("F1", "A", "2026-02-10", false));
    for (int i = 0; i < 8; i++)
      lines.add(line("M" + i, i % 2 == 0 ? "A" : "B", "2026-03-1" + i, false));
    lines.add(line("Y1", "A", "2026-05-05", false));
    lines.add(line("Y2", "B", "2026-05-06", false));
    Dataset<Row> kpis =
        SatisfactionKpis.monthly(
            days(transactions(spark, lines.toArray(Row[]::new))),
            surveys(spark),
            complaints,
            labels(spark),
            rules,
            LocalDate.parse("2026-05-31"));
    assertThatDataset(
            kpis.select(
                "month",
                "orders",
                "complaints",
                "complaints_per_1000_orders",
                "resolved_complaints",
                "resolution_hours_median",
                "resolution_hours_p90"))
        .containsExactlyRows(
            List.of(
                Arrays.asList(date("2026-02-01"), 1, 1, 1000.0, 0, null, null),
                Arrays.asList(date("2026-03-01"), 8, 5, 625.0, 6, 7.0, 28.0),
                Arrays.asList(date("2026-04-01"), 0, 5, null, 4, 4.0, 9.2),
                Arrays.asList(date("2026-05-01"), 2, 1, 500.0, 0, null, null)));
  }

  /**
   * Per label, every measure is over that label's own rows: A (high, north) and B (high, south)
   * have labels in two dimensions, C (low) in one, D in none (unknown in both). CSAT for high is
   * the mean of its three answers, 13 / 3 = 4.33 (not the 4.5 of A's and B's means); hours for high
   * [1, 2, 4, 10] → median 3, p90 8.2; north [1, 2] → 1.5, 1.9; south [4, 10] → 7, 9.4.
   */
  @Test
  void eachLabelAggregatesOnlyItsCustomersAndCustomersWithoutLabelsCountAsUnknown(
      SparkSession spark) {
    Dataset<Row> surveys =
        surveys(
            spark,
            survey("s1", "A", "2026-03-05", 5, null),
            survey("s2", "B", "2026-03-06", 4, null),
            survey("s3", "B", "2026-03-07", 4, null),
            survey("s4", "C", "2026-03-08", 2, null),
            survey("s5", "D", "2026-03-09", 1, null));
    Dataset<Row> complaints =
        complaints(
            spark,
            complaint("k1", "A", "2026-03-01 00:00:00", "2026-03-01 01:00:00", "quality"),
            complaint("k2", "A", "2026-03-02 00:00:00", "2026-03-02 02:00:00", "quality"),
            complaint("k3", "B", "2026-03-03 00:00:00", "2026-03-03 04:00:00", "quality"),
            complaint("k4", "B", "2026-03-04 00:00:00", "2026-03-04 10:00:00", "quality"),
            complaint("k5", "C", "2026-03-05 00:00:00", "2026-03-06 02:00:00", "quality"),
            complaint("k6", "D", "2026-03-06 00:00:00", "2026-03-07 06:00:00", "quality"));
    Dataset<Row> labels =
        labels(
            spark,
            label("A", "value_tier", "high"),
            label("A", "region", "north"),
            label("B", "value_tier", "high"),
            label("B", "region", "south"),
            label("C", "value_tier", "low"));
    Dataset<Row> kpis =
        SatisfactionKpis.monthly(
            days(transactions(spark)),
            surveys,
            complaints,
            labels,
            rules,
            LocalDate.parse("2026-03-31"));
    assertThatDataset(
            kpis.select(
                "dimension",
                "label",
                "csat_answers",
                "csat_mean",
                "complaints",
                "resolved_complaints",
                "resolution_hours_median",
                "resolution_hours_p90"))
        .containsExactlyRows(
            List.of(
                Arrays.asList("overall", "all", 5, 3.2, 6, 6, 7.0, 28.0),
                Arrays.asList("value_tier", "high", 3, 4.33, 4, 4, 3.0, 8.2),
                Arrays.asList("value_tier", "low", 1, 2.0, 1, 1, 26.0, 26.0),
                Arrays.asList("value_tier", "unknown", 1, 1.0, 1, 1, 30.0, 30.0),
                Arrays.asList("region", "north", 1, 5.0, 2, 2, 1.5, 1.9),
                Arrays.asList("region", "south", 2, 4.0, 2, 2, 7.0, 9.4),
                // C (26 h) and D (30 h): median 28, p90 29.6
                Arrays.asList("region", "unknown", 2, 1.5, 2, 2, 28.0, 29.6)));
  }

  /** Property on literal data: every month from the first with data to as-of, for every label. */
  @Test
  void everyMonthIsPresentForEveryLabelOfEveryDimension(SparkSession spark) {
    Dataset<Row> tx =
        transactions(
            spark, line("O1", "A", "2026-01-15", false), line("O2", "B", "2026-03-01", false));
    Dataset<Row> surveys = surveys(spark, survey("s1", "A", "2025-11-20", 4, 9));
    Dataset<Row> labels =
        labels(
            spark,
            label("A", "value_tier", "high"),
            label("B", "value_tier", "low"),
            label("A", "region", "north"),
            label("B", "region", "north"),
            label("Q", "lifecycle_stage", "prospect"));
    Dataset<Row> kpis =
        SatisfactionKpis.monthly(
            days(tx), surveys, complaints(spark), labels, rules, LocalDate.parse("2026-03-10"));

    Map<String, List<String>> monthsByLabel = new TreeMap<>();
    for (Row r :
        kpis.select("dimension", "label", "month")
            .orderBy("dimension", "label", "month")
            .collectAsList()) {
      monthsByLabel
          .computeIfAbsent(r.getString(0) + "/" + r.getString(1), k -> new ArrayList<>())
          .add(r.get(2).toString());
    }
    List<String> months =
        List.of("2025-11-01", "2025-12-01", "2026-01-01", "2026-02-01", "2026-03-01");
    assertThat(monthsByLabel)
        .containsOnlyKeys(
            "overall/all",
            "value_tier/high",
            "value_tier/low",
            "value_tier/unknown",
            "region/north",
            "region/unknown",
            "lifecycle_stage/prospect",
            "lifecycle_stage/unknown");
    monthsByLabel.forEach((key, list) -> assertThat(list).as(key).isEqualTo(months));
    // December has no data at all: zeros, and undefined rates are null.
    assertThatDataset(
            kpis.where(
                    col("month")
                        .equalTo(date("2025-12-01"))
                        .and(col("dimension").equalTo("overall")))
                .select(
                    "active_customers",
                    "orders",
                    "csat_answers",
                    "nps_answers",
                    "complaints",
                    "repurchase_rate",
                    "nps",
                    "csat_mean"))
        .containsExactlyRows(List.of(Arrays.asList(0, 0, 0, 0, 0, null, null, null)));
  }

  @Test
  void emptyInputsGiveAnEmptyTableNotAFailure(SparkSession spark) {
    Dataset<Row> kpis =
        SatisfactionKpis.monthly(
            days(transactions(spark)),
            surveys(spark),
            complaints(spark),
            labels(spark),
            rules,
            AS_OF);
    assertThat(kpis.count()).isZero();
  }

  /**
   * The activity events and both kinds of base spell start from the customer-months; they are built
   * once: with exchange reuse (adaptive execution off, so the executed plan shows it),
   * customer_days is scanned for them once and once more for the month spine, and their final
   * aggregation runs once. Separate aggregate columns per measure gave three scans (each branch
   * pruned the aggregation its own way); the spells as a union of two selections of the marked
   * months, a second aggregation.
   */
  @Test
  void theCustomerMonthsAreBuiltOnceForTheEventsAndTheSpells(SparkSession spark) {
    String daysPath =
        SparkTestExtension.freshDir(spark, "kpi-plan").resolve("customer_days").toString();
    days(history(spark)).write().parquet(daysPath);
    String key = "spark.sql.adaptive.enabled";
    String before = spark.conf().get(key);
    spark.conf().set(key, "false");
    try {
      Dataset<Row> kpis =
          SatisfactionKpis.monthly(
              spark.read().parquet(daysPath),
              surveys(spark),
              openAndResolved(spark),
              redemptions(spark),
              heldAt0630(spark),
              List.of("value_tier"),
              rules,
              AS_OF,
              LocalDate.parse("2026-06-01"));
      List<String> scanned = dev.clientele.features.PlanScans.scannedRoots(kpis);
      assertThat(scanned.stream().filter(p -> p.endsWith("/customer_days")).count())
          .as(scanned.toString())
          .isEqualTo(2);
      // The customer-months' final aggregation appears once; every other reader of it holds a
      // reused exchange.
      assertThat(aggregationsOf(kpis.queryExecution().executedPlan(), "day_facts")).isEqualTo(1);
      assertThat(kpis.count()).isEqualTo(3);
    } finally {
      spark.conf().set(key, before);
    }
  }

  /**
   * The aggregation nodes of {@code plan} (reused exchanges are leaves) whose output names a
   * column.
   */
  private static long aggregationsOf(org.apache.spark.sql.execution.SparkPlan plan, String column) {
    long here =
        plan instanceof org.apache.spark.sql.execution.aggregate.BaseAggregateExec
                && plan.output().exists(a -> a.name().equals(column))
            ? 1
            : 0;
    for (org.apache.spark.sql.execution.SparkPlan child :
        scala.jdk.javaapi.CollectionConverters.asJava(plan.children())) {
      here += aggregationsOf(child, column);
    }
    return here;
  }

  @Test
  void sameRowsUnderOneAndEightShufflePartitions(SparkSession spark) {
    String before = spark.conf().get("spark.sql.shuffle.partitions");
    try {
      spark.conf().set("spark.sql.shuffle.partitions", "1");
      List<Row> one = historyKpis(spark).collectAsList();
      spark.conf().set("spark.sql.shuffle.partitions", "8");
      Dataset<Row> eight = historyKpis(spark);
      assertThatDataset(eight).isEqualTo(spark.createDataFrame(one, eight.schema()));
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", before);
    }
  }

  private static List<Object> r(String month, String dimension, String label, Object... values) {
    List<Object> out = new ArrayList<>();
    out.add(date(month));
    out.add(dimension);
    out.add(label);
    out.addAll(Arrays.asList(values));
    return out;
  }

  private static List<Object> unknownZeros(String month) {
    return r(month, "value_tier", "unknown", 0, 0, 0, 0, null, 0, 0, null, 0, 0, null);
  }

  private static List<Object> z() {
    return Arrays.asList(0, 0, 0, 0, null);
  }
}
