package dev.clientele.common.table;

import io.delta.tables.DeltaTable;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The one place Clientele reads and writes Delta tables. Transforms never see paths; jobs call
 * these few methods with a {@link Table} and the {@link TableCatalog}.
 */
public final class DeltaIO {
  /** The snapshot column of every per-as-of table. */
  public static final String AS_OF = "as_of";

  private DeltaIO() {}

  public static boolean exists(SparkSession spark, String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }

  public static Dataset<Row> read(SparkSession spark, String path) {
    return spark.read().format("delta").load(path);
  }

  /**
   * The table as of one committed version, so several reads in a run (a count, then a copy) see the
   * same data even if a publish commits in between.
   */
  public static Dataset<Row> readVersion(SparkSession spark, String path, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(path);
  }

  /** The table, or an empty frame of {@code schema} when it has never been written. */
  public static Dataset<Row> readOrEmpty(SparkSession spark, String path, StructType schema) {
    return exists(spark, path)
        ? read(spark, path)
        : spark.createDataFrame(java.util.List.of(), schema);
  }

  /** One as-of snapshot of a table partitioned by {@link #AS_OF}. */
  public static Dataset<Row> readSnapshot(SparkSession spark, String path, LocalDate asOf) {
    return read(spark, path)
        .where(org.apache.spark.sql.functions.col(AS_OF).equalTo(java.sql.Date.valueOf(asOf)));
  }

  /**
   * Atomically replaces the {@code as_of = asOf} snapshot (one Delta commit with replaceWhere), so
   * a rerun for the same date replaces exactly that snapshot and other dates are untouched. The
   * frame must carry an {@code as_of} column equal to {@code asOf}. A column the frame adds is
   * added to the table (null in earlier snapshots), so a warehouse written by an older release
   * takes a release's new columns at its next run; a column type change still fails.
   */
  public static void replaceSnapshot(Dataset<Row> frame, String path, LocalDate asOf) {
    frame
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .option("mergeSchema", "true")
        .partitionBy(AS_OF)
        .option("replaceWhere", AS_OF + " = DATE'" + asOf + "'")
        .save(path);
  }

  /**
   * Like {@link #replaceSnapshot} for a table partitioned by {@code as_of} and {@code column}:
   * replaces only the rows of {@code asOf} whose {@code column} is one of {@code values}, so two
   * jobs can each own a slice of the same snapshot (disjoint partitions do not conflict). New
   * columns are added as by {@link #replaceSnapshot}.
   */
  public static void replaceSnapshotSlice(
      Dataset<Row> frame,
      String path,
      LocalDate asOf,
      String column,
      java.util.List<String> values) {
    String in =
        values.stream()
            .map(v -> "'" + v.replace("'", "''") + "'")
            .collect(java.util.stream.Collectors.joining(", "));
    frame
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .option("mergeSchema", "true")
        .partitionBy(AS_OF, column)
        .option("replaceWhere", AS_OF + " = DATE'" + asOf + "' AND " + column + " IN (" + in + ")")
        .save(path);
  }

  /**
   * Replaces the rows matching {@code condition} (SQL over the table's columns) with the frame, in
   * one commit; every frame row must match the condition. Creates the table if needed. Written one
   * file per partition value (optimizeWrite), for tables with many small partitions.
   */
  public static void replaceWhere(
      Dataset<Row> frame, String path, String condition, String... partitionBy) {
    replaceWhereNoted(frame, path, condition, null, partitionBy);
  }

  /** Replaces the whole table in one commit (readers see old or new, never a mix). */
  public static void overwrite(Dataset<Row> frame, String path, String... partitionBy) {
    overwriteNoted(frame, path, null, partitionBy);
  }

  /**
   * {@link #overwrite} with {@code note} stored as the commit's userMetadata (shown by DESCRIBE
   * HISTORY; read back with {@link #latestNote}), so the commit itself says what it covers.
   */
  public static void overwriteNoted(
      Dataset<Row> frame, String path, String note, String... partitionBy) {
    DataFrameWriter<Row> writer =
        frame
            .write()
            .format("delta")
            .mode(SaveMode.Overwrite)
            .option("overwriteSchema", "true")
            .partitionBy(partitionBy);
    if (note != null) writer = writer.option("userMetadata", note);
    writer.save(path);
  }

