package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code customer_days}: the features stage's sufficient statistics, one row per customer and day
 * with at least one transaction line, partitioned by {@link #MONTH} (a few files per month: one per
 * day would make small files the main cost of writing and reading it). Every value depends only on
 * that day's lines, so a refresh recomputes just the days new lines fell on, and {@code
 * customer_features} for any as-of date is an aggregation of these rows (about half as many as the
 * lines, and no line-level columns). "Purchase" means a non-return line.
 */
public final class CustomerDaysColumns {
  private CustomerDaysColumns() {}

  public static final String CUSTOMER_ID = "customer_id";
  public static final String TXN_DATE = "txn_date";

  /** First day of the month of {@link #TXN_DATE}: the partition column. */
  public static final String MONTH = "month";

  /** True when the day has a purchase line (it is a purchase day). */
  public static final String PURCHASE = "purchase";

  /** Sum of line amounts, returns negative (decimal). */
  public static final String NET = "net";

  /** Sum of purchase line amounts; null without purchase lines. */
  public static final String GROSS = "gross";

  /** Returned amount (positive); null without return lines. */
  public static final String RETURNED = "returned";

  /** Discount of purchase lines; null without purchase lines. */
  public static final String DISCOUNT = "discount";

  /** Sum of amount minus unit cost x quantity per line (rounded to cents per line). */
  public static final String MARGIN = "margin";

  /** True when a line of the day has no unit cost (the day's margin is then incomplete). */
  public static final String NO_COST = "no_cost";

  /**
   * Loyalty points earned / reversed (positive) / net by the day's lines (rules:
   * clientele.value.points).
   */
  public static final String POINTS_PLUS = "points_plus";

  public static final String POINTS_MINUS = "points_minus";
  public static final String POINTS = "points";

  /**
   * One entry per distinct purchase order of the day: the order's channel ("unknown" when missing;
   * the alphabetically first if its lines disagree). Its size is the day's order count.
   */
  public static final String ORDER_CHANNELS = "order_channels";

  /** Purchase gross per brand of the day, sorted by brand (lines without a brand left out). */
  public static final String BRANDS = "brands";

  public static final String BRAND = "brand";

  /** Distinct categories of the day's purchase lines, sorted. */
  public static final String CATEGORIES = "categories";

  public static final StructType BRAND_GROSS =
      new StructType(
          new StructField[] {
            field(BRAND, DataTypes.StringType, true), field(GROSS, Money.AMOUNT, true),
          });

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(CUSTOMER_ID, DataTypes.StringType, false),
            field(TXN_DATE, DataTypes.DateType, false),
            field(MONTH, DataTypes.DateType, false),
            field(PURCHASE, DataTypes.BooleanType, false),
            field(NET, Money.AMOUNT, true),
            field(GROSS, Money.AMOUNT, true),
            field(RETURNED, Money.AMOUNT, true),
            field(DISCOUNT, Money.AMOUNT, true),
            field(MARGIN, Money.AMOUNT, true),
            field(NO_COST, DataTypes.BooleanType, true),
            field(POINTS_PLUS, DataTypes.LongType, true),
            field(POINTS_MINUS, DataTypes.LongType, true),
            field(POINTS, DataTypes.LongType, true),
            field(ORDER_CHANNELS, DataTypes.createArrayType(DataTypes.StringType, true), true),
            field(BRANDS, DataTypes.createArrayType(BRAND_GROSS, true), true),
            field(CATEGORIES, DataTypes.createArrayType(DataTypes.StringType, true), true),
          });
}
