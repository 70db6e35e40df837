package dev.clientele.publish;

import static dev.clientele.publish.TierLabelsColumns.AS_OF;
import static dev.clientele.publish.TierLabelsColumns.DIMENSION;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.clientele.common.spark.SmallSides;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.GoldDocs;
import dev.clientele.common.table.Table;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code tier_history} and {@code tier_transitions} in step with the published {@code
 * customer_tiers} snapshots. Every commit to them notes the set of published dates and the
 * dimensions it covers (a digest, in the commit's userMetadata). When the table covers every
 * published date except the one being published (or that one too: a rerun), only the rows that date
 * touches are recomputed: the transitions into it and into the next date, and for the latest date
 * the history intervals whose label changed since the date before. Otherwise (first publish, an
 * earlier publish that crashed before this table, a RESTORE, a backfill of history) the table is
 * rebuilt from every snapshot. Both ways give the same table; the incremental way costs one
 * snapshot's customers instead of all snapshots'.
 *
 * <p>The published dates are those the {@code published} marker names plus those customer_tiers
 * holds, so a snapshot removed by {@link TierRetention} still counts. Once one is removed, a
 * rebuild starts from the snapshots of the held run of dates that ends at the latest (from {@code
 * heldFrom}) and keeps what the table holds before it: the intervals opened earlier (carried on by
 * {@link TierHistory#stitch}) and the moves into heldFrom and earlier dates.
 */
final class TierHistoryPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(TierHistoryPublisher.class);
  private static final Pattern NOTE =
      Pattern.compile("covers (\\d+) published dates through (\\S+) \\(digest ([0-9a-f]+)");

  private final SparkSession spark;
  private final String tiersPath;
  private final List<String> dimensions;
  private final LocalDate asOf;
  private final List<LocalDate> published;
  private final Set<LocalDate> held;
  private final LocalDate heldFrom;

  /**
   * @param published every published date, {@code asOf} included
   * @param held the dates customer_tiers holds a snapshot of, {@code asOf} included (retention
   *     removes old daily ones)
   */
  TierHistoryPublisher(
      SparkSession spark,
      String tiersPath,
      List<String> dimensions,
      LocalDate asOf,
      List<LocalDate> published,
      Set<LocalDate> held) {
    if (!published.contains(asOf) || !held.contains(asOf)) {
      throw new IllegalArgumentException(
          "as-of " + asOf + " is not among the published dates " + published);
    }
    this.spark = spark;
    this.tiersPath = tiersPath;
    this.dimensions = dimensions;
    this.asOf = asOf;
    this.published = published.stream().sorted().toList();
    this.held = Set.copyOf(held);
    this.heldFrom = TierRetention.heldFrom(this.published, this.held);
  }

  /** For tests and tables whose every published date is held. */
  TierHistoryPublisher(
      SparkSession spark,
      String tiersPath,
      List<String> dimensions,
      LocalDate asOf,
      List<LocalDate> published) {
    this(spark, tiersPath, dimensions, asOf, published, Set.copyOf(published));
  }

  /**
   * For the current customer_tiers table, just after {@code asOf} was written to it.
   *
   * @param publishedBefore the dates earlier publishes committed (the marker's), whether or not
   *     their snapshots are still held
   */
  static TierHistoryPublisher of(
      SparkSession spark,
      String tiersPath,
      List<String> dimensions,
      LocalDate asOf,
      Collection<LocalDate> publishedBefore) {
    return of(spark, tiersPath, dimensions, asOf, publishedBefore, snapshotDates(spark, tiersPath));
  }

  /**
   * {@link #of(SparkSession, String, List, LocalDate, Collection)} when the caller listed the held
   * snapshots before writing {@code asOf}'s ({@code heldBefore}): no second listing.
   */
  static TierHistoryPublisher of(
      SparkSession spark,
      String tiersPath,
      List<String> dimensions,
      LocalDate asOf,
      Collection<LocalDate> publishedBefore,
      Set<LocalDate> heldBefore) {
    Set<LocalDate> held = new TreeSet<>(heldBefore);
    held.add(asOf);
    Set<LocalDate> published = new TreeSet<>(publishedBefore);
    published.addAll(held);
    return new TierHistoryPublisher(
        spark, tiersPath, dimensions, asOf, List.copyOf(published), held);
  }

  /** The dates customer_tiers holds a snapshot of (none when the table does not exist yet). */
  static Set<LocalDate> snapshotDates(SparkSession spark, String tiersPath) {
    if (!DeltaIO.exists(spark, tiersPath)) return Set.of();
    // One date per held snapshot: a few hundred rows at most, read from the partition values.
    return DeltaIO.read(spark, tiersPath).select(AS_OF).distinct().collectAsList().stream()
        .map(r -> r.getDate(0).toLocalDate())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Every published date, asOf included, in order. */
  List<LocalDate> published() {
    return published;
  }

  /** The dates customer_tiers holds a snapshot of, asOf included. */
  Set<LocalDate> held() {
    return held;
  }

  /** True when retention removed the snapshot of a published date. */
  private boolean pruned() {
    return !heldFrom.equals(published.get(0));
  }

  void publishHistory(String path) {
    String note = note(Table.TIER_HISTORY.tableName);
    boolean latest = asOf.equals(published.get(published.size() - 1));
    if (latest && coversAllButAsOf(DeltaIO.latestNote(spark, path))) {
      Column day = lit(Date.valueOf(asOf));
      // What a previous publish of asOf wrote is undone first (intervals it opened are dropped,
      // those it closed are current again), so the current intervals hold the labels of the date
      // before, the side of the changes they are matched with.
      Column touched = col(TierHistory.IS_CURRENT).or(col(TierHistory.VALID_TO).equalTo(day));
      Dataset<Row> current =
          DeltaIO.read(spark, path).where(touched.and(col(TierHistory.VALID_FROM).notEqual(day)));
      int at = published.indexOf(asOf);
      Dataset<Row> latestTiers = snapshots(List.of(asOf));
      try (SmallSides small = new SmallSides()) {
        Dataset<Row> changes =
            small.materialise(
                TierHistory.changes(
                    snapshots(published.subList(Math.max(0, at - 1), at)),
                    latestTiers,
                    dimensions));
        DeltaIO.replaceWhereNoted(
            GoldDocs.withComments(
                TierHistory.advance(current, changes, latestTiers, dimensions, asOf),
                Table.TIER_HISTORY),
            path,
            TierHistory.IS_CURRENT + " OR " + TierHistory.VALID_TO + " = DATE'" + asOf + "'",
            note + " (incremental)",
            DIMENSION,
            TierHistory.IS_CURRENT);
      }
      LOG.info("tier_history: moved the current intervals on to {}", asOf);
      return;
    }
    Dataset<Row> rebuilt;
    if (pruned()) {
      // The snapshots before heldFrom are gone: the intervals the table holds up to then stand,
      // and those from the held snapshots carry them on.
      Column dimension = col(DIMENSION).isin(dimensions.toArray());
      Dataset<Row> before =
          DeltaIO.read(spark, path)
              .where(dimension.and(col(TierHistory.VALID_FROM).lt(lit(Date.valueOf(heldFrom)))));
      rebuilt =
          TierHistory.stitch(
              before,
              TierHistory.fromSnapshots(TierLabels.toLong(heldSnapshots(), dimensions)),
              heldFrom);
    } else {
      rebuilt =
          TierHistory.fromSnapshots(TierLabels.toLong(DeltaIO.read(spark, tiersPath), dimensions));
    }
    DeltaIO.overwriteNoted(
        GoldDocs.withComments(rebuilt, Table.TIER_HISTORY),
        path,
        note + " (rebuilt)",
        DIMENSION,
        TierHistory.IS_CURRENT);
    LOG.info(
        "tier_history: rebuilt from {} published date(s){}{}",
        published.size(),
        pruned() ? ", snapshots from " + heldFrom + " on the intervals held before" : "",
        latest ? "" : " (" + asOf + " is a backfill)");
  }

  void publishTransitions(String path) {
    String note = note(Table.TIER_TRANSITIONS.tableName);
    if (coversAllButAsOf(DeltaIO.latestNote(spark, path))) {
      int at = published.indexOf(asOf);
      List<LocalDate> around =
          published.subList(Math.max(0, at - 1), Math.min(published.size(), at + 2));
      List<LocalDate> into = published.subList(at, Math.min(published.size(), at + 2));
      DeltaIO.replaceWhereNoted(
          GoldDocs.withComments(
              TierTransitions.fromSnapshots(snapshots(around), dimensions), Table.TIER_TRANSITIONS),
          path,
          AS_OF
              + " IN ("
              + into.stream().map(d -> "DATE'" + d + "'").collect(Collectors.joining(", "))
              + ")",
          note + " (incremental)");
      LOG.info("tier_transitions: recomputed the moves into {}", into);
      return;
    }
    Dataset<Row> rebuilt =
        TierTransitions.fromSnapshots(
            pruned() ? heldSnapshots() : DeltaIO.read(spark, tiersPath), dimensions);
    if (pruned()) {
      // The moves into heldFrom and earlier dates need snapshots that are gone: kept as they are.
      rebuilt =
          DeltaIO.read(spark, path)
              .where(
                  col(DIMENSION)
                      .isin(dimensions.toArray())
                      .and(col(AS_OF).leq(lit(Date.valueOf(heldFrom)))))
              .unionByName(rebuilt);
    }
    DeltaIO.overwriteNoted(
        GoldDocs.withComments(rebuilt, Table.TIER_TRANSITIONS), path, note + " (rebuilt)");
    LOG.info("tier_transitions: rebuilt from {} published date(s)", published.size());
  }

  /** The snapshots of every published date from heldFrom on (all held). */
  private Dataset<Row> heldSnapshots() {
    return snapshots(published.stream().filter(d -> !d.isBefore(heldFrom)).toList());
  }

  private Dataset<Row> snapshots(List<LocalDate> dates) {
    Object[] days = dates.stream().map(Date::valueOf).toArray();
    return DeltaIO.read(spark, tiersPath).where(col(AS_OF).isin(days));
  }

  /**
   * True when the table's last note covers exactly the published dates, with or without asOf, and
   * exactly these dimensions (another set of dimensions rebuilds both tables).
   */
  boolean coversAllButAsOf(String lastNote) {
    if (lastNote == null) return false;
    Matcher m = NOTE.matcher(lastNote);
    if (!m.find()) return false;
    List<LocalDate> others = new ArrayList<>(published);
    others.remove(asOf);
    return m.group(3).equals(digest(published, dimensions))
        || m.group(3).equals(digest(others, dimensions));
  }

  /** The commit note for a table covering every published date. */
  String note(String table) {
    return "clientele "
        + table
        + ": covers "
        + published.size()
        + " published dates through "
        + published.get(published.size() - 1)
        + " (digest "
        + digest(published, dimensions)
        + ")";
  }

  /** A digest of the sorted dates and the sorted dimensions. */
  static String digest(List<LocalDate> dates, List<String> dimensions) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String joined =
          dates.stream().sorted().map(LocalDate::toString).collect(Collectors.joining(","))
              + ";"
              + dimensions.stream().sorted().collect(Collectors.joining(","));
      return HexFormat.of()
          .formatHex(sha.digest(joined.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
