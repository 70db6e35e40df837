package dev.clientele.common.table;

import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Registers the Clientele tables in the catalog database {@value TableCatalog#DATABASE}, so {@code
 * spark-sql}, a Thrift server or {@code clientele sql} see them by name ({@code
 * clientele.customer_tiers}): silver and ops tables as external Delta tables at their warehouse
 * location, the gold tables as views pinned to the versions of the latest publish ({@link
 * Published}), so a query never mixes two publishes. The views read the gold tables by name, from
 * external tables in {@value TableCatalog#GOLD_VERSIONS_DATABASE}, never by path: a session with
 * {@code spark.sql.runSQLOnFiles=false} (clientele sql) can read them. With a Hive metastore
 * (spark.sql.catalogImplementation=hive on a cluster) the registration persists; locally the
 * in-memory catalog is filled at the start of each session that needs it.
 */
public final class CatalogRegistration {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogRegistration.class);

  private CatalogRegistration() {}

  /**
   * Registers every existing non-gold table, then the gold tables as views of the latest publish
   * ({@link Published}): each {@code clientele.<gold table>} is {@code SELECT * FROM
   * clientele_gold_versions.<gold table> VERSION AS OF v} with the version the marker names, its
   * columns carrying the Delta column comments. Re-run after each marker commit, and at the start
   * of every session that reads the catalog, so the views always show one publish. Before the first
   * publish no gold view exists.
   *
   * @return how many tables and views were registered
   */
  public static int registerAll(SparkSession spark, TableCatalog tables) {
    spark.sql(
        "CREATE DATABASE IF NOT EXISTS "
            + TableCatalog.DATABASE
            + " COMMENT 'Clientele customer segment, value and satisfaction tables'");
    spark.sql(
        "CREATE DATABASE IF NOT EXISTS "
            + TableCatalog.GOLD_VERSIONS_DATABASE
            + " COMMENT 'Every version of the Clientele gold tables, for the views in database "
            + TableCatalog.DATABASE
            + " to pin the latest publish; query those views, not these tables'");
    int registered = 0;
    for (Table table : Table.values()) {
      if (table.layer == Table.Layer.GOLD) continue;
      if (registerTable(spark, qualified(table), tables.path(table))) registered++;
    }
    Optional<Published.Publish> publish = Published.current(spark, tables);
    if (publish.isEmpty()) {
      LOG.warn(
          "Nothing published under {} yet: the gold tables are not in the catalog until the first"
              + " publish.",
          tables.warehouse());
    } else {
      for (Table gold : Published.goldTables()) {
        if (publish.get().version(gold).isEmpty()) continue;
        registerView(spark, tables, publish.get(), gold);
        registered++;
      }
    }
    LOG.info(
        "Registered {} tables and views in catalog database '{}'{}",
        registered,
        TableCatalog.DATABASE,
        publish.map(p -> " (gold: publish " + p.number() + " as of " + p.asOf() + ")").orElse(""));
    return registered;
  }

  /**
   * After a commit of the marker: {@link #registerAll} when the names outlive this session (a
   * persistent catalog such as a Hive metastore) or when this session already holds them (whoever
   * registered them here reads the new publish). A local session's in-memory catalog dies with the
   * process, and {@code clientele sql} registers at its own start, so registering there would only
   * cost the run (3 to 4 s of each command-line publish, docs/benchmarks.md).
   *
   * @return whether the names were registered
   */
  public static boolean registerIfKept(SparkSession spark, TableCatalog tables) {
    boolean inMemory =
        spark.sharedState().externalCatalog().unwrapped()
            instanceof org.apache.spark.sql.catalyst.catalog.InMemoryCatalog;
    if (inMemory && !spark.catalog().databaseExists(TableCatalog.DATABASE)) {
      LOG.info(
          "Catalog names not registered: this session's catalog is in memory and has no database"
              + " '{}' (clientele sql registers them when it starts)",
          TableCatalog.DATABASE);
      return false;
    }
    registerAll(spark, tables);
    return true;
  }

  /**
   * {@code name} as an external Delta table at {@code path}, replacing an entry of that name that
   * is a view or points elsewhere (external, so dropping keeps its data). False when no table is
   * there.
   */
  private static boolean registerTable(SparkSession spark, String name, String path) {
    if (!DeltaIO.exists(spark, path)) return false;
    if (spark.catalog().tableExists(name)
        && (isView(spark, name) || !sameLocation(spark, name, path))) {
      drop(spark, name);
    }
    spark.sql(
        "CREATE TABLE IF NOT EXISTS " + name + " USING DELTA LOCATION '" + escape(path) + "'");
    return true;
  }

  /** {@code clientele.<gold>} as a view of the table at its version in {@code publish}. */
  private static void registerView(
      SparkSession spark, TableCatalog tables, Published.Publish publish, Table gold) {
    String name = qualified(gold);
    // A table of that name (registered before gold tables were views) gives way to the view.
    if (spark.catalog().tableExists(name) && !isView(spark, name)) drop(spark, name);
    long version = publish.version(gold).orElseThrow();
    String path = tables.path(gold);
    String versions = TableCatalog.GOLD_VERSIONS_DATABASE + "." + gold.tableName;
    registerTable(spark, versions, path);
    StringBuilder columns = new StringBuilder();
    for (StructField f : DeltaIO.readVersion(spark, path, version).schema().fields()) {
      if (columns.length() > 0) columns.append(", ");
      columns.append('`').append(f.name().replace("`", "``")).append('`');
      if (f.getComment().isDefined()) {
        columns.append(" COMMENT '").append(escape(f.getComment().get())).append('\'');
      }
    }
    spark.sql(
        "CREATE OR REPLACE VIEW "
            + name
            + " ("
            + columns
            + ") COMMENT '"
            + escape(
                "Clientele gold table "
                    + gold.tableName
                    + ": publish "
                    + publish.number()
                    + " (as of "
                    + publish.asOf()
                    + ", run "
                    + publish.runId()
                    + "), Delta version "
                    + version)
            + "' AS SELECT * FROM "
            + versions
            + " VERSION AS OF "
            + version);
  }

  private static boolean isView(SparkSession spark, String name) {
    try {
      return "VIEW".equals(entry(spark, name).tableType().name());
    } catch (org.apache.spark.sql.AnalysisException e) {
      return false; // dropped since tableExists: nothing to replace
    }
  }

  /**
   * The catalog's own entry for {@code name} ({@code database.table}): its type and location as
   * registered, read without loading the Delta table (DESCRIBE DETAIL runs a Spark job over the
   * table's log to count its files, about 0.5 s a table).
   */
  private static CatalogTable entry(SparkSession spark, String name)
      throws org.apache.spark.sql.AnalysisException {
    int dot = name.indexOf('.');
    return spark
        .sessionState()
        .catalog()
        .getTableRawMetadata(
            new TableIdentifier(name.substring(dot + 1), Option.apply(name.substring(0, dot))));
  }

  private static void drop(SparkSession spark, String name) {
    spark.sql((isView(spark, name) ? "DROP VIEW " : "DROP TABLE ") + name);
  }

  /** A Spark SQL string literal's body. */
  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("'", "\\'");
  }

  private static boolean sameLocation(SparkSession spark, String name, String path) {
    try {
      return normalise(entry(spark, name).location().toString()).equals(normalise(path));
    } catch (org.apache.spark.sql.AnalysisException e) {
      return false;
    }
  }

  private static String normalise(String location) {
    if (location.startsWith("file:")) location = java.net.URI.create(location).getPath();
    if (location.contains("://")) return location.replaceAll("/+$", "");
    return java.nio.file.Path.of(location).toAbsolutePath().normalize().toString();
  }

  public static String qualified(Table table) {
    return TableCatalog.DATABASE + "." + table.tableName;
  }
}
