package dev.clientele.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

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

  /**
   * The paper's closed form, (a+b+x−1)/(a−1)·[1 − ((α+T)/(α+T+h))^(r+x)·2F1(r+x, b+x; a+b+x−1;
   * z)]·P(alive) with the direct hypergeometric series: what Clientele evaluated before, and exact
   * enough at moderate parameters to check the sum of positive terms against.
   */
  static double closedForm(BgNbd.Params p, double h, double x, double tx, double t) {
    double z = h / (p.alpha() + t + h);
    double A = p.r() + x, B = p.b() + x, C = p.a() + p.b() + x - 1;
    double term = 1, sum = 1;
    for (int n = 0; n < 100_000 && Math.abs(term) > 1e-18 * Math.abs(sum); n++) {
      term *= (A + n) * (B + n) / ((C + n) * (n + 1)) * z;
      sum += term;
    }
    double bracket = 1 - Math.pow((p.alpha() + t) / (p.alpha() + t + h), A) * sum;
    return C / (p.a() - 1) * bracket * BgNbd.pAlive(p, x, tx, t);
  }

  @Test
  void theSumOfPositiveTermsEqualsThePapersClosedFormAtModerateParameters() {
    double[][] customers = {
      {0, 0, 0}, {0, 0, 38.86}, {2, 30.43, 38.86}, {7, 20, 21}, {30, 70, 78}, {1, 2, 70}
    };
    for (double h : new double[] {1, 39, 52, 260}) {
      for (double[] c : customers) {
        assertThat(BgNbd.conditionalExpectedPurchases(PAPER_FIT, h, c[0], c[1], c[2]))
            .as("h=%s x, tx, T = %s", h, java.util.Arrays.toString(c))
            .isCloseTo(closedForm(PAPER_FIT, h, c[0], c[1], c[2]), withinPercentage(1e-8));
      }
    }
  }

  /** The backtest's fit as of 2026-08-23 on the 10,000-customer sample (days). */
  static final BgNbd.Params SAMPLE_FIT =
      new BgNbd.Params(1.2009689769794012, 27.70797971564932, 722.7311661017645, 833696.261389645);

  /**
   * A dropout Beta(a, b) concentrated near a/(a+b) (a = 723, b = 833,696: the sample's fit, and a =
   * 10^5, b = 10^8). The Euler-transformed closed form Clientele evaluated before multiplied (1 −
   * z)^(a−1), underflowing to 0, by a hypergeometric series overflowing to ∞: NaN for a customer
   * with no repeat purchase and T = 1 day; on executors the series was cut for everyone at the term
   * count of that worst customer, so the bracket 1 − (1 − z)^(a−1)·2F1 came out near 1 and
   * predictions near (a+b+x−1)/(a−1) ≈ 1155 purchases in 90 days — the backtest's purchase MAE of
   * 56 against the baseline's 1.9. Reference values: the closed form with mpmath at 60 digits, and
   * independently E[(1 − (1 + p·h/(α+T))^−(r+x)) / p] over p ~ Beta(a, b + x) by mpmath quadrature
   * at 40 digits; both agree to 20 digits.
   */
  @Test
  void largeDropoutShapesGiveFiniteExpectationsMatchingAHighPrecisionReference() {
    assertExpectation(SAMPLE_FIT, 90, 0, 0, 1, 3.7538396016226407785, 1.0);
    assertExpectation(SAMPLE_FIT, 90, 0, 0, 0, 3.8889000148091817257, 1.0);
    assertExpectation(SAMPLE_FIT, 90, 22, 430, 490, 3.9660824794802031082, 0.98511959724495746823);
    assertExpectation(SAMPLE_FIT, 90, 351, 640, 640, 46.467700730486049777, 0.9991342141687737644);
    assertExpectation(SAMPLE_FIT, 90, 1, 0, 600, 0.1721322290413660433, 0.54556905082474521827);
    assertExpectation(
        SAMPLE_FIT, 90, 200, 10, 640, 2.2943119924212875147e-247, 8.5601424382465477585e-249);

    BgNbd.Params huge = new BgNbd.Params(2.5, 10, 1e5, 1e8);
    assertExpectation(huge, 365, 0, 0, 1, 78.371162668881575289, 1.0);
    assertExpectation(huge, 365, 40, 300, 365, 9.5040436122057694397, 0.23464289038311375265);
    assertExpectation(huge, 365, 3, 20, 365, 0.0049413500233993373005, 0.00092596082067397208739);
  }

  /** a = 1, where the closed form divides by a − 1 = 0; reference by mpmath quadrature. */
  @Test
  void aDropoutShapeOfExactlyOneIsDefined() {
    BgNbd.Params one = new BgNbd.Params(0.243, 30.898, 1.0, 2.426);
    assertThat(BgNbd.expectedPurchasesIfAlive(one, 365, 3, 200))
        .isCloseTo(3.5378627190424230423, withinPercentage(1e-8));
    assertThat(BgNbd.expectedPurchases(one, 365))
        .isCloseTo(1.2920648519495413592, withinPercentage(1e-8));
  }

  static void assertExpectation(
      BgNbd.Params p, double h, double x, double tx, double t, double expected, double alive) {
    String what = String.format("%s h=%s x=%s tx=%s T=%s", p, h, x, tx, t);
    double pAlive = BgNbd.pAlive(p, x, tx, t);
    assertThat(pAlive).as(what).isBetween(0.0, 1.0).isCloseTo(alive, withinPercentage(1e-8));
    assertThat(BgNbd.conditionalExpectedPurchases(p, h, x, tx, t))
        .as(what)
        .isFinite()
        .isCloseTo(expected, withinPercentage(1e-8));
  }

  @Test
  void seriesTermsGrowWithTheExpectedPurchasesAndStopAtAnAbsurdHorizon() {
    // z = 0.5, k = 1: ratios z(k+n)/(n+1) = 0.5 ≤ √z from n = 0, then ⌈log 1e-24 / log √0.5⌉ = 160
    assertThat(BgNbd.seriesTerms(1, 0.5)).isEqualTo(161);
    // a heavy buyer: the mean of N, kz/(1−z) = 1000, must be passed before the geometric tail
    assertThat(BgNbd.seriesTerms(1000, 0.5)).isGreaterThan(2000).isLessThan(4000);
    assertThatThrownBy(() -> BgNbd.seriesTerms(1, 1 - 1e-6))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageStartingWith("expected purchases need over 1000000 series terms");
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
