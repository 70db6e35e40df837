package dev.clientele.publish;

import static dev.clientele.publish.PublishedDates.DATE_RANK;
import static dev.clientele.publish.TierLabelsColumns.AS_OF;
import static dev.clientele.publish.TierLabelsColumns.CUSTOMER_ID;
import static dev.clientele.publish.TierLabelsColumns.DIMENSION;
import static dev.clientele.publish.TierLabelsColumns.LABEL;
import static dev.clientele.publish.TierLabelsColumns.REASON;
import static dev.clientele.publish.TierTransitions.FROM_LABEL;
import static dev.clientele.publish.TierTransitions.TO_LABEL;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * {@code tier_history}: SCD2 intervals per customer and dimension, one row per run of identical
 * labels over consecutive published as-of dates. {@code valid_from} is the first as-of with the
 * label; {@code valid_to} the next published as-of after the interval (exclusive), null while
 * current. An unchanged label never opens a new row, and the reason is the one given when the
 * interval opened. A customer absent from a snapshot closes its interval there.
 *
 * <p>{@link #fromSnapshots} computes it from every published snapshot (islands over a window
 * partitioned by customer and dimension); {@link #advance} moves it on by one date that is later
 * than all others, from the current intervals and the labels that changed since the date before.
 * Both give the same table. A null label counts as absent.
 */
public final class TierHistory {
  public static final String VALID_FROM = "valid_from";
  public static final String VALID_TO = "valid_to";
  public static final String IS_CURRENT = "is_current";

  private TierHistory() {}

  /**
   * @param labels long-format labels of all published snapshots ({@link TierLabelsColumns})
   * @return customer_id, dimension, label, reason, valid_from, valid_to, is_current
   */
  public static Dataset<Row> fromSnapshots(Dataset<Row> allLabels) {
    Dataset<Row> dates = PublishedDates.ranked(allLabels);
    Dataset<Row> labels = allLabels.where(col(LABEL).isNotNull());
    WindowSpec byCustomer = Window.partitionBy(CUSTOMER_ID, DIMENSION).orderBy(AS_OF);
    Column previousLabel = lag(col(LABEL), 1).over(byCustomer);
    Column previousRank = lag(col(DATE_RANK), 1).over(byCustomer);
    Column opensInterval =
        previousLabel
            .isNull()
            .or(previousLabel.notEqual(col(LABEL)))
            .or(previousRank.notEqual(col(DATE_RANK).minus(1)));
    Dataset<Row> intervals =
        labels
            .join(broadcast(dates), AS_OF)
            .withColumn("_opens", when(opensInterval, 1).otherwise(0))
            .withColumn("_interval", sum(col("_opens")).over(byCustomer))
            .groupBy(CUSTOMER_ID, DIMENSION, "_interval")
            .agg(
                min(col(AS_OF)).as(VALID_FROM),
                max(col(DATE_RANK)).as("_last_rank"),
                min_by(col(LABEL), col(AS_OF)).as(LABEL),
                min_by(col(REASON), col(AS_OF)).as(REASON));
    Dataset<Row> closingDates =
        dates.select(col(DATE_RANK).minus(1).as("_last_rank"), col(AS_OF).as(VALID_TO));
    return intervals
        .join(broadcast(closingDates), "_last_rank", "left")
        .select(columns(col(VALID_TO), col(VALID_TO).isNull()));
  }

  /**
   * The labels that differ between two consecutive published snapshots: one row per customer and
   * dimension whose label changed, appeared or went (a null label counts as absent). One join of
   * the two snapshots per customer with the dimensions side by side and without the reasons (a
   * label is a word, a reason a sentence); between two days most labels stay, so this is small.
   *
   * @param previous customer_tiers rows of the published date before {@code latest}'s (none when
   *     there is no earlier date)
   * @param latest customer_tiers rows of the latest published date
   * @return customer_id, dimension, from_label, to_label
   */
  public static Dataset<Row> changes(
      Dataset<Row> previous, Dataset<Row> latest, List<String> dimensions) {
    List<Column> before = new ArrayList<>(List.of(col(CUSTOMER_ID)));
    before.addAll(TierLabels.labelsAs(dimensions, "_from_"));
    List<Column> after = new ArrayList<>(List.of(col(CUSTOMER_ID)));
    after.addAll(TierLabels.labelsAs(dimensions, "_to_"));
    return previous
        .select(before.toArray(Column[]::new))
        .join(latest.select(after.toArray(Column[]::new)), CUSTOMER_ID, "full_outer")
        .select(col(CUSTOMER_ID), TierLabels.pairs(dimensions, "_from_", "_to_"))
        .where(not(col(FROM_LABEL).eqNullSafe(col(TO_LABEL))));
  }

  /**
   * The history rows that publishing {@code asOf}, a date later than every other published one,
   * replaces: each interval current until then carries on unless its label changed (it closes at
   * asOf), and asOf opens an interval for each label that changed or appeared. Only the changed
   * labels are joined, to the current intervals and to asOf's labels (for the reasons): broadcast
   * (as {@code changes} usually is), neither large side is shuffled. Intervals closed before are
   * untouched.
   *
   * @param current tier_history rows current at the previous published date (whatever their
   *     valid_to says: a rerun of asOf passes those it closed), whose labels are the {@code
   *     from_label}s of {@code changes}
   * @param changes {@link #changes} from the previous published snapshot to asOf's
   * @param latest customer_tiers rows of asOf, for the reasons of the intervals it opens
   * @return tier_history rows: the current intervals after asOf and those closed at asOf
   */
  public static Dataset<Row> advance(
      Dataset<Row> current,
      Dataset<Row> changes,
      Dataset<Row> latest,
      List<String> dimensions,
      LocalDate asOf) {
    Column day = lit(Date.valueOf(asOf));
    Dataset<Row> closing =
        changes
            .where(col(FROM_LABEL).isNotNull())
            .select(col(CUSTOMER_ID), col(DIMENSION), lit(true).as("_closes"));
    Column closes = coalesce(col("_closes"), lit(false));
    Dataset<Row> held =
        current
            .join(closing, new String[] {CUSTOMER_ID, DIMENSION}, "left")
            .select(columns(when(closes, day).cast("date"), not(closes)));
    Dataset<Row> reasons =
        TierLabels.toLong(latest, dimensions).select(CUSTOMER_ID, DIMENSION, REASON);
    Dataset<Row> opened =
        changes
            .where(col(TO_LABEL).isNotNull())
            .join(reasons, new String[] {CUSTOMER_ID, DIMENSION})
            .withColumnRenamed(TO_LABEL, LABEL)
            .withColumn(VALID_FROM, day)
            .select(columns(lit(null).cast("date"), lit(true)));
    return held.unionByName(opened);
  }

  /**
   * History from intervals computed up to a date and intervals computed from it on: the table
   * {@link #fromSnapshots} would give over both spans. An interval current on the published date
   * before {@code from} carries on when {@code from} opens the same label (keeping its start and
   * reason), else closes at {@code from}.
   *
   * @param before tier_history rows opened before {@code from}, right up to the date before it
   * @param after {@link #fromSnapshots} of the snapshots from {@code from} on
   */
  public static Dataset<Row> stitch(Dataset<Row> before, Dataset<Row> after, LocalDate from) {
    Column day = lit(Date.valueOf(from));
    // Held on the date before from: the snapshot of from decides whether it carries on.
    Column open = col(VALID_TO).isNull().or(col(VALID_TO).geq(day));
    String[] key = {CUSTOMER_ID, DIMENSION, LABEL};
    Dataset<Row> closed = before.where(not(open)).select(columns(col(VALID_TO), col(IS_CURRENT)));
    Dataset<Row> carried =
        before.where(open).select(CUSTOMER_ID, DIMENSION, LABEL, REASON, VALID_FROM);
    Dataset<Row> opening = after.where(col(VALID_FROM).equalTo(day));
    Dataset<Row> continued =
        carried
            .join(opening.select(CUSTOMER_ID, DIMENSION, LABEL, VALID_TO, IS_CURRENT), key)
            .select(columns(col(VALID_TO), col(IS_CURRENT)));
    Dataset<Row> closing =
        carried.join(opening, key, "left_anti").select(columns(day.cast("date"), lit(false)));
    Dataset<Row> opened =
        opening.join(carried, key, "left_anti").select(columns(col(VALID_TO), col(IS_CURRENT)));
    Dataset<Row> later =
        after.where(col(VALID_FROM).gt(day)).select(columns(col(VALID_TO), col(IS_CURRENT)));
    return closed
        .unionByName(continued)
        .unionByName(closing)
        .unionByName(opened)
        .unionByName(later);
  }

  /** The table's columns in order, with valid_to and is_current as given. */
  private static Column[] columns(Column validTo, Column isCurrent) {
    return new Column[] {
      col(CUSTOMER_ID),
      col(DIMENSION),
      col(LABEL),
      col(REASON),
      col(VALID_FROM),
      validTo.as(VALID_TO),
      isCurrent.as(IS_CURRENT)
    };
  }
}
