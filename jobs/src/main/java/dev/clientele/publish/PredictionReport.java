package dev.clientele.publish;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import dev.clientele.common.columns.PredictionColumns;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The prediction backtest section of the run report: the latest {@code prediction_scorecard}
 * snapshot on or before the report's as-of date and its {@code prediction_calibration} rows (a few
 * dozen each). Rendered by {@link RunReport#predictions}; the backtest job also writes it as a page
 * of its own ({@link #write}).
 */
public record PredictionReport(
    LocalDate asOf,
    LocalDate cutoff,
    int holdoutDays,
    List<Score> scores,
    List<Bucket> frequency,
    List<Bucket> deciles) {

  /** One scorecard row. */
  public record Score(
      String model, String metric, Double value, Double baseline, String grade, String note) {}

  /** One calibration row: a frequency bucket (CLV) or a risk decile (churn) of one model. */
  public record Bucket(
      String model, String label, long customers, Double predicted, Double actual, Double base) {}

  /**
   * The latest backtest on or before {@code asOf}, or null when there is none (no backtest has run:
   * the report then has no prediction section).
   */
  public static PredictionReport gather(SparkSession spark, TableCatalog tables, LocalDate asOf) {
    String scorecardPath = tables.path(Table.PREDICTION_SCORECARD);
    String calibrationPath = tables.path(Table.PREDICTION_CALIBRATION);
    if (!DeltaIO.exists(spark, scorecardPath)) return null;
    Dataset<Row> scorecard = DeltaIO.read(spark, scorecardPath);
    Row latest =
        scorecard
            .where(col(PredictionColumns.AS_OF).leq(lit(Date.valueOf(asOf))))
            .agg(max(col(PredictionColumns.AS_OF)))
            .head();
    if (latest.isNullAt(0)) return null;
    LocalDate backtest = latest.getDate(0).toLocalDate();
    List<Score> scores = new ArrayList<>();
    LocalDate cutoff = null;
    int holdout = 0;
    for (Row r :
        DeltaIO.readSnapshot(spark, scorecardPath, backtest)
            .orderBy(PredictionColumns.MODEL, PredictionColumns.METRIC)
            .collectAsList()) {
      cutoff = r.<Date>getAs(PredictionColumns.CUTOFF).toLocalDate();
      holdout = r.<Integer>getAs(PredictionColumns.HOLDOUT_DAYS);
      scores.add(
          new Score(
              r.getAs(PredictionColumns.MODEL),
              r.getAs(PredictionColumns.METRIC),
              r.getAs(PredictionColumns.VALUE),
              r.getAs(PredictionColumns.BASELINE_VALUE),
              r.getAs(PredictionColumns.GRADE),
              r.getAs(PredictionColumns.NOTE)));
    }
    List<Bucket> frequency = new ArrayList<>();
    List<Bucket> deciles = new ArrayList<>();
    if (DeltaIO.exists(spark, calibrationPath)) {
      for (Row r :
          DeltaIO.readSnapshot(spark, calibrationPath, backtest)
              .orderBy(
                  PredictionColumns.KIND, PredictionColumns.MODEL, PredictionColumns.BUCKET_ORDER)
              .collectAsList()) {
        Bucket b =
            new Bucket(
                r.getAs(PredictionColumns.MODEL),
                r.getAs(PredictionColumns.BUCKET),
                r.<Long>getAs(PredictionColumns.CUSTOMERS),
                r.getAs(PredictionColumns.PREDICTED),
                r.getAs(PredictionColumns.ACTUAL),
                r.getAs(PredictionColumns.BASELINE_PREDICTED));
        if (PredictionColumns.FREQUENCY_BUCKET.equals(r.getAs(PredictionColumns.KIND))) {
          frequency.add(b);
        } else {
          deciles.add(b);
        }
      }
    }
    return new PredictionReport(backtest, cutoff, holdout, scores, frequency, deciles);
  }

  /**
   * Writes the section as a page of its own, {@code <warehouse>/reports/<as_of>/backtest-<run
   * id>.html} and {@code reports/backtest-latest.html}; returns the first path.
   */
  public static String write(
      SparkSession spark, TableCatalog tables, LocalDate asOf, String runId) {
    PredictionReport report = gather(spark, tables, asOf);
    String html = RunReport.renderPredictions(report, runId);
    String file = tables.warehouse() + "/reports/" + asOf + "/backtest-" + runId + ".html";
    RunReports.writeText(spark, file, html);
    RunReports.writeText(spark, tables.warehouse() + "/reports/backtest-latest.html", html);
    return file;
  }
}
