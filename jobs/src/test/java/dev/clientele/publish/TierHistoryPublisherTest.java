package dev.clientele.publish;

import static dev.clientele.testing.DatasetAssert.assertThatDataset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.table.DeltaIO;
import dev.clientele.testing.SparkTestExtension;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * tier_history and tier_transitions kept up to date publish by publish equal the tables computed
 * from every snapshot, whichever way each publish took: incremental for the next date and a rerun,
 * a rebuild of history for a backfill, and a rebuild of both after a publish that never reached
 * them.
 */
@ExtendWith(SparkTestExtension.class)
class TierHistoryPublisherTest {
  private static final List<String> DIMENSIONS = List.of("value_tier", "lifecycle_stage");
  private static final LocalDate D0 = LocalDate.parse("2026-11-18");
  private static final LocalDate D1 = LocalDate.parse("2026-11-19");
  private static final LocalDate D2 = LocalDate.parse("2026-11-20");
  private static final LocalDate D3 = LocalDate.parse("2026-11-21");
  private static final LocalDate D4 = LocalDate.parse("2026-11-22");
  private static final LocalDate D5 = LocalDate.parse("2026-11-23");

  @TempDir Path warehouse;

  private String tiers() {
    return warehouse.resolve("customer_tiers").toString();
  }

  private String history() {
    return warehouse.resolve("tier_history").toString();
  }

  private String transitions() {
    return warehouse.resolve("tier_transitions").toString();
  }

  /** customer_tiers rows for one date: "customer value_tier lifecycle_stage" each. */
  private static Dataset<Row> snapshot(SparkSession spark, LocalDate day, String... customers) {
    StringBuilder values = new StringBuilder();
    for (String c : customers) {
      String[] f = c.split(" ");
      if (values.length() > 0) values.append(", ");
      values
          .append("(DATE'")
          .append(day)
          .append("', '")
          .append(f[0])
          .append("', '")
          .append(f[1])
          .append("', 'why ")
          .append(f[1])
          .append(" on ")
          .append(day)
          .append("', '")
          .append(f[2])
          .append("')");
    }
    return spark.sql(
        "SELECT * FROM VALUES "
            + values
            + " AS t(as_of, customer_id, value_tier, value_tier_reason, lifecycle_stage)");
  }

  private void writeTiers(SparkSession spark, LocalDate day, String... customers) {
    DeltaIO.replaceSnapshot(snapshot(spark, day, customers), tiers(), day);
  }

  private void publish(SparkSession spark, LocalDate day, String... customers) {
    writeTiers(spark, day, customers);
    TierHistoryPublisher publisher =
        TierHistoryPublisher.of(spark, tiers(), DIMENSIONS, day, List.of());
    publisher.publishHistory(history());
    publisher.publishTransitions(transitions());
  }

  /** Both tables equal their computation from every snapshot; returns the two commit notes. */
  private List<String> assertMatchesFullComputation(SparkSession spark) {
    return assertMatchesFullComputation(spark, tiers());
  }

  /** Both tables equal their computation from the snapshots at {@code allSnapshots}. */
  private List<String> assertMatchesFullComputation(SparkSession spark, String allSnapshots) {
    Dataset<Row> labels = TierLabels.toLong(DeltaIO.read(spark, allSnapshots), DIMENSIONS);
    assertThatDataset(
            DeltaIO.read(spark, history())
                .select(
                    "customer_id",
                    "dimension",
                    "label",
                    "reason",
                    "valid_from",
                    "valid_to",
                    "is_current"))
        .isEqualTo(TierHistory.fromSnapshots(labels));
    assertThatDataset(DeltaIO.read(spark, transitions()))
        .isEqualTo(TierTransitions.fromSnapshots(DeltaIO.read(spark, allSnapshots), DIMENSIONS));
    return List.of(DeltaIO.latestNote(spark, history()), DeltaIO.latestNote(spark, transitions()));
  }

