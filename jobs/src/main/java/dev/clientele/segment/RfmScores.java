package dev.clientele.segment;

import static dev.clientele.tiering.Reasons.p;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.CustomerSegmentsColumns;
import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.tiering.Reasons;
import dev.clientele.tiering.Tiering;
import dev.clientele.tiering.Tiering.Boundary;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * RFM values, scores, code and named segment, one row per customer.
 *
 * <p>R = recency_days, F = order_count in the window, M = net_spend in the window. Scores are
 * computed among the customers <b>active in the window</b> (order_count &gt; 0): on a long-tail log
 * most buyers have no order in the window, and counting them would collapse the F cut points onto 0
 * so that one order scored F4. Scores are 1..N: each value is compared with the N-1 exact quantile
 * cut points of its dimension ({@link Tiering#cutPoints}), score = 1 + the number of cuts strictly
 * below the value (for R: strictly above, so recent = high). <b>Ties by value share a score</b>, so
 * the tie rule is deterministic by construction and no customer-id order is needed. Cut points that
 * collapse (equal quantiles) are widened by {@link Tiering#widen}: each cut is at least the one
 * before + 1 for R and F (whole days and orders) or + 0.01 for M, so a one-order customer is always
 * F1 and every higher F needs one more order. The named segment is the first rule by priority of
 * the configured R x F grid that holds the customer's R and F (scaled to the grid).
 *
 * <p>Buyers with no order in the window get no scores and the inactive segment ({@code
 * segment.rfm.inactive-segment}, default "Inactive"); customers who never bought get the
 * no-purchase segment. Reasons (grammar of {@link Reasons}): rfm_code {@code
 * scored:r=3,recency_days=5,r_cuts=[4.60..6.40),f=...,m_cuts=(46.00..64.00]}, {@code
 * no_order_in_window:recency_days=400}, {@code no_purchase}; rfm_segment {@code
 * grid:r=1,f=5,scale=5,rule=cant-lose-them,priority=9}, {@code
 * no_order_in_window:recency_days=400}, {@code no_purchase}.
 */
public final class RfmScores {
  private RfmScores() {}

  public static final String R_CUTS = "rfm_recency";
  public static final String F_CUTS = "rfm_frequency";
  public static final String M_CUTS = "rfm_monetary";

  private static Column buyer() {
    return col(FeaturesColumns.IS_PROSPECT).equalTo(false);
  }

  /** Active in the window: at least one order in it. Only these are scored. */
  private static Column active() {
    return buyer().and(coalesce(col(FeaturesColumns.ORDER_COUNT).gt(0), lit(false)));
  }

  /**
   * The one-row frame of cut points among active customers, collapsed cuts widened: arrays {@link
   * #R_CUTS}, {@link #F_CUTS}, {@link #M_CUTS}.
   */
  public static Dataset<Row> cutPoints(Dataset<Row> features, SegmentRules.RfmRules rules) {
    Dataset<Row> cuts =
        Tiering.cutPoints(
            features,
            List.of(
                new Tiering.Measure(R_CUTS, when(active(), col(FeaturesColumns.RECENCY_DAYS))),
                new Tiering.Measure(F_CUTS, when(active(), col(FeaturesColumns.ORDER_COUNT))),
                new Tiering.Measure(M_CUTS, when(active(), col(FeaturesColumns.NET_SPEND)))),
            Tiering.equalShares(rules.scores()));
    return cuts.select(
        Tiering.widen(col(R_CUTS), 1).as(R_CUTS),
        Tiering.widen(col(F_CUTS), 1).as(F_CUTS),
        Tiering.widen(col(M_CUTS), 0.01).as(M_CUTS));
  }

  /**
   * Adds the RFM columns of {@link CustomerSegmentsColumns} to features joined with the cut frame.
   */
  public static Dataset<Row> score(Dataset<Row> withCuts, SegmentRules.RfmRules rules) {
    Column r =
        Tiering.score(
            when(active(), col(FeaturesColumns.RECENCY_DAYS)), col(R_CUTS), Boundary.ABOVE, true);
    Column f =
        Tiering.score(
            when(active(), col(FeaturesColumns.ORDER_COUNT)), col(F_CUTS), Boundary.ABOVE, false);
    Column m =
        Tiering.score(
            when(active(), col(FeaturesColumns.NET_SPEND)), col(M_CUTS), Boundary.ABOVE, false);
    Dataset<Row> scored =
        withCuts
            .withColumn(CustomerSegmentsColumns.R_SCORE, r.cast(DataTypes.IntegerType))
            .withColumn(CustomerSegmentsColumns.F_SCORE, f.cast(DataTypes.IntegerType))
            .withColumn(CustomerSegmentsColumns.M_SCORE, m.cast(DataTypes.IntegerType));
    Column rs = col(CustomerSegmentsColumns.R_SCORE);
    Column fs = col(CustomerSegmentsColumns.F_SCORE);
    Column ms = col(CustomerSegmentsColumns.M_SCORE);
    Column code =
        concat_ws(
            rules.scores() == 10 ? "-" : "",
            rs.cast("string"),
            fs.cast("string"),
            ms.cast("string"));
    Column codeReason =
        Reasons.of(
            "scored",
            p("r", rs),
            p("recency_days", col(FeaturesColumns.RECENCY_DAYS)),
            p("r_cuts", Tiering.intervalDescending(rs, col(R_CUTS))),
            p("f", fs),
            p("order_count", col(FeaturesColumns.ORDER_COUNT)),
            p("f_cuts", Tiering.interval(fs, col(F_CUTS), Boundary.ABOVE)),
            p("m", ms),
            p("net_spend", Reasons.fixed(col(FeaturesColumns.NET_SPEND), 2)),
            p("m_cuts", Tiering.interval(ms, col(M_CUTS), Boundary.ABOVE)));
    Column rGrid = onGrid(rs, rules);
    Column fGrid = onGrid(fs, rules);
    Column segment = lit(null).cast(DataTypes.StringType);
    Column segmentReason = lit(null).cast(DataTypes.StringType);
    // Build the CASE from the lowest-precedence rule up, so the first rule by priority wins.
    List<SegmentRules.SegmentRule> byPriority = rules.segments();
    for (int i = byPriority.size() - 1; i >= 0; i--) {
      SegmentRules.SegmentRule s = byPriority.get(i);
      Column match = rGrid.between(s.rMin(), s.rMax()).and(fGrid.between(s.fMin(), s.fMax()));
      segment = when(match, lit(s.name())).otherwise(segment);
      segmentReason =
          when(
                  match,
                  Reasons.of(
                      "grid",
                      p("r", rGrid),
                      p("f", fGrid),
                      p("scale", lit(rules.gridScale())),
                      p("rule", lit(s.id())),
                      p("priority", lit(s.priority()))))
              .otherwise(segmentReason);
    }
    Column inactiveReason =
        Reasons.of("no_order_in_window", p("recency_days", col(FeaturesColumns.RECENCY_DAYS)));
    Column noPurchase = Reasons.of("no_purchase");
    return scored
        .withColumn(CustomerSegmentsColumns.RFM_CODE, when(active(), code))
        .withColumn(
            CustomerSegmentsColumns.RFM_CODE_REASON,
            when(active(), codeReason).when(buyer(), inactiveReason).otherwise(noPurchase))
        .withColumn(
            CustomerSegmentsColumns.RFM_SEGMENT,
            when(active(), segment)
                .when(buyer(), lit(rules.inactiveSegment()))
                .otherwise(lit(rules.noPurchaseSegment())))
        .withColumn(
            CustomerSegmentsColumns.RFM_SEGMENT_REASON,
            when(active(), segmentReason).when(buyer(), inactiveReason).otherwise(noPurchase));
  }

  /** A 1..N score on the 1..gridScale grid: ceil(score x gridScale / N). */
  private static Column onGrid(Column score, SegmentRules.RfmRules rules) {
    if (rules.gridScale() == rules.scores()) return score;
    return ceil(score.multiply(rules.gridScale()).divide((double) rules.scores()))
        .cast(DataTypes.IntegerType);
  }
}
