package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Ops {@code lease}: a single row naming the run that holds (or last held) the warehouse, renewed
 * by its heartbeat and released when it ends (see WarehouseLease).
 */
public final class LeaseColumns {
  private LeaseColumns() {}

  public static final String RUN_ID = "run_id";
  public static final String JOB = "job";
  public static final String AS_OF = "as_of";
  public static final String HOST = "host";
  public static final String STARTED_AT = "started_at";
  public static final String HEARTBEAT_AT = "heartbeat_at";

  /** When the run let go of the lease; null while it holds it. */
  public static final String RELEASED_AT = "released_at";

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(RUN_ID, DataTypes.StringType, false),
            field(JOB, DataTypes.StringType, false),
            field(AS_OF, DataTypes.DateType, true),
            field(HOST, DataTypes.StringType, true),
            field(STARTED_AT, DataTypes.TimestampType, false),
            field(HEARTBEAT_AT, DataTypes.TimestampType, false),
            field(RELEASED_AT, DataTypes.TimestampType, true),
          });
}
