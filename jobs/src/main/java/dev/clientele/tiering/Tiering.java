package dev.clientele.tiering;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.TierCutpointsColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * The one scoring and tiering helper every label uses: quantile cut points by aggregation, scores
 * and bands by comparing a value to cut points, a deterministic global rank for top-share and
 * cumulative-share labels, and share tiers over log bins ({@link #logBinHistogram}) where equal
 * values must share a tier. Nothing here orders all customers in one partition.
 *
 * <p><b>Tie rules.</b> Scores and bands from cut points depend on the value only, so <em>ties by
 * value share a score</em> (two customers with 3 orders always get the same F). Ranks ({@link
 * #rank}) are strict: by value descending, then customer id ascending, so the top 20% holds exactly
 * {@code ceil(0.2 x n)} customers and the customer id decides who is in at the boundary.
 */
public final class Tiering {
  private Tiering() {}

  /**
   * One measure to cut. {@code value} is numeric; rows where it is null are not eligible and get no
   * score. {@code name} names the one-row cut frame's column and the {@code tier_cutpoints}
   * dimension.
   */
  public record Measure(String name, Column value) {}

  /** How a value compares with a cut point when counting the cut points it passes. */
  public enum Boundary {
    /** Passes cut c when value &gt; c: a value equal to a quantile cut stays in the lower score. */
    ABOVE,
    /** Passes cut c when value &gt;= c: fixed thresholds read "from c on". */
    FROM
  }

  /** Probabilities 1/n .. (n-1)/n, the cut points of n equal-frequency scores. */
  public static double[] equalShares(int n) {
    double[] p = new double[n - 1];
    for (int i = 1; i < n; i++) p[i - 1] = (double) i / n;
    return p;
  }

  /** Names "p20", "p40", ... for the probabilities, as stored in {@code tier_cutpoints}. */
  public static List<String> percentileNames(double[] probabilities) {
    List<String> names = new ArrayList<>();
    for (double p : probabilities) names.add("p" + Math.round(p * 100));
    return names;
  }

  /**
   * One aggregation over {@code rows}: a one-row frame with, per measure, a column {@code
   * measure.name()} holding the exact percentiles (linear interpolation, as Spark's {@code
   * percentile}) at {@code probabilities}, rounded to 2 decimals. Rounding makes the stored, shown
   * and compared cut the same number. Null when no row is eligible. Exact percentiles are
   * deterministic whatever the partitioning.
   */
  public static Dataset<Row> cutPoints(
      Dataset<Row> rows, List<Measure> measures, double[] probabilities) {
    Column[] probs = new Column[probabilities.length];
    for (int i = 0; i < probabilities.length; i++) probs[i] = lit(probabilities[i]);
    Column[] aggs = new Column[measures.size()];
    for (int i = 0; i < measures.size(); i++) {
      Measure m = measures.get(i);
      aggs[i] =
          transform(
                  percentile(m.value().cast(DataTypes.DoubleType), array(probs)), x -> round(x, 2))
              .as(m.name());
    }
    return rows.agg(aggs[0], java.util.Arrays.copyOfRange(aggs, 1, aggs.length));
  }

  /**
   * Widens cut points that collapsed: on sparse data several quantiles can fall on the same value
   * (order counts [1, 1, 1, 2]), so one value would pass several cuts at once and jump scores.
   * <b>Rule:</b> each cut is raised to at least the previous (widened) cut + {@code unit}, the
   * smallest step of the measure (1 for whole days and orders, 0.01 for money): [1, 1, 1, 2]
   * becomes [1, 2, 3, 4], so every score above the lowest needs one more unit than the one below.
   * Strictly increasing cuts are unchanged; null stays null. Applied to the one-row cut frame.
   */
  public static Column widen(Column cuts, double unit) {
    Column empty = array().cast("array<double>");
    return aggregate(
        cuts,
        empty,
        (acc, c) ->
            concat(
                acc,
                array(
                    round(
                        when(size(acc).gt(0), greatest(c, element_at(acc, -1).plus(unit)))
                            .otherwise(c),
                        2))));
  }

  /**
   * Fixed cut points (configured thresholds) as an array column, shaped like {@link #cutPoints}'s.
   */
  public static Column fixedCuts(List<Double> thresholds) {
    Column[] values = new Column[thresholds.size()];
    for (int i = 0; i < values.length; i++) values[i] = lit(thresholds.get(i));
    return array(values);
  }

  /**
   * Joins the one-row cut frame onto every row (broadcast: it is tiny), so scores can compare each
   * value with its cut points without collecting anything to the driver.
   */
  public static Dataset<Row> withCuts(Dataset<Row> rows, Dataset<Row> cuts) {
    return rows.crossJoin(broadcast(cuts));
  }

  /**
   * Score 1..(cuts+1): one plus the number of cut points the value passes ({@link Boundary}); with
   * {@code descending} the count is of cut points strictly above the value, so small values (e.g.
   * recency) score high. Null when the value or the cuts are null.
   */
  public static Column score(Column value, Column cuts, Boundary boundary, boolean descending) {
    Column v = value.cast(DataTypes.DoubleType);
    Column passed =
        descending
            ? size(filter(cuts, c -> boundary == Boundary.ABOVE ? c.gt(v) : c.geq(v)))
            : size(filter(cuts, c -> boundary == Boundary.ABOVE ? c.lt(v) : c.leq(v)));
    return when(value.isNotNull().and(cuts.isNotNull()), passed.plus(1));
  }

  /**
   * The interval of an ascending score, for reasons: "(4.00..7.00]" with ABOVE, "[4.00..7.00)" with
   * FROM; open ends are "-inf" / "+inf" (no comma: it separates a reason's parameters). {@code
   * score} is the column from {@link #score} with {@code descending = false}.
   */
  public static Column interval(Column score, Column cuts, Boundary boundary) {
    Column lower = when(score.gt(1), format_string("%.2f", try_element_at(cuts, score.minus(1))));
    Column upper = when(score.leq(size(cuts)), format_string("%.2f", try_element_at(cuts, score)));
    boolean above = boundary == Boundary.ABOVE;
    return concat(
        lit(above ? "(" : "["),
        coalesce(lower, lit("-inf")),
        lit(".."),
        coalesce(upper, lit("+inf")),
        lit(above ? "]" : ")"));
  }

  /** The interval of a descending ABOVE score: "[c_lo..c_hi)" over the ascending cuts. */
  public static Column intervalDescending(Column score, Column cuts) {
    // score = 1 + #{c > v}, so with k cuts v is in [c(k-s+1), c(k-s+2)).
    Column k = size(cuts);
    Column loIdx = k.minus(score).plus(1);
    Column lower = when(loIdx.geq(1), format_string("%.2f", try_element_at(cuts, loIdx)));
    Column upper =
        when(loIdx.plus(1).leq(k), format_string("%.2f", try_element_at(cuts, loIdx.plus(1))));
    return concat(
        lit("["), coalesce(lower, lit("-inf")), lit(".."), coalesce(upper, lit("+inf")), lit(")"));
  }

  /** Columns {@link #rank} adds, named with its prefix. */
  public record RankColumns(String rank, String running, String count, String total) {
    public static RankColumns of(String prefix) {
      return new RankColumns(
          prefix + "_rank", prefix + "_running", prefix + "_n", prefix + "_total");
    }
  }

  // Rank buckets: enough that no bucket is large on real data, few enough for one tiny window.
  private static final int RANK_BUCKETS = 1000;

  /**
   * A global rank without a global sort: rank 1 = largest {@code value}, ties by {@code idColumn}
   * ascending; also the running sum of {@code value} down to and including the row, the number of
   * ranked rows and their total. Rows with a null value are not ranked (all four null).
   *
   * <p>How: approximate quantile edges split values into up to {@value #RANK_BUCKETS} ordered
   * buckets (equal values always share a bucket); a window over the per-bucket counts (at most that
   * many rows) gives how many rows and how much value lie in higher buckets, and a window
   * partitioned by bucket ranks within it. The edges only decide where the work is split, never the
   * result, so the rank is exact and deterministic even though the edges are approximate.
   */
  public static Dataset<Row> rank(
      Dataset<Row> rows, Column value, String idColumn, RankColumns out) {
    Column[] probs = new Column[RANK_BUCKETS - 1];
    for (int i = 1; i < RANK_BUCKETS; i++) probs[i - 1] = lit((double) i / RANK_BUCKETS);
    Dataset<Row> edges =
        rows.agg(
            // Ascending already for ascending probabilities; sorted again (once, on this one row)
            // because the bucket search below relies on it.
            sort_array(
                    array_compact(
                        percentile_approx(
                            value.cast(DataTypes.DoubleType), array(probs), lit(10000))))
                .as("_rank_edges"));
    String bucket = "_rank_bucket";
    String v = "_rank_value";
    // Bucket 0 holds the largest values: the bucket number counts the edges above the value.
    Dataset<Row> bucketed =
        edgesAbove(
                rows.withColumn(v, value).crossJoin(broadcast(edges)),
                "_rank_edges",
                col(v),
                bucket)
            .drop("_rank_edges");
    Dataset<Row> perBucket =
        bucketed
            .where(col(v).isNotNull())
            .groupBy(bucket)
            .agg(count(lit(1)).as("_bucket_rows"), sum(col(v)).as("_bucket_sum"));
    // At most RANK_BUCKETS rows: this unpartitioned window is over buckets, not customers.
    var above = Window.orderBy(bucket).rowsBetween(Window.unboundedPreceding(), -1);
    var all =
        Window.orderBy(bucket)
            .rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing());
    Dataset<Row> offsets =
        perBucket.select(
            col(bucket).as("_offset_bucket"),
            coalesce(sum("_bucket_rows").over(above), lit(0L)).as("_rows_above"),
            coalesce(sum("_bucket_sum").over(above), lit(0)).as("_sum_above"),
            sum("_bucket_rows").over(all).as(out.count()),
            sum("_bucket_sum").over(all).as(out.total()));
    var within = Window.partitionBy(bucket).orderBy(col(v).desc(), col(idColumn).asc());
    return bucketed
        .withColumn("_rank_within", when(col(v).isNotNull(), row_number().over(within)))
        .withColumn(
            "_running_within",
            when(
                col(v).isNotNull(),
                sum(col(v))
                    .over(within.rowsBetween(Window.unboundedPreceding(), Window.currentRow()))))
        .join(broadcast(offsets), col(bucket).equalTo(col("_offset_bucket")), "left")
        .withColumn(
            out.rank(), col("_rows_above").plus(col("_rank_within")).cast(DataTypes.LongType))
        .withColumn(out.running(), col("_sum_above").plus(col("_running_within")))
        .drop(bucket, "_offset_bucket")
        .drop(v, "_rank_within", "_running_within", "_rows_above", "_sum_above");
  }

  /**
   * Adds {@code out}: how many elements of {@code sortedEdges} (an array column sorted ascending,
   * without nulls) are greater than {@code value}, compared as doubles with NaN above every number
   * as in Spark's ordering; null when the value is null, 0 when the array is null.
   *
   * <p>A binary search unrolled into one column per halving step (k = how many edges are &lt;=
   * value, the count above is size - k), not a higher-order {@code filter}: Spark interprets
   * lambdas row by row, so filtering {@value #RANK_BUCKETS} edges cost a thousand interpreted
   * comparisons per row where this is ~10 generated ones. Each step is its own projection (the
   * optimizer does not inline a step that the next one reads three times), so the plan stays small.
   */
  static Dataset<Row> edgesAbove(Dataset<Row> rows, String sortedEdges, Column value, String out) {
    String k = out + "_k";
    Column edges = col(sortedEdges);
    Column v = value.cast(DataTypes.DoubleType);
    Dataset<Row> searched = rows.withColumn(k, lit(0));
    for (int step = Integer.highestOneBit(RANK_BUCKETS); step >= 1; step /= 2) {
      Column next = col(k).plus(step);
      // Past the end try_element_at is null, so the step is not taken.
      searched =
          searched.withColumn(k, when(try_element_at(edges, next).leq(v), next).otherwise(col(k)));
    }
    return searched
        .withColumn(out, when(value.isNotNull(), coalesce(size(edges).minus(col(k)), lit(0))))
        .drop(k);
  }

  /** The columns of {@link #logBinHistogram}'s frame. */
  public static final String BIN = "bin";

  public static final String CUSTOMERS = "customers";

  /** Bins per unit of natural log: 1000 means bins 0.1% wide. */
  static final double BINS_PER_LOG = 1000;

  /** The bin of every value ≤ 0, below all positive bins. */
  static final long NON_POSITIVE_BIN = Long.MIN_VALUE;

  static Column logBin(Column value) {
    Column v = value.cast(DataTypes.DoubleType);
    return when(v.gt(0), floor(log(v).multiply(BINS_PER_LOG)))
        .otherwise(lit(NON_POSITIVE_BIN))
        .cast(DataTypes.LongType);
  }

  /**
   * Share tiers, step 1: {@code bin, customers} for the {@code column} of {@code rows}, the values
   * bucketed into 0.1%-wide log bins and the bins counted by aggregation (exact integer counts, a
   * table of at most a few thousand rows, so {@link #shareCutBins} may run on the driver). Tiers
   * from bins are deterministic whatever the partitioning, equal values always share a tier, and a
   * tier's share can differ from its target by at most one bin's customers.
   */
  public static Dataset<Row> logBinHistogram(Dataset<Row> rows, String column) {
    return rows.groupBy(logBin(col(column)).as(BIN)).agg(count(lit(1)).as(CUSTOMERS));
  }

  /**
   * Share tiers, step 2: the lowest bin of each tier but the last, highest tier first: tier i holds
   * the bins whose customers strictly above are fewer than the cumulative target share of tiers
   * 0..i.
   */
  public static long[] shareCutBins(List<Row> histogram, List<Double> shares) {
    List<Row> bins = new ArrayList<>(histogram);
    bins.sort(java.util.Comparator.comparingLong((Row r) -> r.getLong(0)).reversed());
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
   * Share tiers, step 3: adds {@code tierColumn} from the cut bins (labels highest tier first) and
   * {@code tierColumn_reason} in the reason grammar, e.g. {@code clv_quantile:clv_h=123.45,
   * tier_from=99.96} (the lowest value of the tier's lowest bin) or {@code
   * clv_quantile:clv_h=5.00,tier_below=19.98} for the last tier.
   */
  public static Dataset<Row> withShareTiers(
      Dataset<Row> rows,
      String column,
      long[] cuts,
      List<String> labels,
      String tierColumn,
      String reasonCode) {
    Column b = logBin(col(column));
    Column value = Reasons.fixed(col(column), 2);
    Column tier = lit(labels.get(labels.size() - 1));
    Column reason =
        cuts.length == 0
            ? Reasons.of(reasonCode, Reasons.p(column, value))
            : Reasons.of(
                reasonCode,
                Reasons.p(column, value),
                Reasons.p("tier_below", binFloor(cuts[cuts.length - 1])));
    for (int i = cuts.length - 1; i >= 0; i--) {
      tier = when(b.geq(cuts[i]), lit(labels.get(i))).otherwise(tier);
      reason =
          when(
                  b.geq(cuts[i]),
                  Reasons.of(
                      reasonCode,
                      Reasons.p(column, value),
                      Reasons.p("tier_from", binFloor(cuts[i]))))
              .otherwise(reason);
    }
    return rows.withColumn(tierColumn, tier).withColumn(tierColumn + "_reason", reason);
  }

  /** The smallest value of a bin, as shown in reasons. */
  private static String binFloor(long bin) {
    if (bin == NON_POSITIVE_BIN) return "-inf";
    if (bin == Long.MAX_VALUE) return "+inf";
    return String.format(java.util.Locale.ROOT, "%.2f", Math.exp(bin / BINS_PER_LOG));
  }

  /** A named scalar cut of a dimension for {@code tier_cutpoints}. */
  public record Cut(String dimension, String name, Column value) {}

  /** An array column of a one-row cut frame, stored as one row per element with these names. */
  public record CutArray(String column, String dimension, List<String> names) {}

  /**
   * Long-format {@code tier_cutpoints} rows (as_of, dimension, name, value) from a one-row frame:
   * each {@link CutArray} expands to one row per named cut (value null when no customer was
   * eligible), each scalar {@link Cut} to one row. One pass over the one-row frame.
   */
  public static Dataset<Row> cutPointRows(
      Dataset<Row> oneRow, Column asOf, List<CutArray> arrays, List<Cut> scalars) {
    List<Column> parts = new ArrayList<>();
    for (CutArray a : arrays) {
      Column names = array(a.names().stream().map(n -> lit(n)).toArray(Column[]::new));
      Column cuts = col(a.column());
      parts.add(
          transform(
              names,
              (n, i) ->
                  struct(
                      lit(a.dimension()).as("d"),
                      n.as("n"),
                      try_element_at(cuts, i.plus(1)).cast(DataTypes.DoubleType).as("v"))));
    }
    for (Cut cut : scalars) {
      parts.add(
          array(
              struct(
                  lit(cut.dimension()).as("d"),
                  lit(cut.name()).as("n"),
                  cut.value().cast(DataTypes.DoubleType).as("v"))));
    }
    return oneRow
        .select(
            asOf.as(TierCutpointsColumns.AS_OF),
            explode(flatten(array(parts.toArray(Column[]::new)))).as("c"))
        .select(
            col(TierCutpointsColumns.AS_OF),
            col("c.d").as(TierCutpointsColumns.DIMENSION),
            col("c.n").as(TierCutpointsColumns.NAME),
            col("c.v").as(TierCutpointsColumns.VALUE));
  }
}
