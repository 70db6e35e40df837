package dev.clientele.clv;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.log10;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.FeaturesColumns;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Fits BG/NBD and Gamma-Gamma to one {@code customer_features} snapshot and scores every customer.
 *
 * <ol>
 *   <li>{@link #summary}: per customer with a purchase, x (distinct purchase periods minus one;
 *       same-period purchases merge), tx and T in whole days, and the Gamma-Gamma inputs;
 *   <li>{@link #triples} / {@link #spendPairs}: identical rows collapsed with a customer count, so
 *       the tables the driver fits on are bounded by the history length, not the customer count;
 *   <li>{@link #fit}: the data-sufficiency gate, then maximum likelihood on the driver;
 *   <li>{@link #score}: P(alive), expected purchases, expected spend and discounted CLV per
 *       customer, on executors with built-in column expressions.
 * </ol>
 */
public final class ClvFitter {
  // summary columns
  public static final String X = "x";

  /**
   * Last purchase since the first, and as-of since the first, in whole periods (days, or weeks
   * rounded down).
   */
  public static final String TX = "tx";

  public static final String T = "t";

  /** Repeat purchase days (Gamma-Gamma's transaction count) and their mean net spend. */
  public static final String SPEND_X = "spend_x";

  public static final String MEAN_SPEND = "mean_spend";
  public static final String WEIGHT = "weight";

  private ClvFitter() {}

  /**
   * One row per customer with a first purchase: customer_id, x, tx, t (whole periods), spend_x,
   * mean_spend. Period "day" counts lifetime distinct purchase days, "week" distinct 7-day periods
   * from the first purchase ({@link FeaturesColumns#PURCHASE_WEEKS}). Gamma-Gamma always works on
   * purchase days, whatever the period, because that is the grain its mean spend is measured at.
   */
  public static Dataset<Row> summary(Dataset<Row> features, ClvRules rules) {
    Column periods =
        ClvRules.WEEK.equals(rules.period())
            ? col(FeaturesColumns.PURCHASE_WEEKS)
            : col(FeaturesColumns.LIFETIME_PURCHASE_DAYS);
    Column first = col(FeaturesColumns.FIRST_PURCHASE_DATE);
    return features
        .where(first.isNotNull())
        .select(
            col(FeaturesColumns.CUSTOMER_ID),
            periods.minus(1).cast("int").as(X),
            wholePeriods(datediff(col(FeaturesColumns.LAST_PURCHASE_DATE), first), rules).as(TX),
            wholePeriods(datediff(col(FeaturesColumns.AS_OF), first), rules).as(T),
            col(FeaturesColumns.LIFETIME_PURCHASE_DAYS).minus(1).cast("int").as(SPEND_X),
            col(FeaturesColumns.REPEAT_MEAN_SPEND).cast("double").as(MEAN_SPEND));
  }

  /**
   * Whole periods, as BG/NBD summaries are usually built (weeks counted from the first purchase,
   * the same weeks {@link FeaturesColumns#PURCHASE_WEEKS} counts): with week periods the distinct
   * (x, tx, T) are bounded by the history in weeks, which is what keeps the fitting table small.
   */
  static Column wholePeriods(Column days, ClvRules rules) {
    return ClvRules.WEEK.equals(rules.period()) ? floor(days.divide(7)).cast("int") : days;
  }

  /** x, tx, t, weight: one row per distinct triple. */
  public static Dataset<Row> triples(Dataset<Row> summary) {
    return summary.groupBy(X, TX, T).agg(count(lit(1)).as(WEIGHT));
  }

  /**
   * spend_x, mean_spend, weight over repeat customers with positive mean spend, m̄ rounded to
   * {@link ClvRules#spendSignificantDigits()} significant digits (a relative error of at most
   * 5·10^-d, symmetric, so the fitted parameters move far less than their standard errors).
   */
  public static Dataset<Row> spendPairs(Dataset<Row> summary, ClvRules rules) {
    Column m = col(MEAN_SPEND);
    Column scale = pow(lit(10.0), floor(log10(m)).minus(rules.spendSignificantDigits() - 1));
    Column rounded = org.apache.spark.sql.functions.round(m.divide(scale)).multiply(scale);
    return summary
        .where(col(SPEND_X).gt(0).and(m.gt(0)))
        .groupBy(col(SPEND_X), rounded.as(MEAN_SPEND))
        .agg(count(lit(1)).as(WEIGHT));
  }

  /** The collected triples table in periods (the caller checks its size first). */
  public static Triples toTriples(List<Row> rows) {
    int n = rows.size();
    double[] x = new double[n], tx = new double[n], t = new double[n], w = new double[n];
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      x[i] = r.getInt(r.fieldIndex(X));
      tx[i] = r.getInt(r.fieldIndex(TX));
      t[i] = r.getInt(r.fieldIndex(T));
      w[i] = r.getLong(r.fieldIndex(WEIGHT));
    }
    return new Triples(x, tx, t, w);
  }

  public static SpendPairs toSpendPairs(List<Row> rows) {
    int n = rows.size();
    double[] x = new double[n], m = new double[n], w = new double[n];
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      x[i] = r.getInt(r.fieldIndex(SPEND_X));
      m[i] = r.getDouble(r.fieldIndex(MEAN_SPEND));
      w[i] = r.getLong(r.fieldIndex(WEIGHT));
    }
    return new SpendPairs(x, m, w);
  }

  /**
   * Collapses {@link #summary} rows into {@link #triples} and {@link #spendPairs} on executors,
   * gates on their sizes ({@link ClvRules#maxFitRows()}), brings only those compact tables to the
   * driver (ordered, so the sums and hence the fit are the same under any partitioning) and fits.
   */
  public static ClvFit fitCollapsed(Dataset<Row> summary, ClvRules rules) {
    Dataset<Row> triples = triples(summary);
    Dataset<Row> pairs = spendPairs(summary, rules);
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
    Triples t = toTriples(triples.orderBy(X, TX, T).collectAsList());
    SpendPairs s = toSpendPairs(pairs.orderBy(SPEND_X, MEAN_SPEND).collectAsList());
    return fit(t, s, rules);
  }

  /**
   * Gate, then fit. Skips (never returns garbage parameters) when there are too few repeat
   * customers or too short a history, when an optimiser diverges or does not converge, or when the
   * parameters leave the region where the predictions are defined (q &gt; 1; BG/NBD's expected
   * purchases are defined for every a, b &gt; 0, see {@link BgNbd#expectedPurchasesIfAlive}).
   */
  public static ClvFit fit(Triples triples, SpendPairs spend, ClvRules rules) {
    if (spend.customers() < rules.minRepeatCustomers()) {
      return ClvFit.skipped(
          String.format(
              "too few repeat customers with positive spend: %.0f, clientele.clv.min-repeat-customers needs %d",
              spend.customers(), rules.minRepeatCustomers()),
          triples,
          spend);
    }
    double historyDays = triples.maxT() * rules.periodDays();
    if (historyDays < rules.minHistoryDays()) {
      return ClvFit.skipped(
          String.format(
              "history too short: the longest customer history is %.0f days, clientele.clv.min-history-days needs %d",
              historyDays, rules.minHistoryDays()),
          triples,
          spend);
    }
    long started = System.nanoTime();
    double n = triples.customers();
    double meanT = 0, meanM = 0;
    for (int i = 0; i < triples.size(); i++) meanT += triples.weight[i] * triples.t[i] / n;
    for (int i = 0; i < spend.size(); i++)
      meanM += spend.weight[i] * spend.meanSpend[i] / spend.customers();
    MaximumLikelihood.Result bg =
        MaximumLikelihood.maximise(
            (v, g) -> BgNbd.logLikelihood(BgNbd.Params.of(v), triples, g),
            new double[] {1, Math.max(meanT, 1e-3), 1, 1},
            n,
            rules.maxEvaluations());
    MaximumLikelihood.Result gg =
        MaximumLikelihood.maximise(
            (v, g) -> GammaGamma.logLikelihood(GammaGamma.Params.of(v), spend, g),
            new double[] {1, 2, meanM},
            spend.customers(),
            rules.maxEvaluations());
    long millis = (System.nanoTime() - started) / 1_000_000;
    BgNbd.Params p = BgNbd.Params.of(bg.params());
    GammaGamma.Params q = GammaGamma.Params.of(gg.params());
    String invalid = invalidity(p, bg, q, gg);
    if (invalid != null) {
      return new ClvFit(
          ClvFit.SKIPPED,
          invalid,
          n,
          spend.customers(),
          triples.size(),
          spend.size(),
          p,
          bg,
          q,
          gg,
          millis);
    }
    return new ClvFit(
        ClvFit.FITTED,
        null,
        n,
        spend.customers(),
        triples.size(),
        spend.size(),
        p,
        bg,
        q,
        gg,
        millis);
  }

  private static String invalidity(
      BgNbd.Params p,
      MaximumLikelihood.Result bg,
      GammaGamma.Params q,
      MaximumLikelihood.Result gg) {
    if (!bg.converged()) {
      return String.format(
          "BG/NBD fit did not converge (gradient norm per customer %.2e, parameters %s)",
          bg.gradientNorm(), p);
    }
    if (!gg.converged()) {
      return String.format(
          "Gamma-Gamma fit did not converge (gradient norm per customer %.2e, parameters %s)",
          gg.gradientNorm(), q);
    }
    if (!(q.q() > 1)) {
      return "Gamma-Gamma q=" + q.q() + " ≤ 1: the population mean spend is undefined";
    }
    return null;
  }

  /**
   * customer_id, p_alive, expected_purchases_h, expected_avg_spend, clv_h for every row of {@code
   * summary}. CLV = expected spend × Σ over {@link ClvRules#discountSteps()} equal steps of H of
   * the expected purchases in that step, discounted to today at the annual rate.
   *
   * <p>Expected purchases while alive are a built-in {@code aggregate} over {@code sequence(0, N)}
   * (no UDF), N per row from {@link BgNbd#seriesTerms}. They depend only on (x, T), so they are
   * evaluated once per distinct pair — a table bounded by the history length — and joined back.
   */
  public static Dataset<Row> score(Dataset<Row> summary, ClvFit fit, ClvRules rules) {
    if (!fit.fitted())
      throw new IllegalArgumentException("cannot score with a skipped fit: " + fit.reason());
    BgNbd.Params p = fit.bgNbd();
    GammaGamma.Params g = fit.gammaGamma();
    int steps = rules.discountSteps();
    double h = rules.horizonPeriods();
    Column t = col(T).cast("double");
    Column tx = col(TX).cast("double");
    Column x = col(X).cast("double");

    Dataset<Row> series = summary.select(X, T).distinct();
    for (int k = 1; k <= steps; k++) {
      series = series.withColumn("_e" + k, expectedPurchasesIfAlive(p, h * k / steps, x, t));
    }

    Column logDeadOdds =
        lit(Math.log(p.a()))
            .minus(log(x.plus(p.b() - 1)))
            .plus(x.plus(p.r()).multiply(log(t.plus(p.alpha())).minus(log(tx.plus(p.alpha())))));
    Column pAlive = when(col(X).gt(0), lit(1.0).divide(exp(logDeadOdds).plus(1))).otherwise(1.0);
    Column spendX = col(SPEND_X).cast("double");
    Column expectedSpend =
        when(
                col(SPEND_X).gt(0).and(col(MEAN_SPEND).gt(0)),
                spendX
                    .multiply(col(MEAN_SPEND))
                    .plus(g.gamma())
                    .multiply(g.p())
                    .divide(spendX.multiply(g.p()).plus(g.q() - 1)))
            .otherwise(GammaGamma.populationMean(g));
    Column discounted = lit(0.0);
    for (int k = 1; k <= steps; k++) {
      Column previous = k == 1 ? lit(0.0) : col("_e" + (k - 1));
      double years = (double) rules.horizonDays() * k / steps / 365.0;
      discounted =
          discounted.plus(
              col("_e" + k)
                  .minus(previous)
                  .divide(Math.pow(1 + rules.annualDiscountRate(), years)));
    }
    return summary
        .join(series, new String[] {X, T})
        .withColumn("_p_alive", pAlive)
        .withColumn("_spend", expectedSpend)
        .select(
            col(FeaturesColumns.CUSTOMER_ID),
            col("_p_alive").as(ClvColumns.P_ALIVE),
            col("_e" + steps).multiply(col("_p_alive")).as(ClvColumns.EXPECTED_PURCHASES_H),
            col("_spend").as(ClvColumns.EXPECTED_AVG_SPEND),
            discounted.multiply(col("_p_alive")).multiply(col("_spend")).as(ClvColumns.CLV_H));
  }

  /**
   * {@link BgNbd#expectedPurchasesIfAlive} as a column: the same finite sum, term for term, as a
   * fold over {@code sequence(0, terms − 1)} with the per-row term count of {@link
   * BgNbd#seriesTerms}; null for a row that would need more than {@link BgNbd#MAX_SERIES_TERMS}
   * (absurd parameters, where the driver's version throws).
   */
  static Column expectedPurchasesIfAlive(BgNbd.Params p, double h, Column x, Column t) {
    Column k = x.plus(p.r());
    Column logZ = lit(Math.log(h)).minus(log(t.plus(p.alpha() + h)));
    Column z = exp(logZ);
    Column q = sqrt(z);
    Column n1 = greatest(lit(0.0), ceil(z.multiply(k).minus(q).divide(q.minus(z))));
    Column terms = n1.plus(ceil(lit(BgNbd.SERIES_LOG_TAIL).divide(log(q)))).plus(1).cast("double");
    Column logPmf0 = k.multiply(log(t.plus(p.alpha())).minus(log(t.plus(p.alpha() + h))));
    Column start =
        struct(logPmf0.as("log_pmf"), lit(0.0).as("c"), lit(1.0).as("d"), lit(0.0).as("sum"));
    Column sum =
        aggregate(
            sequence(
                lit(0), least(terms, lit((double) BgNbd.MAX_SERIES_TERMS)).cast("int").minus(1)),
            start,
            (acc, n) -> {
              Column nd = n.cast("double");
              Column logPmf = acc.getField("log_pmf");
              Column c = acc.getField("c");
              Column d = acc.getField("d");
              return struct(
                  logPmf.plus(log(k.plus(nd).divide(nd.plus(1)))).plus(logZ).as("log_pmf"),
                  c.plus(d).as("c"),
                  d.multiply(nd.plus(p.b()).plus(x)).divide(nd.plus(p.a() + p.b()).plus(x)).as("d"),
                  acc.getField("sum").plus(exp(logPmf).multiply(c)).as("sum"));
            },
            acc -> acc.getField("sum"));
    return when(terms.leq(BgNbd.MAX_SERIES_TERMS), sum);
  }
}
