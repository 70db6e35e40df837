package dev.clientele.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.clientele.testing.SparkTestExtension;
import dev.clientele.tiering.Tiering;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class ClvFitterTest {
  static final ClvRules DAYS = ClvRecoveryTest.RULES;

  /**
   * c1 one-time buyer, c2 regular, c3 heavy but silent for long, c4 prospect, c5 repeat with a
   * refund-only repeat spend.
   */
  static Dataset<Row> features(SparkSession spark) {
    return spark.sql(
        """
        SELECT * FROM VALUES
          ('c1', DATE'2026-11-21', DATE'2026-06-01', DATE'2026-06-01', 1, 1, CAST(NULL AS DECIMAL(18,2))),
          ('c2', DATE'2026-11-21', DATE'2026-01-10', DATE'2026-11-01', 12, 6, CAST(41.50 AS DECIMAL(18,2))),
          ('c3', DATE'2026-11-21', DATE'2025-11-25', DATE'2026-02-01', 30, 9, CAST(120.00 AS DECIMAL(18,2))),
          ('c4', DATE'2026-11-21', CAST(NULL AS DATE), CAST(NULL AS DATE), 0, 0, CAST(NULL AS DECIMAL(18,2))),
          ('c5', DATE'2026-11-21', DATE'2026-03-01', DATE'2026-04-01', 2, 2, CAST(-5.00 AS DECIMAL(18,2)))
        AS t(customer_id, as_of, first_purchase_date, last_purchase_date, lifetime_purchase_days, purchase_weeks, repeat_mean_spend)
        """);
  }

  @Test
  void summaryCountsRepeatPeriodsAndWholeDaysAndDropsProspects(SparkSession spark) {
    Map<String, Row> byId = byId(ClvFitter.summary(features(spark), DAYS));
    assertThat(byId).containsOnlyKeys("c1", "c2", "c3", "c5");
    assertThat(values(byId.get("c2"))).containsExactly("c2", 11, 295, 315, 11, 41.5);
    assertThat(values(byId.get("c1"))).containsExactly("c1", 0, 0, 173, 0, null);
    ClvRules weeks = withPeriod("week");
    assertThat(values(byId(ClvFitter.summary(features(spark), weeks)).get("c2")))
        .containsExactly("c2", 5, 42, 45, 11, 41.5);
  }

  @Test
  void spendPairsKeepRepeatCustomersWithPositiveSpendRoundedToSignificantDigits(
      SparkSession spark) {
    Dataset<Row> summary =
        spark.sql(
            "SELECT * FROM VALUES ('a', 2, 0, 0, 2, 41.549), ('b', 2, 0, 0, 2, 41.55), ('c', 2, 0, 0, 2, 0.0), ('d', 0, 0, 0, 0, CAST(NULL AS DOUBLE)), ('e', 3, 0, 0, 3, 1234.5) AS t(customer_id, x, tx, t, spend_x, mean_spend)");
    List<Row> rows = ClvFitter.spendPairs(summary, DAYS).orderBy("spend_x").collectAsList();
    assertThat(rows).hasSize(2);
    assertThat(values(rows.get(0))).containsExactly(2, 41.5, 2L);
    assertThat(values(rows.get(1))).containsExactly(3, 1230.0, 1L);
  }

  @Test
  void scoresOnExecutorsEqualTheDriverMath(SparkSession spark) {
    BgNbd.Params bg = new BgNbd.Params(0.243, 30.898, 0.793, 2.426);
    GammaGamma.Params gg = new GammaGamma.Params(6.25, 3.74, 15.44);
    ClvFit fit = new ClvFit(ClvFit.FITTED, null, 4, 2, 4, 2, bg, null, gg, null, 0);
    Map<String, Row> scores =
        byId(ClvFitter.score(ClvFitter.summary(features(spark), DAYS), fit, DAYS));
    assertThat(scores).containsOnlyKeys("c1", "c2", "c3", "c5");

    Row c2 = scores.get("c2");
    assertThat(c2.getDouble(1)).isCloseTo(BgNbd.pAlive(bg, 11, 295, 315), within(1e-12));
    assertThat(c2.getDouble(2))
        .isCloseTo(BgNbd.conditionalExpectedPurchases(bg, 365, 11, 295, 315), within(1e-9));
    assertThat(c2.getDouble(3))
        .isCloseTo(GammaGamma.conditionalExpectedAverageSpend(gg, 11, 41.5), within(1e-9));
    assertThat(c2.getDouble(4))
        .isCloseTo(discountedClv(bg, gg, 11, 295, 315, 41.5, 11), within(1e-8));

    Row c1 = scores.get("c1");
    assertThat(c1.getDouble(1)).isEqualTo(1.0);
    assertThat(c1.getDouble(3))
        .isCloseTo(GammaGamma.populationMean(gg), within(1e-9))
        .isCloseTo(35.22, within(0.005));
    // a negative repeat mean gets the population mean, not a negative spend
    assertThat(scores.get("c5").getDouble(3))
        .isCloseTo(GammaGamma.populationMean(gg), within(1e-9));
    // thirty purchase days then 293 silent days: nearly certainly gone
    assertThat(scores.get("c3").getDouble(1))
        .isCloseTo(BgNbd.pAlive(bg, 29, 68, 361), within(1e-12))
        .isLessThan(0.01);
  }

  /**
   * At the sample's fit (a = 723, b = 833,696, where the old closed form gave NaN and ~1155) the
   * executors' sum equals the driver's, which BgNbdTest pins to a 60-digit reference: finite,
   * P(alive) within [0, 1], and never above what a customer who never drops out would buy, (r +
   * x)·h/(α + T).
   */
  @Test
  void scoresAtExtremeDropoutShapesAreFiniteAndEqualTheDriverMath(SparkSession spark) {
    BgNbd.Params bg = BgNbdTest.SAMPLE_FIT;
    GammaGamma.Params gg = new GammaGamma.Params(6.25, 3.74, 15.44);
    ClvFit fit = new ClvFit(ClvFit.FITTED, null, 6, 4, 6, 4, bg, null, gg, null, 0);
    Dataset<Row> summary =
        spark.sql(
            "SELECT * FROM VALUES ('n1', 0, 0, 1, 0, CAST(NULL AS DOUBLE)), ('n0', 0, 0, 0, 0,"
                + " CAST(NULL AS DOUBLE)), ('m', 22, 430, 490, 22, 80.0), ('h', 351, 640, 640, 351,"
                + " 55.0), ('s', 1, 0, 600, 1, 20.0), ('g', 200, 10, 640, 200, 30.0) AS t(customer_id,"
                + " x, tx, t, spend_x, mean_spend)");
    ClvRules rules = ClvFitterTest.withHorizon(90, 3);
    Map<String, Row> scores = byId(ClvFitter.score(summary, fit, rules));
    assertThat(scores).hasSize(6);
    for (Row s : summary.collectAsList()) {
      String id = s.getString(0);
      int x = s.getInt(1), tx = s.getInt(2), t = s.getInt(3);
      Row r = scores.get(id);
      double expected = BgNbd.conditionalExpectedPurchases(bg, 90, x, tx, t);
      assertThat(r.getDouble(1))
          .as(id)
          .isBetween(0.0, 1.0)
          .isCloseTo(BgNbd.pAlive(bg, x, tx, t), within(1e-15));
      assertThat(r.getDouble(2))
          .as(id)
          .isFinite()
          .isCloseTo(expected, within(1e-12 * expected))
          .isLessThanOrEqualTo((bg.r() + x) * 90 / (bg.alpha() + t));
      assertThat(r.getDouble(4)).as(id).isFinite();
    }
    assertThat(scores.get("n1").getDouble(2)).isCloseTo(3.7538396016226407785, within(1e-9));
  }

  /**
   * CLV by the definition: spend × Σ_k (E[Y(t_k)] − E[Y(t_{k−1})]) / 1.1^(t_k / 365), 12 monthly
   * steps.
   */
  static double discountedClv(
      BgNbd.Params bg,
      GammaGamma.Params gg,
      double x,
      double tx,
      double t,
      double m,
      double spendX) {
    double total = 0, previous = 0;
    for (int k = 1; k <= 12; k++) {
      double e = BgNbd.conditionalExpectedPurchases(bg, 365.0 * k / 12, x, tx, t);
      total += (e - previous) / Math.pow(1.1, k / 12.0);
      previous = e;
    }
    return total * GammaGamma.conditionalExpectedAverageSpend(gg, spendX, m);
  }

  @Test
  void theGateSkipsWithTheReason() {
    Triples t =
        new Triples(
            new double[] {0, 1},
            new double[] {0, 10},
            new double[] {100, 100},
            new double[] {50, 150});
    SpendPairs s = new SpendPairs(new double[] {1}, new double[] {20}, new double[] {150});
    ClvFit fit = ClvFitter.fit(t, s, DAYS);
    assertThat(fit.status()).isEqualTo(ClvFit.SKIPPED);
    assertThat(fit.reason())
        .isEqualTo(
            "too few repeat customers with positive spend: 150, clientele.clv.min-repeat-customers needs 200");
    SpendPairs enough = new SpendPairs(new double[] {1}, new double[] {20}, new double[] {200});
    Triples shortHistory =
        new Triples(
            new double[] {0, 1},
            new double[] {0, 10},
            new double[] {89, 60},
            new double[] {50, 200});
    assertThat(ClvFitter.fit(shortHistory, enough, DAYS).reason())
        .isEqualTo(
            "history too short: the longest customer history is 89 days, clientele.clv.min-history-days needs 90");
  }

  @Test
  void tiersCutAtTheConfiguredSharesAndEqualValuesShareATier(SparkSession spark) {
    Dataset<Row> scores =
        spark.sql(
            "SELECT * FROM VALUES ('a', 100.0), ('b', 90.0), ('c', 80.0), ('d', 80.0), ('e', 50.0), ('f', 40.0), ('g', 30.0), ('h', 20.0), ('i', 0.0), ('j', -1.0) AS t(customer_id, clv)");
    long[] cuts =
        Tiering.shareCutBins(
            Tiering.logBinHistogram(scores, "clv").collectAsList(), List.of(0.2, 0.3, 0.5));
    Map<String, String> tiers =
        Tiering.withShareTiers(
                scores, "clv", cuts, List.of("high", "medium", "low"), "tier", "clv_quantile")
            .collectAsList()
            .stream()
            .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(2)));
    // top 20% = a, b; next 30% = c, d (tied) and e; the rest low
    assertThat(tiers)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "a", "high", "b", "high", "c", "medium", "d", "medium", "e", "medium", "f", "low",
                "g", "low", "h", "low", "i", "low", "j", "low"));
    // The reason names the lowest CLV of the tier's lowest 0.1% bin (b's 90 -> 89.93, e's 50).
    Map<String, String> reasons =
        Tiering.withShareTiers(
                scores, "clv", cuts, List.of("high", "medium", "low"), "tier", "clv_quantile")
            .collectAsList()
            .stream()
            .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(3)));
    assertThat(reasons.get("a")).isEqualTo("clv_quantile:clv=100.00,tier_from=89.93");
    assertThat(reasons.get("e")).isEqualTo("clv_quantile:clv=50.00,tier_from=50.00");
    assertThat(reasons.get("j")).isEqualTo("clv_quantile:clv=-1.00,tier_below=50.00");
  }

  static ClvRules withPeriod(String period) {
    ClvRules r = DAYS;
    return new ClvRules(
        period,
        r.horizonDays(),
        r.annualDiscountRate(),
        r.discountSteps(),
        r.minRepeatCustomers(),
        r.minHistoryDays(),
        r.spendSignificantDigits(),
        r.maxFitRows(),
        r.maxEvaluations(),
        r.tierLabels(),
        r.tierShares());
  }

  /** The test rules with another horizon and discount steps. */
  static ClvRules withHorizon(int days, int steps) {
    ClvRules r = DAYS;
    return new ClvRules(
        r.period(),
        days,
        r.annualDiscountRate(),
        steps,
        r.minRepeatCustomers(),
        r.minHistoryDays(),
        r.spendSignificantDigits(),
        r.maxFitRows(),
        r.maxEvaluations(),
        r.tierLabels(),
        r.tierShares());
  }

  static Map<String, Row> byId(Dataset<Row> frame) {
    return frame.collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
  }

  static List<Object> values(Row row) {
    List<Object> out = new java.util.ArrayList<>();
    for (int i = 0; i < row.length(); i++) out.add(row.get(i));
    return out;
  }
}
