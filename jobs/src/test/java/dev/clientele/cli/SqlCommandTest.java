package dev.clientele.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Published;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.testing.SparkTestExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class SqlCommandTest {
  private static String run(
      SparkSession spark, TableCatalog tables, SqlCommand.Format format, String query)
      throws Exception {
    return run(spark, tables, format, query, false);
  }

  private static String run(
      SparkSession spark,
      TableCatalog tables,
      SqlCommand.Format format,
      String query,
      boolean allowWrite)
      throws Exception {
    SqlCommand command = new SqlCommand();
    command.allowWrite = allowWrite;
    command.queries = List.of(query);
    command.format = format;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    command.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ClienteleConfig config = ClienteleConfig.load(null, List.of(), List.of());
    command
        .bind(config)
        .run(spark, new RunContext("r1", "sql", LocalDate.parse("2026-11-21"), config, tables));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void queriesTablesByNameInEachFormat(SparkSession spark) throws Exception {
    TableCatalog tables = new TableCatalog(SparkTestExtension.freshDir(spark, "sql").toString());
    DeltaIO.overwrite(
        spark.sql(
            "SELECT * FROM VALUES ('c1', 'high', 1200.5D), ('c2', 'low', 3.0D), ('c3', 'low', NULL) AS t(customer_id, value_tier, net_spend)"),
        tables.path(Table.CUSTOMER_TIERS));
    Published.commit(
        spark,
        tables,
        LocalDate.parse("2026-11-21"),
        "r0",
        Map.of(Table.CUSTOMER_TIERS.tableName, 0L));
    // A later commit that no marker names (a crashed publish) is not what the catalog shows.
    DeltaIO.overwrite(
        spark.sql("SELECT 'c9' AS customer_id, 'high' AS value_tier, 1.0D AS net_spend"),
        tables.path(Table.CUSTOMER_TIERS));
    String query =
        "SELECT value_tier, count(*) AS customers, sum(net_spend) AS revenue FROM clientele.customer_tiers GROUP BY 1 ORDER BY 1";

    assertThat(run(spark, tables, SqlCommand.Format.table, query))
        .isEqualTo(
            """
            value_tier  customers  revenue
            ----------  ---------  -------
            high                1   1200.5
            low                 2      3.0
            (2 rows)
            """);
    assertThat(run(spark, tables, SqlCommand.Format.csv, query))
        .isEqualTo("value_tier,customers,revenue\nhigh,1,1200.5\nlow,2,3.0\n");
    assertThat(run(spark, tables, SqlCommand.Format.json, query))
        .isEqualTo(
            "{\"value_tier\":\"high\",\"customers\":1,\"revenue\":1200.5}\n{\"value_tier\":\"low\",\"customers\":2,\"revenue\":3.0}\n");
  }

  @Test
  void badQueryIsAFailedRunWithSparksMessage(SparkSession spark) {
    TableCatalog tables = new TableCatalog(SparkTestExtension.freshDir(spark, "sqlbad").toString());
    assertThatThrownBy(
            () ->
                run(
                    spark,
                    tables,
                    SqlCommand.Format.table,
                    "SELECT nope FROM clientele.no_such_table"))
        .isInstanceOf(JobFailure.class)
        .hasMessageContaining("query failed:")
        .hasMessageContaining("no_such_table");
  }

  @Test
  void writesAreRefusedBeforeSparkStartsAndChangeNothing(SparkSession spark) throws Exception {
    TableCatalog tables = new TableCatalog(SparkTestExtension.freshDir(spark, "sqlro").toString());
    DeltaIO.overwrite(
        spark.sql("SELECT * FROM VALUES ('c1', 'high'), ('c2', 'low') AS t(line_id, channel)"),
        tables.path(Table.TRANSACTIONS));

    assertThatThrownBy(
            () -> run(spark, tables, SqlCommand.Format.csv, "DELETE FROM clientele.transactions"))
        .isInstanceOf(ConfigError.class)
        .hasMessage(
            "refused \"DELETE FROM clientele.transactions\": it is not a query (DeleteFromTable):"
                + " only SELECT, WITH, SHOW, DESCRIBE and EXPLAIN run without --allow-write. Rerun"
                + " with --allow-write to change tables (the run is recorded in runs).");
    assertThatThrownBy(
            () -> run(spark, tables, SqlCommand.Format.csv, "SELECT * FROM text.`/etc/hostname`"))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("it reads text./etc/hostname, which is not a table of database");
    assertThat(run(spark, tables, SqlCommand.Format.csv, "SELECT count(*) AS n FROM transactions"))
        .isEqualTo("n\n2\n");
  }

  @Test
  void theCliExitsTwoNamingAllowWrite() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    int exit;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit = Clientele.commandLine().execute("sql", "CREATE TABLE clientele.x (a INT)");
    } finally {
      System.setErr(original);
    }
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "clientele sql: refused \"CREATE TABLE clientele.x (a INT)\": it is not a query"
                + " (CreateTable): only SELECT, WITH, SHOW, DESCRIBE and EXPLAIN run without"
                + " --allow-write. Rerun with --allow-write to change tables (the run is recorded in"
                + " runs).\n");
  }

  @Test
  void allowWriteRunsTheStatementAndRecordsTheRun(SparkSession spark) throws Exception {
    TableCatalog tables = new TableCatalog(SparkTestExtension.freshDir(spark, "sqlrw").toString());
    DeltaIO.overwrite(
        spark.sql("SELECT * FROM VALUES ('c1', 'high'), ('c2', 'low') AS t(line_id, channel)"),
        tables.path(Table.TRANSACTIONS));

    run(
        spark,
        tables,
        SqlCommand.Format.csv,
        "DELETE FROM clientele.transactions WHERE channel = 'low'",
        true);

    assertThat(spark.read().format("delta").load(tables.path(Table.TRANSACTIONS)).count())
        .isEqualTo(1);
    assertThat(
            spark
                .read()
                .format("delta")
                .load(tables.path(Table.RUNS))
                .selectExpr("job", "source", "status", "message")
                .collectAsList()
                .toString())
        .isEqualTo(
            "[[sql,sql,succeeded,DELETE FROM clientele.transactions WHERE channel = 'low']]");
  }

  @Test
  void theQuerySessionReadsTheGoldViewsButNoPath(SparkSession spark) throws Exception {
    TableCatalog tables = new TableCatalog(SparkTestExtension.freshDir(spark, "sqlro").toString());
    String path = tables.path(Table.CUSTOMER_TIERS);
    DeltaIO.overwrite(spark.sql("SELECT 'c1' AS customer_id, 'high' AS value_tier"), path);
    Published.commit(
        spark,
        tables,
        LocalDate.parse("2026-11-21"),
        "r0",
        Map.of(Table.CUSTOMER_TIERS.tableName, 0L));
    DeltaIO.overwrite(spark.sql("SELECT 'c9' AS customer_id, 'low' AS value_tier"), path);
    dev.clientele.common.table.CatalogRegistration.registerAll(spark, tables);

    SparkSession readOnly = SqlCommand.readOnlySession(spark);

    // The view pins publish version 0 through the catalog, not through delta.`path`.
    assertThat(readOnly.sql("SELECT * FROM customer_tiers").collectAsList().toString())
        .isEqualTo("[[c1,high]]");
    assertThatThrownBy(() -> readOnly.sql("SELECT * FROM delta.`" + path + "`").collect())
        .hasMessageContaining("TABLE_OR_VIEW_NOT_FOUND");
    assertThatThrownBy(() -> readOnly.sql("SELECT * FROM text.`/etc/hostname`").collect())
        .hasMessageContaining("TABLE_OR_VIEW_NOT_FOUND");
    // The caller's session keeps its setting (maintenance statements name tables by path).
    assertThat(spark.conf().get("spark.sql.runSQLOnFiles")).isEqualTo("true");
  }

  /** runs.table_versions printed as {k -> v} in key order, not as Scala's HashMap(...). */
  @Test
  void mapsArraysAndStructsPrintAsSparkShowsThem(SparkSession spark) {
    Dataset<Row> nested =
        spark.sql(
            "SELECT map('segment_summary', 3L, 'customer_tiers', 0L) AS versions,"
                + " array('a', NULL) AS reasons, named_struct('k', 1, 'v', map('x', 2)) AS pair");
    assertThat(SqlCommand.alignedTable(nested.columns(), nested.collectAsList()))
        .isEqualTo(
            "versions                                     reasons    pair\n"
                + "-------------------------------------------  ---------  -------------\n"
                + "{customer_tiers -> 0, segment_summary -> 3}  [a, null]  {1, {x -> 2}}\n"
                + "(1 row)");
    assertThat(SqlCommand.csvCell(SqlCommand.cell(nested.first().get(0)), true))
        .isEqualTo("\"{customer_tiers -> 0, segment_summary -> 3}\"");
  }

  @Test
  void csvNeutralisesFormulaStringsUnlessRaw() {
    assertThat(SqlCommand.csvCell("=HYPERLINK(\"http://x\")", true))
        .isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\"");
    assertThat(SqlCommand.csvCell("+1", true)).isEqualTo("'+1");
    assertThat(SqlCommand.csvCell("-x", true)).isEqualTo("'-x");
    assertThat(SqlCommand.csvCell("@SUM(A1)", true)).isEqualTo("'@SUM(A1)");
    assertThat(SqlCommand.csvCell("\tx", true)).isEqualTo("'\tx");
    assertThat(SqlCommand.csvCell("\rx", true)).isEqualTo("'\rx");
    assertThat(SqlCommand.csvCell("plain", true)).isEqualTo("plain");
    assertThat(SqlCommand.csvCell(-5.5, true)).isEqualTo("-5.5");
    assertThat(SqlCommand.csvCell("", true)).isEqualTo("");
    assertThat(SqlCommand.csvCell(null, true)).isEqualTo("");
    assertThat(SqlCommand.csvCell("=1+1", false)).isEqualTo("=1+1");
  }
}
