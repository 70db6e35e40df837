package dev.clientele.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.QuarantineColumns;
import dev.clientele.common.table.DeltaIO;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Records read again from quarantine, by file and record number, through the current mapping and
 * rules. Two kinds of quarantine rows are read again:
 *
 * <ul>
 *   <li><b>held</b>: a record whose only reason is {@link ValidationRules#FUTURE_TIMESTAMP} (its
 *       event time is after its run's as-of) is not a reject but early. Its row (reasons exactly
 *       [future_timestamp], {@link QuarantineColumns#RELEASED_RUN_ID} null) holds it until an
 *       ingest run whose as-of reaches it; a run looks at those that may be due by its as-of
 *       ({@link QuarantineColumns#HELD_UNTIL}).
 *   <li><b>replayed</b>: with {@code --replay-quarantine} ({@link QuarantineReplay}), also the
 *       unreleased rejects with one of the asked reasons (all of them without {@code --reason}),
 *       e.g. after the mapping or a rule was fixed. A row of a file rejected whole (record number
 *       0) has no record to read again.
 * </ul>
 *
 * <p>A record read again joins its run's batch like any other ({@link #REPLAYED} true, so {@link
 * Dedupe} lets it compete for its key); after silver and the ledger, one commit ({@link #release})
 * sets each such row's released_run_id (accepted, duplicate, filtered) or, when it is quarantined
 * again, its new reasons (released_run_id stays null: a later replay may try again). So a record
 * reaches silver exactly once. Works on quarantine rows per file on the driver (a few per file),
 * never on records.
 */
final class HeldRecords {
  /** True on a record read again from quarantine, false on a record of a new file. */
  static final String REPLAYED = "__replayed";

  /** The file checksum of a record read again, as its quarantine row has it (null on new ones). */
  static final String CHECKSUM = "__held_checksum";

  /**
   * True on a record read again whose quarantine row was a reject (selected by a replay of
   * quarantine), false on a held one and on new records: its outcome is counted apart.
   */
  static final String REJECT = "__replayed_reject";

  private HeldRecords() {}

  /**
   * A file with quarantine rows of a source to read again, as its rows name it.
   *
   * @param records the rows to read again: held ones plus {@code rejects}
   * @param rejects the rows a replay of quarantine selected that are not held
   */
  record HeldFile(String file, String checksum, long records, long rejects) {
    long held() {
      return records - rejects;
    }
  }

  /** Reasons exactly [future_timestamp]: early, not rejected. */
  private static Column heldReasons() {
    return col(QuarantineColumns.REASONS).equalTo(array(lit(ValidationRules.FUTURE_TIMESTAMP)));
  }

  /**
   * Quarantine rows to read again: held ones, plus those {@code replay} selects; never a released
   * row, never a file's row (record number 0).
   */
  static Column isSelected(QuarantineReplay replay) {
    Column reasons = replay.enabled() ? heldReasons().or(replay.matches()) : heldReasons();
    return reasons
        .and(col(QuarantineColumns.RELEASED_RUN_ID).isNull())
        .and(col(QuarantineColumns.RECORD_NUMBER).gt(0));
  }

  /** True on a record whose reasons are exactly [future_timestamp]: held, not rejected. */
  static boolean isHeld(List<String> reasons) {
    return reasons.size() == 1 && reasons.get(0).equals(ValidationRules.FUTURE_TIMESTAMP);
  }

  /**
   * The held_until of a quarantined record of {@code kind}: for a held one, its event date less two
   * days (the local date in any time zone is at most a day from the session's, and the future
   * tolerance only delays it), null otherwise.
   */
  static Column heldUntil(SourceKind kind) {
    if (kind.eventTime == null) return lit(null).cast(DataTypes.DateType);
    return when(heldReasons(), date_sub(to_date(col(kind.eventTime)), 2));
  }

  /** Held rows that an ingest as of {@code asOf} may take (rows without held_until always). */
  private static Column mayBeDue(LocalDate asOf) {
    return col(QuarantineColumns.HELD_UNTIL)
        .isNull()
        .or(col(QuarantineColumns.HELD_UNTIL).leq(lit(Date.valueOf(asOf))));
  }

  /**
   * The files with rows of {@code kind} to read again as of {@code asOf} (held rows only once they
   * may be due), one driver row per file, sorted by file.
   */
  static List<HeldFile> files(
      SparkSession spark,
      String quarantinePath,
      SourceKind kind,
      QuarantineReplay replay,
      LocalDate asOf) {
    return filesBySource(spark, quarantinePath, replay, asOf)
        .getOrDefault(kind.sourceName, List.of());
  }

  /**
   * {@link #files} of every source, by source name, from one query: asked per source, each was a
   * Delta read and a shuffle of its own.
   */
  static Map<String, List<HeldFile>> filesBySource(
      SparkSession spark, String quarantinePath, QuarantineReplay replay, LocalDate asOf) {
    Map<String, List<HeldFile>> bySource = new HashMap<>();
    for (Row r :
        due(selected(spark, quarantinePath, replay), asOf)
            .groupBy(
                QuarantineColumns.SOURCE,
                QuarantineColumns.SOURCE_FILE,
                QuarantineColumns.FILE_CHECKSUM)
            .agg(count(lit(1)), sum(when(heldReasons(), 0L).otherwise(1L)))
            .orderBy(
                QuarantineColumns.SOURCE,
                QuarantineColumns.SOURCE_FILE,
                QuarantineColumns.FILE_CHECKSUM)
            .collectAsList()) {
      bySource
          .computeIfAbsent(r.getString(0), k -> new ArrayList<>())
          .add(new HeldFile(r.getString(1), r.getString(2), r.getLong(3), r.getLong(4)));
    }
    return bySource;
  }

  /**
   * The unreleased rows of {@code kind}'s files rejected whole (record number 0), which a replay
   * cannot read again by position.
   */
  static long wholeFileRows(SparkSession spark, String quarantinePath, SourceKind kind) {
    return DeltaIO.readOrEmpty(spark, quarantinePath, QuarantineColumns.SCHEMA)
        .where(col(QuarantineColumns.SOURCE).equalTo(kind.sourceName))
        .where(col(QuarantineColumns.RECORD_NUMBER).leq(0))
        .where(col(QuarantineColumns.RELEASED_RUN_ID).isNull())
        .count();
  }

  /**
   * The selected records among {@code records} (a re-read of {@code files}, whose checksums were
   * found unchanged), with {@link #REPLAYED} true, {@link #CHECKSUM} and {@link #REJECT}; the other
   * records of those files were taken when the files were first read and are dropped.
   */
  static Dataset<Row> select(
      SparkSession spark,
      String quarantinePath,
      SourceKind kind,
      QuarantineReplay replay,
      List<HeldFile> files,
      LocalDate asOf,
      Dataset<Row> records) {
    // A join, not one OR per file: hundreds of files made an expression deep enough to overflow
    // the stack of Delta's file skipping.
    List<Row> fileRows = new ArrayList<>();
    for (HeldFile f : files) fileRows.add(RowFactory.create(f.file(), f.checksum()));
    Dataset<Row> ofFiles =
        spark.createDataFrame(
            fileRows,
            new StructType()
                .add("__f_file", DataTypes.StringType)
                .add("__f_checksum", DataTypes.StringType));
    // Checkpointed, so the cached batch does not refer to the quarantine table: every write to
    // quarantine in the run would otherwise make Spark re-plan the whole cached batch (minutes of
    // the driver's time), and the selected positions are those of the run's start.
    Dataset<Row> positions =
        selected(spark, quarantinePath, kind, replay, asOf)
            .join(
                broadcast(ofFiles),
                col(QuarantineColumns.SOURCE_FILE)
                    .equalTo(col("__f_file"))
                    .and(col(QuarantineColumns.FILE_CHECKSUM).eqNullSafe(col("__f_checksum"))),
                "left_semi")
            .select(
                col(QuarantineColumns.SOURCE_FILE).as("__held_file"),
                col(QuarantineColumns.RECORD_NUMBER).as("__held_line"),
                col(QuarantineColumns.FILE_CHECKSUM).as(CHECKSUM),
                not(heldReasons()).as(REJECT))
            .localCheckpoint();
    return records
        .join(
            broadcast(positions),
            col(RawRecords.FILE)
                .equalTo(col("__held_file"))
                .and(col(RawRecords.LINE).equalTo(col("__held_line"))))
        .drop("__held_file", "__held_line")
        .withColumn(REPLAYED, lit(true));
  }

  /** Marks new records: not replayed, no held checksum, not a reject read again. */
  static Dataset<Row> markNew(Dataset<Row> records) {
    return records
        .withColumn(CHECKSUM, lit(null).cast(DataTypes.StringType))
        .withColumn(REPLAYED, lit(false))
        .withColumn(REJECT, lit(false));
  }

  /**
   * Releases the records read again in {@code classified} (each source's batch, status from {@link
   * Dedupe}) in one commit: accepted, duplicate and filtered ones get {@code runId} as
   * released_run_id; those quarantined again get their new reasons instead and stay unreleased. The
   * rows changed are those selected at the run's start (the positions the records carry, joined
   * with the rows {@code replay} selects now) and still unreleased, so repeating it is a no-op, and
   * a row whose reasons did not change is not rewritten. Call after silver and the ledger are
   * written: one commit for every source, so a run either released all its records or none (see
   * {@link #releasingRuns}).
   */
  static void release(
      SparkSession spark,
      String quarantinePath,
      Map<SourceKind, Dataset<Row>> classified,
      QuarantineReplay replay,
      String runId) {
    Dataset<Row> released = null;
    for (Map.Entry<SourceKind, Dataset<Row>> e : classified.entrySet()) {
      Dataset<Row> replayed =
          e.getValue()
              .where(col(REPLAYED))
              .select(
                  col(RawRecords.FILE).as("__r_file"),
                  col(RawRecords.LINE).cast("long").as("__r_line"),
                  col(CHECKSUM).as("__r_checksum"),
                  col(Dedupe.STATUS).as("__r_status"),
                  col(ValidationRules.REASONS).as("__r_reasons"));
      Column again = col("__r_status").equalTo(Dedupe.QUARANTINED);
      Dataset<Row> rows =
          selected(spark, quarantinePath, e.getKey(), replay)
              .join(
                  replayed,
                  col(QuarantineColumns.SOURCE_FILE)
                      .equalTo(col("__r_file"))
                      .and(col(QuarantineColumns.RECORD_NUMBER).equalTo(col("__r_line")))
                      .and(col(QuarantineColumns.FILE_CHECKSUM).eqNullSafe(col("__r_checksum"))))
              .withColumn(
                  QuarantineColumns.REASONS,
                  when(again, col("__r_reasons")).otherwise(col(QuarantineColumns.REASONS)))
              .withColumn(
                  QuarantineColumns.RELEASED_RUN_ID,
                  when(again, lit(null).cast(DataTypes.StringType)).otherwise(lit(runId)))
              .select(
                  Arrays.stream(QuarantineColumns.SCHEMA.fieldNames())
                      .map(c -> col(c))
                      .toArray(Column[]::new));
      released = released == null ? rows : released.unionByName(rows);
    }
    if (released == null) return;
    DeltaIO.upsert(
        spark,
        released,
        quarantinePath,
        "t.source = s.source AND t.source_file = s.source_file"
            + " AND t.record_number = s.record_number AND t.file_checksum <=> s.file_checksum",
        "t.released_run_id IS NULL"
            + " AND (s.released_run_id IS NOT NULL OR NOT (t.reasons <=> s.reasons))");
  }

  /**
   * The runs that released records read again (one column run_id): a silver row such a run wrote is
   * complete, not left by a crash.
   */
  static Dataset<Row> releasingRuns(SparkSession spark, String quarantinePath) {
    return DeltaIO.readOrEmpty(spark, quarantinePath, QuarantineColumns.SCHEMA)
        .where(col(QuarantineColumns.RELEASED_RUN_ID).isNotNull())
        .select(col(QuarantineColumns.RELEASED_RUN_ID).as("run_id"))
        .distinct();
  }

  /** The rows of {@code kind} to read again, as quarantine has them now. */
  private static Dataset<Row> selected(
      SparkSession spark, String quarantinePath, SourceKind kind, QuarantineReplay replay) {
    return selected(spark, quarantinePath, replay)
        .where(col(QuarantineColumns.SOURCE).equalTo(kind.sourceName));
  }

  /** {@link #selected} of every source. */
  private static Dataset<Row> selected(
      SparkSession spark, String quarantinePath, QuarantineReplay replay) {
    return DeltaIO.readOrEmpty(spark, quarantinePath, QuarantineColumns.SCHEMA)
        .where(isSelected(replay));
  }

  /**
   * The rows {@link #selected} to read again as of {@code asOf}: held ones once they may be due.
   */
  private static Dataset<Row> selected(
      SparkSession spark,
      String quarantinePath,
      SourceKind kind,
      QuarantineReplay replay,
      LocalDate asOf) {
    return due(selected(spark, quarantinePath, kind, replay), asOf);
  }

  /** Of selected {@code rows}, those to read again as of {@code asOf}: held ones once due. */
  private static Dataset<Row> due(Dataset<Row> rows, LocalDate asOf) {
    return rows.where(not(heldReasons()).or(mayBeDue(asOf)));
  }
}
