package dev.clientele.clv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Parameters are recovered from 20,000 customers simulated (seeded, on the driver) from the CDNOW
 * estimates, with α converted to days.
 *
 * <p>Tolerance: every estimate within 3 of its own asymptotic standard errors (inverse observed
 * information) of the truth — for an asymptotically normal MLE that holds with probability ≈ 99.7%
 * per parameter, so a failure means a biased likelihood or optimiser, not bad luck — and within a
 * relative bound that shows the standard errors are themselves small (BG/NBD 20%: a and b are the
 * least identified with T under 18 months; Gamma-Gamma 15%). Day-grain recording (same-day
 * purchases merge, whole-day tx and T) and 3-significant-digit spend rounding bias the estimates by
 * far less than one standard error.
 */
class ClvRecoveryTest {
  static final BgNbd.Params TRUE_BG = new BgNbd.Params(0.243, 4.414 * 7, 0.793, 2.426);
  static final GammaGamma.Params TRUE_GG = new GammaGamma.Params(6.25, 3.74, 15.44);
  static final ClvRules RULES =
      new ClvRules(
          "day",
          365,
          0.1,
          12,
          200,
          90,
          3,
          2_000_000,
          20_000,
          List.of("high", "medium", "low"),
          List.of(0.2, 0.3, 0.5));

  @Test
  void bgNbdAndGammaGammaParametersAreRecoveredFromTwentyThousandSimulatedCustomers() {
    List<ClvSimulation.Customer> customers =
        ClvSimulation.simulate(TRUE_BG, TRUE_GG, 20_000, 182, 546, 20261121L);
    Triples triples = ClvSimulation.triples(customers);
    SpendPairs spend = ClvSimulation.spendPairs(customers, RULES.spendSignificantDigits());
    ClvFit fit = ClvFitter.fit(triples, spend, RULES);
    System.out.printf(
        "recovery: %d customers, %d triples, %d spend pairs; BG/NBD %s se %s; GG %s se %s; %d ms%n",
        customers.size(),
        triples.size(),
        spend.size(),
        fit.bgNbd(),
        java.util.Arrays.toString(fit.bgNbdFit().standardErrors()),
        fit.gammaGamma(),
        java.util.Arrays.toString(fit.gammaGammaFit().standardErrors()),
        fit.fitMillis());

    assertThat(fit.status()).as(String.valueOf(fit.reason())).isEqualTo(ClvFit.FITTED);
    assertThat(fit.customers()).isEqualTo(20_000);
    assertRecovered(
        "BG/NBD", TRUE_BG.toArray(), fit.bgNbd().toArray(), fit.bgNbdFit().standardErrors(), 0.20);
    assertRecovered(
        "Gamma-Gamma",
        TRUE_GG.toArray(),
        fit.gammaGamma().toArray(),
        fit.gammaGammaFit().standardErrors(),
        0.15);
    // what the business reads: a year's expected purchases and the mean spend, within 5% and 3%
    assertThat(BgNbd.expectedPurchases(fit.bgNbd(), 365))
        .isCloseTo(
            BgNbd.expectedPurchases(TRUE_BG, 365),
            org.assertj.core.api.Assertions.withinPercentage(5));
    assertThat(GammaGamma.populationMean(fit.gammaGamma()))
        .isCloseTo(
            GammaGamma.populationMean(TRUE_GG),
            org.assertj.core.api.Assertions.withinPercentage(3));
  }

  static void assertRecovered(
      String model, double[] truth, double[] estimate, double[] se, double relative) {
    for (int i = 0; i < truth.length; i++) {
      assertThat(se[i]).as("%s se[%d]", model, i).isFinite().isPositive();
      assertThat(Math.abs(estimate[i] - truth[i]))
          .as("%s parameter %d: %s vs %s (se %s)", model, i, estimate[i], truth[i], se[i])
          .isLessThanOrEqualTo(3 * se[i])
          .isLessThanOrEqualTo(relative * truth[i]);
    }
  }
}
