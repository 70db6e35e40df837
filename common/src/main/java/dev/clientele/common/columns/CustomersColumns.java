package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Silver {@code customers}: one row per customer, latest attributes by {@link #UPDATED_AT}. Name,
 * email and phone exist only as keyed HMAC-SHA256 pseudonyms ({@code *_hash}); raw PII is never
 * written. {@code customer_history} has the same columns plus {@code valid_from}/{@code valid_to}.
 */
public final class CustomersColumns {
  private CustomersColumns() {}

  public static final String CUSTOMER_ID = "customer_id";
  public static final String NAME_HASH = "name_hash";
  public static final String EMAIL_HASH = "email_hash";
  public static final String PHONE_HASH = "phone_hash";
  public static final String BIRTH_DATE = "birth_date";
  public static final String GENDER = "gender";
  public static final String INCOME_BAND = "income_band";
  public static final String OCCUPATION = "occupation";
  public static final String REGION = "region";
  public static final String SIGNUP_DATE = "signup_date";
  public static final String UPDATED_AT = "updated_at";

  /**
   * True when the customer has opted out of marketing (point-in-time through customer_history);
   * null when the source does not say, which audiences treat as not opted out.
   */
  public static final String MARKETING_OPT_OUT = "marketing_opt_out";

  /**
   * True when no customer source is configured and the row was derived from the transaction log.
   */
  public static final String IS_DERIVED = "is_derived";

  public static final String INGEST_RUN_ID = "ingest_run_id";

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(CUSTOMER_ID, DataTypes.StringType, false),
            field(NAME_HASH, DataTypes.StringType, true),
            field(EMAIL_HASH, DataTypes.StringType, true),
            field(PHONE_HASH, DataTypes.StringType, true),
            field(BIRTH_DATE, DataTypes.DateType, true),
            field(GENDER, DataTypes.StringType, true),
            field(INCOME_BAND, DataTypes.StringType, true),
            field(OCCUPATION, DataTypes.StringType, true),
            field(REGION, DataTypes.StringType, true),
            field(SIGNUP_DATE, DataTypes.DateType, true),
            field(UPDATED_AT, DataTypes.TimestampType, true),
            field(MARKETING_OPT_OUT, DataTypes.BooleanType, true),
            field(IS_DERIVED, DataTypes.BooleanType, false),
            field(INGEST_RUN_ID, DataTypes.StringType, false),
          });

  /** customer_history: start of the interval in which this version of the attributes held. */
  public static final String VALID_FROM = "valid_from";

  /** customer_history: start of the next version, null while this version is current. */
  public static final String VALID_TO = "valid_to";

  /**
   * Silver {@code customer_history}: one row per customer and attribute version (SCD2), {@link
   * #SCHEMA} plus {@link #VALID_FROM} (the version's updated_at) and {@link #VALID_TO}.
   */
  public static final StructType HISTORY_SCHEMA =
      SCHEMA
          .add(field(VALID_FROM, DataTypes.TimestampType, false))
          .add(field(VALID_TO, DataTypes.TimestampType, true));
}
