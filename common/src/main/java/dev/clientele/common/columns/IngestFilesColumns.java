package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Ops {@code ingest_files}: one row per source file ingested, the exactly-once ledger. A file is
 * identified by ({@link #PATH}, {@link #SIZE}, {@link #MODIFICATION_TIME}), and its content by
 * ({@link #SIZE}, {@link #CHECKSUM}); ingest skips a file already recorded, and records a file only
 * after every table it feeds has been written.
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
   * is a copy (moved or renamed), whose records are duplicates.
   */
  public static final String CHECKSUM = "checksum";

  /** Records (lines after the header, or rows) read from the file. */
  public static final String RECORDS = "records";

  public static final String RUN_ID = "run_id";
  public static final String INGESTED_AT = "ingested_at";

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
          });
}
