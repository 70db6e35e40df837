package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The backtest's gold tables (definitions in docs/predictions.md). {@code prediction_scorecard}:
 * one row per as_of, model and metric: how predictions made at the cutoff (as_of − holdout_days)
 * from what was known then compared with what happened in (cutoff, as_of], beside the naive
 * baseline measured the same way, and the grade. {@code prediction_calibration}: one row per as_of,
 * model, kind and bucket: mean predicted against mean actual.
 */
public final class PredictionColumns {
  private PredictionColumns() {}

  public static final String AS_OF = "as_of";

  /** as_of − holdout_days: every prediction uses only data up to and including this date. */
  public static final String CUTOFF = "cutoff";

  public static final String HOLDOUT_DAYS = "holdout_days";

  /** clv_bgnbd, churn_rule or churn_learned. */
  public static final String MODEL = "model";

  /** The naive model the row is compared with: rate_carried_forward or recency_only. */
  public static final String BASELINE = "baseline";

  public static final String METRIC = "metric";

  /** The model's value of the metric; null when undefined (e.g. precision with nothing flagged). */
  public static final String VALUE = "value";

  public static final String BASELINE_VALUE = "baseline_value";

  /** A, B or C against the baseline; null for informational metrics or an undefined value. */
  public static final String GRADE = "grade";

  /** Customers the metric is computed over. */
  public static final String CUSTOMERS = "customers";

  /** Why a model has no values (fit skipped, one-class training set); null otherwise. */
  public static final String NOTE = "note";

  public static final String RUN_ID = "run_id";

  public static final StructType SCORECARD_SCHEMA =
      new StructType(
          new StructField[] {
            field(AS_OF, DataTypes.DateType, false),
            field(CUTOFF, DataTypes.DateType, false),
            field(HOLDOUT_DAYS, DataTypes.IntegerType, false),
            field(MODEL, DataTypes.StringType, false),
            field(BASELINE, DataTypes.StringType, false),
            field(METRIC, DataTypes.StringType, false),
            field(VALUE, DataTypes.DoubleType, true),
            field(BASELINE_VALUE, DataTypes.DoubleType, true),
            field(GRADE, DataTypes.StringType, true),
            field(CUSTOMERS, DataTypes.LongType, false),
            field(NOTE, DataTypes.StringType, true),
            field(RUN_ID, DataTypes.StringType, false),
          });

  // prediction_calibration
  /** frequency_bucket (CLV: repeat purchases at the cutoff) or risk_decile (churn). */
  public static final String KIND = "kind";

  public static final String FREQUENCY_BUCKET = "frequency_bucket";
  public static final String RISK_DECILE = "risk_decile";

  /** Label of the bucket: "0", "1", ..., "7+" or decile "1" (highest risk) .. "10". */
  public static final String BUCKET = "bucket";

  /** Sort order of the buckets, from 0. */
  public static final String BUCKET_ORDER = "bucket_order";

  /** Mean predicted purchases (CLV) or churn probability (churn) in the bucket. */
  public static final String PREDICTED = "predicted";

  /** Mean actual purchases in the holdout (CLV) or share who churned (churn). */
  public static final String ACTUAL = "actual";

  /** Mean prediction of the baseline in the bucket. */
  public static final String BASELINE_PREDICTED = "baseline_predicted";

  public static final StructType CALIBRATION_SCHEMA =
      new StructType(
          new StructField[] {
            field(AS_OF, DataTypes.DateType, false),
            field(CUTOFF, DataTypes.DateType, false),
            field(MODEL, DataTypes.StringType, false),
            field(KIND, DataTypes.StringType, false),
            field(BUCKET, DataTypes.StringType, false),
            field(BUCKET_ORDER, DataTypes.IntegerType, false),
            field(CUSTOMERS, DataTypes.LongType, false),
            field(PREDICTED, DataTypes.DoubleType, true),
            field(ACTUAL, DataTypes.DoubleType, true),
            field(BASELINE_PREDICTED, DataTypes.DoubleType, true),
          });
}
