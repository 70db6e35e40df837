package dev.clientele.publish;

import static dev.clientele.testing.DatasetAssert.assertThatDataset;

import dev.clientele.common.columns.ComplaintsColumns;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.satisfaction.CustomerSatisfaction;
import dev.clientele.satisfaction.SatisfactionRules;
import dev.clientele.testing.SparkTestExtension;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * segment_summary's CSAT and NPS count answering customers only; complaint figures and the
 * churn_cause dimension.
 */
@ExtendWith(SparkTestExtension.class)
class SegmentSummaryTest {

  /**
   * Label a: a promoter, a detractor, a passive and three who never answered the NPS question
   * (unknown, as the satisfaction stage writes it, and null). Label b: nobody answered anything.
   */
  static Dataset<Row> tiers(SparkSession spark) {
    return spark.sql(
        """
        SELECT * FROM VALUES
          (DATE'2026-11-21', 'c1', 'a', CAST(10.00 AS DECIMAL(18,2)), 1L, 5.0D, 'promoter', false),
          (DATE'2026-11-21', 'c2', 'a', CAST(10.00 AS DECIMAL(18,2)), 1L, 1.0D, 'detractor', true),
          (DATE'2026-11-21', 'c3', 'a', CAST(10.00 AS DECIMAL(18,2)), 1L, CAST(NULL AS DOUBLE), 'passive', false),
          (DATE'2026-11-21', 'c4', 'a', CAST(10.00 AS DECIMAL(18,2)), 1L, 4.0D, 'unknown', false),
          (DATE'2026-11-21', 'c5', 'a', CAST(10.00 AS DECIMAL(18,2)), 1L, CAST(NULL AS DOUBLE), 'unknown', false),
          (DATE'2026-11-21', 'c6', 'a', CAST(10.00 AS DECIMAL(18,2)), 1L, CAST(NULL AS DOUBLE), CAST(NULL AS STRING), false),
          (DATE'2026-11-21', 'c7', 'b', CAST(10.00 AS DECIMAL(18,2)), 1L, CAST(NULL AS DOUBLE), 'unknown', false),
          (DATE'2026-11-21', 'c8', 'b', CAST(10.00 AS DECIMAL(18,2)), 1L, CAST(NULL AS DOUBLE), CAST(NULL AS STRING), false)
        AS t(as_of, customer_id, value_tier, monetary, frequency, csat_mean, nps_class, churn_flag)
        """);
  }

  @Test
  void npsAndCsatOverAnsweringCustomersOnlyAndNullWhereNobodyAnswered(SparkSession spark) {
    // a: NPS (1 - 1) / 3 answers = 0.00 (not / 6); CSAT mean of 5, 1, 4 = 3.333. b: both null.
    assertThatDataset(
            SegmentSummary.compute(tiers(spark), List.of("value_tier"))
                .select("label", "customers", "csat_mean", "nps"))
        .isEqualTo(
            spark.sql(
                """
                SELECT * FROM VALUES ('a', 6L, 3.333D, 0.00D), ('b', 2L, CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE))
                AS t(label, customers, csat_mean, nps)
                """));
    // Two promoters among three answers, three non-answerers: 66.67, not 33.33.
    Dataset<Row> morePromoters =
        tiers(spark)
            .where("customer_id <> 'c2'")
            .union(
                spark.sql(
                    "SELECT DATE'2026-11-21', 'c9', 'a', CAST(1.00 AS DECIMAL(18,2)), 1L, CAST(NULL AS DOUBLE), 'promoter', false"));
    assertThatDataset(
            SegmentSummary.compute(morePromoters, List.of("value_tier"))
                .where("label = 'a'")
                .select("nps"))
        .isEqualTo(spark.sql("SELECT 66.67D AS nps"));
  }

