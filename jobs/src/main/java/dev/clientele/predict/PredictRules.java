package dev.clientele.predict;

import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.common.config.Settings;
import java.util.List;
import java.util.Set;

/**
 * Bound {@code clientele.predict} settings (every key documented in {@code reference.conf}).
 *
 * @param holdoutDays length of the holdout (cutoff, as-of], in days; also the learned churn model's
 *     label horizon
 * @param frequencyBuckets CLV calibration buckets: repeat purchases 0 .. n−1 and "n+"
 * @param churn the learned churn model
 * @param grades the A/B/C bars
 */
public record PredictRules(int holdoutDays, int frequencyBuckets, Churn churn, Grades grades) {

  /** No learned model: the backtest grades the rule score alone. */
  public static final String NONE = "none";

  public static final String LOGISTIC_REGRESSION = "logistic-regression";

  /**
   * The learned churn model.
   *
   * @param model {@link #LOGISTIC_REGRESSION} or {@link #NONE}
   * @param features numeric customer_features columns it is trained on
   * @param logFeatures the subset scaled by log(1 + max(v, 0)) before standardising
   * @param regParam L2 regularisation
   * @param maxIterations optimiser iterations
   * @param flagAt a probability at or above this flags the customer (learned model and baseline)
   * @param reasons top contributing features kept per customer
   */
  public record Churn(
      String model,
      List<String> features,
      List<String> logFeatures,
      double regParam,
      int maxIterations,
      double flagAt,
      int reasons) {
    public Churn {
      features = List.copyOf(features);
      logFeatures = List.copyOf(logFeatures);
    }

    public boolean learned() {
      return !NONE.equals(model);
    }
  }

  /**
   * Grade bars on the relative improvement over the baseline: A at or above {@code aMin}, B at or
   * above {@code bMin}, C below.
   */
  public record Grades(double aMinImprovement, double bMinImprovement) {}

  /** The same rules with another holdout (the {@code --holdout-days} option). */
  public PredictRules withHoldoutDays(int days) {
    return new PredictRules(days, frequencyBuckets, churn, grades);
  }

  /** Binds {@code clientele.predict}; pass {@code config.at("clientele.predict")}. */
  public static PredictRules from(Settings s) {
    Settings c = s.at("churn");
    List<String> features = c.strings("features");
    if (features.isEmpty() || Set.copyOf(features).size() != features.size()) {
      throw c.error(
          "features",
          "must list at least one distinct customer_features column, got " + features + ".");
    }
    Set<String> known = Set.of(FeaturesColumns.SCHEMA.fieldNames());
    for (String f : features) {
      if (!known.contains(f)) {
        throw c.error("features", "names '" + f + "', which is not a customer_features column.");
      }
    }
    List<String> logFeatures = c.strings("log-features");
    if (!features.containsAll(logFeatures)) {
      throw c.error(
          "log-features",
          "must be a subset of clientele.predict.churn.features "
              + features
              + ", got "
              + logFeatures
              + ".");
    }
    Churn churn =
        new Churn(
            c.oneOf("model", Set.of(LOGISTIC_REGRESSION, NONE)),
            features,
            logFeatures,
            c.doubleBetween("reg-param", 0, 1000),
            c.intBetween("max-iterations", 1, 10_000),
            c.doubleBetween("flag-at", 0, 1),
            c.intBetween("reasons", 1, features.size()));
    Settings g = s.at("grades");
    double a = g.doubleBetween("a-min-improvement", -1, 100);
    double b = g.doubleBetween("b-min-improvement", -1, 100);
    if (b > a) {
      throw g.error(
          "b-min-improvement",
          "must not be above clientele.predict.grades.a-min-improvement ("
              + a
              + "), got "
              + b
              + ".");
    }
    return new PredictRules(
        s.intBetween("holdout-days", 7, 3650),
        s.intBetween("frequency-buckets", 2, 100),
        churn,
        new Grades(a, b));
  }
}
