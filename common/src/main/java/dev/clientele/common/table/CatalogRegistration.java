package dev.clientele.common.table;

import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers every existing Clientele table in the catalog database {@value TableCatalog#DATABASE}
 * as an external Delta table at its warehouse location, so {@code spark-sql}, a Thrift server or
 * {@code clientele sql} see them by name ({@code clientele.customer_tiers}). With a Hive metastore
 * (spark.sql.catalogImplementation=hive on a cluster) the registration persists; locally the
 * in-memory catalog is filled at the start of each session that needs it.
 */
public final class CatalogRegistration {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogRegistration.class);

  private CatalogRegistration() {}

  /**
   * @return how many tables were registered
   */
  public static int registerAll(SparkSession spark, TableCatalog tables) {
    spark.sql(
        "CREATE DATABASE IF NOT EXISTS "
            + TableCatalog.DATABASE
            + " COMMENT 'Clientele customer segment, value and satisfaction tables'");
    int registered = 0;
    for (Table table : Table.values()) {
      String path = tables.path(table);
      if (!DeltaIO.exists(spark, path)) continue;
      String name = qualified(table);
      if (spark.catalog().tableExists(name) && !sameLocation(spark, name, path)) {
        // Registered elsewhere (another warehouse): external table, so dropping keeps its data.
        spark.sql("DROP TABLE " + name);
      }
      spark.sql(
          "CREATE TABLE IF NOT EXISTS "
              + name
              + " USING DELTA LOCATION '"
              + path.replace("'", "\\'")
              + "'");
      registered++;
    }
    LOG.info("Registered {} tables in catalog database '{}'", registered, TableCatalog.DATABASE);
    return registered;
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
