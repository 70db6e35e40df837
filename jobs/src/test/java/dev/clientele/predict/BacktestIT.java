package dev.clientele.predict;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.features.FeatureRules;
import dev.clientele.features.FeaturesJob;
import dev.clientele.ingest.IngestConfig;
import dev.clientele.ingest.IngestJob;
import dev.clientele.sample.SampleConfig;
import dev.clientele.sample.SampleGenerator;
import dev.clientele.testing.SparkTestExtension;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The backtest end to end on a tiny generated sample (ingest, features, backtest): every metric of
 * every model is in the scorecard, the calibration covers every bucket, the learned model's
 * predictions carry reasons and rank the generator's lapsing customers above its frequent ones, and
 * a rerun replaces the snapshot.
 */
@ExtendWith(SparkTestExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BacktestIT {
  static final LocalDate AS_OF = LocalDate.parse("2026-11-21");
  private Path raw;
  private TableCatalog tables;
  private ClienteleConfig config;

  @BeforeAll
  void ingestAndBacktest(SparkSession spark) throws Exception {
    Path root = SparkTestExtension.freshDir(spark, "backtest");
    raw = root.resolve("raw");
    config =
        ClienteleConfig.load(
            null,
            List.of(),
            List.of(
                "warehouse=\"" + root.resolve("warehouse") + "\"",
                "sample.output=\"" + raw + "\"",
                "sample.customers=400",
                "sample.transactions=20000",
                "sample.seed=5",
                "sample.end-date=\"" + AS_OF + "\"",
                "ingest.sources.transactions.path=\"" + raw.resolve("transactions") + "\"",
                "ingest.sources.customers.path=\"" + raw.resolve("customers") + "\"",
                "ingest.sources.surveys.path=\"" + raw.resolve("surveys") + "\"",
                "ingest.sources.complaints.path=\"" + raw.resolve("complaints") + "\"",
                "ingest.pii.dev-key-allowed=true",
                "clv.min-repeat-customers=50"));
    SampleGenerator.generate(SampleConfig.from(config.at("clientele.sample")));
    tables = new TableCatalog(root.resolve("warehouse").toString());
    new IngestJob(IngestConfig.from(config.at("clientele.ingest"), System::getenv))
        .run(spark, context("ingest"));
    new FeaturesJob(FeatureRules.from(config.at("clientele"))).run(spark, context("features"));
    BacktestJob.bind(config).run(spark, context("backtest"));
  }

  RunContext context(String job) {
    return new RunContext(RunContext.newRunId(), job, AS_OF, config, tables);
  }

  Dataset<Row> snapshot(SparkSession spark, Table table) {
    return DeltaIO.readSnapshot(spark, tables.path(table), AS_OF);
  }

  @Test
  void everyModelHasEveryMetricWithAValueAndABaseline(SparkSession spark) {
    Dataset<Row> scorecard = snapshot(spark, Table.PREDICTION_SCORECARD);
    Map<String, List<String>> metrics = new HashMap<>();
    for (Row r : scorecard.orderBy("model", "metric").collectAsList()) {
      metrics.computeIfAbsent(r.getAs("model"), k -> new ArrayList<>()).add(r.getAs("metric"));
      // The clv closed form gives NaN for a few new customers when the fitted dropout shape a is
      // large (0 × ∞ in ClvFitter.score); the backtest counts and leaves them out and says so.
      String note = r.getAs("note");
      if (note != null) {
        assertThat(r.<String>getAs("model")).isEqualTo("clv_bgnbd");
        assertThat(note).matches("[1-9][0-9]? customers with a non-finite prediction left out");
      }
      assertThat(Double.isFinite(r.<Double>getAs("value"))).as(r.toString()).isTrue();
      assertThat(r.<Double>getAs("value")).as(r.toString()).isNotNull();
      assertThat(r.<Double>getAs("baseline_value")).as(r.toString()).isNotNull();
      assertThat(r.<java.sql.Date>getAs("cutoff").toLocalDate()).isEqualTo(AS_OF.minusDays(90));
    }
    assertThat(metrics.keySet())
        .containsExactlyInAnyOrder("clv_bgnbd", "churn_rule", "churn_learned");
    assertThat(metrics.get("clv_bgnbd")).containsExactlyInAnyOrderElementsOf(Backtest.CLV_METRICS);
    assertThat(metrics.get("churn_rule"))
        .containsExactlyInAnyOrderElementsOf(Backtest.CHURN_METRICS);
    assertThat(metrics.get("churn_learned"))
        .containsExactlyInAnyOrderElementsOf(Backtest.CHURN_METRICS);
    // Every graded metric has a grade; the totals are shown, not graded.
    assertThat(
            scorecard
                .where(col("grade").isNull())
                .select("metric")
                .distinct()
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactlyInAnyOrder(
            "purchases_total",
            "purchases_total_actual",
            "spend_total",
            "spend_total_actual",
            "churned_share");
    for (String model : List.of("churn_rule", "churn_learned")) {
      double auc =
          scorecard
              .where(col("model").equalTo(model).and(col("metric").equalTo("auc")))
              .head()
              .getAs("value");
      assertThat(auc).as(model).isBetween(0.6, 1.0);
    }
  }

  @Test
  void calibrationCoversEveryFrequencyBucketAndDecile(SparkSession spark) {
    Dataset<Row> calibration = snapshot(spark, Table.PREDICTION_CALIBRATION);
    assertThat(
            calibration
                .where(col("kind").equalTo("frequency_bucket"))
                .orderBy("bucket_order")
                .select("bucket")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactly("0", "1", "2", "3", "4", "5", "6", "7+");
    for (String model : List.of("churn_rule", "churn_learned", "recency_only")) {
      assertThat(
              calibration
                  .where(col("kind").equalTo("risk_decile").and(col("model").equalTo(model)))
                  .count())
          .as(model)
          .isEqualTo(10);
    }
    // Customers over the buckets = customers of the CLV metrics.
    long bucketed =
        calibration
            .where(col("kind").equalTo("frequency_bucket"))
            .agg(org.apache.spark.sql.functions.sum("customers"))
            .head()
            .getLong(0);
    long scored =
        snapshot(spark, Table.PREDICTION_SCORECARD)
            .where(col("model").equalTo("clv_bgnbd"))
            .head()
            .getAs("customers");
    assertThat(bucketed).isEqualTo(scored);
  }

  @Test
  void learnedPredictionsCarryReasonsAndFindTheLapsingGroup(SparkSession spark) {
    Dataset<Row> predictions = snapshot(spark, Table.CHURN_PREDICTIONS);
    long buyers =
        snapshot(spark, Table.CUSTOMER_FEATURES)
            .where(col("first_purchase_date").isNotNull())
            .count();
    assertThat(predictions.count()).isEqualTo(buyers);
    assertThat(
            predictions
                .where(
                    col("churn_reasons")
                        .rlike(
                            "^[a-z_0-9]+:[+-][0-9]+\\.[0-9]{2}(;[a-z_0-9]+:[+-][0-9]+\\.[0-9]{2}){0,2}$")
                        .unary_$bang())
                .count())
        .isZero();
    Dataset<Row> groups =
        spark
            .read()
            .option("header", "true")
            .csv(raw.resolve("ground_truth/customer_groups.csv").toString());
    Map<String, Double> meanByGroup = new HashMap<>();
    for (Row r :
        predictions
            .join(groups, "customer_id")
            .groupBy("group")
            .agg(avg("churn_probability"))
            .collectAsList()) {
      meanByGroup.put(r.getString(0), r.getDouble(1));
    }
    assertThat(meanByGroup.get("lapsing")).isGreaterThan(meanByGroup.get("frequent_small"));
    assertThat(
            snapshot(spark, Table.CHURN_MODEL_FITS)
                .select("purpose")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactlyInAnyOrder("baseline", "backtest", "current");
  }

  @Test
  void aRerunReplacesTheSnapshot(SparkSession spark) {
    long before = snapshot(spark, Table.PREDICTION_SCORECARD).count();
    BacktestJob.bind(config).run(spark, context("backtest"));
    assertThat(snapshot(spark, Table.PREDICTION_SCORECARD).count()).isEqualTo(before);
    assertThat(snapshot(spark, Table.PREDICTION_SCORECARD).select("run_id").distinct().count())
        .isEqualTo(1);
  }
}
