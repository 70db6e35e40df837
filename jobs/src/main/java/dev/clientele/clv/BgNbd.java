package dev.clientele.clv;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

/**
 * The BG/NBD model of repeat purchasing (Fader, Hardie &amp; Lee 2005, "Counting Your Customers the
 * Easy Way"): while alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after
 * each purchase she drops out with probability p ~ Beta(a, b). A customer is summarised by {@code
 * x} (repeat purchases: distinct purchase periods minus one), {@code tx} (time of the last purchase
 * since the first) and {@code T} (time from the first purchase to the end of observation), all in
 * the same period unit.
 *
 * <p>Everything that could overflow (Γ, B, powers of large exponents) is computed in log space; the
 * Gaussian hypergeometric function is summed after Euler's transformation, which turns its
 * x-dependent upper parameters into two small constants so the series neither overflows nor needs
 * more terms for heavy buyers.
 */
public final class BgNbd {
  /** Fitted parameters: purchase-rate shape r and scale α, dropout Beta(a, b). */
  public record Params(double r, double alpha, double a, double b) {
    public double[] toArray() {
      return new double[] {r, alpha, a, b};
    }

    public static Params of(double[] v) {
      return new Params(v[0], v[1], v[2], v[3]);
    }
  }

  /** Relative size of the last series term kept; below double precision of the sum. */
  static final double SERIES_EPSILON = 1e-17;

  /** Hard cap on series terms; only reached with a z within 1e-4 of 1, i.e. absurd parameters. */
  static final int MAX_SERIES_TERMS = 500_000;

  private BgNbd() {}

  /** log L of one customer. */
  public static double logLikelihood(Params p, double x, double tx, double t) {
    double a1 = logGamma(p.r + x) - logGamma(p.r) + p.r * Math.log(p.alpha);
    double a2 = logGamma(p.a + p.b) + logGamma(p.b + x) - logGamma(p.b) - logGamma(p.a + p.b + x);
    double a3 = -(p.r + x) * Math.log(p.alpha + t);
    if (x <= 0) {
      return a1 + a2 + a3;
    }
    double a4 = Math.log(p.a) - Math.log(p.b + x - 1) - (p.r + x) * Math.log(p.alpha + tx);
    return a1 + a2 + logSumExp(a3, a4);
  }

  /**
   * Weighted log-likelihood of a collapsed table (one entry per distinct (x, tx, T) with its
   * customer count) and, when {@code gradient} is non-null, its gradient with respect to the
   * log-parameters (log r, log α, log a, log b).
   */
  public static double logLikelihood(Params p, Triples data, double[] gradient) {
    double r = p.r, alpha = p.alpha, a = p.a, b = p.b;
    double lgR = logGamma(r), lgA = logGamma(a + b) - logGamma(b), logAlpha = Math.log(alpha);
    double psiR = digamma(r), psiAb = digamma(a + b), psiB = digamma(b);
    double sum = 0, gr = 0, gAlpha = 0, ga = 0, gb = 0;
    for (int i = 0; i < data.size(); i++) {
      double x = data.x[i], tx = data.tx[i], t = data.t[i], w = data.weight[i];
      double a1 = logGamma(r + x) - lgR + r * logAlpha;
      double a2 = lgA + logGamma(b + x) - logGamma(a + b + x);
      double logAlphaT = Math.log(alpha + t);
      double a3 = -(r + x) * logAlphaT;
      double ll;
      double w3 = 1, w4 = 0, logAlphaTx = 0;
      if (x > 0) {
        logAlphaTx = Math.log(alpha + tx);
        double a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * logAlphaTx;
        double m = Math.max(a3, a4);
        double e3 = Math.exp(a3 - m), e4 = Math.exp(a4 - m);
        ll = a1 + a2 + m + Math.log(e3 + e4);
        w3 = e3 / (e3 + e4);
        w4 = e4 / (e3 + e4);
      } else {
        ll = a1 + a2 + a3;
      }
      sum += w * ll;
      if (gradient != null) {
        double psiAbx = digamma(a + b + x);
        gr += w * (digamma(r + x) - psiR + logAlpha - w3 * logAlphaT - w4 * logAlphaTx);
        gAlpha +=
            w
                * (r / alpha
                    - w3 * (r + x) / (alpha + t)
                    - (x > 0 ? w4 * (r + x) / (alpha + tx) : 0));
        ga += w * (psiAb - psiAbx + (x > 0 ? w4 / a : 0));
        gb += w * (psiAb + digamma(b + x) - psiB - psiAbx - (x > 0 ? w4 / (b + x - 1) : 0));
      }
    }
    if (gradient != null) {
      // Chain rule into log-parameter space: d/d(log θ) = θ · d/dθ.
      gradient[0] = gr * r;
      gradient[1] = gAlpha * alpha;
      gradient[2] = ga * a;
      gradient[3] = gb * b;
    }
    return sum;
  }