  @Test
  void everyWayOfPublishingGivesTheTablesOfAFullComputation(SparkSession spark) {
    publish(spark, D1, "c1 high stable", "c2 low stable", "c3 low new");
    assertThat(assertMatchesFullComputation(spark))
        .allSatisfy(
            note ->
                assertThat(note)
                    .contains("covers 1 published dates through 2026-11-19")
                    .endsWith("(rebuilt)"));

    publish(spark, D2, "c1 high stable", "c2 medium stable", "c4 low new");
    assertThat(assertMatchesFullComputation(spark))
        .allSatisfy(note -> assertThat(note).endsWith("(incremental)"));

    publish(spark, D3, "c1 medium stable", "c2 medium lapsing", "c3 low new", "c4 low stable");
    assertThat(assertMatchesFullComputation(spark))
        .allSatisfy(
            note ->
                assertThat(note)
                    .contains("covers 3 published dates through 2026-11-21")
                    .endsWith("(incremental)"));
    assertThatDataset(
            DeltaIO.read(spark, history())
                .where("customer_id = 'c1' AND dimension = 'value_tier'")
                .select("label", "reason", "valid_from", "valid_to", "is_current"))
        .isEqualTo(
            spark.sql(
                """
            SELECT * FROM VALUES
              ('high', 'why high on 2026-11-19', DATE'2026-11-19', DATE'2026-11-21', false),
              ('medium', 'why medium on 2026-11-21', DATE'2026-11-21', CAST(NULL AS DATE), true)
            AS t(label, reason, valid_from, valid_to, is_current)
            """));

    // A rerun of the latest date with other labels undoes what the first run of it wrote.
    publish(spark, D3, "c1 high stable", "c2 medium stable", "c4 high stable");
    assertThat(assertMatchesFullComputation(spark))
        .allSatisfy(note -> assertThat(note).endsWith("(incremental)"));
    assertThat(
            DeltaIO.read(spark, history())
                .where("customer_id = 'c1' AND dimension = 'value_tier'")
                .count())
        .isEqualTo(1);

    // A backfill before the first date: history is rebuilt, transitions recompute the moves into D0
    // and D1.
    publish(spark, D0, "c1 low new", "c2 low new");
    List<String> notes = assertMatchesFullComputation(spark);
    assertThat(notes.get(0))
        .contains("covers 4 published dates through 2026-11-21")
        .endsWith("(rebuilt)");
    assertThat(notes.get(1)).endsWith("(incremental)");

    // D4 reached customer_tiers but its publish crashed before history and transitions: the next
    // publish finds that they do not cover D4 and rebuilds both.
    writeTiers(spark, D4, "c1 low stable");
    publish(spark, D5, "c1 low stable", "c5 high new");
    assertThat(assertMatchesFullComputation(spark))
        .allSatisfy(
            note ->
                assertThat(note)
                    .contains("covers 6 published dates through 2026-11-23")
                    .endsWith("(rebuilt)"));
  }

  private final java.util.TreeSet<LocalDate> publishedDates = new java.util.TreeSet<>();

  private String everySnapshot() {
    return warehouse.resolve("every_snapshot").toString();
  }

  /**
   * A publish with retention as PublishJob does it: customer_tiers (and, for the reference, a table
   * of every snapshot), history, transitions, then the expired snapshots removed.
   */
  private void publishRetained(
      SparkSession spark, TierRetention retention, LocalDate day, String... customers) {
    retention.checkPublishable(
        day, publishedDates, TierHistoryPublisher.snapshotDates(spark, tiers()));
    writeTiers(spark, day, customers);
    DeltaIO.replaceSnapshot(snapshot(spark, day, customers), everySnapshot(), day);
    TierHistoryPublisher publisher =
        TierHistoryPublisher.of(spark, tiers(), DIMENSIONS, day, publishedDates);
    publisher.publishHistory(history());
    publisher.publishTransitions(transitions());
    retention.prune(spark, tiers(), publisher.held());
    publishedDates.add(day);
  }

