package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Ops {@code quarantine}: one row per rejected input record (a line of a CSV or JSON-lines file, a
 * row of a Parquet file), with every reason it was rejected. Keyed by {@link #SOURCE}, {@link
 * #SOURCE_FILE} and {@link #RECORD_NUMBER}, so re-ingesting a file never quarantines a record
 * twice.
 */
public final class QuarantineColumns {
  private QuarantineColumns() {}

  /** transactions, customers, surveys or complaints. */
  public static final String SOURCE = "source";

  public static final String SOURCE_FILE = "source_file";

  /**
   * 1-based line number in the file (header = line 1) for CSV and JSON lines; row number for
   * Parquet.
   */
  public static final String RECORD_NUMBER = "record_number";

  /**
   * The record as read: the raw line for CSV/JSON, the row as JSON for Parquet. For a source with
   * PII columns the fields are re-rendered as JSON with each PII field replaced by its pseudonym,
   * and a line that could not be split into fields is dropped (null), so no raw PII is ever stored.
   */
  public static final String RAW = "raw";

  /** Reason codes, e.g. malformed_record, missing_required:ts; see ValidationRules. */
  public static final String REASONS = "reasons";

  public static final String RUN_ID = "run_id";
  public static final String QUARANTINED_AT = "quarantined_at";

  /**
   * Checksum of the content of the file the record came from, as the file ledger records it: a file
   * delivered again under the same name with other content has rows of its own, while a rerun of
   * the same content adds none. For a file rejected whole (record number 0), whose records are not
   * read, the delivery as the ledger records it: "unread:" size ":" modification epoch ms.
   */
  public static final String FILE_CHECKSUM = "file_checksum";

  /**
   * A held record (reasons exactly [future_timestamp]: its event time was after its run's as-of) is
   * read again by the first ingest run whose as-of reaches it, and a rejected record by an ingest
   * with --replay-quarantine; this is the id of the run that read it again, set once its outcome
   * (accepted, duplicate or filtered) is written. Null while the record is held or still rejected
   * (a record quarantined again keeps null, with its new reasons). A table from an older release
   * takes this column at the first ingest (its rows read null).
   */
  public static final String RELEASED_RUN_ID = "released_run_id";

  /**
   * For a held record, the earliest as-of whose ingest can take it: its event date less two days
   * (so no time zone can make it late). Ingest reads a file again for its held records only once
   * one of them is due, not at every run. Null for every other record, and on rows written before
   * this column (those are read again at every run, as before).
   */
  public static final String HELD_UNTIL = "held_until";

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(SOURCE, DataTypes.StringType, false),
            field(SOURCE_FILE, DataTypes.StringType, false),
            field(RECORD_NUMBER, DataTypes.LongType, true),
            field(RAW, DataTypes.StringType, true),
            field(REASONS, DataTypes.createArrayType(DataTypes.StringType, false), false),
            field(RUN_ID, DataTypes.StringType, false),
            field(QUARANTINED_AT, DataTypes.TimestampType, false),
            field(FILE_CHECKSUM, DataTypes.StringType, true),
            field(RELEASED_RUN_ID, DataTypes.StringType, true),
            field(HELD_UNTIL, DataTypes.DateType, true),
          });
}
