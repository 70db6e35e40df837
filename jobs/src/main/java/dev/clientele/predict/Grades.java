package dev.clientele.predict;

/**
 * A/B/C grade of a model's metric against the naive baseline's value of the same metric, measured
 * the same way. The improvement is relative: (baseline − model) / baseline for an error (lower is
 * better), (model − baseline) / baseline otherwise. A at or above {@link
 * PredictRules.Grades#aMinImprovement()}, B at or above {@link
 * PredictRules.Grades#bMinImprovement()}, C below. A baseline of 0 gives an improvement of 0 when
 * the model is 0 too, else ±infinity in the model's favour or against it. No grade (null) when
 * either value is null or not finite.
 */
public final class Grades {
  public static final String A = "A";
  public static final String B = "B";
  public static final String C = "C";

  /**
   * Improvements within this of a bar count as at the bar: (1.0 − 0.9) / 1.0 is 0.0999…98 in
   * floating point, and a model 10% better than its baseline must get the 10% bar's grade.
   */
  static final double AT_BAR = 1e-9;

  private Grades() {}

  /** The relative improvement of {@code value} over {@code baseline}; null when undefined. */
  public static Double improvement(Double value, Double baseline, boolean lowerIsBetter) {
    if (value == null || baseline == null || !Double.isFinite(value) || !Double.isFinite(baseline))
      return null;
    double gain = lowerIsBetter ? baseline - value : value - baseline;
    if (baseline == 0) {
      return gain == 0 ? 0.0 : gain > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }
    return gain / Math.abs(baseline);
  }

  public static String grade(
      Double value, Double baseline, boolean lowerIsBetter, PredictRules.Grades bars) {
    Double improvement = improvement(value, baseline, lowerIsBetter);
    if (improvement == null) return null;
    if (improvement >= bars.aMinImprovement() - AT_BAR) return A;
    if (improvement >= bars.bMinImprovement() - AT_BAR) return B;
    return C;
  }
}
