package dev.clientele.common.table;

/**
 * The one place that knows where each table lives: {@code <warehouse>/<layer>/<table>}, with the
 * warehouse root from {@code clientele.warehouse} (default {@code ./data/warehouse}).
 */
public final class TableCatalog {
  /** The catalog database BI tools see the gold tables in. */
  public static final String DATABASE = "clientele";

  private final String warehouse;

  public TableCatalog(String warehouse) {
    this.warehouse = stripTrailingSlash(absolute(warehouse));
  }

  /**
   * A local warehouse as an absolute path: catalog entries outlive the working directory they were
   * registered from, and Spark resolves a relative table location against its own warehouse dir.
   */
  private static String absolute(String warehouse) {
    if (warehouse.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*"))
      return warehouse; // has a scheme: s3a://, file:/, ...
    return java.nio.file.Path.of(warehouse).toAbsolutePath().normalize().toString();
  }

  public String warehouse() {
    return warehouse;
  }

  public String path(Table table) {
    return warehouse + "/" + table.layer.folder + "/" + table.tableName;
  }

  /** A folder for non-table run artefacts (models, reports) under the warehouse. */
  public String artefactPath(String name) {
    return warehouse + "/artefacts/" + name;
  }

  private static String stripTrailingSlash(String path) {
    return path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
  }
}
