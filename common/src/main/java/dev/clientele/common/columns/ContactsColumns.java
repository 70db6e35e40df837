package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Silver {@code contacts}: one row per marketing message sent to a customer (by a campaign tool),
 * keyed by {@link #CONTACT_ID}. Audiences count these against the contact cap; the day of {@link
 * #SENT_AT} decides which cap window a contact falls in.
 */
public final class ContactsColumns {
  private ContactsColumns() {}

  public static final String CONTACT_ID = "contact_id";
  public static final String CUSTOMER_ID = "customer_id";
  public static final String CHANNEL = "channel";
  public static final String CAMPAIGN = "campaign";
  public static final String SENT_AT = "sent_at";
  public static final String INGEST_RUN_ID = "ingest_run_id";

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(CONTACT_ID, DataTypes.StringType, false),
            field(CUSTOMER_ID, DataTypes.StringType, false),
            field(CHANNEL, DataTypes.StringType, true),
            field(CAMPAIGN, DataTypes.StringType, true),
            field(SENT_AT, DataTypes.TimestampType, false),
            field(INGEST_RUN_ID, DataTypes.StringType, false),
          });
}
