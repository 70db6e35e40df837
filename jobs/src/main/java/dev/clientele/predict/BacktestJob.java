package dev.clientele.predict;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import dev.clientele.common.columns.ComplaintsColumns;
import dev.clientele.common.columns.CustomerDaysColumns;
import dev.clientele.common.columns.CustomersColumns;
import dev.clientele.common.columns.PredictionColumns;
import dev.clientele.common.columns.SurveysColumns;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.CatalogRegistration;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.GoldDocs;
import dev.clientele.common.table.Published;
import dev.clientele.common.table.RunLog;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.publish.PredictionReport;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code backtest} job: runs {@link Backtest} for the as-of date over silver {@code
 * customer_days}, {@code customers}, {@code surveys} and {@code complaints}, then replaces the
 * as-of snapshots of {@code prediction_scorecard}, {@code prediction_calibration}, {@code
 * churn_predictions} and {@code churn_model_fits} (a rerun for the same date replaces them).
 */
public final class BacktestJob implements ClienteleJob {
  private static final Logger LOG = LoggerFactory.getLogger(BacktestJob.class);

  private final Backtest.Rules rules;

  public BacktestJob(Backtest.Rules rules) {
    this.rules = rules;
  }

  /** Binds every key the backtest reads; throws ConfigError before any Spark work. */
  public static BacktestJob bind(ClienteleConfig config) {
    return new BacktestJob(Backtest.Rules.from(config));
  }

  @Override
  public void run(SparkSession spark, RunContext run) {
    Instant started = Instant.now();
    TableCatalog tables = run.tables();
    String daysPath = tables.path(Table.CUSTOMER_DAYS);
    if (!DeltaIO.exists(spark, daysPath)) {
      throw new JobFailure(
          "customer_days does not exist at "
              + daysPath
              + "; run 'clientele features --as-of "
              + run.asOf()
              + "' (or the pipeline) first.");
    }
    Dataset<Row> days = DeltaIO.read(spark, daysPath);
    LocalDate cutoff = run.asOf().minusDays(rules.predict().holdoutDays());
    checkCoverage(days, cutoff, run.asOf());
    Backtest.Inputs inputs =
        new Backtest.Inputs(
            days,
            DeltaIO.readOrEmpty(spark, tables.path(Table.CUSTOMERS), CustomersColumns.SCHEMA),
            DeltaIO.readOrEmpty(spark, tables.path(Table.SURVEYS), SurveysColumns.SCHEMA),
            DeltaIO.readOrEmpty(spark, tables.path(Table.COMPLAINTS), ComplaintsColumns.SCHEMA));
    Backtest.Result result = Backtest.run(rules, inputs, run.asOf(), run.runId());
    Map<String, Long> versions = write(spark, run, result);
    publish(spark, tables, run, versions);
    String page = PredictionReport.write(spark, tables, run.asOf(), run.runId());
    LOG.info("Backtest report: {}", page);
    RunLog.record(
        spark,
        run,
        List.of(
            new RunLog.Entry(
                Table.PREDICTION_SCORECARD.tableName,
                "succeeded",
                null,
                (long) result.scorecard().size(),
                null,
                null,
                started,
                Instant.now(),
                "backtest with cutoff "
                    + cutoff
                    + ": "
                    + result.scorecard().size()
                    + " metrics; report: "
                    + page,
                versions)));
  }

  /**
   * Fails when customer_days has nothing after the cutoff (every customer would look churned);
   * warns when it ends before the as-of date (the holdout is then shorter than configured).
   */
  private static void checkCoverage(Dataset<Row> days, LocalDate cutoff, LocalDate asOf) {
    Row range =
        days.agg(min(col(CustomerDaysColumns.TXN_DATE)), max(col(CustomerDaysColumns.TXN_DATE)))
            .head();
    if (range.isNullAt(1) || !range.getDate(1).toLocalDate().isAfter(cutoff)) {
      throw new JobFailure(
          "customer_days has no day after the backtest cutoff "
              + cutoff
              + " (latest: "
              + (range.isNullAt(1) ? "none" : range.getDate(1))
              + "); choose an earlier --as-of or a shorter --holdout-days.");
    }
    LocalDate last = range.getDate(1).toLocalDate();
    if (last.isBefore(asOf.minusDays(1))) {
      LOG.warn(
          "customer_days ends on {}, before the as-of date {}: the holdout ({}, {}] has no data after {}",
          last,
          asOf,
          cutoff,
          asOf,
          last);
    }
  }

