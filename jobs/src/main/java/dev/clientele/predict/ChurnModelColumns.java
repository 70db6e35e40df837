package dev.clientele.predict;

import static org.apache.spark.sql.types.DataTypes.createStructField;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code churn_predictions}: one row per customer with a purchase up to {@code as_of}, per as-of:
 * the learned model's churn probability for the next holdout-days, its flag and reasons (the model
 * trained on features as of as_of − holdout_days and what happened after). {@code
 * churn_model_fits}: one row per model trained by a backtest run.
 */
public final class ChurnModelColumns {
  private ChurnModelColumns() {}

  public static final String AS_OF = "as_of";
  public static final String CUSTOMER_ID = "customer_id";

  /** P(no purchase in the next holdout-days), 0..1, 6 decimals. */
  public static final String CHURN_PROBABILITY = "churn_probability";

  /** churn_probability at or above clientele.predict.churn.flag-at. */
  public static final String CHURN_FLAG = "churn_flag";

  /**
   * The features pushing the probability most: {@code feature:+0.42;feature:-0.31}, signed
   * contributions to the log-odds (coefficient × standardised value), strongest first.
   */
  public static final String CHURN_REASONS = "churn_reasons";

  /** The date of the features the model was trained on. */
  public static final String TRAINED_AS_OF = "trained_as_of";

  public static final String MODEL = "model";

  public static final StructType PREDICTIONS_SCHEMA =
      new StructType()
          .add(createStructField(CUSTOMER_ID, DataTypes.StringType, false))
          .add(createStructField(CHURN_PROBABILITY, DataTypes.DoubleType, false))
          .add(createStructField(CHURN_FLAG, DataTypes.BooleanType, false))
          .add(createStructField(CHURN_REASONS, DataTypes.StringType, false))
          .add(createStructField(MODEL, DataTypes.StringType, false))
          .add(createStructField(TRAINED_AS_OF, DataTypes.DateType, false))
          .add(createStructField(AS_OF, DataTypes.DateType, false));

  // churn_model_fits
  public static final String RUN_ID = "run_id";

  /** backtest (evaluated on the holdout), baseline (recency only) or current (scores as_of). */
  public static final String PURPOSE = "purpose";

  /** Last day of the label window: trained_as_of + holdout_days. */
  public static final String LABEL_END = "label_end";

  public static final String ROWS = "rows";
  public static final String POSITIVES = "positives";
  public static final String INTERCEPT = "intercept";

  /** Feature → coefficient on its standardised value. */
  public static final String COEFFICIENTS = "coefficients";

  /** Feature → why it was dropped (all null, constant). */
  public static final String DROPPED = "dropped";

  /** Why no model was trained; null when trained. */
  public static final String SKIPPED = "skipped";

  public static final StructType FITS_SCHEMA =
      new StructType()
          .add(createStructField(AS_OF, DataTypes.DateType, false))
          .add(createStructField(RUN_ID, DataTypes.StringType, false))
          .add(createStructField(MODEL, DataTypes.StringType, false))
          .add(createStructField(PURPOSE, DataTypes.StringType, false))
          .add(createStructField(TRAINED_AS_OF, DataTypes.DateType, false))
          .add(createStructField(LABEL_END, DataTypes.DateType, false))
          .add(createStructField(ROWS, DataTypes.LongType, false))
          .add(createStructField(POSITIVES, DataTypes.LongType, false))
          .add(createStructField(INTERCEPT, DataTypes.DoubleType, true))
          .add(
              createStructField(
                  COEFFICIENTS,
                  DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType),
                  false))
          .add(
              createStructField(
                  DROPPED,
                  DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType),
                  false))
          .add(createStructField(SKIPPED, DataTypes.StringType, true));
}
