package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code customer_satisfaction}: one row per customer of {@code customer_features} and {@code
 * as_of}. Survey and complaint facts, the satisfaction band, the churn-risk score and, for churned
 * customers, the churn cause. "Window" is {@code clientele.satisfaction.window-days} ending on the
 * as-of date inclusive. With no survey or complaint source every customer's band is {@code
 * unknown}.
 */
public final class CustomerSatisfactionColumns {
  private CustomerSatisfactionColumns() {}

  public static final String CUSTOMER_ID = "customer_id";
  public static final String AS_OF = "as_of";

  /** Survey answers in the window. */
  public static final String SURVEY_COUNT = "survey_count";

  /** Mean CSAT (1–5) over window answers that have one; null when none. */
  public static final String CSAT_MEAN = "csat_mean";

  /** The latest NPS answer (0–10) in the window; null when none. */
  public static final String LAST_NPS = "last_nps";

  public static final String LAST_NPS_DATE = "last_nps_date";

  /** promoter (9–10), passive (7–8), detractor (0–6), or unknown when no NPS answer. */
  public static final String NPS_CLASS = "nps_class";

  /** Complaints opened in the window. */
  public static final String COMPLAINT_COUNT = "complaint_count";

  /** Complaints opened on or before as-of and not resolved by as-of (any age). */
  public static final String OPEN_COMPLAINTS = "open_complaints";

  /**
   * Category and date of the latest complaint opened on or before as-of (any age); null if none.
   */
  public static final String LAST_COMPLAINT_CATEGORY = "last_complaint_category";

  public static final String LAST_COMPLAINT_DATE = "last_complaint_date";

  /** Median hours from opened to resolved over window complaints resolved by as-of. */
  public static final String MEDIAN_RESOLUTION_HOURS = "median_resolution_hours";

  /** complaint_count / the feature table's window order_count; null with no orders. */
  public static final String COMPLAINTS_PER_ORDER = "complaints_per_order";

  /** satisfied, neutral, dissatisfied or unknown. */
  public static final String SATISFACTION_BAND = "satisfaction_band";

  /** The rule that chose the band, e.g. {@code dissatisfied:open_complaint}. */
  public static final String SATISFACTION_BAND_REASON = "satisfaction_band_reason";

  /** Each churn signal's value in [0,1], by signal name; null for prospects. */
  public static final String CHURN_SIGNALS = "churn_signals";

  /** Normalised weighted sum of the signals in [0,1]; null for prospects (never bought). */
  public static final String CHURN_RISK = "churn_risk";

  /** is_churned, or churn_risk at or above {@code clientele.satisfaction.churn.flag-at}. */
  public static final String CHURN_FLAG = "churn_flag";

  /**
   * Why churn_flag has its value, in the reason grammar: churned, risk_at_bar, risk_below_bar or
   * no_purchase.
   */
  public static final String CHURN_FLAG_REASON = "churn_flag_reason";

  /**
   * Codes behind the flag: churned (first, for churned customers), then the signals that reached
   * their bar, in a fixed order; empty when none.
   */
  public static final String CHURN_REASONS = "churn_reasons";

  /** No purchase in the churn horizon ending on as-of (customers who bought at least once). */
  public static final String IS_CHURNED = "is_churned";

  /** For churned customers only: quality, service, price, delivery or competitor_unknown. */
  public static final String CHURN_CAUSE = "churn_cause";

  /**
   * Why that cause, e.g. {@code complaint:quality@2026-03-02} or {@code
   * no_complaint:last_nps=detractor}.
   */
  public static final String CHURN_CAUSE_REASON = "churn_cause_reason";

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(CUSTOMER_ID, DataTypes.StringType, false),
            field(AS_OF, DataTypes.DateType, false),
            field(SURVEY_COUNT, DataTypes.LongType, false),
            field(CSAT_MEAN, DataTypes.DoubleType, true),
            field(LAST_NPS, DataTypes.IntegerType, true),
            field(LAST_NPS_DATE, DataTypes.DateType, true),
            field(NPS_CLASS, DataTypes.StringType, false),
            field(COMPLAINT_COUNT, DataTypes.LongType, false),
            field(OPEN_COMPLAINTS, DataTypes.LongType, false),
            field(LAST_COMPLAINT_CATEGORY, DataTypes.StringType, true),
            field(LAST_COMPLAINT_DATE, DataTypes.DateType, true),
            field(MEDIAN_RESOLUTION_HOURS, DataTypes.DoubleType, true),
            field(COMPLAINTS_PER_ORDER, DataTypes.DoubleType, true),
            field(SATISFACTION_BAND, DataTypes.StringType, false),
            field(SATISFACTION_BAND_REASON, DataTypes.StringType, false),
            field(
                CHURN_SIGNALS,
                DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false),
                true),
            field(CHURN_RISK, DataTypes.DoubleType, true),
            field(CHURN_FLAG, DataTypes.BooleanType, false),
            field(CHURN_FLAG_REASON, DataTypes.StringType, false),
            field(CHURN_REASONS, DataTypes.createArrayType(DataTypes.StringType, false), false),
            field(IS_CHURNED, DataTypes.BooleanType, false),
            field(CHURN_CAUSE, DataTypes.StringType, true),
            field(CHURN_CAUSE_REASON, DataTypes.StringType, true),
          });
}
