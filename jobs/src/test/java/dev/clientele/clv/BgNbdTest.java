package dev.clientele.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Published CDNOW values (Fader, Hardie &amp; Lee 2005, weeks) and the math's internal consistency.
 */
class BgNbdTest {
  static final BgNbd.Params PAPER_ROUNDED = new BgNbd.Params(0.243, 4.414, 0.793, 2.426);
  static final BgNbd.Params PAPER_FIT =
      new BgNbd.Params(0.2425945, 4.4136019, 0.7929199, 2.4258881);

  @Test
  void conditionalExpectationAndPAliveMatchThePaperForItsExampleCustomer() {
    assertThat(BgNbd.conditionalExpectedPurchases(PAPER_ROUNDED, 39, 2, 30.43, 38.86))
        .isCloseTo(1.226, within(0.001));
    assertThat(BgNbd.pAlive(PAPER_ROUNDED, 2, 30.43, 38.86)).isCloseTo(0.7266, within(0.0005));
  }

  @Test
  void unconditionalExpectationMatchesThePaperAtOneThreeThirtyTwoAndSeventyEightWeeks() {
    assertThat(BgNbd.expectedPurchases(PAPER_FIT, 1)).isCloseTo(0.0532, within(0.001));
    assertThat(BgNbd.expectedPurchases(PAPER_FIT, 3)).isCloseTo(0.1506, within(0.001));
    assertThat(BgNbd.expectedPurchases(PAPER_FIT, 32)).isCloseTo(1.0437, within(0.001));
    assertThat(BgNbd.expectedPurchases(PAPER_FIT, 78)).isCloseTo(1.858, within(0.001));
  }

  @Test
  void aCustomerWithoutRepeatPurchasesIsAlive() {
    assertThat(BgNbd.pAlive(PAPER_FIT, 0, 0, 38.86)).isEqualTo(1.0);
    assertThat(BgNbd.pAlive(PAPER_FIT, 0, 0, 1)).isEqualTo(1.0);
  }

  @Test
  void heavyBuyersNeitherOverflowNorLoseAlive() {
    // x = 5000 repeat periods: Γ, powers and the hypergeometric terms all overflow outside log
    // space.
    double p = BgNbd.pAlive(PAPER_FIT, 5000, 5000, 5000.5);
    double e = BgNbd.conditionalExpectedPurchases(PAPER_FIT, 52, 5000, 5000, 5000.5);
    double ll = BgNbd.logLikelihood(PAPER_FIT, 5000, 5000, 5000.5);
    assertThat(p).isBetween(0.0, 1.0);
    assertThat(e).isFinite().isPositive();
    assertThat(ll).isFinite().isNegative();
    // a customer long silent after many purchases is almost surely gone
    assertThat(BgNbd.pAlive(PAPER_FIT, 200, 10, 300)).isLessThan(1e-10);
  }

  @Test
  void eulerTransformAgreesWithTheDirectSeries() {
    double x = 3, z = 0.6;
    double direct =
        BgNbd.hyp2f1(
            PAPER_FIT.r() + x, PAPER_FIT.b() + x, PAPER_FIT.a() + PAPER_FIT.b() + x - 1, z);
    double viaEuler =
        Math.pow(1 - z, PAPER_FIT.a() - 1 - PAPER_FIT.r() - x) * BgNbd.eulerHyp2f1(PAPER_FIT, x, z);
    assertThat(viaEuler).isCloseTo(direct, within(1e-10 * direct));
  }

  @Test
  void weightedLogLikelihoodSumsSingleCustomersAndItsGradientMatchesFiniteDifferences() {
    Triples data =
        new Triples(
            new double[] {0, 1, 2, 7},
            new double[] {0, 5.5, 30.43, 20},
            new double[] {38.86, 30, 38.86, 21},
            new double[] {10, 3, 1, 2});
    double expected = 0;
    for (int i = 0; i < data.size(); i++) {
      expected += data.weight[i] * BgNbd.logLikelihood(PAPER_FIT, data.x[i], data.tx[i], data.t[i]);
    }
    double[] gradient = new double[4];
    assertThat(BgNbd.logLikelihood(PAPER_FIT, data, gradient)).isCloseTo(expected, within(1e-9));
    double[] logP = log(PAPER_FIT.toArray());
    for (int k = 0; k < 4; k++) {
      double h = 1e-6;
      double[] up = logP.clone(), down = logP.clone();
      up[k] += h;
      down[k] -= h;
      double numeric =
          (BgNbd.logLikelihood(BgNbd.Params.of(exp(up)), data, null)
                  - BgNbd.logLikelihood(BgNbd.Params.of(exp(down)), data, null))
              / (2 * h);
      assertThat(gradient[k]).as("d/dlog θ%d", k).isCloseTo(numeric, within(1e-5));
    }
  }

  @Test
  void seriesTermsForTheWorstCaseCustomerSufficeForAllOthers() {
    int n = BgNbd.seriesTerms(PAPER_FIT, 52);
    assertThat(n).isBetween(10, 2000);
  }

  static double[] log(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) out[i] = Math.log(v[i]);
    return out;
  }

  static double[] exp(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) out[i] = Math.exp(v[i]);
    return out;
  }
}
