package dev.clientele.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The read-only check of {@code clientele sql}: Spark's and Delta's parsers, no SparkSession. */
class ReadOnlySqlTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT value_tier, count(*) FROM clientele.customer_tiers GROUP BY 1",
        "select * from customer_tiers",
        "WITH t AS (SELECT * FROM clientele.runs) SELECT count(*) FROM t",
        "SELECT * FROM spark_catalog.clientele.customer_tiers VERSION AS OF 3",
        "SELECT * FROM clientele.a WHERE x IN (SELECT x FROM clientele.b)",
        "VALUES (1, 2)",
        "SHOW TABLES IN clientele",
        "SHOW COLUMNS IN clientele.customer_tiers",
        "DESCRIBE clientele.customer_tiers",
        "DESCRIBE HISTORY clientele.customer_tiers",
        "DESCRIBE DETAIL clientele.customer_tiers",
        "EXPLAIN SELECT * FROM clientele.customer_tiers",
        "SELEKT nonsense", // does not parse: Spark reports the syntax error and nothing runs
      })
  void queriesShowDescribeAndExplainRead(String statement) {
    assertThat(ReadOnlySql.refusal(statement)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "DELETE FROM clientele.transactions|DeleteFromTable",
        "/* a comment first */ DELETE FROM clientele.transactions|DeleteFromTable",
        "CREATE TABLE clientele.x (a INT)|CreateTable",
        "INSERT INTO clientele.runs SELECT * FROM clientele.runs|InsertIntoStatement",
        "WITH t AS (SELECT 1) INSERT INTO clientele.x SELECT * FROM t|InsertIntoStatement",
        "MERGE INTO clientele.a USING clientele.b ON a.k = b.k WHEN MATCHED THEN DELETE|MergeIntoTable",
        "UPDATE clientele.customer_tiers SET value_tier = 'high'|UpdateTable",
        "DROP TABLE clientele.transactions|DropTable",
        "SET spark.sql.runSQLOnFiles = true|SetCommand",
        "CACHE TABLE clientele.customer_tiers|CacheTable",
        "CREATE TEMPORARY VIEW v AS SELECT 1|CreateViewCommand",
        "ADD JAR /tmp/x.jar|AddJarsCommand",
        "RESTORE TABLE clientele.customer_tiers TO VERSION AS OF 1|RestoreTableStatement",
        "VACUUM clientele.customer_tiers|VacuumTableCommand",
        "OPTIMIZE clientele.customer_tiers|OptimizeTableCommand",
      })
  void everyStatementThatChangesSomethingIsRefusedByName(String statementAndNode) {
    String[] parts = statementAndNode.split("\\|");
    assertThat(ReadOnlySql.refusal(parts[0]))
        .contains(
            "it is not a query ("
                + parts[1]
                + "): only SELECT, WITH, SHOW, DESCRIBE and EXPLAIN run without --allow-write");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT * FROM text.`/etc/hostname`|text./etc/hostname",
        "SELECT * FROM delta.`/tmp/other/table`|delta./tmp/other/table",
        "SELECT * FROM clientele.a JOIN csv.`/etc/passwd` p ON true|csv./etc/passwd",
        "SELECT * FROM clientele.a WHERE x IN (SELECT x FROM json.`/x.json`)|json./x.json",
        "WITH t AS (SELECT * FROM parquet.`/p`) SELECT * FROM t|parquet./p",
        "SELECT * FROM default.other|default.other",
        "SELECT * FROM other_catalog.clientele.t|other_catalog.clientele.t",
        "SELECT (SELECT max(value) FROM text.`/etc/hostname`)|text./etc/hostname",
        "SELECT * FROM clientele.a, LATERAL (SELECT * FROM text.`/x`)|text./x",
        "SELECT * FROM clientele.a WHERE EXISTS (SELECT 1 FROM orc.`/o`)|orc./o",
      })
  void filesAndOtherDatabasesAreNotReadable(String statementAndName) {
    String[] parts = statementAndName.split("\\|");
    assertThat(ReadOnlySql.refusal(parts[0]))
        .contains(
            "it reads "
                + parts[1]
                + ", which is not a table of database clientele (files and other databases are"
                + " not readable here)");
  }

  /** A name computed at analysis time cannot be judged before Spark starts: it is refused. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT * FROM IDENTIFIER('text.`/etc/hostname`')",
        "SELECT * FROM clientele.a WHERE x IN (SELECT x FROM IDENTIFIER('csv.`/p`'))",
      })
  void namesGivenByIdentifierClausesAreRefused(String statement) {
    assertThat(ReadOnlySql.refusal(statement))
        .contains(
            "it names a table with IDENTIFIER(...), which is only judged when it runs: name the"
                + " table of database clientele directly");
  }
}
