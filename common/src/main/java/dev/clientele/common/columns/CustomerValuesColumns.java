package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code customer_values}: one row per customer and {@code as_of}, written by the {@code value} job
 * from {@code customer_features} only. Every label column {@code X} has an {@code X_reason}.
 */
public final class CustomerValuesColumns {
  private CustomerValuesColumns() {}

  public static final String AS_OF = "as_of";
  public static final String CUSTOMER_ID = "customer_id";

  /** Net spend in the features window (the value tier's measure). */
  public static final String NET_SPEND = "net_spend";

  public static final String ORDER_COUNT = "order_count";

  /**
   * 1 = biggest spender; by net spend descending, ties by customer id; null when net spend <= 0.
   */
  public static final String VALUE_RANK = "value_rank";

  /** high, medium, low, none (net spend <= 0). */
  public static final String VALUE_TIER = "value_tier";

  public static final String VALUE_TIER_REASON = "value_tier_reason";

  /** A, B, C key-customer grade by cumulative revenue share; none when net spend <= 0. */
  public static final String ABC_GRADE = "abc_grade";

  public static final String ABC_GRADE_REASON = "abc_grade_reason";

  /** low, medium, high; none when ineligible (no orders / no positive spend). */
  public static final String FREQUENCY_TIER = "frequency_tier";

  public static final String FREQUENCY_TIER_REASON = "frequency_tier_reason";
  public static final String MONETARY_TIER = "monetary_tier";
  public static final String MONETARY_TIER_REASON = "monetary_tier_reason";
  public static final String AOV_TIER = "aov_tier";
  public static final String AOV_TIER_REASON = "aov_tier_reason";

  /** low, medium, high; unknown when cost is not known; none without orders. */
  public static final String MARGIN_TIER = "margin_tier";

  public static final String MARGIN_TIER_REASON = "margin_tier_reason";

  /** Cumulative net spend up to as-of (the membership tier's measure). */
  public static final String LIFETIME_NET_SPEND = "lifetime_net_spend";

  /** Configured membership tier name (default regular, silver, gold, diamond). */
  public static final String MEMBERSHIP_TIER = "membership_tier";

  public static final String MEMBERSHIP_TIER_REASON = "membership_tier_reason";

  /** The tier's price multiplier (0.90 = 10% off), metadata from config. */
  public static final String MEMBERSHIP_DISCOUNT = "membership_discount";

  /** The next tier up, null at the top. */
  public static final String NEXT_MEMBERSHIP_TIER = "next_membership_tier";

  /** Lifetime net spend still needed for the next tier, null at the top. */
  public static final String SPEND_TO_NEXT_TIER = "spend_to_next_tier";

  public static final String POINTS_EARNED = "points_earned";
  public static final String POINTS_REVERSED = "points_reversed";
  public static final String POINTS_REDEEMED = "points_redeemed";
  public static final String POINTS_EXPIRED = "points_expired";
  public static final String POINTS_BALANCE = "points_balance";

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(AS_OF, DataTypes.DateType, false),
            field(CUSTOMER_ID, DataTypes.StringType, false),
            field(NET_SPEND, Money.AMOUNT, false),
            field(ORDER_COUNT, DataTypes.LongType, false),
            field(VALUE_RANK, DataTypes.LongType, true),
            field(VALUE_TIER, DataTypes.StringType, false),
            field(VALUE_TIER_REASON, DataTypes.StringType, false),
            field(ABC_GRADE, DataTypes.StringType, false),
            field(ABC_GRADE_REASON, DataTypes.StringType, false),
            field(FREQUENCY_TIER, DataTypes.StringType, false),
            field(FREQUENCY_TIER_REASON, DataTypes.StringType, false),
            field(MONETARY_TIER, DataTypes.StringType, false),
            field(MONETARY_TIER_REASON, DataTypes.StringType, false),
            field(AOV_TIER, DataTypes.StringType, false),
            field(AOV_TIER_REASON, DataTypes.StringType, false),
            field(MARGIN_TIER, DataTypes.StringType, false),
            field(MARGIN_TIER_REASON, DataTypes.StringType, false),
            field(LIFETIME_NET_SPEND, Money.AMOUNT, false),
            field(MEMBERSHIP_TIER, DataTypes.StringType, false),
            field(MEMBERSHIP_TIER_REASON, DataTypes.StringType, false),
            field(MEMBERSHIP_DISCOUNT, DataTypes.DoubleType, false),
            field(NEXT_MEMBERSHIP_TIER, DataTypes.StringType, true),
            field(SPEND_TO_NEXT_TIER, Money.AMOUNT, true),
            field(POINTS_EARNED, DataTypes.LongType, false),
            field(POINTS_REVERSED, DataTypes.LongType, false),
            field(POINTS_REDEEMED, DataTypes.LongType, false),
            field(POINTS_EXPIRED, DataTypes.LongType, false),
            field(POINTS_BALANCE, DataTypes.LongType, false),
          });
}
