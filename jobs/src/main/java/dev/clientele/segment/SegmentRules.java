package dev.clientele.segment;

import dev.clientele.common.config.Settings;
import dev.clientele.features.ChurnDefinition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The segment job's rules, bound from {@code clientele.segment} (and the one churn definition from
 * {@code clientele.satisfaction.churn}, so lifecycle, features and churn risk agree on what
 * churned, overdue and spend falling mean).
 */
public record SegmentRules(
    RfmRules rfm, LifecycleRules lifecycle, TargetRules target, PreferenceRules preference) {

  /** Binds from the {@code clientele} root. */
  public static SegmentRules from(Settings clientele) {
    Settings s = clientele.at("segment");
    return new SegmentRules(
        RfmRules.from(s.at("rfm")),
        LifecycleRules.from(s, ChurnDefinition.from(clientele)),
        TargetRules.from(s.at("target")),
        PreferenceRules.from(s.at("preference")));
  }

  /** One named cell range of the R x F grid. */
  public record SegmentRule(
      String id, String name, int priority, int rMin, int rMax, int fMin, int fMax) {}

  /**
   * @param scores N, the number of scores per dimension (3, 4, 5 or 10)
   * @param gridScale the scale the segment ranges are written in
   * @param segments the grid rules sorted by priority
   */
  public record RfmRules(
      int scores,
      int gridScale,
      List<SegmentRule> segments,
      String noPurchaseSegment,
      String inactiveSegment) {
    public RfmRules {
      segments = List.copyOf(segments);
    }

    static final Set<Integer> ALLOWED_SCORES = Set.of(3, 4, 5, 10);

    static RfmRules from(Settings s) {
      int n = s.intBetween("scores", 3, 10);
      if (!ALLOWED_SCORES.contains(n)) {
        throw s.error("scores", "must be one of [3, 4, 5, 10], got " + n + ".");
      }
      int scale = s.intBetween("grid-scale", 1, 10);
      Settings seg = s.at("segments");
      List<SegmentRule> rules = new ArrayList<>();
      Set<Integer> priorities = new HashSet<>();
      for (String id : s.childKeys("segments")) {
        if (!seg.has(id)) continue; // set to null: dropped
        Settings r = seg.at(id);
        int priority = r.intBetween("priority", 0, 1_000_000);
        if (!priorities.add(priority)) {
          throw r.error(
              "priority", "must be unique among segments, " + priority + " is used twice.");
        }
        int[] rr = range(r, "r", scale);
        int[] ff = range(r, "f", scale);
        rules.add(new SegmentRule(id, r.string("name"), priority, rr[0], rr[1], ff[0], ff[1]));
      }
      rules.sort(Comparator.comparingInt(SegmentRule::priority));
      for (int r = 1; r <= scale; r++) {
        for (int f = 1; f <= scale; f++) {
          final int rr = r, ff = f;
          if (rules.stream()
              .noneMatch(
                  x -> x.rMin() <= rr && rr <= x.rMax() && x.fMin() <= ff && ff <= x.fMax())) {
            throw s.error(
                "segments",
                "no segment covers the cell R"
                    + r
                    + " F"
                    + f
                    + " of the 1.."
                    + scale
                    + " grid; every cell needs a segment so every customer gets exactly one.");
          }
        }
      }
      return new RfmRules(
          n, scale, rules, s.string("no-purchase-segment"), s.string("inactive-segment"));
    }

    private static int[] range(Settings r, String key, int scale) {
      List<Integer> v = r.ints(key);
      if (v.size() != 2 || v.get(0) < 1 || v.get(1) > scale || v.get(0) > v.get(1)) {
        throw r.error(
            key, "must be [min, max] with 1 <= min <= max <= " + scale + ", got " + v + ".");
      }
      return new int[] {v.get(0), v.get(1)};
    }
  }

  /**
   * @param churn the one definition of churned, overdue and spend falling
   */
  public record LifecycleRules(
      ChurnDefinition churn, int newDays, int reactivatedDays, int activeDays) {
    static LifecycleRules from(Settings segment, ChurnDefinition churn) {
      Settings l = segment.at("lifecycle");
      Settings a = segment.at("activity");
      int active = a.intBetween("active-days", 0, 36_500);
      // lost is churned: it has no key of its own, so dormant lies strictly between the two.
      if (active >= churn.horizonDays() - 1) {
        throw a.error(
            "active-days",
            "must be below clientele.satisfaction.churn.horizon-days - 1 ("
                + (churn.horizonDays() - 1)
                + ", lost = churned), got "
                + active
                + ".");
      }
      return new LifecycleRules(
          churn,
          l.intBetween("new-days", 0, 36_500),
          l.intBetween("reactivated-days", 0, 36_500),
          active);
    }
  }

  public record TargetRules(
      double coreMinRfmMean, double potentialMinRfmMean, List<String> potentialStages) {
    public TargetRules {
      potentialStages = List.copyOf(potentialStages);
    }

    static TargetRules from(Settings t) {
      double core = t.doubleBetween("core-min-rfm-mean", 1, 10);
      double potential = t.doubleBetween("potential-min-rfm-mean", 1, 10);
      if (potential > core) {
        throw t.error(
            "potential-min-rfm-mean",
            "must not exceed core-min-rfm-mean (" + core + "), got " + potential + ".");
      }
      List<String> stages = t.strings("potential-stages");
      for (String stage : stages) {
        if (!LifecycleStages.STAGES.contains(stage)) {
          throw t.error(
              "potential-stages",
              "'" + stage + "' is not a lifecycle stage; allowed: " + LifecycleStages.STAGES + ".");
        }
      }
      return new TargetRules(core, potential, stages);
    }
  }

  public record PreferenceRules(
      int minOrders,
      double brandLoyalShare,
      double priceSensitiveShare,
      int explorerCategories,
      List<String> precedence) {
    public PreferenceRules {
      precedence = List.copyOf(precedence);
    }

    static PreferenceRules from(Settings p) {
      List<String> order = p.strings("precedence");
      if (order.size() != PreferenceClasses.CLASSES.size()
          || !new HashSet<>(order).equals(new HashSet<>(PreferenceClasses.CLASSES))) {
        throw p.error(
            "precedence",
            "must list each of " + PreferenceClasses.CLASSES + " once, got " + order + ".");
      }
      return new PreferenceRules(
          p.intBetween("min-orders", 1, 1_000_000),
          openShare(p, "brand-loyal-share"),
          openShare(p, "price-sensitive-share"),
          p.intBetween("explorer-categories", 1, 1_000_000),
          order);
    }
  }

  /** A share strictly between 0 and 1. */
  static double openShare(Settings s, String key) {
    double v = s.doubleBetween(key, 0, 1);
    if (v <= 0 || v >= 1)
      throw s.error(key, "must be a share strictly between 0 and 1, got " + v + ".");
    return v;
  }
}
