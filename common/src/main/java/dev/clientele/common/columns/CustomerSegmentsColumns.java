package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code customer_segments}: one row per customer and {@code as_of}, written by the {@code segment}
 * job from {@code customer_features} only. Every label column {@code X} has an {@code X_reason}
 * saying, in one machine-readable line, which rule and which numbers gave the label.
 */
public final class CustomerSegmentsColumns {
  private CustomerSegmentsColumns() {}

  public static final String AS_OF = "as_of";
  public static final String CUSTOMER_ID = "customer_id";

  /** R value: days since the last purchase; null for customers who never bought. */
  public static final String RECENCY_DAYS = "recency_days";

  /** F value: orders in the features window. */
  public static final String FREQUENCY = "frequency";

  /** M value: net spend in the features window. */
  public static final String MONETARY = "monetary";

  /**
   * Scores 1..N ({@code clientele.segment.rfm.scores}); high = recent / frequent / big. Null for
   * non-buyers.
   */
  public static final String R_SCORE = "r_score";

  public static final String F_SCORE = "f_score";
  public static final String M_SCORE = "m_score";

  /**
   * R, F and M scores concatenated, e.g. "545" (separated by "-" when N = 10); null for non-buyers.
   */
  public static final String RFM_CODE = "rfm_code";

  public static final String RFM_CODE_REASON = "rfm_code_reason";

  /** Named segment from the configured R x F grid, or the no-purchase segment. */
  public static final String RFM_SEGMENT = "rfm_segment";

  public static final String RFM_SEGMENT_REASON = "rfm_segment_reason";

  /** prospect, new, developing, stable, declining, churned, reactivated. */
  public static final String LIFECYCLE_STAGE = "lifecycle_stage";

  public static final String LIFECYCLE_STAGE_REASON = "lifecycle_stage_reason";

  /** active, dormant, lost; none for customers who never bought. */
  public static final String ACTIVITY_STATUS = "activity_status";

  public static final String ACTIVITY_STATUS_REASON = "activity_status_reason";

  /** core, potential, non-target. */
  public static final String TARGET_FLAG = "target_flag";

  public static final String TARGET_FLAG_REASON = "target_flag_reason";

  /** brand-loyal, price-sensitive, category-explorer, none. */
  public static final String PREFERENCE_CLASS = "preference_class";

  public static final String PREFERENCE_CLASS_REASON = "preference_class_reason";

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(AS_OF, DataTypes.DateType, false),
            field(CUSTOMER_ID, DataTypes.StringType, false),
            field(RECENCY_DAYS, DataTypes.IntegerType, true),
            field(FREQUENCY, DataTypes.LongType, false),
            field(MONETARY, Money.AMOUNT, false),
            field(R_SCORE, DataTypes.IntegerType, true),
            field(F_SCORE, DataTypes.IntegerType, true),
            field(M_SCORE, DataTypes.IntegerType, true),
            field(RFM_CODE, DataTypes.StringType, true),
            field(RFM_CODE_REASON, DataTypes.StringType, false),
            field(RFM_SEGMENT, DataTypes.StringType, false),
            field(RFM_SEGMENT_REASON, DataTypes.StringType, false),
            field(LIFECYCLE_STAGE, DataTypes.StringType, false),
            field(LIFECYCLE_STAGE_REASON, DataTypes.StringType, false),
            field(ACTIVITY_STATUS, DataTypes.StringType, false),
            field(ACTIVITY_STATUS_REASON, DataTypes.StringType, false),
            field(TARGET_FLAG, DataTypes.StringType, false),
            field(TARGET_FLAG_REASON, DataTypes.StringType, false),
            field(PREFERENCE_CLASS, DataTypes.StringType, false),
            field(PREFERENCE_CLASS_REASON, DataTypes.StringType, false),
          });
}
