package dev.clientele.publish;

import static dev.clientele.testing.DatasetAssert.assertThatDataset;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.first;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.testing.SparkTestExtension;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class TierHistoryTest {
  private static final List<String> DIMENSIONS = List.of("value_tier", "lifecycle_stage");

  /**
   * The customer_tiers shape of long labels: one row per as_of and customer, a column per dimension
   * and its reason in {@code <dimension>_reason}.
   */
  static Dataset<Row> wide(Dataset<Row> labels) {
    return labels
        .groupBy("as_of", "customer_id")
        .pivot("dimension", List.<Object>copyOf(DIMENSIONS))
        .agg(first("label").as("label"), first("reason").as("reason"))
        .withColumnRenamed("value_tier_label", "value_tier")
        .withColumnRenamed("lifecycle_stage_label", "lifecycle_stage");
  }

  /**
   * Moves the history of the dates before asOf on to asOf, as publish does, the changes broadcast.
   */
  private static Dataset<Row> advance(Dataset<Row> labels, String previous, String asOf) {
    Dataset<Row> current =
        local(
            TierHistory.fromSnapshots(labels.where("as_of < DATE'" + asOf + "'"))
                .where("is_current"));
    Dataset<Row> tiers = wide(labels);
    Dataset<Row> latest = local(tiers.where("as_of = DATE'" + asOf + "'"));
    Dataset<Row> changes =
        local(
            TierHistory.changes(tiers.where("as_of = DATE'" + previous + "'"), latest, DIMENSIONS));
    return TierHistory.advance(
        current, broadcast(changes), latest, DIMENSIONS, LocalDate.parse(asOf));
  }

  /**
   * The frame's rows as a local relation, so a plan built on it shows only what is built on top.
   */
  private static Dataset<Row> local(Dataset<Row> frame) {
    return frame.sparkSession().createDataFrame(frame.collectAsList(), frame.schema());
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
   * Between 11-20 and 11-21: c1's value tier changed, c2's and c3's appeared (c3 was absent on
   * 11-20); c1's lifecycle stage stayed, and labels absent on both sides are no change.
   */
  @Test
  void changesAreTheLabelsThatDifferBetweenTwoSnapshots(SparkSession spark) {
    Dataset<Row> tiers = wide(labels(spark));
    Dataset<Row> expected =
        spark.sql(
            """
            SELECT * FROM VALUES
              ('c1', 'value_tier', 'high', 'medium'),
              ('c2', 'value_tier', CAST(NULL AS STRING), 'low'),
              ('c3', 'value_tier', CAST(NULL AS STRING), 'low')
            AS t(customer_id, dimension, from_label, to_label)
            """);
    assertThatDataset(
            TierHistory.changes(
                tiers.where("as_of = DATE'2026-11-20'"),
                tiers.where("as_of = DATE'2026-11-21'"),
                DIMENSIONS))
        .isEqualTo(expected);
  }

  /**
   * Moving the history of the first two dates on to the third gives the same intervals as the full
   * computation: c1 closes high and opens medium, c2 opens, c3 (absent on 11-20) opens again, the
   * unchanged lifecycle interval carries on, and the interval closed before is not returned. The
   * opened intervals take asOf's reasons.
   */
  @Test
  void advancingByTheLatestDateMatchesTheFullComputation(SparkSession spark) {
    Dataset<Row> labels = labels(spark);
    Dataset<Row> advanced = advance(labels, "2026-11-20", "2026-11-21");
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
    Dataset<Row> closedBefore =
        TierHistory.fromSnapshots(labels.where("as_of < DATE'2026-11-21'")).where("NOT is_current");
    assertThatDataset(advanced.unionByName(closedBefore))
        .isEqualTo(TierHistory.fromSnapshots(labels));
  }

  /**
   * With the changes broadcast, neither the current intervals nor asOf's snapshot is shuffled: the
   * two joins are broadcast by the hint alone (automatic broadcasts off), so it reaches them.
   */
  @Test
  void advancingJoinsOnlyTheBroadcastChanges(SparkSession spark) {
    String plan =
        Plans.withoutAutoBroadcasts(spark, advance(labels(spark), "2026-11-20", "2026-11-21"));
    assertThat(plan)
        .doesNotContain("SortMergeJoin")
        .doesNotContain("ShuffledHashJoin")
        .doesNotContain("Exchange hashpartitioning");
    assertThat(plan.split("BroadcastHashJoin", -1)).hasSize(3);
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
    Dataset<Row> advanced = advance(labels, "2026-11-20", "2026-11-21");
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
    assertThatDataset(TierTransitions.fromSnapshots(wide(labels(spark)), DIMENSIONS))
        .isEqualTo(expected);
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
