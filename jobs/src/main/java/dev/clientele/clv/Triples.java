package dev.clientele.clv;

/**
 * The compact BG/NBD fitting table: one entry per distinct (x, tx, T) with the number of customers
 * that share it. Its size is bounded by the history length, not the customer count.
 */
public final class Triples {
  final double[] x;
  final double[] tx;
  final double[] t;
  final double[] weight;

  public Triples(double[] x, double[] tx, double[] t, double[] weight) {
    if (tx.length != x.length || t.length != x.length || weight.length != x.length) {
      throw new IllegalArgumentException("x, tx, T and weight must have the same length");
    }
    this.x = x;
    this.tx = tx;
    this.t = t;
    this.weight = weight;
  }

  public int size() {
    return x.length;
  }

  /** Customers represented. */
  public double customers() {
    double sum = 0;
    for (double w : weight) sum += w;
    return sum;
  }

  /** Customers with at least one repeat purchase. */
  public double repeatCustomers() {
    double sum = 0;
    for (int i = 0; i < x.length; i++) if (x[i] > 0) sum += weight[i];
    return sum;
  }

  /** The longest observation time T. */
  public double maxT() {
    double max = 0;
    for (double v : t) max = Math.max(max, v);
    return max;
  }
}
