package dev.clientele.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Published CDNOW Gamma-Gamma values (Fader, Hardie &amp; Lee 2005, "RFM and CLV"). */
class GammaGammaTest {
  static final GammaGamma.Params PAPER = new GammaGamma.Params(6.25, 3.74, 15.44);

  @Test
  void populationMeanIsThirtyFiveTwentyTwo() {
    assertThat(GammaGamma.populationMean(PAPER)).isCloseTo(35.22, within(0.005));
  }

  @Test
  void conditionalExpectedSpendIsTheWeightedMeanOfPopulationAndObservedMeans() {
    // p(γ + x·m̄)/(px + q − 1) for x = 2, m̄ = 50: 6.25·(15.44 + 100)/(12.5 + 2.74)
    assertThat(GammaGamma.conditionalExpectedAverageSpend(PAPER, 2, 50))
        .isCloseTo(6.25 * 115.44 / 15.24, within(1e-12))
        .isCloseTo(47.34, within(0.005));
    // equals the weight (px)/(px+q−1) on m̄ plus the rest on the population mean
    double w = 6.25 * 2 / (6.25 * 2 + 3.74 - 1);
    assertThat(GammaGamma.conditionalExpectedAverageSpend(PAPER, 2, 50))
        .isCloseTo(w * 50 + (1 - w) * GammaGamma.populationMean(PAPER), within(1e-9));
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    SpendPairs data =
        new SpendPairs(
            new double[] {1, 2, 5, 30},
            new double[] {12.5, 40, 33.3, 80},
            new double[] {4, 2, 1, 1});
    double[] gradient = new double[3];
    GammaGamma.logLikelihood(PAPER, data, gradient);
    double[] logP = BgNbdTest.log(PAPER.toArray());
    for (int k = 0; k < 3; k++) {
      double h = 1e-6;
      double[] up = logP.clone(), down = logP.clone();
      up[k] += h;
      down[k] -= h;
      double numeric =
          (GammaGamma.logLikelihood(GammaGamma.Params.of(BgNbdTest.exp(up)), data, null)
                  - GammaGamma.logLikelihood(GammaGamma.Params.of(BgNbdTest.exp(down)), data, null))
              / (2 * h);
      assertThat(gradient[k]).isCloseTo(numeric, within(1e-5));
    }
    double single = 0;
    for (int i = 0; i < data.size(); i++)
      single += data.weight[i] * GammaGamma.logLikelihood(PAPER, data.x[i], data.meanSpend[i]);
    assertThat(GammaGamma.logLikelihood(PAPER, data, null)).isCloseTo(single, within(1e-9));
  }
}