  /**
   * {@link #replaceWhere} with {@code note} (when not null) stored as the commit's userMetadata.
   */
  public static void replaceWhereNoted(
      Dataset<Row> frame, String path, String condition, String note, String... partitionBy) {
    DataFrameWriter<Row> writer =
        frame
            .write()
            .format("delta")
            .mode(SaveMode.Overwrite)
            .option("replaceWhere", condition)
            .option("optimizeWrite", "true")
            .partitionBy(partitionBy);
    if (note != null) writer = writer.option("userMetadata", note);
    writer.save(path);
  }

  /** Commits {@link #latestNote} looks back over, and the operations it passes by. */
  private static final int NOTE_LOOKBACK = 20;

  private static final java.util.Set<String> METADATA_ONLY =
      java.util.Set.of(
          "SET TBLPROPERTIES",
          "UNSET TBLPROPERTIES",
          "CHANGE COLUMN",
          "CHANGE COLUMNS",
          "ADD CONSTRAINT",
          "DROP CONSTRAINT",
          "UPGRADE PROTOCOL",
          "VACUUM START",
          "VACUUM END",
          "SET COMMENT");

  /**
   * The userMetadata of the table's latest commit that changed data, or null when there is none (no
   * table, no note, or a RESTORE, DELETE or OPTIMIZE since). Commits that only change metadata
   * (column comments, properties) are skipped, so documenting a table keeps its note.
   */
  public static String latestNote(SparkSession spark, String path) {
    if (!exists(spark, path)) return null;
    for (Row commit :
        DeltaTable.forPath(spark, path)
            .history(NOTE_LOOKBACK)
            .select("operation", "userMetadata")
            .collectAsList()) {
      if (METADATA_ONLY.contains(commit.getString(0))) continue;
      return commit.isNullAt(1) ? null : commit.getString(1);
    }
    return null;
  }

  /**
   * Appends at most once per ({@code appId}, {@code version}): Delta skips a write whose pair it
   * has already committed, so a crashed run's rerun cannot append twice.
   */
  public static void appendOnce(
      Dataset<Row> frame, String path, String appId, long version, String... partitionBy) {
    frame
        .write()
        .format("delta")
        .mode(SaveMode.Append)
        .option("txnAppId", appId)
        .option("txnVersion", version)
        .partitionBy(partitionBy)
        .save(path);
  }

  /** Plain append (ops tables such as {@code runs}). */
  public static void append(Dataset<Row> frame, String path, String... partitionBy) {
    frame.write().format("delta").mode(SaveMode.Append).partitionBy(partitionBy).save(path);
  }

  /**
   * Inserts the rows of {@code frame} that have no match in the table under {@code matchCondition}
   * (an SQL condition over aliases {@code t}, the table, and {@code s}, the frame), in one commit;
   * matched rows are left alone, so repeating the same call is a no-op. Creates the table from the
   * frame (with its partitioning) when it does not exist yet.
   */
  public static void insertNew(
      SparkSession spark,
      Dataset<Row> frame,
      String path,
      String matchCondition,
      String... partitionBy) {
    insertNew(spark, frame, path, matchCondition, List.of(), partitionBy);
  }

  /**
   * {@link #insertNew(SparkSession, Dataset, String, String, String...)}, and a table it creates
   * keeps file statistics (min, max, null count) only on {@code statsColumns} ({@code
   * delta.dataSkippingStatsColumns}) that are not partition columns; none keeps Delta's default,
   * the first 32 columns. Statistics serve reads that filter on those columns; each one costs every
   * row of every write.
   */
  public static void insertNew(
      SparkSession spark,
      Dataset<Row> frame,
      String path,
      String matchCondition,
      List<String> statsColumns,
      String... partitionBy) {
    if (!exists(spark, path)) {
      createFrom(frame, path, statsColumns, partitionBy);
      return;
    }
    DeltaTable.forPath(spark, path)
        .as("t")
        .merge(frame.as("s"), matchCondition)
        .whenNotMatched()
        .insertAll()
        .execute();
  }

