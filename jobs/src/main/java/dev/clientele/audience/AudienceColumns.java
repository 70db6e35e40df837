package dev.clientele.audience;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Columns of gold {@code audience_members} and {@code audience_results}, and their schemas. */
public final class AudienceColumns {
  private AudienceColumns() {}

  public static final String AS_OF = "as_of";
  public static final String AUDIENCE = "audience";
  public static final String CUSTOMER_ID = "customer_id";
  public static final String STATUS = "status";
  public static final String REASON = "reason";

  public static final String SELECTED = "selected";
  public static final String HOLDOUT = "holdout";
  public static final String SUPPRESSED = "suppressed";

  /** Suppression reasons, in the order they are checked (the first that applies is recorded). */
  public static final String OPTED_OUT = "opted_out";

  public static final String EXCLUDED_LIFECYCLE = "excluded_lifecycle:";
  public static final String OPEN_COMPLAINT = "open_complaint";
  public static final String CONTACT_CAP = "contact_cap";
  public static final String AUDIENCE_LIMIT = "audience_limit";

  /** gold audience_members: one row per as_of, audience and customer passing its rule. */
  public static final StructType MEMBERS_SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField(AS_OF, DataTypes.DateType, false),
            DataTypes.createStructField(AUDIENCE, DataTypes.StringType, false),
            DataTypes.createStructField(CUSTOMER_ID, DataTypes.StringType, false),
            DataTypes.createStructField(STATUS, DataTypes.StringType, false),
            DataTypes.createStructField(REASON, DataTypes.StringType, true),
          });

  // audience_results
  public static final String MEASURE_DAYS = "measure_days";
  public static final String WINDOW_END = "window_end";
  public static final String MEASURED_AS_OF = "measured_as_of";
  public static final String SELECTED_CUSTOMERS = "selected_customers";
  public static final String HOLDOUT_CUSTOMERS = "holdout_customers";
  public static final String SELECTED_REPURCHASE_RATE = "selected_repurchase_rate";
  public static final String HOLDOUT_REPURCHASE_RATE = "holdout_repurchase_rate";
  public static final String REPURCHASE_UPLIFT = "repurchase_uplift";
  public static final String REPURCHASE_UPLIFT_LOW = "repurchase_uplift_ci_low";
  public static final String REPURCHASE_UPLIFT_HIGH = "repurchase_uplift_ci_high";
  public static final String SELECTED_SPEND = "selected_spend_per_customer";
  public static final String HOLDOUT_SPEND = "holdout_spend_per_customer";
  public static final String SPEND_UPLIFT = "spend_uplift";
  public static final String SPEND_UPLIFT_LOW = "spend_uplift_ci_low";
  public static final String SPEND_UPLIFT_HIGH = "spend_uplift_ci_high";

  /** gold audience_results: one row per as_of and audience measured. */
  public static final StructType RESULTS_SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField(AS_OF, DataTypes.DateType, false),
            DataTypes.createStructField(AUDIENCE, DataTypes.StringType, false),
            DataTypes.createStructField(MEASURE_DAYS, DataTypes.IntegerType, false),
            DataTypes.createStructField(WINDOW_END, DataTypes.DateType, false),
            DataTypes.createStructField(MEASURED_AS_OF, DataTypes.DateType, false),
            DataTypes.createStructField(SELECTED_CUSTOMERS, DataTypes.LongType, false),
            DataTypes.createStructField(HOLDOUT_CUSTOMERS, DataTypes.LongType, false),
            DataTypes.createStructField(SELECTED_REPURCHASE_RATE, DataTypes.DoubleType, true),
            DataTypes.createStructField(HOLDOUT_REPURCHASE_RATE, DataTypes.DoubleType, true),
            DataTypes.createStructField(REPURCHASE_UPLIFT, DataTypes.DoubleType, true),
            DataTypes.createStructField(REPURCHASE_UPLIFT_LOW, DataTypes.DoubleType, true),
            DataTypes.createStructField(REPURCHASE_UPLIFT_HIGH, DataTypes.DoubleType, true),
            DataTypes.createStructField(SELECTED_SPEND, DataTypes.DoubleType, true),
            DataTypes.createStructField(HOLDOUT_SPEND, DataTypes.DoubleType, true),
            DataTypes.createStructField(SPEND_UPLIFT, DataTypes.DoubleType, true),
            DataTypes.createStructField(SPEND_UPLIFT_LOW, DataTypes.DoubleType, true),
            DataTypes.createStructField(SPEND_UPLIFT_HIGH, DataTypes.DoubleType, true),
          });
}
