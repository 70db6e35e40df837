package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Published;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A non-Spark engine reads the published gold tables: DuckDB, through the publish's file list
 * {@code gold/_published.csv} (docs/bi-access.md), gets the same aggregates as Spark, although an
 * overwrite left stale Parquet files in the table's folder, and a later commit that no marker names
 * (a crashed publish) stays invisible to it.
 */
@ExtendWith(SparkTestExtension.class)
class DuckDbReadsGoldIT {
  private static final String AGGREGATES =
      "SELECT as_of, value_tier, count(*) AS customers, sum(net_spend) AS net_spend FROM %s GROUP BY 1, 2 ORDER BY 1, 2";

  private static Dataset<Row> tiers(SparkSession spark, String asOf, String... tierAndSpend) {
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < tierAndSpend.length; i += 2) {
      if (i > 0) values.append(", ");
      values
          .append("(DATE'")
          .append(asOf)
          .append("', 'c")
          .append(i / 2)
          .append("', '")
          .append(tierAndSpend[i])
          .append("', CAST(")
          .append(tierAndSpend[i + 1])
          .append(" AS DECIMAL(18,2)))");
    }
    return spark.sql(
        "SELECT * FROM VALUES " + values + " AS t(as_of, customer_id, value_tier, net_spend)");
  }

  /**
   * The SQL of docs/bi-access.md: the publish's file list read once into a temporary table, then
   * one DuckDB view per gold table over the Parquet files it lists.
   */
  static void readPublished(Statement duck, String warehouse) throws SQLException {
    duck.execute(
        "CREATE OR REPLACE TEMP TABLE published AS SELECT * FROM read_csv('"
            + warehouse
            + "/gold/_published.csv', header = true, all_varchar = true)");
  }

  static void createView(Statement duck, String table, String hiveTypes) throws SQLException {
    duck.execute(
        "SET VARIABLE "
            + table
            + "_files = (SELECT list(file) FROM published WHERE table_name = '"
            + table
            + "')");
    duck.execute(
        "CREATE OR REPLACE VIEW "
            + table
            + " AS SELECT * FROM read_parquet(getvariable('"
            + table
            + "_files'), hive_partitioning = true"
            + hiveTypes
            + ")");
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
  void duckDbGetsSparksAggregatesThroughThePublishedFileList(SparkSession spark) throws Exception {
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
    // Unpartitioned gold tables.
    for (Table t : List.of(Table.SEGMENT_SUMMARY, Table.KPI_MONTHLY, Table.TIER_TRANSITIONS)) {
      DeltaIO.overwrite(
          spark.sql(
              "SELECT * FROM VALUES ('value_tier', 'high', 2L), ('value_tier', 'low', 3L) AS t(dimension, label, customers)"),
          tables.path(t));
    }
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
    Map<String, Long> versions = new LinkedHashMap<>();
    for (Table gold : Published.goldTables()) {
      long version = DeltaIO.version(spark, tables.path(gold));
      if (version >= 0) versions.put(gold.tableName, version);
    }
    Published.writeReaderFiles(
        spark, tables, Published.commit(spark, tables, second, "run-1", versions));
    // A crashed publish: customer_tiers committed again, but no marker names the new version.
    DeltaIO.replaceSnapshot(tiers(spark, "2026-11-21", "low", "5.00"), tiersPath, second);

    List<String> expected =
        List.of(
            "2026-11-20|high|1|120.50",
            "2026-11-20|low|2|3.01",
            "2026-11-21|high|1|200.00",
            "2026-11-21|low|1|1.10",
            "2026-11-21|medium|2|100.00");
    assertThat(
            rows(
                Published.read(spark, tables, Table.CUSTOMER_TIERS)
                    .groupBy("as_of", "value_tier")
                    .agg(
                        org.apache.spark.sql.functions.count("*"),
                        org.apache.spark.sql.functions.sum("net_spend"))
                    .orderBy("as_of", "value_tier")))
        .isEqualTo(expected);

    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = duck.createStatement()) {
      readPublished(s, tables.warehouse());
      createView(s, "customer_tiers", "");
      try (ResultSet r = s.executeQuery(String.format(AGGREGATES, "customer_tiers"))) {
        assertThat(JdbcRows.of(r)).isEqualTo(expected);
      }
      try (ResultSet r =
          s.executeQuery("SELECT typeof(as_of), typeof(net_spend) FROM customer_tiers LIMIT 1")) {
        assertThat(JdbcRows.of(r)).containsExactly("DATE|DECIMAL(18,2)");
      }
      try (ResultSet r =
          s.executeQuery(
              "SELECT DISTINCT publish_number, as_of, table_name, version FROM published ORDER BY table_name")) {
        assertThat(JdbcRows.of(r))
            .containsExactly(
                "1|2026-11-21|customer_tiers|2",
                "1|2026-11-21|kpi_monthly|0",
                "1|2026-11-21|segment_summary|0",
                "1|2026-11-21|tier_history|0",
                "1|2026-11-21|tier_transitions|0");
      }
      // Reading the folder instead of the list would count the overwritten snapshots too.
      try (ResultSet r =
          s.executeQuery(
              "SELECT count(*) FROM read_parquet('"
                  + tiersPath
                  + "/**/*.parquet', hive_partitioning = true) WHERE as_of = DATE '2026-11-21'")) {
        assertThat(JdbcRows.of(r)).containsExactly("6");
      }
      createView(s, "tier_history", ", hive_types = {'is_current': BOOLEAN}");
      try (ResultSet r =
          s.executeQuery(
              "SELECT typeof(is_current), customer_id, label FROM tier_history WHERE is_current ORDER BY customer_id")) {
        assertThat(JdbcRows.of(r)).containsExactly("BOOLEAN|c1|low", "BOOLEAN|c2|low");
      }
      createView(s, "segment_summary", "");
      try (ResultSet r =
          s.executeQuery("SELECT label, customers FROM segment_summary ORDER BY 1")) {
        assertThat(JdbcRows.of(r)).containsExactly("high|2", "low|3");
      }
    }
  }
}
