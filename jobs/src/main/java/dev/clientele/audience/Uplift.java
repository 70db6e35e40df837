package dev.clientele.audience;

/**
 * The difference between a treated and a control group in a rate and a mean, each with a 95%
 * confidence interval by the normal approximation with unpooled standard errors:
 *
 * <pre>
 *   rate:  d = p1 - p0,  se = sqrt(p1 (1 - p1) / n1 + p0 (1 - p0) / n0)
 *   mean:  d = m1 - m0,  se = sqrt(s1^2 / n1 + s0^2 / n0)   (s^2: sample variance, n - 1)
 *   interval: d -/+ 1.959964 se
 * </pre>
 *
 * A difference needs both groups non-empty; an interval of the mean needs two customers in each (a
 * sample variance); otherwise the value is null.
 */
public final class Uplift {
  /** The 0.975 quantile of the standard normal distribution. */
  public static final double Z_95 = 1.959963984540054;

  private Uplift() {}

  /**
   * One group's outcome.
   *
   * @param customers group size
   * @param repurchasers customers with at least one purchase in the window
   * @param meanSpend mean net spend per customer (0 for none), null when the group is empty
   * @param spendVariance sample variance of the spend, null with fewer than two customers
   */
  public record Arm(long customers, long repurchasers, Double meanSpend, Double spendVariance) {
    public Double rate() {
      return customers == 0 ? null : (double) repurchasers / customers;
    }
  }

  /** A difference and its interval; all null when undefined. */
  public record Difference(Double value, Double low, Double high) {
    static final Difference NONE = new Difference(null, null, null);
  }

  /** Repurchase rate of {@code treated} minus that of {@code control}. */
  public static Difference rate(Arm treated, Arm control) {
    if (treated.customers() == 0 || control.customers() == 0) return Difference.NONE;
    double p1 = treated.rate();
    double p0 = control.rate();
    double se =
        Math.sqrt(p1 * (1 - p1) / treated.customers() + p0 * (1 - p0) / control.customers());
    return interval(p1 - p0, se);
  }

  /** Mean spend of {@code treated} minus that of {@code control}. */
  public static Difference spend(Arm treated, Arm control) {
    if (treated.customers() == 0 || control.customers() == 0) return Difference.NONE;
    double d = treated.meanSpend() - control.meanSpend();
    if (treated.spendVariance() == null || control.spendVariance() == null) {
      return new Difference(d, null, null);
    }
    double se =
        Math.sqrt(
            treated.spendVariance() / treated.customers()
                + control.spendVariance() / control.customers());
    return interval(d, se);
  }

  private static Difference interval(double d, double se) {
    return new Difference(d, d - Z_95 * se, d + Z_95 * se);
  }
}
