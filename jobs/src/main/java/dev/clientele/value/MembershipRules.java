package dev.clientele.value;

import dev.clientele.common.config.Settings;
import dev.clientele.features.PointsRules;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Membership tiers ({@code clientele.value.membership.tiers}), sorted by ascending min-spend.
 * Exactly one tier starts at 0 and no two share a min-spend, so every customer has exactly one
 * tier.
 */
public record MembershipRules(List<Tier> tiers) {

  /** A tier: reached when lifetime net spend is at least {@code minSpend}; discount is metadata. */
  public record Tier(String name, BigDecimal minSpend, double discount) {}

  public MembershipRules {
    tiers = List.copyOf(tiers);
  }

  /** Binds {@code clientele.value.membership}. */
  public static MembershipRules from(Settings s) {
    Settings t = s.at("tiers");
    List<Tier> tiers = new ArrayList<>();
    for (String name : s.childKeys("tiers")) {
      if (!t.has(name)) continue; // set to null: dropped
      if (!PointsRules.SIMPLE_ID.matcher(name).matches()) {
        throw t.error(name, "tier names may use only letters, digits, '-' and '_'.");
      }
      Settings tier = t.at(name);
      BigDecimal min =
          BigDecimal.valueOf(tier.doubleBetween("min-spend", 0, 1e15))
              .setScale(2, java.math.RoundingMode.HALF_UP);
      tiers.add(new Tier(name, min, tier.doubleBetween("discount", 0, 1)));
    }
    if (tiers.isEmpty()) throw s.error("tiers", "must declare at least one tier.");
    tiers.sort(Comparator.comparing(Tier::minSpend));
    if (tiers.get(0).minSpend().signum() != 0) {
      throw s.error(
          "tiers",
          "exactly one tier must have min-spend 0 so every customer has a tier; the lowest is "
              + tiers.get(0).name()
              + " at "
              + tiers.get(0).minSpend()
              + ".");
    }
    for (int i = 1; i < tiers.size(); i++) {
      if (tiers.get(i).minSpend().compareTo(tiers.get(i - 1).minSpend()) == 0) {
        throw s.error(
            "tiers",
            "tiers "
                + tiers.get(i - 1).name()
                + " and "
                + tiers.get(i).name()
                + " have the same min-spend "
                + tiers.get(i).minSpend()
                + "; thresholds must be strictly ascending.");
      }
    }
    return new MembershipRules(tiers);
  }
}
