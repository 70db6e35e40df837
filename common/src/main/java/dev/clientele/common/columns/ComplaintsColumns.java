package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Silver {@code complaints}: one row per complaint, its current version (every version is in {@code
 * complaint_history}). {@link #CATEGORY} is one of quality, service, price, delivery, other (lower
 * case); {@link #RESOLVED_AT} is null while open.
 */
public final class ComplaintsColumns {
  private ComplaintsColumns() {}

  public static final String COMPLAINT_ID = "complaint_id";
  public static final String CUSTOMER_ID = "customer_id";
  public static final String ORDER_ID = "order_id";
  public static final String OPENED_AT = "opened_at";
  public static final String RESOLVED_AT = "resolved_at";
  public static final String CATEGORY = "category";
  public static final String SEVERITY = "severity";
  public static final String INGEST_RUN_ID = "ingest_run_id";

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(COMPLAINT_ID, DataTypes.StringType, false),
            field(CUSTOMER_ID, DataTypes.StringType, false),
            field(ORDER_ID, DataTypes.StringType, true),
            field(OPENED_AT, DataTypes.TimestampType, false),
            field(RESOLVED_AT, DataTypes.TimestampType, true),
            field(CATEGORY, DataTypes.StringType, false),
            field(SEVERITY, DataTypes.StringType, true),
            field(INGEST_RUN_ID, DataTypes.StringType, false),
          });

  /**
   * complaint_history: the version time of this version (the complaints source's {@code
   * updated-at}, by default the resolution time, else the opening time).
   */
  public static final String VALID_FROM = "valid_from";

  /** complaint_history: the next version's time, null while this version is current. */
  public static final String VALID_TO = "valid_to";

  /**
   * Silver {@code complaint_history}: one row per complaint and version (SCD2), {@link #SCHEMA}
   * plus {@link #VALID_FROM} and {@link #VALID_TO}. {@code complaints} holds the current version of
   * each complaint (the one with the latest valid_from).
   */
  public static final StructType HISTORY_SCHEMA =
      SCHEMA
          .add(field(VALID_FROM, DataTypes.TimestampType, false))
          .add(field(VALID_TO, DataTypes.TimestampType, true));
}
