package dev.clientele.publish;

import dev.clientele.common.config.Settings;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code clientele.publish}: which label columns are dimensions (history, transitions, summary,
 * gates), which attribute columns are summarised, which pairs are cross-tabulated, the label-share
 * bounds the quality gates enforce, whether to write the HTML report, and how many days of daily
 * customer_tiers snapshots to keep ({@link TierRetention}).
 */
public record PublishRules(
    List<String> dimensions,
    List<String> attributeDimensions,
    List<List<String>> crossTabs,
    List<QualityGates.ShareBound> shareBounds,
    boolean report,
    int retainDailyDays) {

  public static PublishRules from(Settings s) {
    List<String> dimensions = s.strings("dimensions");
    if (dimensions.isEmpty()) throw s.error("dimensions", "must name at least one label column.");
    List<List<String>> crossTabs = new ArrayList<>();
    for (String pair : s.strings("cross-tabs")) {
      String[] parts = pair.split("\\s*,\\s*");
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        throw s.error(
            "cross-tabs",
            "each entry must be two column names separated by a comma, got '" + pair + "'.");
      }
      crossTabs.add(List.of(parts[0], parts[1]));
    }
    List<QualityGates.ShareBound> bounds = new ArrayList<>();
    Settings boundSettings = s.at("share-bounds");
    for (String dimension : s.childKeys("share-bounds")) {
      for (String label : boundSettings.childKeys(dimension)) {
        String key = dimension + "." + label;
        List<Double> range = boundSettings.at(dimension).doubles(label);
        if (range.size() != 2
            || range.get(0) < 0
            || range.get(1) > 1
            || range.get(0) > range.get(1)) {
          throw boundSettings.error(
              key, "must be [min, max] with 0 <= min <= max <= 1, got " + range + ".");
        }
        bounds.add(new QualityGates.ShareBound(dimension, label, range.get(0), range.get(1)));
      }
    }
    return new PublishRules(
        List.copyOf(dimensions),
        List.copyOf(s.strings("attribute-dimensions")),
        List.copyOf(crossTabs),
        List.copyOf(bounds),
        s.bool("report"),
        s.intBetween("retain-daily-days", 1, 36_600));
  }
}
