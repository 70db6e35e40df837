package dev.clientele.common.table;

import static dev.clientele.testing.DatasetAssert.assertThatDataset;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.testing.SparkTestExtension;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class DeltaIOTest {
  private static Dataset<Row> snapshot(SparkSession spark, String asOf, String... labels) {
    StringBuilder sql = new StringBuilder("SELECT * FROM VALUES ");
    for (int i = 0; i < labels.length; i++) {
      if (i > 0) sql.append(", ");
      sql.append("(DATE'")
          .append(asOf)
          .append("', 'c")
          .append(i)
          .append("', '")
          .append(labels[i])
          .append("')");
    }
    return spark.sql(sql + " AS t(as_of, customer_id, label)");
  }

  @Test
  void replaceSnapshotReplacesOnlyThatDateAndARerunChangesNothing(SparkSession spark) {
    String path = SparkTestExtension.freshDir(spark, "snap").resolve("t").toString();
    DeltaIO.replaceSnapshot(
        snapshot(spark, "2026-11-20", "a", "b"), path, LocalDate.parse("2026-11-20"));
    DeltaIO.replaceSnapshot(
        snapshot(spark, "2026-11-21", "x"), path, LocalDate.parse("2026-11-21"));
    DeltaIO.replaceSnapshot(
        snapshot(spark, "2026-11-21", "y", "z"), path, LocalDate.parse("2026-11-21"));
    DeltaIO.replaceSnapshot(
        snapshot(spark, "2026-11-21", "y", "z"), path, LocalDate.parse("2026-11-21"));

    Dataset<Row> expected =
        snapshot(spark, "2026-11-20", "a", "b").union(snapshot(spark, "2026-11-21", "y", "z"));
    assertThatDataset(DeltaIO.read(spark, path).select("as_of", "customer_id", "label"))
        .isEqualTo(expected);
    assertThat(DeltaIO.readSnapshot(spark, path, LocalDate.parse("2026-11-20")).count())
        .isEqualTo(2);
    assertThat(DeltaIO.version(spark, path)).isEqualTo(3);
  }

  /** Statistics named at creation: every file of the table, later ones too, has them alone. */
  @Test
  void insertNewCreatesATableWithStatisticsOnTheNamedColumnsOnly(SparkSession spark) {
    String path = SparkTestExtension.freshDir(spark, "stats").resolve("t").toString();
    for (Dataset<Row> batch :
        java.util.List.of(
            snapshot(spark, "2026-11-20", "a", "b"), snapshot(spark, "2026-11-21", "a", "c"))) {
      DeltaIO.insertNew(
          spark,
          batch,
          path,
          "t.customer_id = s.customer_id AND t.label = s.label",
          java.util.List.of("as_of"),
          "label");
    }

    assertThat(statsColumns(spark, path)).isEqualTo("as_of");
    java.util.List<String> stats =
        spark
            .read()
            .json(path + "/_delta_log/*.json")
            .where("add IS NOT NULL")
            .selectExpr("add.stats")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    // Three files: labels a and b on the 20th, c on the 21st (c0 with label a is there already).
    assertThat(stats)
        .containsExactlyInAnyOrder(
            "{\"numRecords\":1,\"minValues\":{\"as_of\":\"2026-11-20\"},\"maxValues\":{\"as_of\":\"2026-11-20\"},\"nullCount\":{\"as_of\":0}}",
            "{\"numRecords\":1,\"minValues\":{\"as_of\":\"2026-11-20\"},\"maxValues\":{\"as_of\":\"2026-11-20\"},\"nullCount\":{\"as_of\":0}}",
            "{\"numRecords\":1,\"minValues\":{\"as_of\":\"2026-11-21\"},\"maxValues\":{\"as_of\":\"2026-11-21\"},\"nullCount\":{\"as_of\":0}}");
  }

  /** A named column that is also the partition column keeps no statistics, as Delta requires. */
  @Test
  void aPartitionColumnNamedForStatisticsIsLeftOut(SparkSession spark) {
    String path = SparkTestExtension.freshDir(spark, "stats-partition").resolve("t").toString();
    DeltaIO.insertNew(
        spark,
        snapshot(spark, "2026-11-20", "a"),
        path,
        "t.customer_id = s.customer_id AND t.as_of = s.as_of",
        java.util.List.of("as_of", "label"),
        "as_of");

    assertThat(statsColumns(spark, path)).isEqualTo("label");
  }

  /** The table's delta.dataSkippingStatsColumns property. */
  private static String statsColumns(SparkSession spark, String path) {
    return spark
        .sql("DESCRIBE DETAIL delta.`" + path + "`")
        .selectExpr("properties['delta.dataSkippingStatsColumns']")
        .head()
        .getString(0);
  }

  /** A release that adds a column: the next snapshot adds it, earlier snapshots read it as null. */
  @Test
  void aSnapshotWithANewColumnAddsItToTheTable(SparkSession spark) {
    String path = SparkTestExtension.freshDir(spark, "evolve").resolve("t").toString();
    DeltaIO.replaceSnapshot(
        snapshot(spark, "2026-11-20", "a"), path, LocalDate.parse("2026-11-20"));
    DeltaIO.replaceSnapshot(
        snapshot(spark, "2026-11-21", "b").selectExpr("*", "7L AS points_redeemed"),
        path,
        LocalDate.parse("2026-11-21"));

    assertThat(
            DeltaIO.read(spark, path).orderBy("as_of").collectAsList().stream()
                .map(Row::toString)
                .toList())
        .containsExactly("[2026-11-20,c0,a,null]", "[2026-11-21,c0,b,7]");
  }

  /** A column comment keeps the last data commit's note; a write without one clears it. */
  @Test
  void latestNoteIsTheLastDataCommitsNote(SparkSession spark) {
    String path = SparkTestExtension.freshDir(spark, "note").resolve("t").toString();
    assertThat(DeltaIO.latestNote(spark, path)).isNull();
    Dataset<Row> rows = spark.sql("SELECT * FROM VALUES ('a', 1), ('b', 2) AS t(k, v)");
    DeltaIO.overwriteNoted(rows, path, "first");
    DeltaIO.replaceWhereNoted(rows.where("k = 'b'"), path, "k = 'b'", "second");
    assertThat(DeltaIO.latestNote(spark, path)).isEqualTo("second");
    spark.sql("ALTER TABLE delta.`" + path + "` ALTER COLUMN v COMMENT 'a number'");
    assertThat(DeltaIO.latestNote(spark, path)).isEqualTo("second");
    DeltaIO.overwrite(rows, path);
    assertThat(DeltaIO.latestNote(spark, path)).isNull();
  }

  @Test
  void appendOnceSkipsARepeatedTransactionVersion(SparkSession spark) {
    String path = SparkTestExtension.freshDir(spark, "once").resolve("t").toString();
    DeltaIO.appendOnce(snapshot(spark, "2026-11-21", "a"), path, "ingest-test", 7);
    DeltaIO.appendOnce(snapshot(spark, "2026-11-21", "a"), path, "ingest-test", 7);
    DeltaIO.appendOnce(snapshot(spark, "2026-11-21", "b"), path, "ingest-test", 8);
    assertThat(DeltaIO.read(spark, path).count()).isEqualTo(2);
    assertThat(DeltaIO.version(spark, "/nonexistent/clientele")).isEqualTo(-1);
  }

  @Test
  void aPartitionedFirstWriteLeavesOneFilePerPartitionValueWhateverTheTaskCount(
      SparkSession spark) {
    String path = SparkTestExtension.freshDir(spark, "layout").resolve("t").toString();
    // 6 tasks, each holding rows of all 3 days: a plain partitioned write would leave 18 files.
    Dataset<Row> rows =
        spark
            .range(0, 600, 1, 6)
            .selectExpr(
                "CAST(id AS STRING) AS txn_id",
                "date_add(DATE'2026-11-01', CAST(id % 3 AS INT)) AS txn_date");
    DeltaIO.insertNew(
        spark, rows, path, "t.txn_id = s.txn_id AND t.txn_date = s.txn_date", "txn_date");
    assertThat(spark.read().format("delta").load(path).inputFiles()).hasSize(3);
    assertThat(DeltaIO.read(spark, path).count()).isEqualTo(600);
  }
}
