package dev.clientele.clv;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.common.columns.Money;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.job.Stage;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.tiering.Tiering;
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
 * The {@code clv} stage: fits BG/NBD + Gamma-Gamma to the {@code customer_features} snapshot of the
 * as-of date, records the fit (or the reason it was skipped) as one row of {@code clv_fits}, and
 * replaces the as-of snapshot of {@code customer_clv} (one row per customer with a purchase; empty
 * when the fit was skipped, so a rerun never leaves stale predictions behind).
 */
public final class ClvStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(ClvStage.class);

  private final ClvRules rules;

  public ClvStage(ClvRules rules) {
    this.rules = rules;
  }

  @Override
  public String name() {
    return "clv";
  }

  @Override
  public List<Table> inputs() {
    return List.of(Table.CUSTOMER_FEATURES);
  }

  @Override
  public Table output() {
    return Table.CUSTOMER_CLV;
  }

  /** Fits at once and records the fit in {@code clv_fits}; the scores are lazy. */
  @Override
  public Output apply(RunContext context, Map<Table, Dataset<Row>> inputs) {
    Dataset<Row> features = inputs.get(Table.CUSTOMER_FEATURES);
    SparkSession spark = features.sparkSession();
    Dataset<Row> summary =
        ClvFitter.summary(features, rules).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      ClvFit fit = ClvFitter.fitCollapsed(summary, rules);
      DeltaIO.append(fitRecord(spark, fit, context), context.tables().path(Table.CLV_FITS));
      Date asOf = Date.valueOf(context.asOf());
      if (!fit.fitted()) {
        LOG.warn("CLV fit for {} skipped: {}", context.asOf(), fit.reason());
        summary.unpersist();
        return Output.of(
                spark
                    .createDataFrame(List.of(), ClvColumns.SCHEMA)
                    .withColumn(ClvColumns.AS_OF, lit(asOf)))
            .skipped(fit.reason());
      }
      LOG.info(
          "CLV fit for {}: BG/NBD {} Gamma-Gamma {} in {} ms",
          context.asOf(),
          fit.bgNbd(),
          fit.gammaGamma(),
          fit.fitMillis());
      Dataset<Row> money = money(ClvFitter.score(summary, fit, rules));
      return Output.of(tiered(money).withColumn(ClvColumns.AS_OF, lit(asOf)))
          .withNote(fit.reason())
          .releasing(money)
          .releasing(summary);
    } catch (RuntimeException e) {
      summary.unpersist();
      throw e;
    }
  }

  /** Money columns as decimal(18,2), persisted: the tier cuts and the labels both read them. */
  private static Dataset<Row> money(Dataset<Row> scores) {
    return scores
        .withColumn(
            ClvColumns.EXPECTED_AVG_SPEND, col(ClvColumns.EXPECTED_AVG_SPEND).cast(Money.AMOUNT))
        .withColumn(ClvColumns.CLV_H, col(ClvColumns.CLV_H).cast(Money.AMOUNT))
        .persist(StorageLevel.MEMORY_AND_DISK());
  }

  /** The published columns with the CLV tier. */
  private Dataset<Row> tiered(Dataset<Row> money) {
    long[] cuts =
        Tiering.shareCutBins(
            Tiering.logBinHistogram(money, ClvColumns.CLV_H).collectAsList(), rules.tierShares());
    return Tiering.withShareTiers(
            money,
            ClvColumns.CLV_H,
            cuts,
            rules.tierLabels(),
            ClvColumns.PREDICTED_VALUE_TIER,
            "clv_quantile")
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
