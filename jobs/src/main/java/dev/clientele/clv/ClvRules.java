package dev.clientele.clv;

import dev.clientele.common.config.Settings;
import java.util.List;
import java.util.Set;

/**
 * Bound {@code clientele.clv} settings: the period unit of the BG/NBD summary, the prediction
 * horizon and discounting, the data-sufficiency gate, the optimiser budget and the CLV tiers.
 *
 * @param period "day" or "week": the unit of x (distinct purchase periods minus one), tx and T
 * @param horizonDays H of expected purchases and CLV, in days
 * @param annualDiscountRate yearly rate CLV cash flows are discounted at
 * @param discountSteps equal steps over H at whose ends purchases are discounted (12 = monthly for
 *     a year)
 * @param minRepeatCustomers fewer repeat customers with positive spend than this skips the fit
 * @param minHistoryDays a longest customer history T shorter than this skips the fit
 * @param spendSignificantDigits mean repeat spend is rounded to this many significant digits before
 *     identical (x, m̄) pairs are collapsed for the Gamma-Gamma fit
 * @param maxFitRows a collapsed fitting table larger than this skips the fit (the driver holds it)
 * @param maxEvaluations likelihood evaluations allowed to each optimiser stage
 * @param tierLabels predicted_value_tier labels, highest CLV first
 * @param tierShares share of customers in each tier, same order, summing to 1
 */
public record ClvRules(
    String period,
    int horizonDays,
    double annualDiscountRate,
    int discountSteps,
    int minRepeatCustomers,
    int minHistoryDays,
    int spendSignificantDigits,
    int maxFitRows,
    int maxEvaluations,
    List<String> tierLabels,
    List<Double> tierShares) {

  public static final String DAY = "day";
  public static final String WEEK = "week";

  public ClvRules {
    tierLabels = List.copyOf(tierLabels);
    tierShares = List.copyOf(tierShares);
  }

  /** Days per period. */
  public double periodDays() {
    return WEEK.equals(period) ? 7.0 : 1.0;
  }

  /** H in periods. */
  public double horizonPeriods() {
    return horizonDays / periodDays();
  }

  public static ClvRules from(Settings s) {
    List<String> labels = s.strings("tier-labels");
    List<Double> shares = s.doubles("tier-shares");
    if (labels.isEmpty() || labels.size() != shares.size()) {
      throw s.error(
          "tier-shares",
          "must list one share per label in tier-labels " + labels + ", got " + shares + ".");
    }
    double total = 0;
    for (double share : shares) {
      if (!(share > 0))
        throw s.error("tier-shares", "every share must be above 0, got " + shares + ".");
      total += share;
    }
    if (Math.abs(total - 1) > 1e-9) {
      throw s.error("tier-shares", "must sum to 1, got " + shares + " (sum " + total + ").");
    }
    if (Set.copyOf(labels).size() != labels.size()) {
      throw s.error("tier-labels", "must be distinct, got " + labels + ".");
    }
    return new ClvRules(
        s.oneOf("period", Set.of(DAY, WEEK)),
        s.intBetween("horizon-days", 1, 3650),
        s.doubleBetween("annual-discount-rate", 0, 1),
        s.intBetween("discount-steps", 1, 120),
        s.intBetween("min-repeat-customers", 1, Integer.MAX_VALUE),
        s.intBetween("min-history-days", 1, 36500),
        s.intBetween("spend-significant-digits", 2, 8),
        s.intBetween("max-fit-rows", 1000, 50_000_000),
        s.intBetween("max-evaluations", 100, 1_000_000),
        labels,
        shares);
  }
}
