package dev.clientele.sample;

import java.util.SplittableRandom;

/**
 * Random draws built only on {@link SplittableRandom#nextDouble()} and {@link StrictMath}, so the
 * same seed gives the same numbers on every JVM and platform.
 */
final class Draws {
  private Draws() {}

  /** Standard normal (Box-Muller). */
  static double gaussian(SplittableRandom rng) {
    double u1 = 1.0 - rng.nextDouble(); // (0, 1]: log stays finite
    double u2 = rng.nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
  }

  /** Log-normal factor with mean 1 and the given log-scale spread. */
  static double factor(SplittableRandom rng, double sigma) {
    return StrictMath.exp(sigma * gaussian(rng) - sigma * sigma / 2.0);
  }

  /** Whole number in [lo, hi]. */
  static int between(SplittableRandom rng, int lo, int hi) {
    return lo + rng.nextInt(hi - lo + 1);
  }

  static boolean chance(SplittableRandom rng, double p) {
    return rng.nextDouble() < p;
  }

  /** Index drawn with probability proportional to {@code weights[i]}. */
  static int weighted(SplittableRandom rng, double[] weights) {
    double total = 0;
    for (double w : weights) total += w;
    double u = rng.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  static <T> T pick(SplittableRandom rng, T[] values) {
    return values[rng.nextInt(values.length)];
  }

  /** Count of at least 1 with the given mean: 1 + geometric. */
  static int atLeastOne(SplittableRandom rng, double mean, int max) {
    double more = 1.0 - 1.0 / mean;
    int n = 1;
    while (n < max && rng.nextDouble() < more) n++;
    return n;
  }
}