  @Test
  void aDataSetWithNoNpsQuestionPublishesNullNpsEverywhere(SparkSession spark) {
    // Surveys asked CSAT only: every customer's nps_class is unknown.
    Dataset<Row> csatOnly =
        tiers(spark).withColumn("nps_class", org.apache.spark.sql.functions.lit("unknown"));
    assertThatDataset(
            SegmentSummary.compute(csatOnly, List.of("value_tier"))
                .select("label", "csat_mean", "nps"))
        .isEqualTo(
            spark.sql(
                """
                SELECT * FROM VALUES ('a', 3.333D, CAST(NULL AS DOUBLE)), ('b', CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE))
                AS t(label, csat_mean, nps)
                """));
    // No satisfaction stage at all (no nps_class or csat_mean column): null, not 0.
    assertThatDataset(
            SegmentSummary.compute(csatOnly.drop("nps_class", "csat_mean"), List.of("value_tier"))
                .select("label", "csat_mean", "nps"))
        .isEqualTo(
            spark.sql(
                """
                SELECT * FROM VALUES ('a', CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE)), ('b', CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE))
                AS t(label, csat_mean, nps)
                """));
  }

  static final LocalDate AS_OF = LocalDate.parse("2026-11-21");

  /** Satisfaction window of 30 days: 2026-10-23 to 2026-11-21. */
  static final SatisfactionRules RULES =
      SatisfactionRules.from(
          ClienteleConfig.load(null, List.of(), List.of("satisfaction.window-days=30"))
              .at("clientele.satisfaction"));

  /**
   * c1 (label a): k1 resolved in 2 h, k2 resolved on the as-of date itself after 47 h, k3 opened on
   * the as-of date and resolved the day after (open at as-of). c3 (a): k4 resolved on the window's
   * first day after 80 h (opened before the window), k5 resolved the day before the window starts.
   * c4 (a): k7 open. c5 (b): k6 opened after as-of. c2 (a) and c6 (b): none.
   */
  static Dataset<Row> complaints(SparkSession spark) {
    return spark
        .sql(
            """
            SELECT * FROM VALUES
              ('k1', 'c1', TIMESTAMP'2026-11-01 00:00:00', TIMESTAMP'2026-11-01 02:00:00'),
              ('k2', 'c1', TIMESTAMP'2026-11-20 00:00:00', TIMESTAMP'2026-11-21 23:00:00'),
              ('k3', 'c1', TIMESTAMP'2026-11-21 10:00:00', TIMESTAMP'2026-11-22 01:00:00'),
              ('k4', 'c3', TIMESTAMP'2026-10-20 00:00:00', TIMESTAMP'2026-10-23 08:00:00'),
              ('k5', 'c3', TIMESTAMP'2026-10-01 00:00:00', TIMESTAMP'2026-10-22 23:00:00'),
              ('k6', 'c5', TIMESTAMP'2026-12-01 00:00:00', CAST(NULL AS TIMESTAMP)),
              ('k7', 'c4', TIMESTAMP'2026-11-10 00:00:00', CAST(NULL AS TIMESTAMP))
            AS t(complaint_id, customer_id, opened_at, resolved_at)
            """)
        .selectExpr(
            "complaint_id",
            "customer_id",
            "CAST(NULL AS STRING) AS order_id",
            "opened_at",
            "resolved_at",
            "'quality' AS category",
            "'low' AS severity",
            "'run-1' AS ingest_run_id")
        .to(ComplaintsColumns.SCHEMA);
  }

  /**
   * complaint_count and open_complaints as the satisfaction stage gives them for {@link
   * #complaints} (opened in the window: k1, k2, k3 for c1, k7 for c4; open at as-of: k3, k7), and
   * churn causes: c2 and c5 churned for service, c3 for price, the rest not churned.
   */
  static Dataset<Row> complaintTiers(SparkSession spark) {
    return spark
        .sql(
            """
        SELECT * FROM VALUES
          (DATE'2026-11-21', 'c1', 'a', 3L, 1L, CAST(NULL AS STRING), false, 'dissatisfied'),
          (DATE'2026-11-21', 'c2', 'a', 0L, 0L, 'service', true, 'unknown'),
          (DATE'2026-11-21', 'c3', 'a', 0L, 0L, 'price', true, 'unknown'),
          (DATE'2026-11-21', 'c4', 'a', 1L, 1L, CAST(NULL AS STRING), false, 'dissatisfied'),
          (DATE'2026-11-21', 'c5', 'b', 0L, 0L, 'service', true, 'unknown'),
          (DATE'2026-11-21', 'c6', 'b', 0L, 0L, CAST(NULL AS STRING), false, 'unknown')
        AS t(as_of, customer_id, value_tier, complaint_count, open_complaints, churn_cause,
             churn_flag, satisfaction_band)
        """)
        .withColumn("net_spend", org.apache.spark.sql.functions.lit(10).cast("decimal(18,2)"));
  }

