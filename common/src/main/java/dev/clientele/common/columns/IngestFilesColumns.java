package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Ops {@code ingest_files}: one row per source file a run took in, the exactly-once ledger. A file
 * is identified by ({@link #PATH}, {@link #SIZE}, {@link #MODIFICATION_TIME}), and its content by
 * ({@link #SIZE}, {@link #CHECKSUM}); ingest skips a file already recorded, and records a file only
 * after every table it feeds has been written. A file that cannot be read as a whole (truncated,
 * undecodable, wrongly encoded) is recorded too, with {@link #STATUS} {@value #REJECTED} and its
 * {@link #REASON}, so it is not read again until it is delivered anew (another size or modification
 * time).
 *
 * <p>Each row carries its file's counts, committed with it: {@link #RECORDS} = {@link
 * #RECORDS_ACCEPTED} + {@link #RECORDS_QUARANTINED} + {@link #RECORDS_DUPLICATE} + {@link
 * #RECORDS_FILTERED}, and a run's {@code runs} row of a source is the sum of that run's rows of the
 * source, so the counts of a run that stopped after its ledger commit are rebuilt from here (see
 * RunLog#fromLedger).
 */
public final class IngestFilesColumns {
  private IngestFilesColumns() {}

  public static final String SOURCE = "source";

  /** Fully qualified path (file:/..., s3a://...). */
  public static final String PATH = "path";

  /** Bytes. */
  public static final String SIZE = "size";

  public static final String MODIFICATION_TIME = "modification_time";

  /**
   * Content checksum: "xxh64xor:" and 16 hex digits, the XOR over the file's records of the 64-bit
   * xxHash of (record number, record text). Changes when any line changes or moves. With {@link
   * #SIZE} it identifies the file's content: a file with the size and checksum of a recorded file
   * is a copy (moved or renamed), whose records are duplicates. A rejected file's records are not
   * read: its checksum is "unread:" size ":" modification time in epoch milliseconds, the delivery
   * it stands for (also its quarantine row's file_checksum).
   */
  public static final String CHECKSUM = "checksum";

  /**
   * Records (lines after the header, or rows) read from the file; 0 for an empty or header-only
   * file. A rejected file counts as one record, itself, quarantined (its quarantine row has record
   * number 0): its lines are not read.
   */
  public static final String RECORDS = "records";

  public static final String RUN_ID = "run_id";
  public static final String INGESTED_AT = "ingested_at";

  /**
   * {@value #INGESTED} (its records read and classified) or {@value #REJECTED} (the file as a whole
   * could not be read; see {@link #REASON}). Rows written before the column existed are ingested.
   */
  public static final String STATUS = "status";

  public static final String INGESTED = "ingested";
  public static final String REJECTED = "rejected";

  /**
   * Why a file was rejected, null when ingested: {@code corrupt_file: <problem>} (a truncated or
   * damaged compressed file, e.g. "corrupt_file: Unexpected end of input stream") or {@code
   * wrong_encoding: <what>} (e.g. "wrong_encoding: UTF-16 byte order mark in a UTF-8 source").
   */
  public static final String REASON = "reason";

  /**
   * The file's records accepted into silver, quarantined and skipped as duplicates by the run that
   * recorded it; null in rows written before these columns existed.
   */
  public static final String RECORDS_ACCEPTED = "records_accepted";

  public static final String RECORDS_QUARANTINED = "records_quarantined";
  public static final String RECORDS_DUPLICATE = "records_duplicate";

  /**
   * The file's records outside its source's filter (sources.<name>.filter): counted, kept nowhere;
   * null in rows written before the column existed.
   */
  public static final String RECORDS_FILTERED = "records_filtered";

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(SOURCE, DataTypes.StringType, false),
            field(PATH, DataTypes.StringType, false),
            field(SIZE, DataTypes.LongType, false),
            field(MODIFICATION_TIME, DataTypes.TimestampType, false),
            field(CHECKSUM, DataTypes.StringType, false),
            field(RECORDS, DataTypes.LongType, false),
            field(RUN_ID, DataTypes.StringType, false),
            field(INGESTED_AT, DataTypes.TimestampType, false),
            // Added after the first release: nullable, so older ledgers take them (see FileLedger).
            field(STATUS, DataTypes.StringType, true),
            field(REASON, DataTypes.StringType, true),
            field(RECORDS_ACCEPTED, DataTypes.LongType, true),
            field(RECORDS_QUARANTINED, DataTypes.LongType, true),
            field(RECORDS_DUPLICATE, DataTypes.LongType, true),
            field(RECORDS_FILTERED, DataTypes.LongType, true),
          });
}
