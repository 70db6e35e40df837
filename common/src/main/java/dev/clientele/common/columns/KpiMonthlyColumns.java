package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Gold {@code kpi_monthly}: one row per {@code month}, {@code dimension} and {@code label},
 * partitioned by {@code month}; dimension {@code overall} has the one label {@code all}. Each
 * customer counts under the label it held at the start of the month ({@code unknown} when none).
 * Every month from the first month with data to the latest published date's month is present, with
 * overall, every dimension's unknown and every label held at its start; counts are 0 where nothing
 * happened and a rate whose base is 0 is null (undefined, not 0). Definitions: {@code
 * docs/kpis.md}.
 */
public final class KpiMonthlyColumns {
  private KpiMonthlyColumns() {}

  /** The date the row's figures run to: the month's last day, or the latest published date. */
  public static final String AS_OF = "as_of";

  /** First day of the calendar month. */
  public static final String MONTH = "month";

  public static final String DIMENSION = "dimension";
  public static final String LABEL = "label";

  /** Customers with at least one purchase (non-return) order in the month. */
  public static final String ACTIVE_CUSTOMERS = "active_customers";

  /** Distinct purchase orders in the month. */
  public static final String ORDERS = "orders";

  /**
   * Repurchase windows (W days after a buyer's first purchase day in a month) closed in the month.
   */
  public static final String REPURCHASE_BASE = "repurchase_base";

  /** Of those, the windows with another purchase day inside. */
  public static final String REPURCHASERS = "repurchasers";

  public static final String REPURCHASE_RATE = "repurchase_rate";

  /**
   * Customers not churned at the end of the previous month (a purchase in the horizon ending then).
   */
  public static final String CHURN_BASE = "churn_base";

  /** Of those, customers churned at the end of this month. */
  public static final String CHURNED_CUSTOMERS = "churned_customers";

  public static final String CHURN_RATE = "churn_rate";

  /** Customers churned at the end of the previous month. */
  public static final String REACTIVATION_BASE = "reactivation_base";

  /** Of those, customers who purchased in this month. */
  public static final String REACTIVATED_CUSTOMERS = "reactivated_customers";

  public static final String REACTIVATION_RATE = "reactivation_rate";
  public static final String CSAT_ANSWERS = "csat_answers";
  public static final String CSAT_MEAN = "csat_mean";
  public static final String NPS_ANSWERS = "nps_answers";
  public static final String PROMOTERS = "promoters";
  public static final String DETRACTORS = "detractors";

  /** (promoters − detractors) / NPS answers × 100, two decimals. */
  public static final String NPS = "nps";

  /** Complaints opened in the month. */
  public static final String COMPLAINTS = "complaints";

  /** complaints / orders × 1000. */
  public static final String COMPLAINTS_PER_1000_ORDERS = "complaints_per_1000_orders";

  /** Complaints resolved in the month, and their resolution hours' median and p90. */
  public static final String RESOLVED_COMPLAINTS = "resolved_complaints";

  public static final String RESOLUTION_HOURS_MEDIAN = "resolution_hours_median";
  public static final String RESOLUTION_HOURS_P90 = "resolution_hours_p90";

  /**
   * Complaints open at the month's end (the as-of date for the as-of month): opened on or before it
   * and not resolved by it.
   */
  public static final String OPEN_COMPLAINTS = "open_complaints";

  /** Points earned by the month's purchase lines (before reversals). */
  public static final String POINTS_EARNED = "points_earned";

  /** Points of the redemptions dated in the month; null without a redemptions input. */
  public static final String POINTS_REDEEMED = "points_redeemed";

  /**
   * points_redeemed / points_earned; null without a redemptions input or when nothing was earned,
   * and the note says which.
   */
  public static final String POINTS_REDEMPTION_RATE = "points_redemption_rate";

  public static final String POINTS_REDEMPTION_NOTE = "points_redemption_note";

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(AS_OF, DataTypes.DateType, false),
            field(MONTH, DataTypes.DateType, false),
            field(DIMENSION, DataTypes.StringType, false),
            field(LABEL, DataTypes.StringType, false),
            field(ACTIVE_CUSTOMERS, DataTypes.LongType, false),
            field(ORDERS, DataTypes.LongType, false),
            field(REPURCHASE_BASE, DataTypes.LongType, false),
            field(REPURCHASERS, DataTypes.LongType, false),
            field(REPURCHASE_RATE, DataTypes.DoubleType, true),
            field(CHURN_BASE, DataTypes.LongType, false),
            field(CHURNED_CUSTOMERS, DataTypes.LongType, false),
            field(CHURN_RATE, DataTypes.DoubleType, true),
            field(REACTIVATION_BASE, DataTypes.LongType, false),
            field(REACTIVATED_CUSTOMERS, DataTypes.LongType, false),
            field(REACTIVATION_RATE, DataTypes.DoubleType, true),
            field(CSAT_ANSWERS, DataTypes.LongType, false),
            field(CSAT_MEAN, DataTypes.DoubleType, true),
            field(NPS_ANSWERS, DataTypes.LongType, false),
            field(PROMOTERS, DataTypes.LongType, false),
            field(DETRACTORS, DataTypes.LongType, false),
            field(NPS, DataTypes.DoubleType, true),
            field(COMPLAINTS, DataTypes.LongType, false),
            field(COMPLAINTS_PER_1000_ORDERS, DataTypes.DoubleType, true),
            field(RESOLVED_COMPLAINTS, DataTypes.LongType, false),
            field(RESOLUTION_HOURS_MEDIAN, DataTypes.DoubleType, true),
            field(RESOLUTION_HOURS_P90, DataTypes.DoubleType, true),
            field(OPEN_COMPLAINTS, DataTypes.LongType, false),
            field(POINTS_EARNED, DataTypes.LongType, false),
            field(POINTS_REDEEMED, DataTypes.LongType, true),
            field(POINTS_REDEMPTION_RATE, DataTypes.DoubleType, true),
            field(POINTS_REDEMPTION_NOTE, DataTypes.StringType, true),
          });
}
