package dev.clientele.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.QuarantineColumns;
import dev.clientele.common.table.DeltaIO;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Held records: a record whose only reason is {@link ValidationRules#FUTURE_TIMESTAMP} (its event
 * time is after its run's as-of) is not a reject but early. Its quarantine row (reasons exactly
 * [future_timestamp], {@link QuarantineColumns#RELEASED_RUN_ID} null) holds it, by file and record
 * number, until an ingest run whose as-of reaches it reads it again from its file through the
 * current mapping and rules and takes it like any other record; that run then sets the row's
 * released_run_id (or, when the record now has other reasons, the row's reasons), so it is read
 * again exactly once. Works on quarantine rows per file on the driver (a few per file), never on
 * records.
 */
final class HeldRecords {
  /** True on a record read again from quarantine, false on a record of a new file. */
  static final String REPLAYED = "__replayed";

  /** The held record's file checksum, as its quarantine row has it (null on new records). */
  static final String CHECKSUM = "__held_checksum";

  private HeldRecords() {}

  /** A file with held records of a source, as its quarantine rows name it. */
  record HeldFile(String file, String checksum, long records) {}

  /** Quarantine rows still held: only reason future_timestamp, not released, a real record. */
  static Column isHeld() {
    return col(QuarantineColumns.REASONS)
        .equalTo(array(lit(ValidationRules.FUTURE_TIMESTAMP)))
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
    return when(
        col(ValidationRules.REASONS).equalTo(array(lit(ValidationRules.FUTURE_TIMESTAMP))),
        date_sub(to_date(col(kind.eventTime)), 2));
  }

  /** Held rows that an ingest as of {@code asOf} may take (rows without held_until always). */
  private static Column mayBeDue(LocalDate asOf) {
    return col(QuarantineColumns.HELD_UNTIL)
        .isNull()
        .or(col(QuarantineColumns.HELD_UNTIL).leq(lit(Date.valueOf(asOf))));
  }

  /**
   * The files with held records of {@code kind} that may be due by {@code asOf}, one driver row per
   * file, sorted by file.
   */
  static List<HeldFile> files(
      SparkSession spark, String quarantinePath, SourceKind kind, LocalDate asOf) {
    List<HeldFile> files = new ArrayList<>();
    for (Row r :
        held(spark, quarantinePath, kind)
            .where(mayBeDue(asOf))
            .groupBy(QuarantineColumns.SOURCE_FILE, QuarantineColumns.FILE_CHECKSUM)
            .agg(count(lit(1)))
            .orderBy(QuarantineColumns.SOURCE_FILE, QuarantineColumns.FILE_CHECKSUM)
            .collectAsList()) {
      files.add(new HeldFile(r.getString(0), r.getString(1), r.getLong(2)));
    }
    return files;
  }

  /**
   * The held records among {@code records} (a re-read of {@code files}, whose checksums were found
   * unchanged), with {@link #REPLAYED} true and {@link #CHECKSUM}; the other records of those files
   * were taken when the files were first read and are dropped.
   */
  static Dataset<Row> select(
      SparkSession spark,
      String quarantinePath,
      SourceKind kind,
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
    // the driver's time), and the held positions are those of the run's start.
    Dataset<Row> positions =
        held(spark, quarantinePath, kind)
            .where(mayBeDue(asOf))
            .join(
                broadcast(ofFiles),
                col(QuarantineColumns.SOURCE_FILE)
                    .equalTo(col("__f_file"))
                    .and(col(QuarantineColumns.FILE_CHECKSUM).eqNullSafe(col("__f_checksum"))),
                "left_semi")
            .select(
                col(QuarantineColumns.SOURCE_FILE).as("__held_file"),
                col(QuarantineColumns.RECORD_NUMBER).as("__held_line"),
                col(QuarantineColumns.FILE_CHECKSUM).as(CHECKSUM))
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

  /** Marks new records: not replayed, no held checksum. */
  static Dataset<Row> markNew(Dataset<Row> records) {
    return records
        .withColumn(CHECKSUM, lit(null).cast(DataTypes.StringType))
        .withColumn(REPLAYED, lit(false));
  }

  /**
   * Releases the replayed records of {@code classified} (status from {@link Dedupe}) in one commit:
   * accepted, duplicate and filtered ones get {@code runId} as released_run_id; those quarantined
   * again get their new reasons instead (they are rejects now, no longer held). Only rows still
   * held change, so repeating it is a no-op. Call after silver and the ledger are written.
   */
  static void release(
      SparkSession spark,
      String quarantinePath,
      SourceKind kind,
      Dataset<Row> classified,
      String runId) {
    Dataset<Row> replayed =
        classified
            .where(col(REPLAYED))
            .select(
                col(RawRecords.FILE).as("__r_file"),
                col(RawRecords.LINE).cast("long").as("__r_line"),
                col(CHECKSUM).as("__r_checksum"),
                col(Dedupe.STATUS).as("__r_status"),
                col(ValidationRules.REASONS).as("__r_reasons"));
    Dataset<Row> held = held(spark, quarantinePath, kind);
    Column again = col("__r_status").equalTo(Dedupe.QUARANTINED);
    Dataset<Row> released =
        held.join(
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
                java.util.Arrays.stream(QuarantineColumns.SCHEMA.fieldNames())
                    .map(c -> col(c))
                    .toArray(Column[]::new));
    DeltaIO.upsert(
        spark,
        released,
        quarantinePath,
        "t.source = s.source AND t.source_file = s.source_file"
            + " AND t.record_number = s.record_number AND t.file_checksum <=> s.file_checksum",
        "t.released_run_id IS NULL AND t.reasons = array('"
            + ValidationRules.FUTURE_TIMESTAMP
            + "')");
  }

  /**
   * The runs that released held records (one column run_id): a silver row such a run wrote is
   * complete, not left by a crash.
   */
  static Dataset<Row> releasingRuns(SparkSession spark, String quarantinePath) {
    return DeltaIO.readOrEmpty(spark, quarantinePath, QuarantineColumns.SCHEMA)
        .where(col(QuarantineColumns.RELEASED_RUN_ID).isNotNull())
        .select(col(QuarantineColumns.RELEASED_RUN_ID).as("run_id"))
        .distinct();
  }

  private static Dataset<Row> held(SparkSession spark, String quarantinePath, SourceKind kind) {
    return DeltaIO.readOrEmpty(spark, quarantinePath, QuarantineColumns.SCHEMA)
        .where(col(QuarantineColumns.SOURCE).equalTo(kind.sourceName))
        .where(isHeld());
  }
}
