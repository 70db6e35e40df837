package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Ops {@code runs}: one row per run and source (ingest) or per run and stage (other jobs). For
 * ingest, {@code records_read = records_accepted + records_quarantined + records_duplicate +
 * records_filtered}.
 */
public final class RunsColumns {
  private RunsColumns() {}

  public static final String RUN_ID = "run_id";
  public static final String JOB = "job";
  public static final String AS_OF = "as_of";

  /**
   * Source (transactions, customers, ...), stage name, or {@code run} for the row every run ends
   * with: its outcome (status succeeded, failed or abandoned) and {@link #EXIT_CODE}.
   */
  public static final String SOURCE = "source";

  /** succeeded, failed or skipped; for the {@code run} row also abandoned. */
  public static final String STATUS = "status";

  public static final String RECORDS_READ = "records_read";
  public static final String RECORDS_ACCEPTED = "records_accepted";
  public static final String RECORDS_QUARANTINED = "records_quarantined";
  public static final String RECORDS_DUPLICATE = "records_duplicate";
  public static final String STARTED_AT = "started_at";
  public static final String FINISHED_AT = "finished_at";

  /** Human-readable detail: the failure reason, top quarantine reasons. */
  public static final String MESSAGE = "message";

  /** Delta version of each table this run wrote, for RESTORE. */
  public static final String TABLE_VERSIONS = "table_versions";

  /**
   * The {@code run} row's process exit code (0 ok, 1 failed, 2 usage or config, 3 warehouse held);
   * null on other rows and for abandoned runs.
   */
  public static final String EXIT_CODE = "exit_code";

  /** Ingest: records outside the source's filter, counted and kept nowhere; null elsewhere. */
  public static final String RECORDS_FILTERED = "records_filtered";

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(RUN_ID, DataTypes.StringType, false),
            field(JOB, DataTypes.StringType, false),
            field(AS_OF, DataTypes.DateType, true),
            field(SOURCE, DataTypes.StringType, false),
            field(STATUS, DataTypes.StringType, false),
            field(RECORDS_READ, DataTypes.LongType, true),
            field(RECORDS_ACCEPTED, DataTypes.LongType, true),
            field(RECORDS_QUARANTINED, DataTypes.LongType, true),
            field(RECORDS_DUPLICATE, DataTypes.LongType, true),
            field(STARTED_AT, DataTypes.TimestampType, false),
            field(FINISHED_AT, DataTypes.TimestampType, false),
            field(MESSAGE, DataTypes.StringType, true),
            field(
                TABLE_VERSIONS,
                DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType),
                true),
            field(EXIT_CODE, DataTypes.IntegerType, true),
            field(RECORDS_FILTERED, DataTypes.LongType, true),
          });
}
