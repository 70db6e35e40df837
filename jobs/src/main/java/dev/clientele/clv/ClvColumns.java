package dev.clientele.clv;

import static org.apache.spark.sql.types.DataTypes.createStructField;

import dev.clientele.common.columns.Money;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code customer_clv}: one row per customer with at least one purchase up to {@code as_of} and per
 * as-of date (prospects have no purchase history to model). {@code clv_fits}: one row per run of
 * the {@code clv} job.
 */
public final class ClvColumns {
  private ClvColumns() {}

  public static final String AS_OF = "as_of";
  public static final String CUSTOMER_ID = "customer_id";

  /**
   * BG/NBD probability that the customer has not dropped out, 0..1 (1 without repeat purchases).
   */
  public static final String P_ALIVE = "p_alive";

  /** BG/NBD expected purchase periods in the next {@code clientele.clv.horizon-days}. */
  public static final String EXPECTED_PURCHASES_H = "expected_purchases_h";

  /** Gamma-Gamma expected spend per purchase (population mean without repeat history). */
  public static final String EXPECTED_AVG_SPEND = "expected_avg_spend";

  /** Expected spend over the horizon, discounted to as-of at the configured annual rate. */
  public static final String CLV_H = "clv_h";

  /** Tier by CLV quantile: {@code clientele.clv.tier-labels}, highest first. */
  public static final String PREDICTED_VALUE_TIER = "predicted_value_tier";

  /** Why the tier, in the reason grammar: {@code clv_quantile:clv_h=...,tier_from=...}. */
  public static final String PREDICTED_VALUE_TIER_REASON = "predicted_value_tier_reason";

  public static final StructType SCHEMA =
      new StructType()
          .add(createStructField(CUSTOMER_ID, DataTypes.StringType, false))
          .add(createStructField(P_ALIVE, DataTypes.DoubleType, false))
          .add(createStructField(EXPECTED_PURCHASES_H, DataTypes.DoubleType, false))
          .add(createStructField(EXPECTED_AVG_SPEND, Money.AMOUNT, false))
          .add(createStructField(CLV_H, Money.AMOUNT, false))
          .add(createStructField(PREDICTED_VALUE_TIER, DataTypes.StringType, false))
          .add(createStructField(PREDICTED_VALUE_TIER_REASON, DataTypes.StringType, false))
          .add(createStructField(AS_OF, DataTypes.DateType, false));

  // clv_fits
  public static final String RUN_ID = "run_id";

  /** fitted or skipped. */
  public static final String STATUS = "status";

  /** Why the fit was skipped; null when fitted. */
  public static final String REASON = "reason";

  public static final String PERIOD = "period";
  public static final String CUSTOMERS = "customers";
  public static final String REPEAT_CUSTOMERS = "repeat_customers";

  /** Rows of the collapsed tables the driver fitted on. */
  public static final String TRIPLES = "triples";

  public static final String SPEND_PAIRS = "spend_pairs";

  /** BG/NBD r, α, a, b and its maximised log-likelihood. */
  public static final String R = "r";

  public static final String ALPHA = "alpha";
  public static final String A = "a";
  public static final String B = "b";
  public static final String BG_NBD_LOG_LIKELIHOOD = "bg_nbd_log_likelihood";

  /** Gamma-Gamma p, q, γ and its maximised log-likelihood. */
  public static final String P = "p";

  public static final String Q = "q";
  public static final String GAMMA = "gamma";
  public static final String GAMMA_GAMMA_LOG_LIKELIHOOD = "gamma_gamma_log_likelihood";
  public static final String POPULATION_MEAN_SPEND = "population_mean_spend";

  /**
   * Standard errors ({@code se_r} …), optimiser evaluations and iterations, final gradient norms,
   * convergence flags (1/0) and fit wall time in ms.
   */
  public static final String DIAGNOSTICS = "diagnostics";

  public static final String FITTED_AT = "fitted_at";

  public static final StructType FITS_SCHEMA =
      new StructType()
          .add(createStructField(AS_OF, DataTypes.DateType, false))
          .add(createStructField(RUN_ID, DataTypes.StringType, false))
          .add(createStructField(STATUS, DataTypes.StringType, false))
          .add(createStructField(REASON, DataTypes.StringType, true))
          .add(createStructField(PERIOD, DataTypes.StringType, false))
          .add(createStructField(CUSTOMERS, DataTypes.LongType, false))
          .add(createStructField(REPEAT_CUSTOMERS, DataTypes.LongType, false))
          .add(createStructField(TRIPLES, DataTypes.IntegerType, false))
          .add(createStructField(SPEND_PAIRS, DataTypes.IntegerType, false))
          .add(createStructField(R, DataTypes.DoubleType, true))
          .add(createStructField(ALPHA, DataTypes.DoubleType, true))
          .add(createStructField(A, DataTypes.DoubleType, true))
          .add(createStructField(B, DataTypes.DoubleType, true))
          .add(createStructField(BG_NBD_LOG_LIKELIHOOD, DataTypes.DoubleType, true))
          .add(createStructField(P, DataTypes.DoubleType, true))
          .add(createStructField(Q, DataTypes.DoubleType, true))
          .add(createStructField(GAMMA, DataTypes.DoubleType, true))
          .add(createStructField(GAMMA_GAMMA_LOG_LIKELIHOOD, DataTypes.DoubleType, true))
          .add(createStructField(POPULATION_MEAN_SPEND, DataTypes.DoubleType, true))
          .add(
              createStructField(
                  DIAGNOSTICS,
                  DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType),
                  false))
          .add(createStructField(FITTED_AT, DataTypes.TimestampType, false));
}
