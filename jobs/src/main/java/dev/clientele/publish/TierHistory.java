package dev.clientele.publish;

import static dev.clientele.publish.PublishedDates.DATE_RANK;
import static dev.clientele.publish.TierLabelsColumns.AS_OF;
import static dev.clientele.publish.TierLabelsColumns.CUSTOMER_ID;
import static dev.clientele.publish.TierLabelsColumns.DIMENSION;
import static dev.clientele.publish.TierLabelsColumns.LABEL;
import static dev.clientele.publish.TierLabelsColumns.REASON;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
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
 * than all others, from the current intervals only. Both give the same table. A null label counts
 * as absent.
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
        previousLabel.isNull()
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
        .select(
            col(CUSTOMER_ID),
            col(DIMENSION),
            col(LABEL),
            col(REASON),
            col(VALID_FROM),
            col(VALID_TO),
            col(VALID_TO).isNull().as(IS_CURRENT));
  }

  /**
   * The history rows that publishing {@code asOf}, a date later than every other published one,
   * replaces: each interval current until then either carries on (same label on asOf) or closes
   * at asOf, and asOf opens an interval for every label it does not carry on. Intervals closed
   * before are untouched, so the cost follows the number of customers, not of published dates.
   *
   * @param current tier_history rows current at the previous published date (valid_to null)
   * @param labels long-format labels of the {@code asOf} snapshot
   * @return tier_history rows: the current intervals after asOf and those closed at asOf
   */
  public static Dataset<Row> advance(Dataset<Row> current, Dataset<Row> labels, LocalDate asOf) {
    Column day = lit(Date.valueOf(asOf));
    Dataset<Row> held =
        current.select(
            col(CUSTOMER_ID),
            col(DIMENSION),
            col(LABEL).as("_held_label"),
            col(REASON).as("_held_reason"),
            col(VALID_FROM).as("_held_from"));
    Dataset<Row> now = labels.where(col(LABEL).isNotNull()).select(CUSTOMER_ID, DIMENSION, LABEL, REASON);
    Column carriedOn = coalesce(col("_held_label").equalTo(col(LABEL)), lit(false));
    Column heldInterval =
        when(
            col("_held_label").isNotNull(),
            interval(col("_held_label"), col("_held_reason"), col("_held_from"), when(not(carriedOn), day)));
    Column openedInterval =
        when(col(LABEL).isNotNull().and(not(carriedOn)), interval(col(LABEL), col(REASON), day, lit(null)));
    // One pass over the join: each row yields its held interval and/or the one asOf opens.
    return held.join(now, new String[] {CUSTOMER_ID, DIMENSION}, "full_outer")
        .select(col(CUSTOMER_ID), col(DIMENSION), explode(array_compact(array(heldInterval, openedInterval))).as("_i"))
        .select(
            col(CUSTOMER_ID),
            col(DIMENSION),
            col("_i." + LABEL).as(LABEL),
            col("_i." + REASON).as(REASON),
            col("_i." + VALID_FROM).as(VALID_FROM),
            col("_i." + VALID_TO).as(VALID_TO),
            col("_i." + VALID_TO).isNull().as(IS_CURRENT));
  }

  private static Column interval(Column label, Column reason, Column validFrom, Column validTo) {
    return struct(
        label.as(LABEL), reason.as(REASON), validFrom.as(VALID_FROM), validTo.cast("date").as(VALID_TO));
  }
}
