package dev.clientele.publish;

import static dev.clientele.testing.DatasetAssert.assertThatDataset;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.testing.SparkTestExtension;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class QualityGatesTest {
  static Dataset<Row> tiers(SparkSession spark) {
    return spark.sql(
        """
        SELECT * FROM VALUES
          (DATE'2026-11-21', 'c1', 'high', 'v: spend 900 >= p80 500', 'stable', CAST(900.00 AS DECIMAL(18,2)), 3L, 4.5D, 'promoter', false),
          (DATE'2026-11-21', 'c2', 'low', 'v: spend 10 < p50 100', 'declining', CAST(10.00 AS DECIMAL(18,2)), 1L, 2.0D, 'detractor', true),
          (DATE'2026-11-21', 'c3', 'low', 'v: spend 20 < p50 100', 'stable', CAST(20.00 AS DECIMAL(18,2)), 2L, CAST(NULL AS DOUBLE), CAST(NULL AS STRING), false),
          (DATE'2026-11-21', 'c4', 'medium', 'v: spend 200 >= p50 100', 'stable', CAST(200.00 AS DECIMAL(18,2)), 2L, 4.0D, 'passive', false)
        AS t(as_of, customer_id, value_tier, value_tier_reason, lifecycle_stage, net_spend, order_count, csat_mean, nps_class, churn_flag)
        """);
  }

  @Test
  void passingSnapshotHasNoFailures(SparkSession spark) {
    assertThat(
            QualityGates.check(
                tiers(spark),
                4,
                List.of("value_tier", "lifecycle_stage"),
                List.of(new QualityGates.ShareBound("value_tier", "high", 0.25, 0.25))))
        .isEmpty();
  }

  @Test
  void eachGateNamesWhatFailed(SparkSession spark) {
    Dataset<Row> bad =
        tiers(spark)
            .union(tiers(spark).limit(1))
            .withColumn("email", org.apache.spark.sql.functions.lit("a@b.c"))
            .withColumn(
                "lifecycle_stage",
                org.apache.spark.sql.functions.expr(
                    "CASE WHEN customer_id = 'c2' THEN NULL ELSE lifecycle_stage END"));
    assertThat(
            QualityGates.check(
                bad,
                4,
                List.of("value_tier", "lifecycle_stage"),
                List.of(new QualityGates.ShareBound("value_tier", "low", 0.0, 0.3))))
        .containsExactly(
            "column 'email' looks like raw PII; published tables hold only pseudonyms",
            "customer_tiers has 5 rows but customer_features has 4",
            "customer_tiers has 1 duplicate customer rows",
            "1 customers have no lifecycle_stage label",
            "value_tier=low share 0.4000 outside [0.0000, 0.3000]");
  }

  @Test
  void aValueThatLooksLikeAnEmailOrPhoneBlocksThePublish(SparkSession spark) {
    Dataset<Row> leaked =
        tiers(spark)
            .withColumn(
                "value_tier_reason",
                org.apache.spark.sql.functions.expr(
                    "CASE customer_id WHEN 'c1' THEN 'contact ana.p@example.co.uk'"
                        + " WHEN 'c2' THEN 'call +44 20 7946 0958' WHEN 'c3' THEN '(415) 555-0134'"
                        + " ELSE value_tier_reason END"))
            .withColumn(
                "nps_class",
                org.apache.spark.sql.functions.expr(
                    "CASE WHEN customer_id = 'c4' THEN '13812345678' ELSE nps_class END"));
    assertThat(QualityGates.check(leaked, 4, List.of("value_tier"), List.of()))
        .containsExactly(
            "3 values of column 'value_tier_reason' look like an e-mail address or phone number;"
                + " published tables hold no raw PII (map the source column as a *_hash column,"
                + " pseudonymised at ingest)",
            "1 values of column 'nps_class' look like an e-mail address or phone number;"
                + " published tables hold no raw PII (map the source column as a *_hash column,"
                + " pseudonymised at ingest)");
  }

  /**
   * The gate looks for the phone pattern only where its hint is found, so every string the pattern
   * finds a number in must hold the hint: the numbers below (those leaked in the test above among
   * them), and strings generated mostly of digits, with the separators, '+' and parentheses the
   * pattern knows.
   */
  @Test
  void everyPhoneNumberFoundHoldsThePhoneHint() {
    Pattern phone = Pattern.compile(QualityGates.PHONE);
    Pattern hint = Pattern.compile(QualityGates.PHONE_HINT);
    for (String value :
        List.of(
            "call +44 20 7946 0958",
            "(415) 555-0134",
            "415.555.0134",
            "+1 4 1 5 5 5 5 0 1 3 4",
            "+86 138-1234-5678",
            "13812345678")) {
      assertThat(phone.matcher(value).find()).as(value).isTrue();
      assertThat(hint.matcher(value).find()).as(value).isTrue();
    }
    Random random = new Random(7);
    String others = " +().-x";
    int phones = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder value = new StringBuilder();
      int length = 8 + random.nextInt(12);
      for (int c = 0; c < length; c++) {
        value.append(
            random.nextInt(4) > 0
                ? (char) ('0' + random.nextInt(10))
                : others.charAt(random.nextInt(others.length())));
      }
      if (phone.matcher(value).find()) {
        phones++;
        assertThat(hint.matcher(value).find()).as(value.toString()).isTrue();
      }
    }
    assertThat(phones).isEqualTo(3599);
  }

  @Test
  void datesTimesAmountsAndIdsAreNotMistakenForPii(SparkSession spark) {
    for (String value :
        List.of(
            "complaint:category=quality,opened=2026-03-02",
            "2026-03-02 10:15:00",
            "2026-03-02T10:15:00+08:00",
            "spend 13800000.00 >= p80 500",
            "epoch=1764000000000",
            "rfm=5-10-3",
            "a@b.c",
            "C0013812345678")) {
      Dataset<Row> tiers =
          tiers(spark).withColumn("value_tier_reason", org.apache.spark.sql.functions.lit(value));
      assertThat(QualityGates.check(tiers, 4, List.of("value_tier"), List.of()))
          .as(value)
          .isEmpty();
    }
    // customer_id is the source's own key, not scanned: a numeric id is not a phone number.
    Dataset<Row> numericIds =
        tiers(spark)
            .withColumn(
                "customer_id",
                org.apache.spark.sql.functions.expr(
                    "concat('1381234567', substr(customer_id, 2))"));
    assertThat(QualityGates.check(numericIds, 4, List.of("value_tier"), List.of())).isEmpty();
  }

  @Test
  void segmentSummaryPerDimensionAndLabel(SparkSession spark) {
    Dataset<Row> expected =
        spark.sql(
            """
            SELECT * FROM VALUES
              (DATE'2026-11-21', 'value_tier', 'high', 1L, 0.25D, CAST(900.00 AS DECIMAL(28,2)), 0.796460D, CAST(300.00 AS DECIMAL(18,2)), 4.5D, 100.00D, 0.0D),
              (DATE'2026-11-21', 'value_tier', 'medium', 1L, 0.25D, CAST(200.00 AS DECIMAL(28,2)), 0.176991D, CAST(100.00 AS DECIMAL(18,2)), 4.0D, 0.00D, 0.0D),
              (DATE'2026-11-21', 'value_tier', 'low', 2L, 0.5D, CAST(30.00 AS DECIMAL(28,2)), 0.026549D, CAST(10.00 AS DECIMAL(18,2)), 2.0D, -100.00D, 0.5D),
              (DATE'2026-11-21', 'lifecycle_stage', 'stable', 3L, 0.75D, CAST(1120.00 AS DECIMAL(28,2)), 0.99115D, CAST(160.00 AS DECIMAL(18,2)), 4.25D, 50.00D, 0.0D),
              (DATE'2026-11-21', 'lifecycle_stage', 'declining', 1L, 0.25D, CAST(10.00 AS DECIMAL(28,2)), 0.00885D, CAST(10.00 AS DECIMAL(18,2)), 2.0D, -100.00D, 1.0D)
            AS t(as_of, dimension, label, customers, customer_share, revenue, revenue_share, aov, csat_mean, nps, churn_rate)
            """);
    assertThatDataset(
            SegmentSummary.compute(tiers(spark), List.of("value_tier", "lifecycle_stage"))
                // The complaint figures are pinned in SegmentSummaryTest.
                .selectExpr(expected.columns()))
        .withTolerance(1e-6)
        .isEqualTo(expected);
  }
}
