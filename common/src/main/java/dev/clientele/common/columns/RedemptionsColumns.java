package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Silver {@code redemptions}: one row per loyalty points redemption (points spent on a reward or at
 * checkout), keyed by {@link #REDEMPTION_ID}. {@link #POINTS} is positive (ingest quarantines zero
 * and negative values as {@code out_of_range:points}); the day of {@link #REDEEMED_AT} decides
 * which side of a yearly expiry and which month the redemption falls in.
 */
public final class RedemptionsColumns {
  private RedemptionsColumns() {}

  public static final String REDEMPTION_ID = "redemption_id";
  public static final String CUSTOMER_ID = "customer_id";
  public static final String ORDER_ID = "order_id";
  public static final String REDEEMED_AT = "redeemed_at";
  public static final String POINTS = "points";
  public static final String REWARD = "reward";
  public static final String INGEST_RUN_ID = "ingest_run_id";

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(REDEMPTION_ID, DataTypes.StringType, false),
            field(CUSTOMER_ID, DataTypes.StringType, false),
            field(ORDER_ID, DataTypes.StringType, true),
            field(REDEEMED_AT, DataTypes.TimestampType, false),
            field(POINTS, DataTypes.LongType, false),
            field(REWARD, DataTypes.StringType, true),
            field(INGEST_RUN_ID, DataTypes.StringType, false),
          });
}
