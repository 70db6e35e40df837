package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code customer_features}: one row per customer and {@code as_of}, built from one scan of silver
 * transactions joined with customers. Every aggregate (segment, value, satisfaction) reads only
 * this table. Windows end on the as-of date inclusive; "window" is {@code
 * clientele.features.window-days} (default 365). "Purchase" means a non-return order; a customer
 * with only returns is a prospect with negative net spend. Attribute columns say "unknown" when
 * missing. The 90-day columns use {@code clientele.features.trend-days}.
 */
public final class FeaturesColumns {
  private FeaturesColumns() {}

  public static final String AS_OF = "as_of";
  public static final String CUSTOMER_ID = "customer_id";

  /** Date of the first / last purchase (non-return order) ever, up to as-of; null for prospects. */
  public static final String FIRST_PURCHASE_DATE = "first_purchase_date";

  public static final String LAST_PURCHASE_DATE = "last_purchase_date";

  /** Days from the last purchase to as-of; null for prospects. */
  public static final String RECENCY_DAYS = "recency_days";

  /** Distinct orders (non-return) in the window. */
  public static final String ORDER_COUNT = "order_count";

  /** Distinct orders ever, up to as-of. */
  public static final String LIFETIME_ORDER_COUNT = "lifetime_order_count";

  /** Distinct purchase days in the window. */
  public static final String PURCHASE_DAYS = "purchase_days";

  /**
   * Distinct purchase days ever, up to as-of (BG/NBD frequency in day periods is this minus one).
   */
  public static final String LIFETIME_PURCHASE_DAYS = "lifetime_purchase_days";

  /**
   * Distinct 7-day periods with a purchase ever, up to as-of, counted from the customer's first
   * purchase day (days 0–6 are week 0); BG/NBD frequency in week periods is this minus one.
   */
  public static final String PURCHASE_WEEKS = "purchase_weeks";

  /**
   * Mean net spend per repeat purchase day ever, up to as-of: net spend of every purchase day after
   * the first (same-day orders merged, returns deducted) divided by their number; null with fewer
   * than two purchase days. The Gamma-Gamma model's m̄ (decimal).
   */
  public static final String REPEAT_MEAN_SPEND = "repeat_mean_spend";

  /** Net spend in the window, returns deducted (decimal). */
  public static final String NET_SPEND = "net_spend";

  /** Net spend ever, up to as-of (membership uses it). */
  public static final String LIFETIME_NET_SPEND = "lifetime_net_spend";

  /** Net spend / order count in the window; null when no orders. */
  public static final String AOV = "aov";

  /** Days from first purchase (or signup, if earlier) to as-of. */
  public static final String TENURE_DAYS = "tenure_days";

  /** Mean days between consecutive distinct purchase days, ever; null with fewer than two. */
  public static final String MEAN_GAP_DAYS = "mean_gap_days";

  /** Days between the last two distinct purchase days; null with fewer than two. */
  public static final String LAST_GAP_DAYS = "last_gap_days";

  public static final String SPEND_LAST_90D = "spend_last_90d";
  public static final String SPEND_PREV_90D = "spend_prev_90d";
  public static final String ORDERS_LAST_90D = "orders_last_90d";
  public static final String ORDERS_PREV_90D = "orders_prev_90d";

  /** Share of window gross spend on the customer's top brand, 0..1. */
  public static final String TOP_BRAND_SHARE = "top_brand_share";

  public static final String TOP_BRAND = "top_brand";

  /** Discount / (amount + discount) over window purchases, 0..1. */
  public static final String DISCOUNT_SHARE = "discount_share";

  /** Distinct categories bought in the window. */
  public static final String CATEGORY_COUNT = "category_count";

  /** Share of window orders per channel, map channel → share. */
  public static final String CHANNEL_MIX = "channel_mix";

  /** Gross margin in the window when every line has a cost, else null. */
  public static final String MARGIN = "margin";

  /** Returned amount in the window (positive number). */
  public static final String RETURN_AMOUNT = "return_amount";

  /** True when the customer had a gap longer than the churn horizon before a later purchase. */
  public static final String WAS_CHURNED_BEFORE = "was_churned_before";

  /** Date of the purchase that ended the most recent such gap; null if none. */
  public static final String REACTIVATED_ON = "reactivated_on";

  public static final String AGE_BAND = "age_band";
  public static final String GENDER = "gender";
  public static final String INCOME_BAND = "income_band";
  public static final String OCCUPATION = "occupation";
  public static final String REGION = "region";
  public static final String SIGNUP_DATE = "signup_date";

