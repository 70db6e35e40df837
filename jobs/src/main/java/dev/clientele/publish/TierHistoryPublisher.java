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
import java.util.HexFormat;
import java.util.List;
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

  /**
   * @param published every as_of date of customer_tiers after this publish wrote {@code asOf}
   */
  TierHistoryPublisher(
      SparkSession spark,
      String tiersPath,
      List<String> dimensions,
      LocalDate asOf,
      List<LocalDate> published) {
    if (!published.contains(asOf)) {
      throw new IllegalArgumentException(
          "as-of " + asOf + " is not among the published dates " + published);
    }
    this.spark = spark;
    this.tiersPath = tiersPath;
    this.dimensions = dimensions;
    this.asOf = asOf;
    this.published = published.stream().sorted().toList();
  }

  /** For the current customer_tiers table, just after {@code asOf} was written to it. */
  static TierHistoryPublisher of(
      SparkSession spark, String tiersPath, List<String> dimensions, LocalDate asOf) {
    // One date per publish: a few hundred rows at most, read from the partition values.
    List<LocalDate> published =
        DeltaIO.read(spark, tiersPath).select(AS_OF).distinct().collectAsList().stream()
            .map(r -> r.getDate(0).toLocalDate())
            .toList();
    return new TierHistoryPublisher(spark, tiersPath, dimensions, asOf, published);
  }

  /** Every published date, asOf included, in order. */
  List<LocalDate> published() {
    return published;
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
    Dataset<Row> labels = TierLabels.toLong(DeltaIO.read(spark, tiersPath), dimensions);
    DeltaIO.overwriteNoted(
        GoldDocs.withComments(TierHistory.fromSnapshots(labels), Table.TIER_HISTORY),
        path,
        note + " (rebuilt)",
        DIMENSION,
        TierHistory.IS_CURRENT);
    LOG.info(
        "tier_history: rebuilt from {} published date(s){}",
        published.size(),
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
    DeltaIO.overwriteNoted(
        GoldDocs.withComments(
            TierTransitions.fromSnapshots(DeltaIO.read(spark, tiersPath), dimensions),
            Table.TIER_TRANSITIONS),
        path,
        note + " (rebuilt)");
    LOG.info("tier_transitions: rebuilt from {} published date(s)", published.size());
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
