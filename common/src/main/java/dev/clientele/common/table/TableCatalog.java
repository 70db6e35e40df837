package dev.clientele.common.table;

/**
 * The one place that knows where each table lives: {@code <warehouse>/<layer>/<table>}, with the
 * warehouse root from {@code clientele.warehouse} (default {@code ./data/warehouse}).
 */
public final class TableCatalog {
  /** The catalog database BI tools see the gold tables in. */
  public static final String DATABASE = "clientele";

  /**
   * The catalog database holding the gold tables themselves, every version of them, for the views
   * in {@link #DATABASE} to pin one publish's version by name rather than by path. Not for reading:
   * its latest version may be a publish in progress.
   */
  public static final String GOLD_VERSIONS_DATABASE = "clientele_gold_versions";

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

  /**
   * Before Spark starts: a local warehouse must be a directory this process can write, or creatable
   * under one, so a writer fails in a second naming {@code clientele.warehouse}, not after Spark
   * started with a stack trace. A warehouse on a remote file system (s3a://, hdfs://) is checked by
   * its first write.
   *
   * @return the problem, or null when the warehouse is usable
   */
  public static String unwritableLocalWarehouse(String warehouse) {
    if (warehouse.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !warehouse.startsWith("file:")) {
      return null;
    }
    java.nio.file.Path path =
        java.nio.file.Path.of(warehouse.replaceFirst("^file:(//)?", "")).toAbsolutePath();
    java.nio.file.Path existing = path;
    while (existing != null && !java.nio.file.Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return path + " has no existing parent folder";
    }
    if (!java.nio.file.Files.isDirectory(existing)) {
      return existing + " is a file, not a folder";
    }
    if (!java.nio.file.Files.isWritable(existing)) {
      return existing.equals(path)
          ? path + " is not writable by this user"
          : path + " cannot be created: " + existing + " is not writable by this user";
    }
    return null;
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
