package dev.clientele.clv;

/**
 * The compact Gamma-Gamma fitting table: one entry per distinct (x, m̄) of repeat customers with
 * positive mean spend, with the number of customers that share it (m̄ is rounded to a few
 * significant digits before collapsing, see {@link ClvRules#spendSignificantDigits()}).
 */
public final class SpendPairs {
  final double[] x;
  final double[] meanSpend;
  final double[] weight;

  public SpendPairs(double[] x, double[] meanSpend, double[] weight) {
    if (meanSpend.length != x.length || weight.length != x.length) {
      throw new IllegalArgumentException("x, mean spend and weight must have the same length");
    }
    this.x = x;
    this.meanSpend = meanSpend;
    this.weight = weight;
  }

  public int size() {
    return x.length;
  }

  public double customers() {
    double sum = 0;
    for (double w : weight) sum += w;
    return sum;
  }
}
