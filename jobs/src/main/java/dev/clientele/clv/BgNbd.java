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
 * <p>Everything that could overflow (Γ, B, powers of large exponents) is computed in log space, and
 * expected purchases are a sum of positive terms ({@link #expectedPurchasesIfAlive}) rather than
 * the paper's closed form, which cancels catastrophically for large a and b.
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

  /** log of the negative binomial tail mass the expected-purchases series may leave out. */
  static final double SERIES_LOG_TAIL = Math.log(1e-24);

  /**
   * Hard cap on series terms: reached only when z = h / (α + T + h) is within about 10^-4 of 1 (α +
   * T under a ten-thousandth of the horizon), i.e. absurd parameters.
   */
  static final int MAX_SERIES_TERMS = 1_000_000;

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
    return expectedPurchasesIfAlive(p, h, x, t) * pAlive(p, x, tx, t);
  }

  /** E[X(t)]: expected purchases in the first {@code t} periods of a new customer's life. */
  public static double expectedPurchases(Params p, double t) {
    return expectedPurchasesIfAlive(p, t, 0, 0);
  }

  /**
   * E[Y(h) | alive at T, x]: expected purchases in the next {@code h} periods of a customer still
   * alive at T after x repeat purchases. Given alive, λ ~ Gamma(r + x, α + T) and p ~ Beta(a, b +
   * x) independently, so with N ~ NegBin(r + x, z = h / (α + T + h)) the purchases a never-dropping
   * customer would make, the (j+1)-th of them happens when N &gt; j and the customer survived the j
   * before it, with probability D_j = E[(1 − p)^j] = (b + x)_j / (a + b + x)_j:
   *
   * <pre>E = Σ_n P(N = n) · C_n,   C_n = Σ_{j &lt; n} D_j</pre>
   *
   * This equals the paper's closed form (a+b+x−1)/(a−1)·[1 − (1−z)^(r+x)·2F1(r+x, b+x; a+b+x−1; z)]
   * but sums only positive terms: the closed form subtracts two numbers near 1 when a and b are
   * large (a dropout probability a / (a + b) pinned near a point) and is then all rounding error,
   * NaN or ∞; it also needs a ≠ 1, this does not. P(N = n) is carried in log space so that a heavy
   * buyer's P(N = 0) = (1 − z)^(r+x) underflowing cannot zero the whole sum.
   */
  public static double expectedPurchasesIfAlive(Params p, double h, double x, double t) {
    double k = p.r + x;
    // Operations in the order the executors' column expression evaluates them.
    double logZ = Math.log(h) - Math.log(t + (p.alpha + h));
    double logPmf = k * (Math.log(t + p.alpha) - Math.log(t + (p.alpha + h)));
    int terms = seriesTerms(k, Math.exp(logZ));
    double c = 0, d = 1, sum = 0;
    for (int n = 0; n < terms; n++) {
      sum = sum + Math.exp(logPmf) * c;
      c = c + d;
      d = d * (n + p.b + x) / (n + (p.a + p.b) + x);
      logPmf = logPmf + Math.log((k + n) / (n + 1.0)) + logZ;
    }
    return sum;
  }

  /**
   * Terms of {@link #expectedPurchasesIfAlive}'s sum that leave out less than 10^-24 of the
   * negative binomial's mass: past n₁ = ⌈(zk − √z) / (√z − z)⌉ each P(N = n + 1) / P(N = n) = z(k +
   * n) / (n + 1) is at most q = √z, so ⌈log(10^-24) / log q⌉ more terms bound the rest by a
   * geometric tail. The same count, as a column, drives the executors' sum ({@link
   * ClvFitter#score}), so both evaluate the same finite series.
   */
  public static int seriesTerms(double k, double z) {
    double terms = termsBound(k, z);
    if (!(terms <= MAX_SERIES_TERMS)) {
      throw new ArithmeticException(
          "expected purchases need over "
              + MAX_SERIES_TERMS
              + " series terms (k="
              + k
              + ", z="
              + z
              + ")");
    }
    return (int) terms;
  }

  /** The term count of {@link #seriesTerms} as a double (may exceed any int). */
  static double termsBound(double k, double z) {
    if (z <= 0) return 1;
    double q = Math.sqrt(z);
    double n1 = Math.max(0, Math.ceil((z * k - q) / (q - z)));
    return n1 + Math.ceil(SERIES_LOG_TAIL / Math.log(q)) + 1;
  }

  private static double logSumExp(double u, double v) {
    double m = Math.max(u, v);
    return m + Math.log(Math.exp(u - m) + Math.exp(v - m));
  }
}