  @Test
  void retainedSnapshotsKeepHistoryAndTransitionsWhole(SparkSession spark) {
    TierRetention retention = new TierRetention(3);
    publishRetained(spark, retention, day("2026-10-29"), "c1 high stable", "c2 low new");
    publishRetained(spark, retention, day("2026-10-30"), "c1 high stable", "c2 medium new");
    publishRetained(
        spark, retention, day("2026-10-31"), "c1 high stable", "c2 medium stable", "c3 low new");
    publishRetained(spark, retention, day("2026-11-01"), "c1 high stable", "c2 low stable");
    publishRetained(
        spark, retention, day("2026-11-02"), "c1 high lapsing", "c2 low stable", "c3 low new");
    publishRetained(
        spark, retention, day("2026-11-03"), "c1 high lapsing", "c2 high stable", "c3 low new");
    publishRetained(spark, retention, day("2026-11-04"), "c1 high lapsing", "c2 high stable");
    // Three days back from 11-04 and the month ends.
    assertThat(TierHistoryPublisher.snapshotDates(spark, tiers()))
        .containsExactly(
            day("2026-10-31"), day("2026-11-02"), day("2026-11-03"), day("2026-11-04"));
    assertThat(assertMatchesFullComputation(spark, everySnapshot()))
        .allSatisfy(
            note ->
                assertThat(note)
                    .contains("covers 7 published dates through 2026-11-04")
                    .endsWith("(incremental)"));
    // c1's value_tier interval opened on the first date, whose snapshot is gone.
    assertThatDataset(
            DeltaIO.read(spark, history())
                .where("customer_id = 'c1' AND dimension = 'value_tier'")
                .select("label", "reason", "valid_from", "valid_to", "is_current"))
        .isEqualTo(
            spark.sql(
                "SELECT 'high' AS label, 'why high on 2026-10-29' AS reason, DATE'2026-10-29' AS"
                    + " valid_from, CAST(NULL AS DATE) AS valid_to, true AS is_current"));

    // 11-05 reached customer_tiers but its publish crashed before history and transitions: the
    // rebuild at 11-06 starts from the held run of snapshots (11-02 on) and keeps what is before.
    writeTiers(spark, day("2026-11-05"), "c1 medium lapsing", "c2 high stable");
    DeltaIO.replaceSnapshot(
        snapshot(spark, day("2026-11-05"), "c1 medium lapsing", "c2 high stable"),
        everySnapshot(),
        day("2026-11-05"));
    publishedDates.add(day("2026-11-05"));
    publishRetained(spark, retention, day("2026-11-06"), "c1 high lapsing", "c3 low new");
    assertThat(assertMatchesFullComputation(spark, everySnapshot()))
        .allSatisfy(
            note ->
                assertThat(note)
                    .contains("covers 9 published dates through 2026-11-06")
                    .endsWith("(rebuilt)"));

    // A rerun of a held date before the latest: history rebuilt the same way.
    publishRetained(spark, retention, day("2026-11-05"), "c1 high lapsing", "c2 low stable");
    List<String> notes = assertMatchesFullComputation(spark, everySnapshot());
    assertThat(notes.get(0)).endsWith("(rebuilt)");
    assertThat(notes.get(1)).endsWith("(incremental)");
    assertThat(TierHistoryPublisher.snapshotDates(spark, tiers()))
        .containsExactly(
            day("2026-10-31"), day("2026-11-04"), day("2026-11-05"), day("2026-11-06"));

    // The held run starts at 11-04: it and earlier dates cannot be published again.
    assertThatThrownBy(
            () ->
                retention.checkPublishable(
                    day("2026-11-04"),
                    publishedDates,
                    TierHistoryPublisher.snapshotDates(spark, tiers())))
        .isInstanceOf(dev.clientele.common.job.JobFailure.class)
        .hasMessage(
            "as-of 2026-11-04 cannot be published: customer_tiers no longer holds the daily"
                + " snapshots around it (it holds every published date from 2026-11-04 on and only"
                + " month ends before, clientele.publish.retain-daily-days = 3), so tier_history"
                + " and tier_transitions cannot be recomputed there. Publish a date after"
                + " 2026-11-04, or raise clientele.publish.retain-daily-days before publishing the"
                + " dates you will want to republish.");
  }

  private static LocalDate day(String iso) {
    return LocalDate.parse(iso);
  }

  @Test
  void coverageNeedsTheExactSetOfDates(SparkSession spark) {
    TierHistoryPublisher publisher =
        new TierHistoryPublisher(spark, tiers(), DIMENSIONS, D2, List.of(D1, D2, D3));
    String all = publisher.note("tier_history");
    String withoutD2 =
        new TierHistoryPublisher(spark, tiers(), DIMENSIONS, D3, List.of(D1, D3))
            .note("tier_history");
    String withoutD1 =
        new TierHistoryPublisher(spark, tiers(), DIMENSIONS, D3, List.of(D2, D3))
            .note("tier_history");
    assertThat(all)
        .isEqualTo(
            "clientele tier_history: covers 3 published dates through 2026-11-21 (digest "
                + TierHistoryPublisher.digest(List.of(D1, D2, D3), DIMENSIONS)
                + ")");
    assertThat(publisher.coversAllButAsOf(all + " (incremental)")).isTrue();
    assertThat(publisher.coversAllButAsOf(withoutD2)).isTrue();
    // Same count and last date, a different date missing: not covered.
    assertThat(publisher.coversAllButAsOf(withoutD1)).isFalse();
    // The same dates with other dimensions: not covered (their history would differ).
    assertThat(
            new TierHistoryPublisher(spark, tiers(), List.of("value_tier"), D2, List.of(D1, D2, D3))
                .coversAllButAsOf(all))
        .isFalse();
    assertThat(
            new TierHistoryPublisher(
                    spark,
                    tiers(),
                    List.of("lifecycle_stage", "value_tier"),
                    D2,
                    List.of(D1, D2, D3))
                .coversAllButAsOf(all))
        .isTrue();
    assertThat(publisher.coversAllButAsOf(null)).isFalse();
    assertThat(publisher.coversAllButAsOf("written by hand")).isFalse();
  }
}
