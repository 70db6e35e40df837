package dev.clientele.publish;

import static dev.clientele.testing.DatasetAssert.assertThatDataset;

import dev.clientele.testing.SparkTestExtension;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** segment_summary's CSAT and NPS count answering customers only. */
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
}
