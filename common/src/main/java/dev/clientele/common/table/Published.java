package dev.clientele.common.table;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_contains_key;

import dev.clientele.common.columns.PublishedColumns;
import dev.clientele.common.job.JobFailure;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The reader contract of the gold tables: the ops table {@code published} holds one row per
 * successful publish naming the Delta version of every gold table it wrote, and is committed
 * <em>after</em> all of them. Every documented reader goes through its latest row (the catalog's
 * views, {@code clientele sql}, the PostgreSQL export, the DuckDB file list written by {@link
 * #writeReaderFiles}), so a reader sees all gold tables of one publish or all of the previous one:
 * a failed gate or a crash before the marker commit changes nothing a reader sees.
 *
 * <p>The gold tables are the {@link Table} constants of layer {@link Table.Layer#GOLD}: adding one
 * there adds it to the marker, the views, the export and the file list.
 */
public final class Published {
  /**
   * File under {@code <warehouse>/gold/} listing the Parquet files of every gold table at the
   * published versions, one CSV line each, replaced atomically after each marker commit.
   */
  public static final String READER_FILE = "_published.csv";

  private Published() {}

  /** One publish: its sequence number (1, 2, ...), as-of date, run and gold table versions. */
  public record Publish(long number, LocalDate asOf, String runId, Map<String, Long> versions) {
    /** The Delta version of {@code table} in this publish, or empty if it had none. */
    public Optional<Long> version(Table table) {
      return Optional.ofNullable(versions.get(table.tableName));
    }

    /**
     * The gold tables this publish names, in declaration order: every table of a pipeline's
     * publish, plus the prediction tables once a backtest has published them.
     */
    public List<Table> tables() {
      return goldTables().stream().filter(t -> versions.containsKey(t.tableName)).toList();
    }
  }

  /** The gold tables, in declaration order: what every publish writes and the marker names. */
  public static List<Table> goldTables() {
    return Arrays.stream(Table.values()).filter(t -> t.layer == Table.Layer.GOLD).toList();
  }

  /** The latest publish, or empty when nothing has been published through the marker yet. */
  public static Optional<Publish> current(SparkSession spark, TableCatalog tables) {
    String path = tables.path(Table.PUBLISHED);
    if (!DeltaIO.exists(spark, path)) return Optional.empty();
    List<Row> latest =
        DeltaIO.read(spark, path)
            .orderBy(col(PublishedColumns.PUBLISH_NUMBER).desc())
            .limit(1)
            .collectAsList();
    if (latest.isEmpty()) return Optional.empty();
    Row r = latest.get(0);
    Map<String, Long> versions =
        new LinkedHashMap<>(r.getJavaMap(r.fieldIndex(PublishedColumns.TABLE_VERSIONS)));
    return Optional.of(
        new Publish(
            r.getLong(r.fieldIndex(PublishedColumns.PUBLISH_NUMBER)),
            r.getDate(r.fieldIndex(PublishedColumns.AS_OF)).toLocalDate(),
            r.getString(r.fieldIndex(PublishedColumns.RUN_ID)),
            versions));
  }

  /**
   * Every as-of date a publish committed {@code table} at, in order: the dates readers were ever
   * shown, whether or not the table still holds their snapshot (retention removes old ones).
   */
  public static List<LocalDate> dates(SparkSession spark, TableCatalog tables, Table table) {
    String path = tables.path(Table.PUBLISHED);
    if (!DeltaIO.exists(spark, path)) return List.of();
    // One row per publish: a few hundred dates at most.
    return DeltaIO.read(spark, path)
        .where(map_contains_key(col(PublishedColumns.TABLE_VERSIONS), lit(table.tableName)))
        .select(PublishedColumns.AS_OF)
        .distinct()
        .orderBy(PublishedColumns.AS_OF)
        .collectAsList()
        .stream()
        .map(r -> r.getDate(0).toLocalDate())
        .toList();
  }

  /**
   * Commits the marker row naming {@code versions} (gold table name to Delta version; a gold table
   * that does not exist yet is left out) as the published set: the last commit of a publish.
   * Returns the new publish.
   */
  public static Publish commit(
      SparkSession spark,
      TableCatalog tables,
      LocalDate asOf,
      String runId,
      Map<String, Long> versions) {
    List<String> gold = goldTables().stream().map(t -> t.tableName).toList();
    for (String table : versions.keySet()) {
      if (!gold.contains(table)) {
        throw new IllegalArgumentException(table + " is not a gold table " + gold);
      }
    }
    long number = current(spark, tables).map(p -> p.number() + 1).orElse(1L);
    Row row =
        RowFactory.create(
            number,
            Date.valueOf(asOf),
            runId,
            Timestamp.from(Instant.now()),
            scala.jdk.javaapi.CollectionConverters.asScala(new LinkedHashMap<>(versions)));
    DeltaIO.append(
        spark.createDataFrame(List.of(row), PublishedColumns.SCHEMA), tables.path(Table.PUBLISHED));
    return new Publish(number, asOf, runId, Map.copyOf(versions));
  }

  /**
   * {@code table} exactly as the latest publish left it (time travel to its marker version).
   *
   * @throws JobFailure when nothing has been published, naming the command to run
   */
  public static Dataset<Row> read(SparkSession spark, TableCatalog tables, Table table) {
    Publish publish =
        current(spark, tables)
            .orElseThrow(
                () ->
                    new JobFailure(
                        "nothing has been published under "
                            + tables.warehouse()
                            + "; run 'clientele publish --as-of DATE' (or 'clientele pipeline') first."));
    return read(spark, tables, publish, table);
  }

  /** {@code table} at its version in {@code publish}. */
  public static Dataset<Row> read(
      SparkSession spark, TableCatalog tables, Publish publish, Table table) {
    long version =
        publish
            .version(table)
            .orElseThrow(
                () ->
                    new JobFailure(
                        table.tableName + " is not part of publish " + publish.number() + "."));
    return DeltaIO.readVersion(spark, tables.path(table), version);
  }

  /**
   * Replaces {@code <warehouse>/gold/}{@value #READER_FILE} with the Parquet files of each gold
   * table at its version in {@code publish}: {@code publish_number,as_of,table_name,version,file}
   * with a header, one line per file (a plain path for local files, else the URI, e.g. {@code
   * s3a://...}). Engines without a Delta reader (DuckDB) read the gold tables through this one
   * file, so they see one publish whatever the timing. Written to a temporary file and renamed over
   * the old one (atomic on local and HDFS file systems; on object stores the single PUT is atomic).
   */
  public static void writeReaderFiles(SparkSession spark, TableCatalog tables, Publish publish)
      throws java.io.IOException {
    StringBuilder csv = new StringBuilder("publish_number,as_of,table_name,version,file\n");
    for (Table gold : goldTables()) {
      if (publish.version(gold).isEmpty()) continue;
      long version = publish.version(gold).orElseThrow();
      String[] files = DeltaIO.readVersion(spark, tables.path(gold), version).inputFiles();
      Arrays.sort(files);
      for (String file : files) {
        csv.append(publish.number())
            .append(',')
            .append(publish.asOf())
            .append(',')
            .append(gold.tableName)
            .append(',')
            .append(version)
            .append(',')
            .append(csvCell(readerPath(file)))
            .append('\n');
      }
    }
    Configuration conf = spark.sessionState().newHadoopConf();
    Path target = new Path(readerFile(tables));
    Path temporary = new Path(target.getParent(), "." + READER_FILE + "." + publish.number());
    FileSystem fs = target.getFileSystem(conf);
    try (var out = fs.create(temporary, true)) {
      out.write(csv.toString().getBytes(StandardCharsets.UTF_8));
    }
    if (fs instanceof LocalFileSystem local) {
      // Hadoop's local rename deletes the target first; a POSIX rename replaces it atomically.
      java.nio.file.Files.move(
          java.nio.file.Path.of(local.pathToFile(temporary).toURI()),
          java.nio.file.Path.of(local.pathToFile(target).toURI()),
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      fs.delete(new Path(temporary.getParent(), "." + temporary.getName() + ".crc"), false);
    } else {
      FileContext.getFileContext(target.toUri(), conf)
          .rename(temporary, target, Options.Rename.OVERWRITE);
    }
  }

  /** Where {@link #writeReaderFiles} writes. */
  public static String readerFile(TableCatalog tables) {
    return tables.warehouse() + "/" + Table.Layer.GOLD.folder + "/" + READER_FILE;
  }

  /** A local file as a plain path (what DuckDB opens); other file systems keep their URI. */
  private static String readerPath(String file) {
    java.net.URI uri = new Path(file).toUri();
    return "file".equals(uri.getScheme()) ? uri.getPath() : file;
  }

  private static String csvCell(String value) {
    return value.contains(",") || value.contains("\"")
        ? "\"" + value.replace("\"", "\"\"") + "\""
        : value;
  }
}
