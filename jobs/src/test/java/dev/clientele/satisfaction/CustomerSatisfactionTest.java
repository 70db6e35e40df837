package dev.clientele.satisfaction;

import static dev.clientele.satisfaction.Fixtures.complaint;
import static dev.clientele.satisfaction.Fixtures.complaints;
import static dev.clientele.satisfaction.Fixtures.date;
import static dev.clientele.satisfaction.Fixtures.feature;
import static dev.clientele.satisfaction.Fixtures.features;
import static dev.clientele.satisfaction.Fixtures.survey;
import static dev.clientele.satisfaction.Fixtures.surveys;
import static dev.clientele.testing.DatasetAssert.assertThatDataset;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.columns.CustomerSatisfactionColumns;
import dev.clientele.testing.SparkTestExtension;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class CustomerSatisfactionTest {
  static final LocalDate AS_OF = LocalDate.parse("2026-06-30");
  final SatisfactionRules rules = Fixtures.rules();

  static Row f(String customer, long orders) {
    return feature(customer, AS_OF, orders, 10, 20.0, "0.00", "0.00", 0, 0);
  }

  static Dataset<Row> tenFeatures(SparkSession spark) {
    return features(
        spark,
        f("P1", 2),
        f("P2", 1),
        f("P3", 4),
        f("P4", 1),
        f("P5", 1),
        f("P6", 1),
        f("P7", 1),
        f("P8", 0),
        f("P9", 1),
        f("P10", 2));
  }

  /** Ten customers, one per band rule, plus events outside the window and after as-of. */
  Dataset<Row> literalFacts(SparkSession spark) {
    Dataset<Row> features = tenFeatures(spark);
    Dataset<Row> surveys =
        surveys(
            spark,
            survey("s1", "P1", "2026-03-01", 5, 10),
            survey("s2", "P1", "2026-05-01", 4, null),
            survey("s3", "P1", "2026-07-02", 1, 0), // after as-of: ignored
            survey("s4", "P1", "2025-06-30", 1, null), // one day before the 365-day window
            survey("s5", "P4", "2026-05-05", 4, 6),
            survey("s6", "P5", "2026-05-05", 2, null),
            survey("s7", "P6", "2026-05-05", 3, 9),
            // same timestamp: the larger survey id is the later answer
            survey("s8b", "P7", "2026-04-01 10:00:00", 3, 8),
            survey("s8a", "P7", "2026-04-01 10:00:00", 3, 3),
            survey("s9", "Z", "2026-05-05", 1, 0)); // not a customer of the snapshot
    Dataset<Row> complaints =
        complaints(
            spark,
            complaint("c1", "P2", "2026-06-01", null, "delivery"),
            complaint("c2", "P2", "2026-02-01 10:00:00", "2026-02-02 16:00:00", "service"),
            complaint("c3", "P3", "2026-03-01 08:00:00", "2026-03-01 10:00:00", "quality"),
            complaint("c4", "P3", "2026-04-01 08:00:00", "2026-04-01 13:00:00", "price"),
            complaint("c5", "P3", "2025-01-01", "2025-01-02", "quality"), // before the window
            complaint(
                "c9", "P9", "2026-06-20", "2026-07-05", "quality"), // resolved after as-of: open
            complaint("c10", "P10", "2026-01-10 00:00:00", "2026-01-10 06:00:00", "quality"));

    return CustomerSatisfaction.facts(features, surveys, complaints, rules, AS_OF);
  }

  @Test
  void factsAndBandPerCustomer(SparkSession spark) {
    Dataset<Row> facts = literalFacts(spark);

    assertThat(facts.columns())
        .containsExactly(
            Arrays.copyOf(
                CustomerSatisfactionColumns.SCHEMA.fieldNames(),
                CustomerSatisfactionColumns.SCHEMA.fieldNames().length - 8));
    var d = date("2026-06-30");
    assertThatDataset(facts)
        .containsExactlyRows(
            List.of(
                row(
                    "P1",
                    d,
                    2,
                    4.5,
                    10,
                    date("2026-03-01"),
                    "promoter",
                    0,
                    0,
                    null,
                    null,
                    null,
                    0.0,
                    "satisfied",
                    "high_csat:csat_mean=4.50>=4.0"),
                row(
                    "P2",
                    d,
                    0,
                    null,
                    null,
                    null,
                    "unknown",
                    2,
                    1,
                    "delivery",
                    date("2026-06-01"),
                    30.0,
                    2.0,
                    "dissatisfied",
                    "open_complaint:open=1"),
                row(
                    "P3",
                    d,
                    0,
                    null,
                    null,
                    null,
                    "unknown",
                    2,
                    0,
                    "price",
                    date("2026-04-01"),
                    3.5,
                    0.5,
                    "dissatisfied",
                    "complaints:complaint_count=2>=2"),
                row(
                    "P4",
                    d,
                    1,
                    4.0,
                    6,
                    date("2026-05-05"),
                    "detractor",
                    0,
                    0,
                    null,
                    null,
                    null,
                    0.0,
                    "dissatisfied",
                    "last_nps_detractor:last_nps=6"),
                row(
                    "P5",
                    d,
                    1,
                    2.0,
                    null,
                    null,
                    "unknown",
                    0,
                    0,
                    null,
                    null,
                    null,
                    0.0,
                    "dissatisfied",
                    "low_csat:csat_mean=2.00<=2.5"),
                row(
                    "P6",
                    d,
                    1,
                    3.0,
                    9,
                    date("2026-05-05"),
                    "promoter",
                    0,
                    0,
                    null,
                    null,
                    null,
                    0.0,
                    "satisfied",
                    "last_nps_promoter:last_nps=9"),
                row(
                    "P7",
                    d,
                    2,
                    3.0,
                    8,
                    date("2026-04-01"),
                    "passive",
                    0,
                    0,
                    null,
                    null,
                    null,
                    0.0,
                    "neutral",
                    "between_bars:csat_mean=3.00,last_nps_class=passive"),
                row(
                    "P8",
                    d,
                    0,
                    null,
                    null,
                    null,
                    "unknown",
                    0,
                    0,
                    null,
                    null,
                    null,
                    null,
                    "unknown",
                    "no_answers_or_complaints"),
                row(
                    "P9",
                    d,
                    0,
                    null,
                    null,
                    null,
                    "unknown",
                    1,
                    1,
                    "quality",
                    date("2026-06-20"),
                    null,
                    1.0,
                    "dissatisfied",
                    "open_complaint:open=1"),
                row(
                    "P10",
                    d,
                    0,
                    null,
                    null,
                    null,
                    "unknown",
                    1,
                    0,
                    "quality",
                    date("2026-01-10"),
                    6.0,
                    0.5,
                    "neutral",
                    "between_bars:csat_mean=null,last_nps_class=unknown")));
  }

  @Test
  void noSurveyOrComplaintSourceMeansUnknownForEveryone(SparkSession spark) {
    Dataset<Row> features = features(spark, f("A", 3), f("B", 0));
    Dataset<Row> facts =
        CustomerSatisfaction.facts(features, surveys(spark), complaints(spark), rules, AS_OF);
    assertThatDataset(
            facts.select(
                "customer_id",
                "survey_count",
                "complaint_count",
                "nps_class",
                "satisfaction_band",
                "satisfaction_band_reason"))
        .containsExactlyRows(
            List.of(
                row("A", 0, 0, "unknown", "unknown", "no_answers_or_complaints"),
                row("B", 0, 0, "unknown", "unknown", "no_answers_or_complaints")));
  }

  @Test
  void bandBarsAreInclusiveAndConfigurable(SparkSession spark) {
    SatisfactionRules strict =
        Fixtures.rules(
            "satisfaction.band.satisfied-csat-min=4.5",
            "satisfaction.band.dissatisfied-csat-max=3.0");
    Dataset<Row> features =
        features(spark, f("AT45", 1), f("BELOW45", 1), f("AT3", 1), f("ABOVE3", 1));
    Dataset<Row> surveys =
        surveys(
            spark,
            survey("a1", "AT45", "2026-06-01", 4, null),
            survey("a2", "AT45", "2026-06-02", 5, null),
            survey("b1", "BELOW45", "2026-06-01", 4, null),
            survey("c1", "AT3", "2026-06-01", 3, null),
            survey("d1", "ABOVE3", "2026-06-01", 3, 7),
            survey("d2", "ABOVE3", "2026-06-02", 4, null));
    assertThatDataset(
            CustomerSatisfaction.facts(features, surveys, complaints(spark), strict, AS_OF)
                .select("customer_id", "csat_mean", "satisfaction_band_reason"))
        .containsExactlyRows(
            List.of(
                row("AT45", 4.5, "high_csat:csat_mean=4.50>=4.5"),
                row("BELOW45", 4.0, "between_bars:csat_mean=4.00,last_nps_class=unknown"),
                row("AT3", 3.0, "low_csat:csat_mean=3.00<=3.0"),
                row("ABOVE3", 3.5, "between_bars:csat_mean=3.50,last_nps_class=passive")));
  }

  @Test
  void sameFactsBandsAndRiskUnderOneAndEightShufflePartitions(SparkSession spark) {
    String before = spark.conf().get("spark.sql.shuffle.partitions");
    try {
      spark.conf().set("spark.sql.shuffle.partitions", "1");
      Dataset<Row> oneFrame = literalFacts(spark);
      List<Row> one = ChurnRisk.assess(tenFeatures(spark), oneFrame, rules, AS_OF).collectAsList();
      spark.conf().set("spark.sql.shuffle.partitions", "8");
      Dataset<Row> eight = ChurnRisk.assess(tenFeatures(spark), literalFacts(spark), rules, AS_OF);
      assertThat(one).hasSize(10);
      assertThatDataset(eight).isEqualTo(spark.createDataFrame(one, eight.schema()));
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", before);
    }
  }

  static List<Object> row(Object... values) {
    return Arrays.asList(values);
  }
}