  /**
   * Upserts in one commit: rows without a match under {@code matchCondition} are inserted; a
   * matched row is replaced only where {@code updateCondition} holds (e.g. the frame's row is
   * newer), so repeating the same call is a no-op. Creates the table from the frame when it does
   * not exist yet.
   */
  public static void upsert(
      SparkSession spark,
      Dataset<Row> frame,
      String path,
      String matchCondition,
      String updateCondition,
      String... partitionBy) {
    if (!exists(spark, path)) {
      createFrom(frame, path, partitionBy);
      return;
    }
    DeltaTable.forPath(spark, path)
        .as("t")
        .merge(frame.as("s"), matchCondition)
        .whenMatched(updateCondition)
        .updateAll()
        .whenNotMatched()
        .insertAll()
        .execute();
  }

  /**
   * Adds the columns of {@code schema} that an existing table lacks (an empty commit with
   * mergeSchema), so a table written by an older release takes a MERGE with this release's columns;
   * its earlier rows read them as null. Does nothing when the table is missing or complete. The
   * empty commit has the table's own columns too: a partitioned table refuses data without its
   * partition column (silver transactions' txn_month is in no declared schema).
   */
  public static void addMissingColumns(SparkSession spark, String path, StructType schema) {
    if (!exists(spark, path)) return;
    StructType current = read(spark, path).schema();
    java.util.Set<String> present =
        new java.util.HashSet<>(java.util.Arrays.asList(current.fieldNames()));
    if (java.util.Arrays.stream(schema.fieldNames()).allMatch(present::contains)) return;
    StructType widened = current;
    for (org.apache.spark.sql.types.StructField f : schema.fields()) {
      if (!present.contains(f.name())) widened = widened.add(f);
    }
    spark
        .createDataFrame(java.util.List.of(), widened)
        .write()
        .format("delta")
        .mode(SaveMode.Append)
        .option("mergeSchema", "true")
        .save(path);
  }

  /**
   * Sets columns of the rows matching {@code condition} (SQL over the table's columns) in one
   * commit; {@code set} maps a column to an SQL expression. A schema upgrade's back-fill, not a
   * data path: ops tables are otherwise insert-only.
   */
  public static void update(
      SparkSession spark, String path, String condition, java.util.Map<String, String> set) {
    DeltaTable.forPath(spark, path).updateExpr(condition, set);
  }

  /**
   * Deletes the rows matching {@code condition} in one commit. On partition columns only, Delta
   * removes whole files without reading them; the files stay on disk until VACUUM.
   */
  public static void deleteWhere(SparkSession spark, String path, Column condition) {
    DeltaTable.forPath(spark, path).delete(condition);
  }

  /**
   * Creates the table from {@code frame}; fails if it exists (of two racing creators, one wins).
   */
  public static void create(Dataset<Row> frame, String path) {
    createFrom(frame, path);
  }

  // ErrorIfExists: two writers racing to create the table fail loudly instead of appending twice.
  // optimizeWrite shuffles by the partition columns first: otherwise every task writes a small file
  // into every partition it holds rows of (730 day partitions x 4 tasks gave 2,920 files of ~170
  // rows).
  private static void createFrom(Dataset<Row> frame, String path, String... partitionBy) {
    createFrom(frame, path, List.of(), partitionBy);
  }

  private static void createFrom(
      Dataset<Row> frame, String path, List<String> statsColumns, String... partitionBy) {
    DataFrameWriter<Row> writer =
        frame
            .write()
            .format("delta")
            .mode(SaveMode.ErrorIfExists)
            .option("optimizeWrite", Boolean.toString(partitionBy.length > 0));
    // A partition column needs no statistics, and Delta refuses to keep them on one (silver
    // transactions partitioned by day has txn_date both ways).
    List<String> stats =
        statsColumns.stream().filter(c -> !List.of(partitionBy).contains(c)).toList();
    if (!stats.isEmpty()) {
      // A delta.* option of the write that creates a table becomes a property of the table.
      writer = writer.option("delta.dataSkippingStatsColumns", String.join(",", stats));
    }
    writer.partitionBy(partitionBy).save(path);
  }

  /** The table's current version, or -1 if it does not exist. */
  public static long version(SparkSession spark, String path) {
    if (!exists(spark, path)) return -1;
    return DeltaTable.forPath(spark, path).history(1).select("version").head().getLong(0);
  }
}
