package dev.clientele.segment;

import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.CustomerSegmentsColumns;
import dev.clientele.common.columns.FeaturesColumns;
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
 * <p>R = recency_days, F = order_count in the window, M = net_spend in the window, over customers
 * who ever bought. Scores are 1..N: each value is compared with the N-1 exact quantile cut points
 * of its dimension ({@link Tiering#cutPoints}), score = 1 + the number of cuts strictly below the
 * value (for R: strictly above, so recent = high). <b>Ties by value share a score</b>, so the tie
 * rule is deterministic by construction and no customer-id order is needed; where many customers
 * share a value, score groups are uneven rather than arbitrary. The named segment is the first rule
 * by priority of the configured R x F grid that holds the customer's R and F (scaled to the grid).
 * Customers who never bought get no scores and the no-purchase segment.
 */
public final class RfmScores {
  private RfmScores() {}

  public static final String R_CUTS = "rfm_recency";
  public static final String F_CUTS = "rfm_frequency";
  public static final String M_CUTS = "rfm_monetary";

  private static Column buyer() {
    return col(FeaturesColumns.IS_PROSPECT).equalTo(false);
  }

  /** The one-row frame of cut points: arrays {@link #R_CUTS}, {@link #F_CUTS}, {@link #M_CUTS}. */
  public static Dataset<Row> cutPoints(Dataset<Row> features, SegmentRules.RfmRules rules) {
    return Tiering.cutPoints(
        features,
        List.of(
            new Tiering.Measure(R_CUTS, when(buyer(), col(FeaturesColumns.RECENCY_DAYS))),
            new Tiering.Measure(F_CUTS, when(buyer(), col(FeaturesColumns.ORDER_COUNT))),
            new Tiering.Measure(M_CUTS, when(buyer(), col(FeaturesColumns.NET_SPEND)))),
        Tiering.equalShares(rules.scores()));
  }

  /**
   * Adds the RFM columns of {@link CustomerSegmentsColumns} to features joined with the cut frame.
   */
  public static Dataset<Row> score(Dataset<Row> withCuts, SegmentRules.RfmRules rules) {
    Column r =
        Tiering.score(
            when(buyer(), col(FeaturesColumns.RECENCY_DAYS)), col(R_CUTS), Boundary.ABOVE, true);
    Column f =
        Tiering.score(
            when(buyer(), col(FeaturesColumns.ORDER_COUNT)), col(F_CUTS), Boundary.ABOVE, false);
    Column m =
        Tiering.score(
            when(buyer(), col(FeaturesColumns.NET_SPEND)), col(M_CUTS), Boundary.ABOVE, false);
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
        concat(
            lit("rfm_code="),
            code,
            format_string(": R%d recency_days %d in ", rs, col(FeaturesColumns.RECENCY_DAYS)),
            Tiering.intervalDescending(rs, col(R_CUTS)),
            format_string("; F%d order_count %d in ", fs, col(FeaturesColumns.ORDER_COUNT)),
            Tiering.interval(fs, col(F_CUTS), Boundary.ABOVE),
            format_string(
                "; M%d net_spend %.2f in ",
                ms, col(FeaturesColumns.NET_SPEND).cast(DataTypes.DoubleType)),
            Tiering.interval(ms, col(M_CUTS), Boundary.ABOVE));
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
                  format_string(
                      "rfm_segment=%s: R%d F%d on the 1-%d grid in r %d-%d, f %d-%d (priority %d)",
                      lit(s.name()),
                      rGrid,
                      fGrid,
                      lit(rules.gridScale()),
                      lit(s.rMin()),
                      lit(s.rMax()),
                      lit(s.fMin()),
                      lit(s.fMax()),
                      lit(s.priority())))
              .otherwise(segmentReason);
    }
    return scored
        .withColumn(CustomerSegmentsColumns.RFM_CODE, when(buyer(), code))
        .withColumn(
            CustomerSegmentsColumns.RFM_CODE_REASON,
            when(buyer(), codeReason).otherwise(lit("rfm_code=null: no purchase up to as-of")))
        .withColumn(
            CustomerSegmentsColumns.RFM_SEGMENT,
            when(buyer(), segment).otherwise(lit(rules.noPurchaseSegment())))
        .withColumn(
            CustomerSegmentsColumns.RFM_SEGMENT_REASON,
            when(buyer(), segmentReason)
                .otherwise(
                    lit("rfm_segment=" + rules.noPurchaseSegment() + ": no purchase up to as-of")));
  }

  /** A 1..N score on the 1..gridScale grid: ceil(score x gridScale / N). */
  private static Column onGrid(Column score, SegmentRules.RfmRules rules) {
    if (rules.gridScale() == rules.scores()) return score;
    return ceil(score.multiply(rules.gridScale()).divide((double) rules.scores()))
        .cast(DataTypes.IntegerType);
  }
}
