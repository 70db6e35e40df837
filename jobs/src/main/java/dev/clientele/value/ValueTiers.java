package dev.clientele.value;

import static dev.clientele.tiering.Reasons.p;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.CustomerValuesColumns;
import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.tiering.Reasons;
import dev.clientele.tiering.Tiering;
import dev.clientele.tiering.Tiering.Boundary;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Value tier, ABC grade and the frequency / monetary / AOV / margin bands, one row per customer.
 *
 * <p><b>Value tier</b> by window net spend. Spenders (net spend &gt; 0) are ranked by spend
 * descending, ties by customer id ({@link Tiering#rank}); n spenders. Rule {@code top-share}: high
 * when rank &lt;= ceil(high-share x n) or order_count &gt;= high-order-count, medium when rank
 * &lt;= ceil((high-share + medium-share) x n), else low. Rule {@code pareto}: with R = the spend of
 * all spenders ranked before the customer, high when R &lt; pareto-high-revenue-share x total (the
 * smallest set of top spenders covering that share), medium when R &lt; pareto-medium-revenue-share
 * x total, else low. Net spend &lt;= 0 is {@code none} in both. <b>ABC</b> uses the pareto scheme
 * with a/b-revenue-share. <b>Bands</b>: low / medium / high by the configured rule ({@link
 * ValueRules.BandRule}); none for customers without orders (monetary: without positive spend);
 * margin is unknown when cost is not known.
 */
public final class ValueTiers {
  private ValueTiers() {}

  static final String FREQUENCY = "frequency_tier";
  static final String MONETARY = "monetary_tier";
  static final String AOV = "aov_tier";
  static final String MARGIN = "margin_tier";
  static final List<String> BANDS = List.of(FREQUENCY, MONETARY, AOV, MARGIN);
  private static final List<String> BAND_LABELS = List.of("low", "medium", "high");
  private static final Tiering.RankColumns RANK = Tiering.RankColumns.of("_value");
  // Internal columns: the share conditions, reused by the labels and by the cut points.
  private static final String HIGH = "_by_share_high";
  private static final String MEDIUM = "_by_share_medium";
  private static final String GRADE_A = "_grade_a";
  private static final String GRADE_B = "_grade_b";

  private static Column spender() {
    return col(FeaturesColumns.NET_SPEND).gt(0);
  }

  private static Column hasOrders() {
    return col(FeaturesColumns.ORDER_COUNT).gt(0);
  }

  /** The band measures, only where eligible. */
  private static List<Tiering.Measure> bandMeasures() {
    return List.of(
        new Tiering.Measure(FREQUENCY, when(hasOrders(), col(FeaturesColumns.ORDER_COUNT))),
        new Tiering.Measure(MONETARY, when(spender(), col(FeaturesColumns.NET_SPEND))),
        new Tiering.Measure(AOV, when(hasOrders(), col(FeaturesColumns.AOV))),
        new Tiering.Measure(MARGIN, when(hasOrders(), col(FeaturesColumns.MARGIN))));
  }

  private static ValueRules.BandRule bandRule(ValueRules rules, String band) {
    return switch (band) {
      case FREQUENCY -> rules.frequency();
      case MONETARY -> rules.monetary();
      case AOV -> rules.aov();
      default -> rules.margin();
    };
  }

  private static String cutColumn(String band) {
    return "_cuts_" + band;
  }

  /**
   * The feature columns the value stage reads, and all that {@link #ranked} keeps: the global rank
   * shuffles every column of its input, and the stage persists what it returns, so the other 30-odd
   * columns of the features would travel and be cached for nothing.
   */
  static final List<String> READS =
      List.of(
          FeaturesColumns.AS_OF,
          FeaturesColumns.CUSTOMER_ID,
          FeaturesColumns.NET_SPEND,
          FeaturesColumns.ORDER_COUNT,
          FeaturesColumns.AOV,
          FeaturesColumns.MARGIN,
          FeaturesColumns.LIFETIME_NET_SPEND,
          FeaturesColumns.POINTS_EARNED,
          FeaturesColumns.POINTS_REVERSED,
          FeaturesColumns.POINTS_REDEEMED,
          FeaturesColumns.POINTS_EXPIRED,
          FeaturesColumns.POINTS_BALANCE);

  /**
   * The {@link #READS} columns of the features with the spend rank, the share conditions and each
   * band's cut array attached; the common base of {@link #label} and {@link #cutpoints}. Computing
   * it is most of the value job's cost (exact percentiles and a global rank), so a caller needing
   * both can build it once.
   */
  static Dataset<Row> ranked(Dataset<Row> allFeatures, ValueRules rules) {
    Dataset<Row> features =
        allFeatures.select(READS.stream().map(c -> col(c)).toArray(Column[]::new));
    Dataset<Row> quantileCuts = Tiering.cutPoints(features, bandMeasures(), Tiering.equalShares(3));
    for (String band : BANDS) {
      ValueRules.BandRule rule = bandRule(rules, band);
      Column cuts =
          rule.rule().equals(ValueRules.BandRule.FIXED)
              ? Tiering.fixedCuts(rule.thresholds())
              : col(band);
      quantileCuts = quantileCuts.withColumn(cutColumn(band), cuts).drop(band);
    }
    Dataset<Row> ranked =
        Tiering.withCuts(
            Tiering.rank(
                features,
                when(spender(), col(FeaturesColumns.NET_SPEND)),
                FeaturesColumns.CUSTOMER_ID,
                RANK),
            quantileCuts);
    ValueRules.TierRules t = rules.tier();
    Column rank = col(RANK.rank());
    Column n = col(RANK.count());
    Column before = col(RANK.running()).minus(col(FeaturesColumns.NET_SPEND));
    Column total = col(RANK.total());
    Column high;
    Column medium;
    if (t.rule().equals(ValueRules.TierRules.TOP_SHARE)) {
      high = rank.leq(topCount(t.highShare(), n));
      medium = rank.leq(topCount(t.highShare().add(t.mediumShare()), n));
    } else {
      high = before.lt(total.multiply(lit(t.paretoHighShare())));
      medium = before.lt(total.multiply(lit(t.paretoMediumShare())));
    }
    return ranked
        .withColumn(HIGH, spender().and(high))
        .withColumn(MEDIUM, spender().and(medium))
        .withColumn(GRADE_A, spender().and(before.lt(total.multiply(lit(rules.abc().aShare())))))
        .withColumn(GRADE_B, spender().and(before.lt(total.multiply(lit(rules.abc().bShare())))));
  }

  /** ceil(share x n) in exact decimal arithmetic. */
  /** {@code code:rank=r/n,top_n=..,share=..,net_spend=..}: where a rank stands against a share. */
  private static Column rankReason(
      String code, Column rankOfN, BigDecimal share, Column n, Column spendText) {
    return Reasons.of(
        code,
        p("rank", rankOfN),
        p("top_n", topCount(share, n)),
        p("share", share.toPlainString()),
        p("net_spend", spendText));
  }

  private static Column topCount(BigDecimal share, Column n) {
    return ceil(n.cast(DataTypes.createDecimalType(20, 0)).multiply(lit(share)))
        .cast(DataTypes.LongType);
  }

  /**
   * A cumulative-share reason: {@code code:rank=3,revenue_above=45.00<80.00}, revenue_above = the %
   * of revenue of the spenders ranked above.
   */
  private static Column shareReason(
      String code, Column rank, Column beforeShare, String op, BigDecimal share) {
    return Reasons.of(
        code,
        p("rank", rank),
        p(
            "revenue_above",
            Reasons.cmp(
                Reasons.fixed(beforeShare, 2),
                op,
                lit(share.movePointRight(2).setScale(2).toPlainString()))));
  }

  /**
   * The {@link #READS} columns of {@code features} with the value columns of {@link
   * CustomerValuesColumns} added (tiers, grade, bands and reasons).
   */
  public static Dataset<Row> label(Dataset<Row> features, ValueRules rules) {
    return labelRanked(ranked(features, rules), rules);
  }

  /** {@link #label} from a frame {@link #ranked} built with the same rules. */
  static Dataset<Row> labelRanked(Dataset<Row> ranked, ValueRules rules) {
    ValueRules.TierRules t = rules.tier();
    Column spend = col(FeaturesColumns.NET_SPEND).cast(DataTypes.DoubleType);
    Column orders = col(FeaturesColumns.ORDER_COUNT);
    Column rank = col(RANK.rank());
    Column n = col(RANK.count());
    Column beforeShare =
        col(RANK.running())
            .minus(col(FeaturesColumns.NET_SPEND))
            .cast(DataTypes.DoubleType)
            .multiply(100.0)
            .divide(col(RANK.total()).cast(DataTypes.DoubleType));
    Column high = col(HIGH);
    Column medium = col(MEDIUM);
    Column byOrders =
        lit(t.highOrderCount() > 0 && t.rule().equals(ValueRules.TierRules.TOP_SHARE))
            .and(spender())
            .and(orders.geq(t.highOrderCount()));

    Column tier =
        when(spender().equalTo(false), lit("none"))
            .when(high.or(byOrders), lit("high"))
            .when(medium, lit("medium"))
            .otherwise(lit("low"));
    Column tierReason;
    Column spendText = Reasons.fixed(spend, 2);
    Column none = Reasons.of("no_spend", p("net_spend", Reasons.cmp(spendText, "<=", lit("0"))));
    Column rankOfN = Reasons.cmp(rank, "/", n);
    if (t.rule().equals(ValueRules.TierRules.TOP_SHARE)) {
      BigDecimal hs = t.highShare();
      BigDecimal ms = t.highShare().add(t.mediumShare());
      tierReason =
          when(spender().equalTo(false), none)
              .when(high, rankReason("top_share", rankOfN, hs, n, spendText))
              .when(
                  byOrders,
                  Reasons.of(
                      "order_count",
                      p("order_count", Reasons.cmp(orders, ">=", lit(t.highOrderCount())))))
              .when(medium, rankReason("top_share", rankOfN, ms, n, spendText))
              .otherwise(rankReason("below_top_share", rankOfN, ms, n, spendText));
    } else {
      tierReason =
          when(spender().equalTo(false), none)
              .when(high, shareReason("pareto", rank, beforeShare, "<", t.paretoHighShare()))
              .when(medium, shareReason("pareto", rank, beforeShare, "<", t.paretoMediumShare()))
              .otherwise(
                  shareReason("beyond_pareto", rank, beforeShare, ">=", t.paretoMediumShare()));
    }
    Column grade =
        when(spender().equalTo(false), lit("none"))
            .when(col(GRADE_A), lit("A"))
            .when(col(GRADE_B), lit("B"))
            .otherwise(lit("C"));
    Column gradeReason =
        when(spender().equalTo(false), none)
            .when(
                col(GRADE_A),
                shareReason("cumulative_share", rank, beforeShare, "<", rules.abc().aShare()))
            .when(
                col(GRADE_B),
                shareReason("cumulative_share", rank, beforeShare, "<", rules.abc().bShare()))
            .otherwise(shareReason("beyond_share", rank, beforeShare, ">=", rules.abc().bShare()));

    Dataset<Row> out =
        ranked
            .withColumn(CustomerValuesColumns.VALUE_RANK, rank)
            .withColumn(CustomerValuesColumns.VALUE_TIER, tier)
            .withColumn(CustomerValuesColumns.VALUE_TIER_REASON, tierReason)
            .withColumn(CustomerValuesColumns.ABC_GRADE, grade)
            .withColumn(CustomerValuesColumns.ABC_GRADE_REASON, gradeReason);
    for (Tiering.Measure m : bandMeasures()) {
      out = band(out, m, bandRule(rules, m.name()));
    }
    return out;
  }

  private static Dataset<Row> band(
      Dataset<Row> frame, Tiering.Measure m, ValueRules.BandRule rule) {
    Boundary boundary =
        rule.rule().equals(ValueRules.BandRule.FIXED) ? Boundary.FROM : Boundary.ABOVE;
    Column cuts = col(cutColumn(m.name()));
    Column score = Tiering.score(m.value(), cuts, boundary, false);
    String measure =
        switch (m.name()) {
          case FREQUENCY -> FeaturesColumns.ORDER_COUNT;
          case MONETARY -> FeaturesColumns.NET_SPEND;
          case AOV -> FeaturesColumns.AOV;
          default -> FeaturesColumns.MARGIN;
        };
    Column label = lit(null).cast(DataTypes.StringType);
    for (int i = BAND_LABELS.size(); i >= 1; i--)
      label = when(score.equalTo(i), lit(BAND_LABELS.get(i - 1))).otherwise(label);
    Column reason =
        Reasons.of(
            boundary == Boundary.ABOVE ? "tertile" : "fixed_threshold",
            p(measure, Reasons.fixed(col(measure), 2)),
            p("range", Tiering.interval(score, cuts, boundary)));
    Column ineligible =
        m.name().equals(MONETARY)
            ? Reasons.of(
                "no_spend",
                p("net_spend", Reasons.cmp(Reasons.fixed(col(measure), 2), "<=", lit("0"))))
            : Reasons.of("no_orders");
    Column finalLabel = when(m.value().isNotNull(), label);
    Column finalReason = when(m.value().isNotNull(), reason);
    if (m.name().equals(MARGIN)) {
      Column unknown = hasOrders().and(col(FeaturesColumns.MARGIN).isNull());
      finalLabel = finalLabel.otherwise(when(unknown, lit("unknown")).otherwise(lit("none")));
      finalReason =
          finalReason.otherwise(when(unknown, Reasons.of("cost_unknown")).otherwise(ineligible));
    } else {
      finalLabel = finalLabel.otherwise(lit("none"));
      finalReason = finalReason.otherwise(ineligible);
    }
    // Cut arrays of a band with no eligible customer are null: everyone is none/unknown then.
    return frame
        .withColumn(m.name(), coalesceNone(finalLabel))
        .withColumn(m.name() + "_reason", finalReason);
  }

  private static Column coalesceNone(Column label) {
    return org.apache.spark.sql.functions.coalesce(label, lit("none"));
  }

  /**
   * {@code tier_cutpoints} rows for the value dimensions: the band cut arrays (p33/p67 or
   * medium_from/high_from), the smallest spend that made high / medium / A / B by share, and the
   * membership thresholds.
   */
  public static Dataset<Row> cutpoints(
      Dataset<Row> features, java.time.LocalDate asOf, ValueRules rules) {
    return cutpointsRanked(ranked(features, rules), asOf, rules);
  }

  /** {@link #cutpoints} from a frame {@link #ranked} built with the same rules. */
  static Dataset<Row> cutpointsRanked(
      Dataset<Row> ranked, java.time.LocalDate asOf, ValueRules rules) {
    Column spend = col(FeaturesColumns.NET_SPEND);
    List<Column> aggs = new ArrayList<>();
    List<Tiering.CutArray> arrays = new ArrayList<>();
    for (String band : BANDS) {
      aggs.add(max(col(cutColumn(band))).as(cutColumn(band)));
      boolean fixed = bandRule(rules, band).rule().equals(ValueRules.BandRule.FIXED);
      arrays.add(
          new Tiering.CutArray(
              cutColumn(band),
              band,
              fixed
                  ? List.of("medium_from", "high_from")
                  : Tiering.percentileNames(Tiering.equalShares(3))));
    }
    aggs.add(min(when(col(HIGH), spend)).as("high_min"));
    aggs.add(min(when(col(MEDIUM), spend)).as("medium_min"));
    aggs.add(min(when(col(GRADE_A), spend)).as("a_min"));
    aggs.add(min(when(col(GRADE_B), spend)).as("b_min"));
    aggs.add(max(col(RANK.count())).as("spenders"));
    aggs.add(max(col(RANK.total())).as("revenue"));
    Dataset<Row> oneRow =
        ranked.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    List<Tiering.Cut> scalars = new ArrayList<>();
    scalars.add(
        new Tiering.Cut(CustomerValuesColumns.VALUE_TIER, "high_min_net_spend", col("high_min")));
    scalars.add(
        new Tiering.Cut(
            CustomerValuesColumns.VALUE_TIER, "medium_min_net_spend", col("medium_min")));
    scalars.add(new Tiering.Cut(CustomerValuesColumns.VALUE_TIER, "spenders", col("spenders")));
    scalars.add(new Tiering.Cut(CustomerValuesColumns.VALUE_TIER, "revenue", col("revenue")));
    if (rules.tier().rule().equals(ValueRules.TierRules.TOP_SHARE)
        && rules.tier().highOrderCount() > 0) {
      scalars.add(
          new Tiering.Cut(
              CustomerValuesColumns.VALUE_TIER,
              "high_order_count",
              lit(rules.tier().highOrderCount())));
    }
    scalars.add(new Tiering.Cut(CustomerValuesColumns.ABC_GRADE, "a_min_net_spend", col("a_min")));
    scalars.add(new Tiering.Cut(CustomerValuesColumns.ABC_GRADE, "b_min_net_spend", col("b_min")));
    for (MembershipRules.Tier tier : rules.membership().tiers()) {
      scalars.add(
          new Tiering.Cut(
              CustomerValuesColumns.MEMBERSHIP_TIER,
              tier.name() + "_min_spend",
              lit(tier.minSpend())));
    }
    return Tiering.cutPointRows(oneRow, lit(java.sql.Date.valueOf(asOf)), arrays, scalars);
  }

  /** The tier_cutpoints dimensions the value job owns. */
  public static List<String> dimensions() {
    List<String> d = new ArrayList<>(BANDS);
    d.add(CustomerValuesColumns.VALUE_TIER);
    d.add(CustomerValuesColumns.ABC_GRADE);
    d.add(CustomerValuesColumns.MEMBERSHIP_TIER);
    return d;
  }
}
