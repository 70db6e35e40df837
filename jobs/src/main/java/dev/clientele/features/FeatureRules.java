package dev.clientele.features;

import dev.clientele.common.config.Settings;
import java.util.List;

/**
 * What {@link CustomerFeatures} needs from config: {@code clientele.features.*}, the churn
 * definition {@code clientele.satisfaction.churn.*} (reactivation) and the points rules {@code
 * clientele.value.points.*} (points are summed per line inside the one scan).
 *
 * @param windowDays days the window features cover, ending on the as-of date inclusive
 * @param trendDays length of the "last" and "previous" trend windows
 * @param churn the one churn definition: a gap that held a churn marks a reactivation
 * @param ageBands strictly ascending lower bounds of the age bands after the first
 * @param rebuildDays recompute all of {@code customer_days} instead of only the days with new lines
 */
public record FeatureRules(
    int windowDays,
    int trendDays,
    ChurnDefinition churn,
    List<Integer> ageBands,
    PointsRules points,
    boolean rebuildDays) {

  public FeatureRules {
    ageBands = List.copyOf(ageBands);
  }

  /** Binds from the {@code clientele} root. */
  public static FeatureRules from(Settings clientele) {
    Settings f = clientele.at("features");
    int window = f.intBetween("window-days", 1, 36_500);
    int trend = f.intBetween("trend-days", 1, 36_500);
    List<Integer> bands = f.ints("age-bands");
    for (int i = 0; i < bands.size(); i++) {
      if (bands.get(i) < 0 || bands.get(i) > 150 || (i > 0 && bands.get(i) <= bands.get(i - 1))) {
        throw f.error(
            "age-bands", "must be strictly ascending ages from 0 to 150, got " + bands + ".");
      }
    }
    return new FeatureRules(
        window,
        trend,
        ChurnDefinition.from(clientele),
        bands,
        PointsRules.from(clientele.at("value.points")),
        f.bool("rebuild-days"));
  }
}
