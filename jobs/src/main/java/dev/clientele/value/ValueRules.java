package dev.clientele.value;

import dev.clientele.common.config.Settings;
import dev.clientele.features.PointsRules;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/** The value job's rules, bound from {@code clientele.value}. */
public record ValueRules(
    TierRules tier,
    AbcRules abc,
    BandRule frequency,
    BandRule monetary,
    BandRule aov,
    BandRule margin,
    MembershipRules membership,
    PointsRules points) {

  /** Binds from the {@code clientele} root. */
  public static ValueRules from(Settings clientele) {
    Settings v = clientele.at("value");
    Settings bands = v.at("bands");
    return new ValueRules(
        TierRules.from(v.at("tier")),
        AbcRules.from(v.at("abc")),
        BandRule.from(bands.at("frequency")),
        BandRule.from(bands.at("monetary")),
        BandRule.from(bands.at("aov")),
        BandRule.from(bands.at("margin")),
        MembershipRules.from(v.at("membership")),
        PointsRules.from(v.at("points")));
  }

  /**
   * Value tier rule. Shares are exact decimals so {@code ceil(share x n)} never suffers from binary
   * rounding (0.7 x 10 is 7, not 7.000000000000001).
   */
  public record TierRules(
      String rule,
      BigDecimal highShare,
      BigDecimal mediumShare,
      long highOrderCount,
      BigDecimal paretoHighShare,
      BigDecimal paretoMediumShare) {
    public static final String TOP_SHARE = "top-share";
    public static final String PARETO = "pareto";

    static TierRules from(Settings t) {
      String rule = t.oneOf("rule", Set.of(TOP_SHARE, PARETO));
      BigDecimal high = share(t, "high-share");
      BigDecimal medium = share(t, "medium-share");
      if (high.add(medium).compareTo(BigDecimal.ONE) > 0) {
        throw t.error(
            "medium-share",
            "high-share + medium-share must not exceed 1, got " + high + " + " + medium + ".");
      }
      BigDecimal pHigh = share(t, "pareto-high-revenue-share");
      BigDecimal pMedium = share(t, "pareto-medium-revenue-share");
      if (pMedium.compareTo(pHigh) <= 0) {
        throw t.error(
            "pareto-medium-revenue-share",
            "must be greater than pareto-high-revenue-share (" + pHigh + "), got " + pMedium + ".");
      }
      return new TierRules(
          rule, high, medium, t.longAtLeast("high-order-count", 0), pHigh, pMedium);
    }
  }

  /** ABC grade: A up to aShare of revenue, B up to bShare, C the rest. */
  public record AbcRules(BigDecimal aShare, BigDecimal bShare) {
    static AbcRules from(Settings a) {
      BigDecimal aShare = share(a, "a-revenue-share");
      BigDecimal bShare = share(a, "b-revenue-share");
      if (bShare.compareTo(aShare) <= 0) {
        throw a.error(
            "b-revenue-share",
            "must be greater than a-revenue-share (" + aShare + "), got " + bShare + ".");
      }
      return new AbcRules(aShare, bShare);
    }
  }

  /** A three-band rule: quantile tertiles, or fixed thresholds [medium-from, high-from]. */
  public record BandRule(String rule, List<Double> thresholds) {
    public static final String QUANTILE = "quantile";
    public static final String FIXED = "fixed";

    public BandRule {
      thresholds = List.copyOf(thresholds);
    }

    static BandRule from(Settings b) {
      String rule = b.oneOf("rule", Set.of(QUANTILE, FIXED));
      List<Double> t = b.doubles("thresholds");
      if (rule.equals(FIXED) && (t.size() != 2 || t.get(0) >= t.get(1))) {
        throw b.error(
            "thresholds",
            "with rule fixed must be [medium-from, high-from], ascending, got " + t + ".");
      }
      return new BandRule(rule, rule.equals(FIXED) ? t : List.of());
    }
  }

  /** A share strictly between 0 and 1, as an exact decimal. */
  static BigDecimal share(Settings s, String key) {
    double v = s.doubleBetween(key, 0, 1);
    if (v <= 0 || v >= 1)
      throw s.error(key, "must be a share strictly between 0 and 1, got " + v + ".");
    return new BigDecimal(Double.toString(v));
  }
}
