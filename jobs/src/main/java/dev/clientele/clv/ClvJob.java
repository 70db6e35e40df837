package dev.clientele.clv;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.common.columns.Money;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.RunLog;
import dev.clientele.common.table.Table;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code clv} job: fits BG/NBD + Gamma-Gamma to the {@code customer_features} snapshot of the
 * as-of date, records the fit (or the reason it was skipped) as one row of {@code clv_fits}, and
 * replaces the as-of snapshot of {@code customer_clv} (one row per customer with a purchase; empty
 * when the fit was skipped, so a rerun never leaves stale predictions behind).
 */
public final class ClvJob implements ClienteleJob {
  private static final Logger LOG = LoggerFactory.getLogger(ClvJob.class);

  private final ClvRules rules;

  public ClvJob(ClvRules rules) {
    this.rules = rules;
  }

  @Override
  public void run(SparkSession spark, RunContext context) {
    Instant started = Instant.now();
    String featuresPath = context.tables().path(Table.CUSTOMER_FEATURES);
    if (!DeltaIO.exists(spark, featuresPath)) {
      throw new JobFailure(
          "customer_features does not exist at " + featuresPath + "; run the features job first.");
    }
    Dataset<Row> features = DeltaIO.readSnapshot(spark, featuresPath, context.asOf());
    Dataset<Row> summary =
        ClvFitter.summary(features, rules).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      ClvFit fit = fitOnDriver(summary);
      DeltaIO.append(fitRecord(spark, fit, context), context.tables().path(Table.CLV_FITS));
      String clvPath = context.tables().path(Table.CUSTOMER_CLV);
      Dataset<Row> published;
      if (fit.fitted()) {
        LOG.info(
            "CLV fit for {}: BG/NBD {} Gamma-Gamma {} in {} ms",
            context.asOf(),
            fit.bgNbd(),
            fit.gammaGamma(),
            fit.fitMillis());
        published = publishable(ClvFitter.score(summary, fit, rules));
      } else {
        LOG.warn("CLV fit for {} skipped: {}", context.asOf(), fit.reason());
        published = spark.createDataFrame(List.of(), ClvColumns.SCHEMA);
      }
      DeltaIO.replaceSnapshot(
          published.withColumn(ClvColumns.AS_OF, lit(Date.valueOf(context.asOf()))),
          clvPath,
          context.asOf());
      RunLog.record(
          spark,
          context,
          List.of(
              new RunLog.Entry(
                  Table.CUSTOMER_CLV.tableName,
                  fit.fitted() ? "succeeded" : "skipped",
                  (long) fit.customers(),
                  fit.fitted() ? (long) fit.customers() : 0L,
                  null,
                  null,
                  started,
                  Instant.now(),
                  fit.reason(),
                  Map.of(Table.CUSTOMER_CLV.tableName, DeltaIO.version(spark, clvPath)))));
    } finally {
      summary.unpersist();
    }
  }

  /** Collapses, gates on the compact tables' sizes, collects them and fits. */
  ClvFit fitOnDriver(Dataset<Row> summary) {
    Dataset<Row> triples = ClvFitter.triples(summary);
    Dataset<Row> pairs = ClvFitter.spendPairs(summary, rules);
    long tripleRows = triples.count();
    long pairRows = pairs.count();
    if (tripleRows > rules.maxFitRows() || pairRows > rules.maxFitRows()) {
      String reason =
          String.format(
              "collapsed fitting tables too large for the driver: %d (x, tx, T) and %d (x, m̄) rows, "
                  + "clientele.clv.max-fit-rows allows %d (use period \"week\" or fewer spend-significant-digits)",
              tripleRows, pairRows, rules.maxFitRows());
      return ClvFit.skipped(
          reason,
          new Triples(new double[0], new double[0], new double[0], new double[0]),
          new SpendPairs(new double[0], new double[0], new double[0]));
    }
    // Ordered so the driver sums in the same order on every run: identical fits under any
    // partitioning.
    Triples t =
        ClvFitter.toTriples(
            triples.orderBy(ClvFitter.X, ClvFitter.TX, ClvFitter.T).collectAsList());
    SpendPairs s =
        ClvFitter.toSpendPairs(
            pairs.orderBy(ClvFitter.SPEND_X, ClvFitter.MEAN_SPEND).collectAsList());
    return ClvFitter.fit(t, s, rules);
  }

  /** Money columns as decimal(18,2) and the CLV tier. */
  Dataset<Row> publishable(Dataset<Row> scores) {
    Dataset<Row> money =
        scores
            .withColumn(
                ClvColumns.EXPECTED_AVG_SPEND,
                col(ClvColumns.EXPECTED_AVG_SPEND).cast(Money.AMOUNT))
            .withColumn(ClvColumns.CLV_H, col(ClvColumns.CLV_H).cast(Money.AMOUNT))
            .persist(StorageLevel.MEMORY_AND_DISK());
    long[] cuts =
        ClvTiers.cutBins(
            ClvTiers.histogram(money, ClvColumns.CLV_H).collectAsList(), rules.tierShares());
    return ClvTiers.withTiers(
            money, ClvColumns.CLV_H, cuts, rules.tierLabels(), ClvColumns.PREDICTED_VALUE_TIER)
        .select(
            col(FeaturesColumns.CUSTOMER_ID),
            col(ClvColumns.P_ALIVE),
            col(ClvColumns.EXPECTED_PURCHASES_H),
            col(ClvColumns.EXPECTED_AVG_SPEND),
            col(ClvColumns.CLV_H),
            col(ClvColumns.PREDICTED_VALUE_TIER),
            col(ClvColumns.PREDICTED_VALUE_TIER_REASON));
  }

  /** The one clv_fits row of this run. */
  Dataset<Row> fitRecord(SparkSession spark, ClvFit fit, RunContext context) {
    Map<String, Double> diagnostics = new LinkedHashMap<>();
    diagnostics.put("fit_ms", (double) fit.fitMillis());
    BgNbd.Params p = fit.bgNbd();
    GammaGamma.Params g = fit.gammaGamma();
    if (fit.bgNbdFit() != null) {
      String[] names = {"r", "alpha", "a", "b"};
      putFit(diagnostics, "bg_nbd", fit.bgNbdFit(), names);
      putFit(diagnostics, "gamma_gamma", fit.gammaGammaFit(), new String[] {"p", "q", "gamma"});
    }
    boolean hasParams = p != null && g != null;
    Row row =
        RowFactory.create(
            Date.valueOf(context.asOf()),
            context.runId(),
            fit.status(),
            fit.reason(),
            rules.period(),
            (long) fit.customers(),
            (long) fit.repeatCustomers(),
            fit.triples(),
            fit.spendPairs(),
            hasParams ? p.r() : null,
            hasParams ? p.alpha() : null,
            hasParams ? p.a() : null,
            hasParams ? p.b() : null,
            hasParams ? fit.bgNbdFit().logLikelihood() : null,
            hasParams ? g.p() : null,
            hasParams ? g.q() : null,
            hasParams ? g.gamma() : null,
            hasParams ? fit.gammaGammaFit().logLikelihood() : null,
            hasParams && g.q() > 1 ? GammaGamma.populationMean(g) : null,
            scala.jdk.javaapi.CollectionConverters.asScala(diagnostics),
            Timestamp.from(Instant.now()));
    return spark.createDataFrame(List.of(row), ClvColumns.FITS_SCHEMA);
  }

  private static void putFit(
      Map<String, Double> out, String model, MaximumLikelihood.Result r, String[] names) {
    for (int i = 0; i < names.length; i++) out.put("se_" + names[i], r.standardErrors()[i]);
    out.put(model + "_simplex_evaluations", (double) r.simplexEvaluations());
    out.put(model + "_polish_iterations", (double) r.polishIterations());
    out.put(model + "_gradient_norm", r.gradientNorm());
    out.put(model + "_converged", r.converged() ? 1.0 : 0.0);
  }
}
