package dev.clientele.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.clientele.clv.BgNbd;
import dev.clientele.clv.ClvFit;
import dev.clientele.clv.ClvSimulation;
import dev.clientele.clv.GammaGamma;
import dev.clientele.common.columns.ComplaintsColumns;
import dev.clientele.common.columns.CustomersColumns;
import dev.clientele.common.columns.SurveysColumns;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.features.CustomerDays;
import dev.clientele.features.Fixtures;
import dev.clientele.testing.SparkTestExtension;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Point in time: what happens after the cutoff never reaches a model graded on it. */
@ExtendWith(SparkTestExtension.class)
class BacktestTest {
  static final LocalDate AS_OF = LocalDate.parse("2026-06-30");
  static final LocalDate CUTOFF = AS_OF.minusDays(60);
  static final ClienteleConfig CONFIG =
      ClienteleConfig.load(null, List.of(), List.of("predict.holdout-days=60"));

  /**
   * 30 customers from 2025-06-01: a third buy every 15 days throughout, a third every 20 days until
   * a stop between October and February, a third every 30 days until a stop from mid-April on.
   */
  static List<Purchase> history() {
    List<Purchase> lines = new ArrayList<>();
    LocalDate start = LocalDate.parse("2025-06-01");
    for (int i = 0; i < 30; i++) {
      String id = String.format("c%02d", i);
      int every = i % 3 == 0 ? 15 : i % 3 == 1 ? 20 : 30;
      LocalDate stop =
          i % 3 == 0
              ? AS_OF.minusDays(1)
              : i % 3 == 1
                  ? LocalDate.parse("2025-10-01").plusDays(i * 5L)
                  : LocalDate.parse("2026-04-15").plusDays((i % 5) * 10L);
      int n = 0;
      for (LocalDate d = start.plusDays(i); !d.isAfter(stop); d = d.plusDays(every)) {
        lines.add(new Purchase(id, id + "-" + n++, d, Integer.toString(20 + i)));
      }
    }
    return lines;
  }

  /** One purchase of the fixture. */
  record Purchase(String customer, String order, LocalDate date, String amount) {
    Fixtures.Line line() {
      return Fixtures.line(customer, order, date.toString(), amount);
    }
  }

  static Backtest.Result backtest(SparkSession spark, List<Purchase> purchases) {
    Backtest.Rules rules = Backtest.Rules.from(CONFIG);
    Dataset<Row> days =
        CustomerDays.compute(
            Fixtures.transactions(spark, purchases.stream().map(Purchase::line).toList()),
            rules.features().points());
    Backtest.Inputs inputs =
        new Backtest.Inputs(
            days,
            spark.createDataFrame(List.of(), CustomersColumns.SCHEMA),
            spark.createDataFrame(List.of(), SurveysColumns.SCHEMA),
            spark.createDataFrame(List.of(), ComplaintsColumns.SCHEMA));
    return Backtest.run(rules, inputs, AS_OF, "run-1");
  }