  /** P(alive | x, tx, T): 1 for a customer with no repeat purchase. */
  public static double pAlive(Params p, double x, double tx, double t) {
    return x <= 0 ? 1.0 : 1.0 / (1.0 + Math.exp(logDeadOdds(p, x, tx, t)));
  }

  /** log of a/(b+x−1) · ((α+T)/(α+tx))^(r+x), the odds of having dropped out, for x &gt; 0. */
  static double logDeadOdds(Params p, double x, double tx, double t) {
    return Math.log(p.a)
        - Math.log(p.b + x - 1)
        + (p.r + x) * (Math.log(p.alpha + t) - Math.log(p.alpha + tx));
  }

  /** E[Y(h) | x, tx, T]: expected purchases in the next {@code h} periods. */
  public static double conditionalExpectedPurchases(
      Params p, double h, double x, double tx, double t) {
    double z = h / (p.alpha + t + h);
    double bracket = 1 - Math.pow(1 - z, p.a - 1) * eulerHyp2f1(p, x, z);
    return (p.a + p.b + x - 1) / (p.a - 1) * bracket * pAlive(p, x, tx, t);
  }

  /** E[X(t)]: expected purchases in the first {@code t} periods of a new customer's life. */
  public static double expectedPurchases(Params p, double t) {
    return conditionalExpectedPurchases(p, t, 0, 0, 0);
  }

  /**
   * 2F1(a+b−1−r, a−1; a+b+x−1; z), the Euler transform of 2F1(r+x, b+x; a+b+x−1; z): the two are
   * related by (1−z)^(r+x)·2F1(r+x, b+x; c; z) = (1−z)^(a−1)·2F1(a+b−1−r, a−1; c; z).
   */
  public static double eulerHyp2f1(Params p, double x, double z) {
    return hyp2f1(p.a + p.b - 1 - p.r, p.a - 1, p.a + p.b + x - 1, z);
  }

  /** The Gaussian hypergeometric series for 0 ≤ z &lt; 1 and c &gt; 0. */
  public static double hyp2f1(double a, double b, double c, double z) {
    double term = 1, sum = 1;
    for (int n = 0; n < MAX_SERIES_TERMS; n++) {
      term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
      sum += term;
      if (Math.abs(term) <= SERIES_EPSILON * Math.abs(sum) && n > 2) {
        return sum;
      }
    }
    throw new ArithmeticException(
        "hypergeometric series 2F1(" + a + ", " + b + "; " + c + "; " + z + ") did not converge");
  }

  /**
   * Series terms enough for every customer when scoring horizon {@code h}: the worst case is x = 0,
   * T = 0 (smallest lower parameter, largest z), whose terms bound every other customer's in
   * absolute value, so its term count bounds theirs.
   */
  public static int seriesTerms(Params p, double h) {
    double a = p.a + p.b - 1 - p.r, b = p.a - 1, c = p.a + p.b - 1, z = h / (p.alpha + h);
    double term = 1, sum = 1;
    for (int n = 0; n < MAX_SERIES_TERMS; n++) {
      term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
      sum += term;
      if (Math.abs(term) <= SERIES_EPSILON * Math.abs(sum) && n > 2) {
        return n + 2;
      }
    }
    throw new ArithmeticException(
        "hypergeometric series for horizon " + h + " needs over " + MAX_SERIES_TERMS + " terms");
  }

  private static double logSumExp(double u, double v) {
    double m = Math.max(u, v);
    return m + Math.log(Math.exp(u - m) + Math.exp(v - m));
  }
}
