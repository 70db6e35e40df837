package dev.clientele.sample;

/**
 * The hidden behaviour groups customers are drawn from, so segmentation finds real structure. Each
 * sets how often a customer orders, how big the baskets are, how satisfied they are and how often
 * they complain; {@link SampleGenerator} adds the group's product, discount and channel habits.
 */
enum BehaviourGroup {
  // label, share of customers, orders per year, mean lines per order, mean CSAT, complaints per
  // order
  FREQUENT_SMALL("frequent_small", 0.15, 26.0, 1.3, 4.0, 0.015),
  BIG_SPENDER("big_spender", 0.05, 3.0, 4.5, 4.2, 0.015),
  DISCOUNT_HUNTER("discount_hunter", 0.15, 10.0, 2.6, 3.5, 0.02),
  BRAND_LOYAL("brand_loyal", 0.15, 8.0, 2.2, 4.3, 0.01),
  LAPSING("lapsing", 0.14, 9.0, 2.0, 2.6, 0.05),
  OCCASIONAL("occasional", 0.33, 2.5, 1.8, 3.7, 0.02),
  PROSPECT("prospect", 0.03, 0.0, 0.0, 0.0, 0.0);

  final String label;
  final double share;
  final double ordersPerYear;
  final double meanLines;
  final double meanCsat;
  final double complaintRate;

  BehaviourGroup(
      String label,
      double share,
      double ordersPerYear,
      double meanLines,
      double meanCsat,
      double complaintRate) {
    this.label = label;
    this.share = share;
    this.ordersPerYear = ordersPerYear;
    this.meanLines = meanLines;
    this.meanCsat = meanCsat;
    this.complaintRate = complaintRate;
  }

  private static final BehaviourGroup[] ALL = values();

  /** The group whose cumulative share first exceeds {@code u} in [0, 1). */
  static BehaviourGroup draw(double u) {
    double cumulative = 0;
    for (BehaviourGroup group : ALL) {
      cumulative += group.share;
      if (u < cumulative) return group;
    }
    return OCCASIONAL;
  }

  static BehaviourGroup of(int ordinal) {
    return ALL[ordinal];
  }

  boolean buys() {
    return this != PROSPECT;
  }
}
