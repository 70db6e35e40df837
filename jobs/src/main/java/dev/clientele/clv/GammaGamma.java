package dev.clientele.clv;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

/**
 * The Gamma-Gamma model of spend per transaction (Fader, Hardie &amp; Lee 2005, "RFM and CLV"): a
 * customer's transaction values are Gamma(p, ν) around her mean p/ν, with ν ~ Gamma(q, γ) across
 * customers. Fitted on repeat customers' mean repeat spend m̄ over x transactions; independent of
 * the purchase process.
 */
public final class GammaGamma {
  /** Fitted parameters: transaction shape p, mean-spend heterogeneity shape q and scale γ. */
  public record Params(double p, double q, double gamma) {
    public double[] toArray() {
      return new double[] {p, q, gamma};
    }

    public static Params of(double[] v) {
      return new Params(v[0], v[1], v[2]);
    }
  }

  private GammaGamma() {}

  /** log f(m̄ | x): the density of a customer's mean spend m̄ over x transactions. */
  public static double logLikelihood(Params g, double x, double meanSpend) {
    double px = g.p * x;
    return logGamma(px + g.q)
        - logGamma(px)
        - logGamma(g.q)
        + g.q * Math.log(g.gamma)
        + (px - 1) * Math.log(meanSpend)
        + px * Math.log(x)
        - (px + g.q) * Math.log(g.gamma + x * meanSpend);
  }

  /**
   * Weighted log-likelihood of a collapsed table and, when {@code gradient} is non-null, its
   * gradient with respect to (log p, log q, log γ).
   */
  public static double logLikelihood(Params g, SpendPairs data, double[] gradient) {
    double p = g.p, q = g.q, gamma = g.gamma;
    double lgQ = logGamma(q), logGammaScale = Math.log(gamma), psiQ = digamma(q);
    double sum = 0, gp = 0, gq = 0, gg = 0;
    for (int i = 0; i < data.size(); i++) {
      double x = data.x[i], m = data.meanSpend[i], w = data.weight[i];
      double px = p * x, logM = Math.log(m), logX = Math.log(x), logDen = Math.log(gamma + x * m);
      sum +=
          w
              * (logGamma(px + q)
                  - logGamma(px)
                  - lgQ
                  + q * logGammaScale
                  + (px - 1) * logM
                  + px * logX
                  - (px + q) * logDen);
      if (gradient != null) {
        double psiPxq = digamma(px + q);
        gp += w * x * (psiPxq - digamma(px) + logM + logX - logDen);
        gq += w * (psiPxq - psiQ + logGammaScale - logDen);
        gg += w * (q / gamma - (px + q) / (gamma + x * m));
      }
    }
    if (gradient != null) {
      gradient[0] = gp * p;
      gradient[1] = gq * q;
      gradient[2] = gg * gamma;
    }
    return sum;
  }

  /**
   * E[M | x, m̄] = p(γ + x·m̄)/(px + q − 1): shrinks the observed mean towards the population mean.
   */
  public static double conditionalExpectedAverageSpend(Params g, double x, double meanSpend) {
    return g.p * (g.gamma + x * meanSpend) / (g.p * x + g.q - 1);
  }

  /** E[M] = pγ/(q − 1), the mean spend per transaction of a customer with no repeat history. */
  public static double populationMean(Params g) {
    return g.p * g.gamma / (g.q - 1);
  }
}
