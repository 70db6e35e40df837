package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.ReaderManifests;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.testing.SparkTestExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A non-Spark engine reads the published gold tables: DuckDB, through the Delta symlink manifest
 * (docs/bi-access.md), gets the same aggregates as Spark, although an overwrite left stale Parquet
 * files in the table's folder.
 */
@ExtendWith(SparkTestExtension.class)
class DuckDbReadsGoldIT {
  private static final String AGGREGATES =
      "SELECT as_of, value_tier, count(*) AS customers, sum(monetary) AS monetary FROM %s GROUP BY 1, 2 ORDER BY 1, 2";

  private static Dataset<Row> tiers(SparkSession spark, String asOf, String... tierAndMonetary) {
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < tierAndMonetary.length; i += 2) {
      if (i > 0) values.append(", ");
      values
          .append("(DATE'")
          .append(asOf)
          .append("', 'c")
          .append(i / 2)
          .append("', '")
          .append(tierAndMonetary[i])
          .append("', CAST(")
          .append(tierAndMonetary[i + 1])
          .append(" AS DECIMAL(18,2)))");
    }
    return spark.sql(
        "SELECT * FROM VALUES " + values + " AS t(as_of, customer_id, value_tier, monetary)");
  }

  /**
   * The SQL of docs/bi-access.md: a DuckDB view over the Parquet files a table's manifest lists.
   */
  static void createManifestView(Statement duck, String view, String tablePath)
      throws SQLException {
    duck.execute(
        "SET VARIABLE "
            + view
            + "_files = (SELECT list(url_decode(regexp_replace(line, '^file:', ''))) "
            + "FROM read_csv('"
            + tablePath
            + "/_symlink_format_manifest/**/manifest', "
            + "header = false, columns = {'line': 'VARCHAR'}))");
    duck.execute(
        "CREATE OR REPLACE VIEW "
            + view
            + " AS SELECT * FROM read_parquet(getvariable('"
            + view
            + "_files'), "
            + "hive_partitioning = true)");
  }

  private static List<String> rows(Dataset<Row> frame) {
    return frame.collectAsList().stream()
        .map(
            r -> {
              List<String> cells = new ArrayList<>();
              for (int i = 0; i < r.length(); i++) cells.add(String.valueOf(r.get(i)));
              return String.join("|", cells);
            })
        .toList();
  }

  @Test
  void duckDbGetsSparksAggregatesThroughTheManifest(SparkSession spark) throws SQLException {
    TableCatalog tables = new TableCatalog(SparkTestExtension.freshDir(spark, "duckdb").toString());
    String tiersPath = tables.path(Table.CUSTOMER_TIERS);
    LocalDate first = LocalDate.parse("2026-11-20");
    LocalDate second = LocalDate.parse("2026-11-21");
    DeltaIO.replaceSnapshot(
        tiers(spark, "2026-11-20", "high", "120.50", "low", "3.00", "low", "0.01"),
        tiersPath,
        first);
    DeltaIO.replaceSnapshot(tiers(spark, "2026-11-21", "high", "999.99"), tiersPath, second);
    // A rerun for the same date: its old files stay in the folder until VACUUM.
    DeltaIO.replaceSnapshot(
        tiers(
            spark,
            "2026-11-21",
            "high",
            "200.00",
            "medium",
            "50.25",
            "medium",
            "49.75",
            "low",
            "1.10"),
        tiersPath,
        second);
    // An unpartitioned gold table: its manifest sits directly under _symlink_format_manifest/.
    String summaryPath = tables.path(Table.SEGMENT_SUMMARY);
    DeltaIO.overwrite(
        spark.sql(
            "SELECT * FROM VALUES ('value_tier', 'high', 2L), ('value_tier', 'low', 3L) AS t(dimension, label, customers)"),
        summaryPath);
    // tier_history is partitioned by a boolean as well: docs/bi-access.md names its hive type.
    String historyPath = tables.path(Table.TIER_HISTORY);
    DeltaIO.overwrite(
        spark.sql(
            """
            SELECT * FROM VALUES
              ('c1', 'value_tier', 'high', DATE'2026-11-20', DATE'2026-11-21', false),
              ('c1', 'value_tier', 'low', DATE'2026-11-21', CAST(NULL AS DATE), true),
              ('c2', 'value_tier', 'low', DATE'2026-11-20', CAST(NULL AS DATE), true)
            AS t(customer_id, dimension, label, valid_from, valid_to, is_current)
            """),
        historyPath,
        "dimension",
        "is_current");
    assertThat(ReaderManifests.refreshGold(spark, tables))
        .containsExactly(Table.CUSTOMER_TIERS, Table.SEGMENT_SUMMARY, Table.TIER_HISTORY);

    List<String> expected =
        List.of(
            "2026-11-20|high|1|120.50",
            "2026-11-20|low|2|3.01",
            "2026-11-21|high|1|200.00",
            "2026-11-21|low|1|1.10",
            "2026-11-21|medium|2|100.00");
    assertThat(rows(spark.sql(String.format(AGGREGATES, "delta.`" + tiersPath + "`"))))
        .isEqualTo(expected);

    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = duck.createStatement()) {
      createManifestView(s, "customer_tiers", tiersPath);
      try (ResultSet r = s.executeQuery(String.format(AGGREGATES, "customer_tiers"))) {
        assertThat(JdbcRows.of(r)).isEqualTo(expected);
      }
      try (ResultSet r =
          s.executeQuery("SELECT typeof(as_of), typeof(monetary) FROM customer_tiers LIMIT 1")) {
        assertThat(JdbcRows.of(r)).containsExactly("DATE|DECIMAL(18,2)");
      }
      // Reading the folder instead of the manifest would count the overwritten snapshot twice.
      try (ResultSet r =
          s.executeQuery(
              "SELECT count(*) FROM read_parquet('"
                  + tiersPath
                  + "/**/*.parquet', hive_partitioning = true) WHERE as_of = DATE '2026-11-21'")) {
        assertThat(JdbcRows.of(r)).containsExactly("5");
      }
      s.execute(
          "SET VARIABLE history_files = (SELECT list(url_decode(regexp_replace(line, '^file:', ''))) "
              + "FROM read_csv('"
              + historyPath
              + "/_symlink_format_manifest/**/manifest', "
              + "header = false, columns = {'line': 'VARCHAR'}))");
      try (ResultSet r =
          s.executeQuery(
              "SELECT typeof(is_current), customer_id, label FROM read_parquet(getvariable('history_files'), "
                  + "hive_partitioning = true, hive_types = {'is_current': BOOLEAN}) WHERE is_current ORDER BY customer_id")) {
        assertThat(JdbcRows.of(r)).containsExactly("BOOLEAN|c1|low", "BOOLEAN|c2|low");
      }
      createManifestView(s, "segment_summary", summaryPath);
      try (ResultSet r =
          s.executeQuery("SELECT label, customers FROM segment_summary ORDER BY 1")) {
        assertThat(JdbcRows.of(r)).containsExactly("high|2", "low|3");
      }
    }
  }
}