  /**
   * Every table write of the backtest, in one place (so the gold ones can be routed through a
   * consistent publish): replaces the as-of snapshot of each table and returns their versions.
   */
  static Map<String, Long> write(SparkSession spark, RunContext run, Backtest.Result result) {
    TableCatalog tables = run.tables();
    LocalDate asOf = run.asOf();
    Dataset<Row> predictions =
        result.churnPredictions() != null
            ? result.churnPredictions()
            : spark.createDataFrame(List.of(), ChurnModelColumns.PREDICTIONS_SCHEMA);
    Map<Table, Dataset<Row>> frames = new LinkedHashMap<>();
    frames.put(Table.CHURN_PREDICTIONS, predictions);
    frames.put(Table.CHURN_MODEL_FITS, fitRows(spark, run, result.fits()));
    frames.put(
        Table.PREDICTION_SCORECARD,
        spark.createDataFrame(result.scorecard(), PredictionColumns.SCORECARD_SCHEMA));
    frames.put(
        Table.PREDICTION_CALIBRATION,
        spark.createDataFrame(result.calibration(), PredictionColumns.CALIBRATION_SCHEMA));
    Map<String, Long> versions = new LinkedHashMap<>();
    for (Map.Entry<Table, Dataset<Row>> f : frames.entrySet()) {
      String path = tables.path(f.getKey());
      DeltaIO.replaceSnapshot(GoldDocs.withComments(f.getValue(), f.getKey()), path, asOf);
      versions.put(f.getKey().tableName, DeltaIO.version(spark, path));
    }
    return versions;
  }

  /**
   * Makes the new prediction tables visible to readers the way every gold table is: a new {@code
   * published} marker row naming the latest publish's versions plus the prediction tables' new ones
   * (only publish-like commits change what readers see), then the reader file and catalog views.
   */
  private static void publish(
      SparkSession spark, TableCatalog tables, RunContext run, Map<String, Long> written) {
    Optional<Published.Publish> current = Published.current(spark, tables);
    Map<String, Long> versions =
        new LinkedHashMap<>(current.map(Published.Publish::versions).orElse(Map.of()));
    for (Table gold : Published.goldTables()) {
      if (written.containsKey(gold.tableName)) {
        versions.put(gold.tableName, written.get(gold.tableName));
      }
    }
    Published.Publish publish =
        Published.commit(
            spark,
            tables,
            current.map(Published.Publish::asOf).orElse(run.asOf()),
            run.runId(),
            versions);
    try {
      Published.writeReaderFiles(spark, tables, publish);
    } catch (java.io.IOException e) {
      throw new JobFailure(
          "the backtest is published, but the DuckDB file list "
              + Published.readerFile(tables)
              + " could not be written: "
              + e.getMessage()
              + "; rerun the backtest to refresh it.",
          e);
    }
    CatalogRegistration.registerIfKept(spark, tables);
  }

  static Dataset<Row> fitRows(SparkSession spark, RunContext run, List<Backtest.ModelFit> fits) {
    List<Row> rows = new ArrayList<>();
    for (Backtest.ModelFit f : fits) {
      ChurnModel.Fitted m = f.fitted();
      rows.add(
          RowFactory.create(
              Date.valueOf(run.asOf()),
              run.runId(),
              f.model(),
              f.purpose(),
              Date.valueOf(f.trainedAsOf()),
              Date.valueOf(f.labelEnd()),
              m.rows(),
              m.positives(),
              m.trained() ? m.intercept() : null,
              scala.jdk.javaapi.CollectionConverters.asScala(
                  m.trained() ? m.coefficientMap() : Map.<String, Double>of()),
              scala.jdk.javaapi.CollectionConverters.asScala(m.dropped()),
              m.skipped()));
    }
    return spark.createDataFrame(rows, ChurnModelColumns.FITS_SCHEMA);
  }
}
