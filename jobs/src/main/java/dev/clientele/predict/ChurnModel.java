package dev.clientele.predict;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.stddev_pop;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learned churn model: a Spark MLlib logistic regression on standardised customer_features
 * columns, label 1 = no purchase in the {@code holdout-days} after the features' as-of date.
 *
 * <p>{@link #train} takes rows built from data up to one date (features as of T, labels from (T,
 * T+H]); the caller picks T so the model never sees the period it is evaluated on. Each feature is
 * optionally log-scaled (log(1 + max(v, 0))), then standardised with the training rows' mean and
 * population standard deviation; nulls become the training mean (a standardised 0). A feature that
 * is all null or constant in the training rows is dropped with a warning naming it, so MLlib never
 * sees it. Scoring is closed form on executors: probability = σ(b₀ + Σ βᵢ zᵢ), and the reasons are
 * the {@code reasons} largest |βᵢ zᵢ| as {@code feature:+0.42;feature:-0.31}.
 */
public final class ChurnModel {
  private static final Logger LOG = LoggerFactory.getLogger(ChurnModel.class);

  /** The label column of training rows: 1.0 churned, 0.0 bought again. */
  public static final String LABEL = "label";

  /** Decimals the probability is rounded to, so reruns under other partitionings agree. */
  static final int PROBABILITY_DECIMALS = 6;

  private ChurnModel() {}

  /**
   * A trained model, or the reason there is none ({@code coefficients} empty, {@code skipped} set).
   *
   * @param features the features kept, in order
   * @param logScaled whether each kept feature is log-scaled
   * @param means training mean of each (transformed) feature
   * @param sds training population standard deviation of each
   * @param intercept b₀
   * @param coefficients βᵢ on the standardised features
   * @param dropped feature → why it was dropped
   * @param rows training rows
   * @param positives training rows labelled churned
   * @param skipped why no model was trained; null when trained
   */
  public record Fitted(
      List<String> features,
      List<Boolean> logScaled,
      double[] means,
      double[] sds,
      double intercept,
      double[] coefficients,
      Map<String, String> dropped,
      long rows,
      long positives,
      String skipped) {
    public boolean trained() {
      return skipped == null;
    }

    /** feature → coefficient, in feature order. */
    public Map<String, Double> coefficientMap() {
      Map<String, Double> out = new LinkedHashMap<>();
      for (int i = 0; i < features.size(); i++) out.put(features.get(i), coefficients[i]);
      return out;
    }
  }

  /**
   * Fits on {@code training}: the configured feature columns and {@link #LABEL}. {@code what} names
   * the model in warnings ("churn_learned as of 2026-05-25").
   */
  public static Fitted train(
      Dataset<Row> training,
      List<String> features,
      List<String> logFeatures,
      PredictRules.Churn rules,
      String what) {
    List<Column> stats = new ArrayList<>();
    stats.add(count(lit(1)));
    stats.add(coalesce(sum(col(LABEL)), lit(0.0)));
    for (String f : features) {
      Column v = transformed(f, logFeatures);
      stats.add(count(v));
      stats.add(avg(v));
      stats.add(stddev_pop(v));
      stats.add(min(v));
      stats.add(max(v));
    }
    Row s =
        training.agg(stats.get(0), stats.subList(1, stats.size()).toArray(Column[]::new)).head();
    long rows = s.getLong(0);
    long positives = Math.round(((Number) s.get(1)).doubleValue());
    List<String> kept = new ArrayList<>();
    List<Boolean> logged = new ArrayList<>();
    List<Double> means = new ArrayList<>();
    List<Double> sds = new ArrayList<>();
    Map<String, String> dropped = new LinkedHashMap<>();
    for (int i = 0; i < features.size(); i++) {
      String f = features.get(i);
      int at = 2 + 5 * i;
      long nonNull = s.getLong(at);
      if (nonNull == 0) {
        dropped.put(f, "all null");
      } else if (s.isNullAt(at + 2)
          || s.getDouble(at + 2) == 0
          || s.getDouble(at + 3) == s.getDouble(at + 4)) {
        dropped.put(f, "constant");
      } else {
        kept.add(f);
        logged.add(logFeatures.contains(f));
        means.add(s.getDouble(at + 1));
        sds.add(s.getDouble(at + 2));
      }
    }
    for (Map.Entry<String, String> d : dropped.entrySet()) {
      LOG.warn(
          "{}: feature '{}' dropped from clientele.predict.churn.features: {} in the {} training rows",
          what,
          d.getKey(),
          d.getValue(),
          rows);
    }
    String skipped = null;
    if (rows == 0) skipped = "no training rows";
    else if (positives == 0) skipped = "no churned customer among the " + rows + " training rows";
    else if (positives == rows) skipped = "every one of the " + rows + " training rows churned";
    else if (kept.isEmpty()) skipped = "every feature is all null or constant: " + dropped;
    if (skipped != null) {
      LOG.warn("{}: not trained: {}", what, skipped);
      return new Fitted(
          kept,
          logged,
          toArray(means),
          toArray(sds),
          0,
          new double[0],
          dropped,
          rows,
          positives,
          skipped);
    }
    double[] mean = toArray(means);
    double[] sd = toArray(sds);
    List<Column> z = new ArrayList<>();
    for (int i = 0; i < kept.size(); i++) {
      z.add(standardised(kept.get(i), logged.get(i), mean[i], sd[i]).as("_z" + i));
    }
    z.add(col(LABEL).cast("double").as(LABEL));
    String[] zNames = new String[kept.size()];
    for (int i = 0; i < zNames.length; i++) zNames[i] = "_z" + i;
    Dataset<Row> vectors =
        new VectorAssembler()
            .setInputCols(zNames)
            .setOutputCol("_features")
            .transform(training.select(z.toArray(Column[]::new)));
    LogisticRegressionModel model =
        new LogisticRegression()
            .setFeaturesCol("_features")
            .setLabelCol(LABEL)
            .setStandardization(false)
            .setRegParam(rules.regParam())
            .setElasticNetParam(0)
            .setMaxIter(rules.maxIterations())
            .fit(vectors);
    return new Fitted(
        kept,
        logged,
        mean,
        sd,
        model.intercept(),
        model.coefficients().toArray(),
        dropped,
        rows,
        positives,
        null);
  }

