package dev.clientele.predict;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * The backtest's metrics, each computed on executors with built-in aggregates over one row per
 * customer; only the handful of resulting numbers reach the driver. Definitions and a worked
 * example are in docs/predictions.md.
 */
public final class PredictionMetrics {
  /** 0-based position in descending score order, ties by customer id ({@link #ranked}). */
  public static final String POSITION = "position";

  /** Risk decile 1 (highest scores) .. 10 from {@link #POSITION}. */
  public static final String DECILE = "decile";

  private PredictionMetrics() {}

  /**
   * Per-customer error of a count or amount prediction.
   *
   * @param customers rows compared
   * @param mae mean |predicted − actual|
   * @param rmse √(mean (predicted − actual)²)
   * @param totalPredicted Σ predicted
   * @param totalActual Σ actual
   */
  public record Regression(
      long customers, Double mae, Double rmse, Double totalPredicted, Double totalActual) {
    /** |Σ predicted − Σ actual| / Σ actual; null when nothing actually happened. */
    public Double totalError() {
      if (totalPredicted == null || totalActual == null || totalActual == 0) return null;
      return Math.abs(totalPredicted - totalActual) / Math.abs(totalActual);
    }
  }

  /**
   * Churn-score quality.
   *
   * @param customers rows scored
   * @param positives rows whose label is 1 (churned)
   * @param auc area under the ROC curve (Mann–Whitney, ties count half); null with one class only
   * @param topDecileLift churn rate among the top 10% by score / overall churn rate; null with no
   *     churn
   * @param precision flagged and churned / flagged; null when nothing is flagged
   * @param recall flagged and churned / churned; null with no churn
   * @param brier mean (probability − label)²
   */
  public record Classification(
      long customers,
      long positives,
      Double auc,
      Double topDecileLift,
      Double precision,
      Double recall,
      Double brier) {}

  /** MAE, RMSE and totals of {@code predicted} against {@code actual} (both numeric, no nulls). */
  public static Regression regression(Dataset<Row> rows, String predicted, String actual) {
    Column error = col(predicted).cast("double").minus(col(actual).cast("double"));
    Row r =
        rows.agg(
                count(lit(1)),
                avg(abs(error)),
                sqrt(avg(pow(error, 2))),
                sum(col(predicted).cast("double")),
                sum(col(actual).cast("double")))
            .head();
    return new Regression(r.getLong(0), dbl(r, 1), dbl(r, 2), dbl(r, 3), dbl(r, 4));
  }

  /**
   * Adds {@link #POSITION} (0-based, descending {@code score}, ties by {@code id}) and {@link
   * #DECILE}: the sort is distributed and positions come from the sorted partitions' sizes
   * (zipWithIndex), so no single partition ever holds every customer.
   */
  public static Dataset<Row> ranked(Dataset<Row> rows, String score, String id) {
    Dataset<Row> sorted = rows.orderBy(col(score).desc(), col(id).asc());
    StructType schema = sorted.schema().add(POSITION, DataTypes.LongType, false);
    JavaRDD<Row> indexed = sorted.javaRDD().zipWithIndex().map(PredictionMetrics::withPosition);
    Dataset<Row> positioned = rows.sparkSession().createDataFrame(indexed, schema);
    long n = positioned.count();
    return positioned.withColumn(
        DECILE, n == 0 ? lit(1) : floor(col(POSITION).multiply(10).divide(n)).plus(1).cast("int"));
  }

  private static Row withPosition(Tuple2<Row, Long> t) {
    Object[] values = new Object[t._1().size() + 1];
    for (int i = 0; i < t._1().size(); i++) values[i] = t._1().get(i);
    values[values.length - 1] = t._2();
    return RowFactory.create(values);
  }

  /**
   * The churn metrics of one score over {@link #ranked} rows.
   *
   * @param score the score the rows were ranked by (higher = more likely to churn)
   * @param probability the score read as a probability, for the Brier score
   * @param flag boolean: the model's churn flag
   * @param label numeric 1 (churned) or 0
   */
  public static Classification classification(
      Dataset<Row> ranked, String score, String probability, String flag, String label) {
    Column y = col(label).cast("double");
    Column flagged = coalesce(col(flag), lit(false));
    Row r =
        ranked
            .agg(
                count(lit(1)),
                coalesce(sum(y), lit(0.0)),
                coalesce(sum(when(col(DECILE).equalTo(1), y)), lit(0.0)),
                count(when(col(DECILE).equalTo(1), lit(1))),
                count(when(flagged, lit(1))),
                coalesce(sum(when(flagged, y)), lit(0.0)),
                avg(pow(col(probability).cast("double").minus(y), 2)))
            .head();
    long n = r.getLong(0);
    long positives = Math.round(r.getDouble(1));
    long topPositives = Math.round(r.getDouble(2));
    long topCount = r.getLong(3);
    long flaggedCount = r.getLong(4);
    long truePositives = Math.round(r.getDouble(5));
    Double brier = dbl(r, 6);
    long negatives = n - positives;
    Double auc = null;
    if (positives > 0 && negatives > 0) {
      // Ascending 1-based rank of descending position p is n − p; a tie group shares the mean of
      // its ranks, n − (first + last) / 2.
      Row s =
          ranked
              .groupBy(col(score))
              .agg(min(col(POSITION)).as("first"), max(col(POSITION)).as("last"), sum(y).as("pos"))
              .agg(
                  sum(
                      col("pos")
                          .multiply(
                              lit((double) n).minus(col("first").plus(col("last")).divide(2)))))
              .head();
      double rankSum = s.getDouble(0);
      auc = (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
    Double lift =
        positives == 0 || topCount == 0
            ? null
            : ((double) topPositives / topCount) / ((double) positives / n);
    Double precision = flaggedCount == 0 ? null : (double) truePositives / flaggedCount;
    Double recall = positives == 0 ? null : (double) truePositives / positives;
    return new Classification(n, positives, auc, lift, precision, recall, brier);
  }

  /**
   * Calibration by risk decile of {@link #ranked} rows: decile, customers, mean probability, churn
   * share and mean of {@code baseline} (null when not given), deciles 1..10 in order.
   */
  public static List<Row> deciles(
      Dataset<Row> ranked, String probability, String label, String baseline) {
    Column base = baseline == null ? lit(null).cast("double") : col(baseline).cast("double");
    return new ArrayList<>(
        ranked
            .groupBy(col(DECILE))
            .agg(
                count(lit(1)),
                avg(col(probability).cast("double")),
                avg(col(label).cast("double")),
                avg(base))
            .orderBy(col(DECILE))
            .collectAsList());
  }

  private static Double dbl(Row r, int i) {
    return r.isNullAt(i) ? null : ((Number) r.get(i)).doubleValue();
  }
}
