package dev.clientele.publish;

import static dev.clientele.testing.DatasetAssert.assertThatDataset;

import dev.clientele.testing.SparkTestExtension;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class TierHistoryTest {
  private static final java.util.List<String> DIMENSIONS = java.util.List.of("value_tier", "lifecycle_stage");

  /** The customer_tiers shape of long labels: one row per as_of and customer, a column per dimension. */
  static Dataset<Row> wide(Dataset<Row> labels) {
    return labels
        .groupBy("as_of", "customer_id")
        .pivot("dimension", java.util.List.of("value_tier", "lifecycle_stage"))
        .agg(org.apache.spark.sql.functions.first("label"));
  }

  /** Three published dates; c1 stays high then drops, c2 appears late, c3 is absent on day 2. */
  static Dataset<Row> labels(SparkSession spark) {
    return spark.sql(
        """
        SELECT as_of, customer_id, dimension, label, reason FROM VALUES
          (DATE'2026-11-19', 'c1', 'value_tier', 'high', 'r1'),
          (DATE'2026-11-20', 'c1', 'value_tier', 'high', 'r1-changed-reason'),
          (DATE'2026-11-21', 'c1', 'value_tier', 'medium', 'r3'),
          (DATE'2026-11-21', 'c2', 'value_tier', 'low', 'r4'),
          (DATE'2026-11-19', 'c3', 'value_tier', 'low', 'r5'),
          (DATE'2026-11-21', 'c3', 'value_tier', 'low', 'r6'),
          (DATE'2026-11-19', 'c1', 'lifecycle_stage', 'stable', 's1'),
          (DATE'2026-11-20', 'c1', 'lifecycle_stage', 'stable', 's1'),
          (DATE'2026-11-21', 'c1', 'lifecycle_stage', 'stable', 's1')
        AS t(as_of, customer_id, dimension, label, reason)
        """);
  }

  @Test
  void unchangedLabelsKeepOneIntervalAndChangesOrGapsOpenNewOnes(SparkSession spark) {
    Dataset<Row> expected =
        spark.sql(
            """
            SELECT * FROM VALUES
              ('c1', 'value_tier', 'high', 'r1', DATE'2026-11-19', DATE'2026-11-21', false),
              ('c1', 'value_tier', 'medium', 'r3', DATE'2026-11-21', CAST(NULL AS DATE), true),
              ('c2', 'value_tier', 'low', 'r4', DATE'2026-11-21', CAST(NULL AS DATE), true),
              ('c3', 'value_tier', 'low', 'r5', DATE'2026-11-19', DATE'2026-11-20', false),
              ('c3', 'value_tier', 'low', 'r6', DATE'2026-11-21', CAST(NULL AS DATE), true),
              ('c1', 'lifecycle_stage', 'stable', 's1', DATE'2026-11-19', CAST(NULL AS DATE), true)
            AS t(customer_id, dimension, label, reason, valid_from, valid_to, is_current)
            """);
    assertThatDataset(TierHistory.fromSnapshots(labels(spark))).isEqualTo(expected);
  }

  /**
   * Moving the history of the first two dates on to the third gives the same intervals as the
   * full computation: c1 closes high and opens medium, c2 opens, c3 (absent on 11-20) opens again,
   * the unchanged lifecycle interval carries on, and the interval closed before is not returned.
   */
  @Test
  void advancingByTheLatestDateMatchesTheFullComputation(SparkSession spark) {
    Dataset<Row> labels = labels(spark);
    Dataset<Row> before = TierHistory.fromSnapshots(labels.where("as_of < DATE'2026-11-21'"));
    Dataset<Row> advanced =
        TierHistory.advance(before.where("is_current"), labels.where("as_of = DATE'2026-11-21'"), java.time.LocalDate.parse("2026-11-21"));
    Dataset<Row> expected =
        spark.sql(
            """
            SELECT * FROM VALUES
              ('c1', 'value_tier', 'high', 'r1', DATE'2026-11-19', DATE'2026-11-21', false),
              ('c1', 'value_tier', 'medium', 'r3', DATE'2026-11-21', CAST(NULL AS DATE), true),
              ('c2', 'value_tier', 'low', 'r4', DATE'2026-11-21', CAST(NULL AS DATE), true),
              ('c3', 'value_tier', 'low', 'r6', DATE'2026-11-21', CAST(NULL AS DATE), true),
              ('c1', 'lifecycle_stage', 'stable', 's1', DATE'2026-11-19', CAST(NULL AS DATE), true)
            AS t(customer_id, dimension, label, reason, valid_from, valid_to, is_current)
            """);
    assertThatDataset(advanced).isEqualTo(expected);
    assertThatDataset(advanced.unionByName(before.where("NOT is_current"))).isEqualTo(TierHistory.fromSnapshots(labels));
  }

  /** A customer whose label becomes null closes its interval there, like one who is absent. */
  @Test
  void aNullLabelClosesTheIntervalInBothComputations(SparkSession spark) {
    Dataset<Row> labels =
        spark.sql(
            """
            SELECT as_of, customer_id, dimension, label, reason FROM VALUES
              (DATE'2026-11-20', 'c1', 'value_tier', 'a', 'r'),
              (DATE'2026-11-21', 'c1', 'value_tier', CAST(NULL AS STRING), 'r')
            AS t(as_of, customer_id, dimension, label, reason)
            """);
    Dataset<Row> before = TierHistory.fromSnapshots(labels.where("as_of < DATE'2026-11-21'"));
    Dataset<Row> advanced =
        TierHistory.advance(before, labels.where("as_of = DATE'2026-11-21'"), java.time.LocalDate.parse("2026-11-21"));
    Dataset<Row> expected =
        spark.sql(
            """
            SELECT * FROM VALUES ('c1', 'value_tier', 'a', 'r', DATE'2026-11-20', DATE'2026-11-21', false)
            AS t(customer_id, dimension, label, reason, valid_from, valid_to, is_current)
            """);
    assertThatDataset(advanced).isEqualTo(expected);
    assertThatDataset(TierHistory.fromSnapshots(labels)).isEqualTo(expected);
  }

  @Test
  void transitionsCountMovesBetweenConsecutiveDates(SparkSession spark) {
    Dataset<Row> expected =
        spark.sql(
            """
            SELECT * FROM VALUES
              (DATE'2026-11-20', DATE'2026-11-19', 'value_tier', 'high', 'high', 1L),
              (DATE'2026-11-20', DATE'2026-11-19', 'value_tier', 'low', '(gone)', 1L),
              (DATE'2026-11-21', DATE'2026-11-20', 'value_tier', 'high', 'medium', 1L),
              (DATE'2026-11-21', DATE'2026-11-20', 'value_tier', '(new)', 'low', 2L),
              (DATE'2026-11-20', DATE'2026-11-19', 'lifecycle_stage', 'stable', 'stable', 1L),
              (DATE'2026-11-21', DATE'2026-11-20', 'lifecycle_stage', 'stable', 'stable', 1L)
            AS t(as_of, previous_as_of, dimension, from_label, to_label, customers)
            """);
    assertThatDataset(TierTransitions.fromSnapshots(wide(labels(spark)), DIMENSIONS)).isEqualTo(expected);
  }

  /**
   * A null label is absent on its side (c1 on 11-20); a customer missing from the last date goes to
   * (gone) there (c2, c4); one first seen on the last date comes from (new) (c3).
   */
  @Test
  void transitionsTreatNullLabelsAsAbsentAndCoverTheLastDate(SparkSession spark) {
    Dataset<Row> labels =
        spark.sql(
            """
            SELECT as_of, customer_id, dimension, label, reason FROM VALUES
              (DATE'2026-11-19', 'c1', 'value_tier', 'a', 'r'),
              (DATE'2026-11-20', 'c1', 'value_tier', CAST(NULL AS STRING), 'r'),
              (DATE'2026-11-21', 'c1', 'value_tier', 'b', 'r'),
              (DATE'2026-11-19', 'c2', 'value_tier', 'a', 'r'),
              (DATE'2026-11-20', 'c2', 'value_tier', 'a', 'r'),
              (DATE'2026-11-21', 'c3', 'value_tier', 'c', 'r'),
              (DATE'2026-11-20', 'c4', 'value_tier', 'x', 'r')
            AS t(as_of, customer_id, dimension, label, reason)
            """);
    Dataset<Row> expected =
        spark.sql(
            """
            SELECT * FROM VALUES
              (DATE'2026-11-20', DATE'2026-11-19', 'value_tier', 'a', '(gone)', 1L),
              (DATE'2026-11-20', DATE'2026-11-19', 'value_tier', 'a', 'a', 1L),
              (DATE'2026-11-20', DATE'2026-11-19', 'value_tier', '(new)', 'x', 1L),
              (DATE'2026-11-21', DATE'2026-11-20', 'value_tier', '(new)', 'b', 1L),
              (DATE'2026-11-21', DATE'2026-11-20', 'value_tier', 'a', '(gone)', 1L),
              (DATE'2026-11-21', DATE'2026-11-20', 'value_tier', '(new)', 'c', 1L),
              (DATE'2026-11-21', DATE'2026-11-20', 'value_tier', 'x', '(gone)', 1L)
            AS t(as_of, previous_as_of, dimension, from_label, to_label, customers)
            """);
    assertThatDataset(TierTransitions.fromSnapshots(wide(labels), DIMENSIONS)).isEqualTo(expected);
  }
}
