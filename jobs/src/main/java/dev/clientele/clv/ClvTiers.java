package dev.clientele.clv;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.when;

import dev.clientele.tiering.Reasons;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code predicted_value_tier} from CLV quantiles, deterministic whatever the partitioning: CLV is
 * bucketed into 0.1%-wide log bins, the bins are counted by aggregation (exact integer counts, a
 * table of at most a few thousand rows), and the cut points are chosen on the driver from the
 * cumulative counts. Equal CLVs always share a tier; a tier's share can differ from its target by
 * at most one bin's customers.
 */
public final class ClvTiers {
  public static final String BIN = "bin";
  public static final String CUSTOMERS = "customers";

  /** Bins per unit of natural log: 1000 means bins 0.1% wide. */
  static final double BINS_PER_LOG = 1000;

  /** The bin of every CLV ≤ 0, below all positive bins. */
  static final long NON_POSITIVE_BIN = Long.MIN_VALUE;

  private ClvTiers() {}

  static Column bin(Column clv) {
    Column v = clv.cast("double");
    return when(v.gt(0), floor(log(v).multiply(BINS_PER_LOG)))
        .otherwise(lit(NON_POSITIVE_BIN))
        .cast("long");
  }

  /** bin, customers for the {@code clv} column of {@code scores}. */
  public static Dataset<Row> histogram(Dataset<Row> scores, String clv) {
    return scores.groupBy(bin(col(clv)).as(BIN)).agg(count(lit(1)).as(CUSTOMERS));
  }

  /**
   * The lowest bin of each tier but the last: tier i holds the bins whose customers strictly above
   * are fewer than the cumulative target share of tiers 0..i.
   */
  public static long[] cutBins(List<Row> histogram, List<Double> shares) {
    List<Row> bins = new ArrayList<>(histogram);
    bins.sort(Comparator.comparingLong((Row r) -> r.getLong(0)).reversed());
    long total = 0;
    for (Row r : bins) total += r.getLong(1);
    long[] cuts = new long[shares.size() - 1];
    java.util.Arrays.fill(cuts, Long.MAX_VALUE);
    int tier = 0;
    long above = 0;
    double target = shares.get(0);
    for (Row r : bins) {
      while (tier < cuts.length && above >= target * total - 1e-9) {
        tier++;
        if (tier < shares.size()) target += shares.get(tier);
      }
      if (tier < cuts.length) cuts[tier] = r.getLong(0);
      above += r.getLong(1);
    }
    return cuts;
  }

  /**
   * Adds {@code tierColumn} from the cut bins (highest tier first) and {@code tierColumn_reason} in
   * the reason grammar: {@code clv_quantile:clv_h=123.45,tier_from=99.96} (the lowest CLV of the
   * tier's lowest bin), or {@code clv_quantile:clv_h=5.00,tier_below=19.98} for the last tier.
   */
  public static Dataset<Row> withTiers(
      Dataset<Row> scores, String clv, long[] cuts, List<String> labels, String tierColumn) {
    Column b = bin(col(clv));
    Column value = Reasons.fixed(col(clv), 2);
    Column tier = lit(labels.get(labels.size() - 1));
    Column reason =
        cuts.length == 0
            ? Reasons.of("clv_quantile", Reasons.p(clv, value))
            : Reasons.of(
                "clv_quantile",
                Reasons.p(clv, value),
                Reasons.p("tier_below", binFloor(cuts[cuts.length - 1])));
    for (int i = cuts.length - 1; i >= 0; i--) {
      tier = when(b.geq(cuts[i]), lit(labels.get(i))).otherwise(tier);
      reason =
          when(
                  b.geq(cuts[i]),
                  Reasons.of(
                      "clv_quantile",
                      Reasons.p(clv, value),
                      Reasons.p("tier_from", binFloor(cuts[i]))))
              .otherwise(reason);
    }
    return scores.withColumn(tierColumn, tier).withColumn(tierColumn + "_reason", reason);
  }

  /** The smallest CLV of a bin, as shown in reasons. */
  private static String binFloor(long bin) {
    if (bin == NON_POSITIVE_BIN) return "-inf";
    if (bin == Long.MAX_VALUE) return "+inf";
    return String.format(java.util.Locale.ROOT, "%.2f", Math.exp(bin / BINS_PER_LOG));
  }
}
