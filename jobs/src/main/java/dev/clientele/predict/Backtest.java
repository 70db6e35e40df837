package dev.clientele.predict;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.clientele.clv.ClvColumns;
import dev.clientele.clv.ClvFit;
import dev.clientele.clv.ClvFitter;
import dev.clientele.clv.ClvRules;
import dev.clientele.common.columns.CustomerDaysColumns;
import dev.clientele.common.columns.CustomerSatisfactionColumns;
import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.common.columns.PredictionColumns;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.features.CustomerFeatures;
import dev.clientele.features.FeatureRules;
import dev.clientele.satisfaction.ChurnRisk;
import dev.clientele.satisfaction.CustomerSatisfaction;
import dev.clientele.satisfaction.SatisfactionRules;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backtest of every prediction for one as-of date D and holdout H: with cutoff C = D − H, each
 * model is fitted and scored from {@code customer_days} (and surveys, complaints) up to C only,
 * then compared with what happened in (C, D] beside a naive baseline measured the same way.
 *
 * <ul>
 *   <li>{@code clv_bgnbd}: BG/NBD + Gamma-Gamma ({@link ClvFitter}) fitted on the features as of C,
 *       predicting purchases (in the configured period) and spend over H days, undiscounted;
 *       baseline {@code rate_carried_forward}: x / T × H (the customer's repeat-purchase rate since
 *       the first purchase), spend = that × lifetime net spend / (x + 1).
 *   <li>{@code churn_rule}: {@link ChurnRisk#assess} as of C, its risk and flag;
 *   <li>{@code churn_learned}: {@link ChurnModel} trained on features as of C − H with labels from
 *       (C − H, C], scored as of C;
 *   <li>churn baseline {@code recency_only}: the same logistic regression on log(1 + recency)
 *       alone, trained on the same rows.
 * </ul>
 *
 * Churned = no purchase day in (C, D]. Customers are those with a purchase on or before C. The
 * learned model that scores D ({@code churn_predictions}) is trained on features as of C with
 * labels from (C, D]. Only aggregates reach the driver (see {@link PredictionMetrics}).
 */
public final class Backtest {
  private static final Logger LOG = LoggerFactory.getLogger(Backtest.class);

  public static final String CLV = "clv_bgnbd";
  public static final String CHURN_RULE = "churn_rule";
  public static final String CHURN_LEARNED = "churn_learned";
  public static final String RATE_CARRIED_FORWARD = "rate_carried_forward";
  public static final String RECENCY_ONLY = "recency_only";

  // evaluation columns
  static final String ID = FeaturesColumns.CUSTOMER_ID;
  static final String PURCHASES = "actual_purchases";
  static final String SPEND = "actual_spend";
  static final String BOUGHT = "bought";
  static final String PREDICTED_PURCHASES = "predicted_purchases";
  static final String PREDICTED_SPEND = "predicted_spend";
  static final String BASELINE_PURCHASES = "baseline_purchases";
  static final String BASELINE_SPEND = "baseline_spend";
  static final String RULE_RISK = "rule_risk";
  static final String RULE_FLAG = "rule_flag";
  static final String LEARNED_P = "learned_p";
  static final String LEARNED_FLAG = "learned_flag";
  static final String BASE_P = "base_p";
  static final String BASE_FLAG = "base_flag";

  /** What the backtest needs from config. */
  public record Rules(
      PredictRules predict, ClvRules clv, FeatureRules features, SatisfactionRules satisfaction) {
    /** Binds every key the backtest reads; throws ConfigError before any Spark work. */
    public static Rules from(ClienteleConfig config) {
      return new Rules(
          PredictRules.from(config.at("clientele.predict")),
          ClvRules.from(config.at("clientele.clv")),
          FeatureRules.from(config.at("clientele")),
          SatisfactionRules.from(config.at("clientele.satisfaction")));
    }
  }

  /** The silver inputs (surveys and complaints may be empty). */
  public record Inputs(
      Dataset<Row> customerDays,
      Dataset<Row> customers,
      Dataset<Row> surveys,
      Dataset<Row> complaints) {}

  /**
   * Everything a run writes: the scorecard and calibration rows (a few dozen, built on the driver
   * from aggregates), the model fit records, and the per-customer learned predictions as of D (null
   * without a learned model).
   */
  public record Result(
      List<Row> scorecard,
      List<Row> calibration,
      List<ModelFit> fits,
      Dataset<Row> churnPredictions) {}

  /** One trained (or skipped) churn model and what it was for. */
  public record ModelFit(
      String model,
      String purpose,
      LocalDate trainedAsOf,
      LocalDate labelEnd,
      ChurnModel.Fitted fitted) {}

  private final Rules rules;
  private final Inputs in;
  private final LocalDate asOf;
  private final LocalDate cutoff;
  private final int holdout;
  private final String runId;

  /** The CLV fit to score with instead of fitting one; null in every real run. */
  private final ClvFit knownFit;

  private final List<Row> scorecard = new ArrayList<>();
  private final List<Row> calibration = new ArrayList<>();
  private final List<ModelFit> fits = new ArrayList<>();

  private Backtest(Rules rules, Inputs in, LocalDate asOf, String runId, ClvFit knownFit) {
    this.rules = rules;
    this.in = in;
    this.asOf = asOf;
    this.holdout = rules.predict().holdoutDays();
    this.cutoff = asOf.minusDays(holdout);
    this.runId = runId;
    this.knownFit = knownFit;
  }

  /** Runs the backtest for as-of {@code asOf}. */
  public static Result run(Rules rules, Inputs in, LocalDate asOf, String runId) {
    return new Backtest(rules, in, asOf, runId, null).run(true);
  }

  /**
   * The CLV half of {@link #run} alone (scorecard and calibration rows, no churn model), scoring
   * with {@code knownFit} instead of fitting: for data simulated from known parameters, where the
   * metrics must then reflect the scoring and evaluation alone.
   */
  static Result runClv(Rules rules, Inputs in, LocalDate asOf, String runId, ClvFit knownFit) {
    return new Backtest(rules, in, asOf, runId, knownFit).run(false);
  }

  private Result run(boolean withChurn) {
    Dataset<Row> featuresAtCutoff = features(cutoff).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> holdoutOutcomes = outcomes(featuresAtCutoff, cutoff, asOf);
      clv(featuresAtCutoff, holdoutOutcomes);
      Dataset<Row> predictions = withChurn ? churn(featuresAtCutoff, holdoutOutcomes) : null;
      return new Result(scorecard, calibration, fits, predictions);
    } finally {
      featuresAtCutoff.unpersist();
    }
  }

  /** customer_features as of {@code date}, from customer_days up to that date only. */
  Dataset<Row> features(LocalDate date) {
    return CustomerFeatures.fromDays(in.customerDays(), in.customers(), date, rules.features());
  }

  /**
   * Per customer with a purchase by {@code from}: purchase periods (the CLV model's unit, counted
   * from the first purchase like BG/NBD's x), net spend and whether they bought at all in (from,
   * to]. Customers with no day in the window have no row.
   */
  Dataset<Row> outcomes(Dataset<Row> featuresAtFrom, LocalDate from, LocalDate to) {
    Column day = col(CustomerDaysColumns.TXN_DATE);
    Dataset<Row> first =
        featuresAtFrom
            .where(col(FeaturesColumns.FIRST_PURCHASE_DATE).isNotNull())
            .select(col(ID).as("_id"), col(FeaturesColumns.FIRST_PURCHASE_DATE).as("_first"));
    Column sinceFirst = datediff(day, col("_first"));
    Column period =
        ClvRules.WEEK.equals(rules.clv().period()) ? floor(sinceFirst.divide(7)) : sinceFirst;
    Column purchase = col(CustomerDaysColumns.PURCHASE);
    return in.customerDays()
        .where(day.gt(lit(Date.valueOf(from))).and(day.leq(lit(Date.valueOf(to)))))
        .join(first, col(CustomerDaysColumns.CUSTOMER_ID).equalTo(col("_id")))
        .groupBy(col("_id").as(ID))
        .agg(
            count_distinct(when(purchase, period)).as(PURCHASES),
            coalesce(sum(col(CustomerDaysColumns.NET)), lit(0)).cast("double").as(SPEND),
            max(purchase).as(BOUGHT));
  }

  // ---------------------------------------------------------------- CLV

  /** The model's rules with the horizon set to the holdout and no discounting. */
  ClvRules clvOverHoldout() {
    ClvRules c = rules.clv();
    return new ClvRules(
        c.period(),
        holdout,
        0.0,
        1,
        c.minRepeatCustomers(),
        c.minHistoryDays(),
        c.spendSignificantDigits(),
        c.maxFitRows(),
        c.maxEvaluations(),
        c.tierLabels(),
        c.tierShares());
  }

  private void clv(Dataset<Row> featuresAtCutoff, Dataset<Row> outcomes) {
    ClvRules clvRules = clvOverHoldout();
    Dataset<Row> summary =
        ClvFitter.summary(featuresAtCutoff, clvRules).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      ClvFit fit = knownFit != null ? knownFit : ClvFitter.fitCollapsed(summary, clvRules);
      long customers = (long) fit.customers();
      if (!fit.fitted()) {
        LOG.warn("Backtest {}: CLV fit as of {} skipped: {}", asOf, cutoff, fit.reason());
        for (String metric : CLV_METRICS) {
          scorecard.add(
              row(CLV, RATE_CARRIED_FORWARD, metric, null, null, false, customers, fit.reason()));
        }
        return;
      }
      Dataset<Row> evaluation =
          clvEvaluation(
                  summary,
                  featuresAtCutoff,
                  ClvFitter.score(summary, fit, clvRules),
                  outcomes,
                  clvRules)
              .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        String note = nonFinite(evaluation);
        Dataset<Row> finite = evaluation.where(finite());
        clvScorecard(finite, note);
        clvCalibration(finite);
      } finally {
        evaluation.unpersist();
      }
    } finally {
      summary.unpersist();
    }
  }

  static final List<String> CLV_METRICS =
      List.of(
          "purchases_mae",
          "purchases_rmse",
          "purchases_total",
          "purchases_total_actual",
          "purchases_total_error",
          "spend_mae",
          "spend_rmse",
          "spend_total",
          "spend_total_actual",
          "spend_total_error");

  /**
   * One row per customer with a purchase by the cutoff: x, model and baseline predictions, actual
   * purchases and spend in the holdout (0 without any).
   */
  static Dataset<Row> clvEvaluation(
      Dataset<Row> summary,
      Dataset<Row> featuresAtCutoff,
      Dataset<Row> scores,
      Dataset<Row> outcomes,
      ClvRules clvRules) {
    Column x = col(ClvFitter.X).cast("double");
    Column t = col(ClvFitter.T).cast("double");
    Column baseline =
        when(t.gt(0), x.divide(t).multiply(clvRules.horizonPeriods())).otherwise(lit(0.0));
    Column perPeriod = col(FeaturesColumns.LIFETIME_NET_SPEND).cast("double").divide(x.plus(1));
    return summary
        .select(col(ID), col(ClvFitter.X), col(ClvFitter.T))
        .join(featuresAtCutoff.select(col(ID), col(FeaturesColumns.LIFETIME_NET_SPEND)), ID)
        .join(scores, ID)
        .join(outcomes, new String[] {ID}, "left")
        .select(
            col(ID),
            col(ClvFitter.X),
            col(ClvFitter.T),
            col(ClvColumns.EXPECTED_PURCHASES_H).as(PREDICTED_PURCHASES),
            col(ClvColumns.CLV_H).cast("double").as(PREDICTED_SPEND),
            baseline.as(BASELINE_PURCHASES),
            baseline.multiply(perPeriod).as(BASELINE_SPEND),
            coalesce(col(PURCHASES), lit(0L)).cast("double").as(PURCHASES),
            coalesce(col(SPEND), lit(0.0)).as(SPEND));
  }

  /** True when every prediction of the row is a finite number. */
  static Column finite() {
    Column ok = lit(true);
    for (String c :
        List.of(PREDICTED_PURCHASES, PREDICTED_SPEND, BASELINE_PURCHASES, BASELINE_SPEND)) {
      ok = ok.and(col(c).isNotNull()).and(not(isnan(col(c)))).and(abs(col(c)).lt(Double.MAX_VALUE));
    }
    return ok;
  }

  /**
   * Counts the customers whose prediction is not a finite number (a numerical failure of the
   * model's closed form), logs one of them by its (x, T) summary (no customer id) and returns the
   * note the CLV rows carry; null when there is none.
   */
  private String nonFinite(Dataset<Row> evaluation) {
    Row r =
        evaluation
            .where(not(finite()))
            .agg(
                count(lit(1)),
                min(struct(col(ClvFitter.X), col(ClvFitter.T), col(PREDICTED_PURCHASES))))
            .head();
    long bad = r.getLong(0);
    if (bad == 0) return null;
    LOG.warn(
        "Backtest {}: {} customers have a non-finite CLV prediction and are left out of the CLV "
            + "metrics; e.g. (x, T, predicted purchases) = {}",
        asOf,
        bad,
        r.get(1));
    return bad + " customers with a non-finite prediction left out";
  }

  private void clvScorecard(Dataset<Row> evaluation, String note) {
    for (String what : List.of("purchases", "spend")) {
      String actual = what.equals("purchases") ? PURCHASES : SPEND;
      PredictionMetrics.Regression m =
          PredictionMetrics.regression(
              evaluation, what.equals("purchases") ? PREDICTED_PURCHASES : PREDICTED_SPEND, actual);
      PredictionMetrics.Regression b =
          PredictionMetrics.regression(
              evaluation, what.equals("purchases") ? BASELINE_PURCHASES : BASELINE_SPEND, actual);
      long n = m.customers();
      scorecard.add(row(CLV, RATE_CARRIED_FORWARD, what + "_mae", m.mae(), b.mae(), true, n, note));
      scorecard.add(
          row(CLV, RATE_CARRIED_FORWARD, what + "_rmse", m.rmse(), b.rmse(), true, n, note));
      scorecard.add(
          info(
              CLV,
              RATE_CARRIED_FORWARD,
              what + "_total",
              m.totalPredicted(),
              b.totalPredicted(),
              n));
      scorecard.add(
          info(
              CLV,
              RATE_CARRIED_FORWARD,
              what + "_total_actual",
              m.totalActual(),
              b.totalActual(),
              n));
      scorecard.add(
          row(
              CLV,
              RATE_CARRIED_FORWARD,
              what + "_total_error",
              m.totalError(),
              b.totalError(),
              true,
              n,
              note));
    }
  }

  private void clvCalibration(Dataset<Row> evaluation) {
    int top = rules.predict().frequencyBuckets();
    Column bucket = least(col(ClvFitter.X), lit(top));
    for (Row r :
        evaluation
            .groupBy(bucket.as("_bucket"))
            .agg(
                count(lit(1)),
                avg(col(PREDICTED_PURCHASES)),
                avg(col(PURCHASES)),
                avg(col(BASELINE_PURCHASES)))
            .orderBy(col("_bucket"))
            .collectAsList()) {
      int b = r.getInt(0);
      calibration.add(
          calibrationRow(
              CLV,
              PredictionColumns.FREQUENCY_BUCKET,
              b == top ? top + "+" : Integer.toString(b),
              b,
              r.getLong(1),
              r.getDouble(2),
              r.getDouble(3),
              r.getDouble(4)));
    }
  }

  // ---------------------------------------------------------------- churn

  private Dataset<Row> churn(Dataset<Row> featuresAtCutoff, Dataset<Row> holdoutOutcomes) {
    PredictRules.Churn churnRules = rules.predict().churn();
    LocalDate trainAsOf = cutoff.minusDays(holdout);
    Dataset<Row> featuresAtTraining = features(trainAsOf).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> training =
        labelled(featuresAtTraining, outcomes(featuresAtTraining, trainAsOf, cutoff))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      ChurnModel.Fitted base =
          ChurnModel.train(
              training,
              List.of(FeaturesColumns.RECENCY_DAYS),
              List.of(FeaturesColumns.RECENCY_DAYS),
              churnRules,
              RECENCY_ONLY + " as of " + trainAsOf);
      fits.add(new ModelFit(RECENCY_ONLY, "baseline", trainAsOf, cutoff, base));
      ChurnModel.Fitted learned = null;
      if (churnRules.learned()) {
        learned =
            ChurnModel.train(
                training,
                churnRules.features(),
                churnRules.logFeatures(),
                churnRules,
                CHURN_LEARNED + " as of " + trainAsOf);
        fits.add(new ModelFit(churnRules.model(), "backtest", trainAsOf, cutoff, learned));
      }
      Dataset<Row> evaluation =
          churnEvaluation(featuresAtCutoff, holdoutOutcomes, base, learned)
              .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        churnScores(evaluation, CHURN_RULE, RULE_RISK, RULE_FLAG, null);
        if (learned != null) {
          churnScores(evaluation, CHURN_LEARNED, LEARNED_P, LEARNED_FLAG, learned.skipped());
        }
      } finally {
        evaluation.unpersist();
      }
    } finally {
      training.unpersist();
      featuresAtTraining.unpersist();
    }
    if (!churnRules.learned()) return null;
    return current(featuresAtCutoff, holdoutOutcomes);
  }

  /**
   * Customers with a purchase by the features' date and their label: 1.0 when they have no purchase
   * day in the outcome window, else 0.0.
   */
  static Dataset<Row> labelled(Dataset<Row> features, Dataset<Row> outcomes) {
    return features
        .where(col(FeaturesColumns.FIRST_PURCHASE_DATE).isNotNull())
        .join(outcomes.select(col(ID), col(BOUGHT)), new String[] {ID}, "left")
        .withColumn(
            ChurnModel.LABEL, when(coalesce(col(BOUGHT), lit(false)), lit(0.0)).otherwise(lit(1.0)))
        .drop(BOUGHT);
  }

  private Dataset<Row> churnEvaluation(
      Dataset<Row> featuresAtCutoff,
      Dataset<Row> holdoutOutcomes,
      ChurnModel.Fitted base,
      ChurnModel.Fitted learned) {
    SatisfactionRules sat = rules.satisfaction();
    Dataset<Row> facts =
        CustomerSatisfaction.facts(featuresAtCutoff, in.surveys(), in.complaints(), sat, cutoff);
    Dataset<Row> rule =
        ChurnRisk.assess(featuresAtCutoff, facts, sat, cutoff)
            .select(
                col(CustomerSatisfactionColumns.CUSTOMER_ID).as(ID),
                col(CustomerSatisfactionColumns.CHURN_RISK).cast("double").as(RULE_RISK),
                col(CustomerSatisfactionColumns.CHURN_FLAG).as(RULE_FLAG));
    double flagAt = rules.predict().churn().flagAt();
    Dataset<Row> rows = labelled(featuresAtCutoff, holdoutOutcomes).join(rule, ID);
    rows = withScore(rows, base, BASE_P, BASE_FLAG, flagAt);
    if (learned != null) rows = withScore(rows, learned, LEARNED_P, LEARNED_FLAG, flagAt);
    List<Column> keep =
        new ArrayList<>(
            List.of(
                col(ID),
                col(ChurnModel.LABEL),
                col(RULE_RISK),
                col(RULE_FLAG),
                col(BASE_P),
                col(BASE_FLAG)));
    if (learned != null) {
      keep.add(col(LEARNED_P));
      keep.add(col(LEARNED_FLAG));
    }
    return rows.select(keep.toArray(Column[]::new));
  }

  private static Dataset<Row> withScore(
      Dataset<Row> rows, ChurnModel.Fitted m, String p, String flag, double flagAt) {
    Column probability = m.trained() ? ChurnModel.probability(m) : lit(null).cast("double");
    return rows.withColumn(p, probability).withColumn(flag, col(p).geq(flagAt));
  }

  /**
   * Scorecard and decile rows of one churn score; the baseline (recency only) is ranked and scored
   * the same way.
   */
  private void churnScores(
      Dataset<Row> evaluation, String model, String score, String flag, String skipped) {
    long n = evaluation.count();
    if (skipped != null) {
      for (String metric : CHURN_METRICS) {
        scorecard.add(row(model, RECENCY_ONLY, metric, null, null, false, n, skipped));
      }
      return;
    }
    Dataset<Row> rankedModel = PredictionMetrics.ranked(evaluation, score, ID);
    PredictionMetrics.Classification m =
        PredictionMetrics.classification(rankedModel, score, score, flag, ChurnModel.LABEL);
    PredictionMetrics.Classification b = baseline(evaluation);
    String baseNote = b == null ? "recency-only baseline not trained" : null;
    scorecard.add(
        row(model, RECENCY_ONLY, "auc", m.auc(), b == null ? null : b.auc(), false, n, baseNote));
    scorecard.add(
        row(
            model,
            RECENCY_ONLY,
            "top_decile_lift",
            m.topDecileLift(),
            b == null ? null : b.topDecileLift(),
            false,
            n,
            baseNote));
    scorecard.add(
        row(
            model,
            RECENCY_ONLY,
            "precision_at_flag",
            m.precision(),
            b == null ? null : b.precision(),
            false,
            n,
            baseNote));
    scorecard.add(
        row(
            model,
            RECENCY_ONLY,
            "recall_at_flag",
            m.recall(),
            b == null ? null : b.recall(),
            false,
            n,
            baseNote));
    scorecard.add(
        row(
            model,
            RECENCY_ONLY,
            "brier",
            m.brier(),
            b == null ? null : b.brier(),
            true,
            n,
            baseNote));
    Double share = n == 0 ? null : (double) m.positives() / n;
    scorecard.add(info(model, RECENCY_ONLY, "churned_share", share, share, n));
    deciles(rankedModel, model, score, BASE_P);
    LOG.info(
        "Backtest {} (cutoff {}): {} AUC {} (recency only {}), top-decile lift {}",
        asOf,
        cutoff,
        model,
        m.auc(),
        b == null ? null : b.auc(),
        m.topDecileLift());
  }

  static final List<String> CHURN_METRICS =
      List.of(
          "auc",
          "top_decile_lift",
          "precision_at_flag",
          "recall_at_flag",
          "brier",
          "churned_share");

  private PredictionMetrics.Classification baselineMetrics;

  /** The recency-only baseline's metrics, computed once and its deciles recorded once. */
  private PredictionMetrics.Classification baseline(Dataset<Row> evaluation) {
    if (baselineMetrics != null) return baselineMetrics;
    if (evaluation.where(col(BASE_P).isNotNull()).isEmpty()) return null;
    Dataset<Row> ranked = PredictionMetrics.ranked(evaluation, BASE_P, ID);
    baselineMetrics =
        PredictionMetrics.classification(ranked, BASE_P, BASE_P, BASE_FLAG, ChurnModel.LABEL);
    deciles(ranked, RECENCY_ONLY, BASE_P, null);
    return baselineMetrics;
  }

  private void deciles(Dataset<Row> ranked, String model, String score, String baseline) {
    for (Row r : PredictionMetrics.deciles(ranked, score, ChurnModel.LABEL, baseline)) {
      int decile = r.getInt(0);
      calibration.add(
          calibrationRow(
              model,
              PredictionColumns.RISK_DECILE,
              Integer.toString(decile),
              decile - 1,
              r.getLong(1),
              r.isNullAt(2) ? null : r.getDouble(2),
              r.getDouble(3),
              r.isNullAt(4) ? null : r.getDouble(4)));
    }
  }

  /**
   * The learned model for today: trained on the features as of the cutoff with what happened in
   * (cutoff, as-of], scoring the customers with a purchase by the as-of date.
   */
  private Dataset<Row> current(Dataset<Row> featuresAtCutoff, Dataset<Row> holdoutOutcomes) {
    PredictRules.Churn churnRules = rules.predict().churn();
    Dataset<Row> training =
        labelled(featuresAtCutoff, holdoutOutcomes).persist(StorageLevel.MEMORY_AND_DISK());
    ChurnModel.Fitted model;
    try {
      model =
          ChurnModel.train(
              training,
              churnRules.features(),
              churnRules.logFeatures(),
              churnRules,
              CHURN_LEARNED + " as of " + cutoff);
    } finally {
      training.unpersist();
    }
    fits.add(new ModelFit(churnRules.model(), "current", cutoff, asOf, model));
    if (!model.trained()) return null;
    return scoreLearned(features(asOf), model, churnRules, cutoff, asOf);
  }

  /** churn_predictions rows: every customer with a purchase by {@code asOf}. */
  static Dataset<Row> scoreLearned(
      Dataset<Row> features,
      ChurnModel.Fitted model,
      PredictRules.Churn churnRules,
      LocalDate trainedAsOf,
      LocalDate asOf) {
    Column p = ChurnModel.probability(model);
    return features
        .where(col(FeaturesColumns.FIRST_PURCHASE_DATE).isNotNull())
        .select(
            col(ID).as(ChurnModelColumns.CUSTOMER_ID),
            p.as(ChurnModelColumns.CHURN_PROBABILITY),
            p.geq(churnRules.flagAt()).as(ChurnModelColumns.CHURN_FLAG),
            ChurnModel.reasons(model, churnRules.reasons()).as(ChurnModelColumns.CHURN_REASONS),
            lit(churnRules.model()).as(ChurnModelColumns.MODEL),
            lit(Date.valueOf(trainedAsOf)).as(ChurnModelColumns.TRAINED_AS_OF),
            lit(Date.valueOf(asOf)).as(ChurnModelColumns.AS_OF));
  }

  // ---------------------------------------------------------------- rows

  private Row row(
      String model,
      String baseline,
      String metric,
      Double value,
      Double baselineValue,
      boolean lowerIsBetter,
      long customers,
      String note) {
    return RowFactory.create(
        Date.valueOf(asOf),
        Date.valueOf(cutoff),
        holdout,
        model,
        baseline,
        metric,
        value,
        baselineValue,
        Grades.grade(value, baselineValue, lowerIsBetter, rules.predict().grades()),
        customers,
        note,
        runId);
  }

  /** An informational row: shown beside the baseline's, never graded. */
  private Row info(
      String model, String baseline, String metric, Double value, Double baselineValue, long n) {
    return RowFactory.create(
        Date.valueOf(asOf),
        Date.valueOf(cutoff),
        holdout,
        model,
        baseline,
        metric,
        value,
        baselineValue,
        null,
        n,
        null,
        runId);
  }

  private Row calibrationRow(
      String model,
      String kind,
      String bucket,
      int order,
      long customers,
      Double predicted,
      Double actual,
      Double baseline) {
    return RowFactory.create(
        Date.valueOf(asOf),
        Date.valueOf(cutoff),
        model,
        kind,
        bucket,
        order,
        customers,
        predicted,
        actual,
        baseline);
  }
}