  @Test
  void modelsGradedOnTheHoldoutAreTheSameWhateverHappenedAfterTheCutoff(SparkSession spark) {
    List<Purchase> original = history();
    // The same past, a different future: everyone buys daily after the cutoff.
    List<Purchase> rewritten = new ArrayList<>();
    for (Purchase p : original) if (!p.date().isAfter(CUTOFF)) rewritten.add(p);
    for (int i = 0; i < 30; i++) {
      String id = String.format("c%02d", i);
      for (LocalDate d = CUTOFF.plusDays(1); d.isBefore(AS_OF); d = d.plusDays(1)) {
        rewritten.add(new Purchase(id, id + "-f" + d, d, "99"));
      }
    }

    Backtest.Result a = backtest(spark, original);
    Backtest.Result b = backtest(spark, rewritten);

    for (String purpose : List.of("backtest", "baseline")) {
      ChurnModel.Fitted fa = fit(a, purpose);
      ChurnModel.Fitted fb = fit(b, purpose);
      assertThat(fa.trained()).as(purpose).isTrue();
      assertThat(fa.rows()).isEqualTo(fb.rows());
      assertThat(fa.positives()).isEqualTo(fb.positives());
      assertThat(fb.intercept()).isCloseTo(fa.intercept(), within(1e-9));
      Map<String, Double> ca = fa.coefficientMap();
      Map<String, Double> cb = fb.coefficientMap();
      assertThat(cb.keySet()).isEqualTo(ca.keySet());
      for (String f : ca.keySet()) assertThat(cb.get(f)).as(f).isCloseTo(ca.get(f), within(1e-9));
    }
    // The training window ends at the cutoff; the model for today is trained up to the as-of.
    Backtest.ModelFit backtested =
        a.fits().stream().filter(f -> f.purpose().equals("backtest")).findFirst().orElseThrow();
    assertThat(backtested.trainedAsOf()).isEqualTo(CUTOFF.minusDays(60));
    assertThat(backtested.labelEnd()).isEqualTo(CUTOFF);
    // With the rewritten future nobody churned: the churn metrics say so instead of failing.
    assertThat(value(b, "churn_learned", "churned_share")).isEqualTo(0.0);
    assertThat(value(b, "churn_learned", "auc")).isNull();
    assertThat(value(a, "churn_learned", "churned_share")).isGreaterThan(0.0);
    // 30 repeat customers are too few for the default CLV gate: every CLV metric says why.
    List<Row> clv =
        a.scorecard().stream().filter(row -> row.getString(3).equals(Backtest.CLV)).toList();
    assertThat(clv).hasSize(Backtest.CLV_METRICS.size());
    for (Row row : clv) {
      assertThat(row.get(6)).isNull();
      assertThat(row.getString(10)).startsWith("too few repeat customers with positive spend: 30");
    }
  }

  @Test
  void aFittedClvIsGradedOnFiniteValues(SparkSession spark) {
    ClienteleConfig config =
        ClienteleConfig.load(
            null, List.of(), List.of("predict.holdout-days=60", "clv.min-repeat-customers=10"));
    Backtest.Rules rules = Backtest.Rules.from(config);
    Dataset<Row> days =
        CustomerDays.compute(
            Fixtures.transactions(spark, history().stream().map(Purchase::line).toList()),
            rules.features().points());
    Backtest.Result r =
        Backtest.run(
            rules,
            new Backtest.Inputs(
                days,
                spark.createDataFrame(List.of(), CustomersColumns.SCHEMA),
                spark.createDataFrame(List.of(), SurveysColumns.SCHEMA),
                spark.createDataFrame(List.of(), ComplaintsColumns.SCHEMA)),
            AS_OF,
            "run-1");
    for (Row row : r.scorecard()) {
      if (!row.getString(3).equals(Backtest.CLV)) continue;
      assertThat(row.getString(10)).as(row.toString()).isNull();
      assertThat(Double.isFinite((Double) row.get(6))).as(row.toString()).isTrue();
      assertThat(Double.isFinite((Double) row.get(7))).as(row.toString()).isTrue();
    }
  }

