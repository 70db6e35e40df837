package dev.clientele.common.table;

import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the Clientele tables in the catalog database {@value TableCatalog#DATABASE}, so {@code
 * spark-sql}, a Thrift server or {@code clientele sql} see them by name ({@code
 * clientele.customer_tiers}): silver and ops tables as external Delta tables at their warehouse
 * location, the gold tables as views pinned to the versions of the latest publish ({@link
 * Published}), so a query never mixes two publishes. With a Hive metastore
 * (spark.sql.catalogImplementation=hive on a cluster) the registration persists; locally the
 * in-memory catalog is filled at the start of each session that needs it.
 */
public final class CatalogRegistration {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogRegistration.class);

  private CatalogRegistration() {}

  /**
   * Registers every existing non-gold table, then the gold tables as views of the latest publish
   * ({@link Published}): each {@code clientele.<gold table>} is {@code SELECT * FROM delta.`path`
   * VERSION AS OF v} with the version the marker names, its columns carrying the Delta column
   * comments. Re-run after each marker commit, and at the start of every session that reads the
   * catalog, so the views always show one publish. Before the first publish no gold view exists.
   *
   * @return how many tables and views were registered
   */
  public static int registerAll(SparkSession spark, TableCatalog tables) {
    spark.sql(
        "CREATE DATABASE IF NOT EXISTS "
            + TableCatalog.DATABASE
            + " COMMENT 'Clientele customer segment, value and satisfaction tables'");
    int registered = 0;
    for (Table table : Table.values()) {
      if (table.layer == Table.Layer.GOLD) continue;
      String path = tables.path(table);
      if (!DeltaIO.exists(spark, path)) continue;
      String name = qualified(table);
      if (spark.catalog().tableExists(name)
          && (isView(spark, name) || !sameLocation(spark, name, path))) {
        // Registered elsewhere (another warehouse): external table, so dropping keeps its data.
        drop(spark, name);
      }
      spark.sql(
          "CREATE TABLE IF NOT EXISTS " + name + " USING DELTA LOCATION '" + escape(path) + "'");
      registered++;
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

  /** {@code clientele.<gold>} as a view of the table at its version in {@code publish}. */
  private static void registerView(
      SparkSession spark, TableCatalog tables, Published.Publish publish, Table gold) {
    String name = qualified(gold);
    // A table of that name (registered before gold tables were views) gives way to the view.
    if (spark.catalog().tableExists(name) && !isView(spark, name)) drop(spark, name);
    long version = publish.version(gold).orElseThrow();
    String path = tables.path(gold);
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
            + "' AS SELECT * FROM delta.`"
            + path.replace("`", "``")
            + "` VERSION AS OF "
            + version);
  }

  private static boolean isView(SparkSession spark, String name) {
    try {
      return "VIEW".equalsIgnoreCase(spark.catalog().getTable(name).tableType());
    } catch (org.apache.spark.sql.AnalysisException e) {
      return false; // dropped since tableExists: nothing to replace
    }
  }

  private static void drop(SparkSession spark, String name) {
    spark.sql((isView(spark, name) ? "DROP VIEW " : "DROP TABLE ") + name);
  }

  /** A Spark SQL string literal's body. */
  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("'", "\\'");
  }

  private static boolean sameLocation(SparkSession spark, String name, String path) {
    String registered = spark.sql("DESCRIBE DETAIL " + name).select("location").head().getString(0);
    return normalise(registered).equals(normalise(path));
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