  static final String[] COMPLAINT_FIGURES = {
    "label",
    "complaint_rate",
    "open_complaints",
    "resolved_complaints",
    "resolution_hours_median",
    "resolution_hours_p90"
  };

  @Test
  void complaintRateOpenComplaintsAndResolutionPercentilesPerLabel(SparkSession spark) {
    // a: 2 of 4 customers complained in the window; open k3, k7; hours [2, 47, 80] (k2 resolved
    // on as-of is in, k5 before the window and k3 after as-of are out): median 47, p90 at
    // position 2 x 0.9 = 1.8: 47 + 0.8 x 33 = 73.4. b: nobody complained: rate 0.0, 0 open, no
    // resolution: null percentiles.
    assertThatDataset(
            SegmentSummary.compute(
                    complaintTiers(spark),
                    CustomerSatisfaction.resolvedInWindow(complaints(spark), RULES, AS_OF),
                    List.of("value_tier"))
                .selectExpr(COMPLAINT_FIGURES))
        .isEqualTo(
            spark.sql(
                """
                SELECT * FROM VALUES
                  ('a', 0.5D, 2L, 3L, 47.0D, 73.4D),
                  ('b', 0.0D, 0L, 0L, CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE))
                AS t(label, complaint_rate, open_complaints, resolved_complaints,
                     resolution_hours_median, resolution_hours_p90)
                """));
    // No complaints input at all: nothing to measure, so null rather than 0.
    assertThatDataset(
            SegmentSummary.compute(complaintTiers(spark), List.of("value_tier"))
                .selectExpr(COMPLAINT_FIGURES))
        .isEqualTo(
            spark.sql(
                """
                SELECT * FROM VALUES
                  ('a', CAST(NULL AS DOUBLE), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
                   CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE)),
                  ('b', CAST(NULL AS DOUBLE), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
                   CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE))
                AS t(label, complaint_rate, open_complaints, resolved_complaints,
                     resolution_hours_median, resolution_hours_p90)
                """));
  }

  @Test
  void churnedCustomersAreCountedByCauseAndEveryoneElseIsNotChurned(SparkSession spark) {
    PublishJob job =
        new PublishJob(
            new PublishRules(List.of("value_tier"), List.of(), List.of(), List.of(), false, 35),
            RULES,
            null);
    Dataset<Row> summary =
        job.segmentSummary(
            complaintTiers(spark),
            CustomerSatisfaction.resolvedInWindow(complaints(spark), RULES, AS_OF),
            AS_OF);
    assertThatDataset(
            summary
                .where("dimension = 'churn_cause'")
                .select("label", "customers", "customer_share", "churn_rate", "complaint_rate"))
        .isEqualTo(
            spark.sql(
                """
                SELECT * FROM VALUES
                  ('service', 2L, 0.333333D, 1.0D, 0.0D),
                  ('price', 1L, 0.166667D, 1.0D, 0.0D),
                  ('not_churned', 3L, 0.5D, 0.0D, 0.666667D)
                AS t(label, customers, customer_share, churn_rate, complaint_rate)
                """));
    // The matrix rows have no complaint figures.
    assertThatDataset(
            summary
                .where("dimension = 'satisfaction_x_value'")
                .selectExpr("count(complaint_rate) + count(open_complaints) AS n"))
        .isEqualTo(spark.sql("SELECT 0L AS n"));
  }
}