  /**
   * The CLV metric path (features as of the cutoff, summary, scoring, holdout outcomes, scorecard)
   * on 1,500 customers simulated (seeded) from known BG/NBD and Gamma-Gamma parameters and scored
   * with those parameters: the ones the backtest fitted on the 10,000-customer sample (r = 1.20, α
   * = 27.7 days, a = 723, b = 833,696, a dropout near 0.09% per purchase), where the old closed
   * form cancelled to NaN or to ~1155 purchases in 90 days and gave a purchase MAE of 56 against
   * the baseline's 1.89; on this data the old evaluation gave an MAE of 169.5 against 1.74 and 14
   * customers with a non-finite prediction. (Scored with a fit of these 1,500 customers instead,
   * the old code passed: that fit does not reach the large a where it failed.) First purchases are
   * spread over the 546 days up to the cutoff, so some customers have T = 0 and many a short T.
   * With the true model the predictions must beat carrying each customer's rate forward: purchase
   * MAE at least 5% lower, RMSE at least 20% lower (grade A), total error under 5% and below the
   * baseline's, every prediction finite (no note).
   */
  @Test
  void scoredWithTheTrueBgNbdParametersTheClvModelBeatsTheRateCarriedForward(SparkSession spark) {
    BgNbd.Params bg =
        new BgNbd.Params(1.2009689769794012, 27.70797971564932, 722.7311661017645, 833696.3);
    GammaGamma.Params gg = new GammaGamma.Params(6.25, 3.74, 15.44);
    LocalDate asOf = LocalDate.parse("2026-06-30");
    LocalDate day0 = asOf.minusDays(90 + 545);
    List<ClvSimulation.History> histories =
        ClvSimulation.histories(bg, gg, 1500, 545, 635, 20261203L);
    List<Fixtures.Line> lines = new ArrayList<>();
    for (int i = 0; i < histories.size(); i++) {
      String id = String.format("s%04d", i);
      ClvSimulation.History h = histories.get(i);
      for (int j = 0; j < h.days().length; j++) {
        lines.add(
            Fixtures.line(
                id,
                id + "-" + j,
                day0.plusDays(h.days()[j]).toString(),
                String.format(Locale.ROOT, "%.2f", h.spends()[j])));
      }
    }
    Backtest.Rules rules =
        Backtest.Rules.from(
            ClienteleConfig.load(null, List.of(), List.of("predict.holdout-days=90")));
    Backtest.Result r =
        Backtest.runClv(
            rules,
            new Backtest.Inputs(
                CustomerDays.compute(
                    Fixtures.transactions(spark, lines), rules.features().points()),
                spark.createDataFrame(List.of(), CustomersColumns.SCHEMA),
                spark.createDataFrame(List.of(), SurveysColumns.SCHEMA),
                spark.createDataFrame(List.of(), ComplaintsColumns.SCHEMA)),
            asOf,
            "run-sim",
            new ClvFit(ClvFit.FITTED, null, 1500, 0, 0, 0, bg, null, gg, null, 0));
    Row mae = scorecardRow(r, Backtest.CLV, "purchases_mae");
    Row rmse = scorecardRow(r, Backtest.CLV, "purchases_rmse");
    Row total = scorecardRow(r, Backtest.CLV, "purchases_total_error");
    System.out.printf(
        "simulated backtest (%d lines): %s%n", lines.size(), List.of(mae, rmse, total));
    for (Row row : List.of(mae, rmse, total)) {
      assertThat(row.getString(10)).as("note").isNull();
      assertThat(row.getLong(9)).isEqualTo(1500L);
    }
    // observed: MAE 1.677 against 1.802 (7% lower), RMSE 2.294 against 3.233 (29% lower), total
    // error 2.2% against 3.3%
    assertThat(mae.getDouble(6)).isLessThanOrEqualTo(0.95 * mae.getDouble(7));
    assertThat(rmse.getDouble(6)).isLessThanOrEqualTo(0.8 * rmse.getDouble(7));
    assertThat(rmse.getString(8)).isEqualTo("A");
    assertThat(total.getDouble(6)).isLessThan(0.05).isLessThan(total.getDouble(7));
  }

  private static Row scorecardRow(Backtest.Result r, String model, String metric) {
    return r.scorecard().stream()
        .filter(x -> x.getString(3).equals(model) && x.getString(5).equals(metric))
        .findFirst()
        .orElseThrow();
  }

  private static ChurnModel.Fitted fit(Backtest.Result r, String purpose) {
    return r.fits().stream()
        .filter(f -> f.purpose().equals(purpose))
        .findFirst()
        .orElseThrow()
        .fitted();
  }

  private static Double value(Backtest.Result r, String model, String metric) {
    Row row =
        r.scorecard().stream()
            .filter(x -> x.getString(3).equals(model) && x.getString(5).equals(metric))
            .findFirst()
            .orElseThrow();
    return row.isNullAt(6) ? null : row.getDouble(6);
  }
}