  /** P(churn) of a row with the model's feature columns, rounded to 6 decimals. */
  public static Column probability(Fitted m) {
    Column logit = lit(m.intercept());
    for (Column c : contributions(m)) logit = logit.plus(c);
    return round(lit(1.0).divide(lit(1.0).plus(exp(logit.unary_$minus()))), PROBABILITY_DECIMALS);
  }

  /**
   * The {@code k} features pushing the probability most, strongest first (ties by name), as {@code
   * name:+0.42;name:-0.31} (signed contribution to the log-odds, 2 decimals); features with no
   * contribution (value at the training mean, or null) are left out.
   */
  public static Column reasons(Fitted m, int k) {
    List<Column> terms = new ArrayList<>();
    List<Column> c = contributions(m);
    for (int i = 0; i < c.size(); i++) {
      terms.add(
          struct(
              abs(c.get(i)).unary_$minus().as("weakness"),
              lit(m.features().get(i)).as("feature"),
              c.get(i).as("contribution")));
    }
    Column strongest =
        slice(
            filter(
                sort_array(array(terms.toArray(Column[]::new)), true),
                t -> round(t.getField("weakness"), 2).lt(0)),
            1,
            k);
    return array_join(
        transform(
            strongest,
            t ->
                concat(
                    t.getField("feature"),
                    lit(":"),
                    format_string("%+.2f", t.getField("contribution")))),
        ";");
  }

  /** βᵢ zᵢ per kept feature. */
  static List<Column> contributions(Fitted m) {
    List<Column> out = new ArrayList<>();
    for (int i = 0; i < m.features().size(); i++) {
      out.add(
          standardised(m.features().get(i), m.logScaled().get(i), m.means()[i], m.sds()[i])
              .multiply(m.coefficients()[i]));
    }
    return out;
  }

  private static Column transformed(String feature, List<String> logFeatures) {
    return scaled(feature, logFeatures.contains(feature));
  }

  private static Column scaled(String feature, boolean log) {
    Column v = col(feature).cast("double");
    // greatest() skips nulls: keep a null null, so it is imputed rather than read as 0.
    return log ? when(v.isNotNull(), log1p(greatest(v, lit(0.0)))) : v;
  }

  private static Column standardised(String feature, boolean log, double mean, double sd) {
    return coalesce(scaled(feature, log), lit(mean)).minus(mean).divide(sd);
  }

  private static double[] toArray(List<Double> values) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) out[i] = values.get(i);
    return out;
  }
}