  /** True when the customer has attributes but no purchase up to as-of. */
  public static final String IS_PROSPECT = "is_prospect";

  // Loyalty points, summed per line inside the same single scan so the value job never rereads
  // transactions (rules: clientele.value.points).
  /** Points earned by purchase lines, ever up to as-of. */
  public static final String POINTS_EARNED = "points_earned";

  /** Points taken back by return lines, ever up to as-of (positive number). */
  public static final String POINTS_REVERSED = "points_reversed";

  /**
   * Points spent in redemptions (silver {@code redemptions}) dated up to as-of, ever (0 without a
   * redemptions source).
   */
  public static final String POINTS_REDEEMED = "points_redeemed";

  /**
   * Net points (earned − reversed − redeemed) dated before {@link #POINTS_EXPIRY_DATE}: they have
   * expired (never negative).
   */
  public static final String POINTS_EXPIRED = "points_expired";

  /**
   * Net points (earned − reversed − redeemed) dated on or after {@link #POINTS_EXPIRY_DATE} (never
   * negative).
   */
  public static final String POINTS_BALANCE = "points_balance";

  /** The most recent yearly expiry day on or before as-of. */
  public static final String POINTS_EXPIRY_DATE = "points_expiry_date";

  /** The table's schema, in column order. */
  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(AS_OF, DataTypes.DateType, false),
            field(CUSTOMER_ID, DataTypes.StringType, false),
            field(FIRST_PURCHASE_DATE, DataTypes.DateType, true),
            field(LAST_PURCHASE_DATE, DataTypes.DateType, true),
            field(RECENCY_DAYS, DataTypes.IntegerType, true),
            field(ORDER_COUNT, DataTypes.LongType, false),
            field(LIFETIME_ORDER_COUNT, DataTypes.LongType, false),
            field(PURCHASE_DAYS, DataTypes.LongType, false),
            field(LIFETIME_PURCHASE_DAYS, DataTypes.LongType, false),
            field(PURCHASE_WEEKS, DataTypes.LongType, false),
            field(REPEAT_MEAN_SPEND, Money.AMOUNT, true),
            field(NET_SPEND, Money.AMOUNT, false),
            field(LIFETIME_NET_SPEND, Money.AMOUNT, false),
            field(AOV, Money.AMOUNT, true),
            field(TENURE_DAYS, DataTypes.IntegerType, true),
            field(MEAN_GAP_DAYS, DataTypes.DoubleType, true),
            field(LAST_GAP_DAYS, DataTypes.IntegerType, true),
            field(SPEND_LAST_90D, Money.AMOUNT, false),
            field(SPEND_PREV_90D, Money.AMOUNT, false),
            field(ORDERS_LAST_90D, DataTypes.LongType, false),
            field(ORDERS_PREV_90D, DataTypes.LongType, false),
            field(TOP_BRAND_SHARE, DataTypes.DoubleType, true),
            field(TOP_BRAND, DataTypes.StringType, true),
            field(DISCOUNT_SHARE, DataTypes.DoubleType, true),
            field(CATEGORY_COUNT, DataTypes.LongType, false),
            field(
                CHANNEL_MIX,
                DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType),
                true),
            field(MARGIN, Money.AMOUNT, true),
            field(RETURN_AMOUNT, Money.AMOUNT, false),
            field(WAS_CHURNED_BEFORE, DataTypes.BooleanType, false),
            field(REACTIVATED_ON, DataTypes.DateType, true),
            field(AGE_BAND, DataTypes.StringType, false),
            field(GENDER, DataTypes.StringType, false),
            field(INCOME_BAND, DataTypes.StringType, false),
            field(OCCUPATION, DataTypes.StringType, false),
            field(REGION, DataTypes.StringType, false),
            field(SIGNUP_DATE, DataTypes.DateType, true),
            field(IS_PROSPECT, DataTypes.BooleanType, false),
            field(POINTS_EARNED, DataTypes.LongType, false),
            field(POINTS_REVERSED, DataTypes.LongType, false),
            field(POINTS_REDEEMED, DataTypes.LongType, false),
            field(POINTS_EXPIRED, DataTypes.LongType, false),
            field(POINTS_BALANCE, DataTypes.LongType, false),
            field(POINTS_EXPIRY_DATE, DataTypes.DateType, false),
          });
}
