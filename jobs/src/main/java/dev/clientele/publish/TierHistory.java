package dev.clientele.publish;

import static dev.clientele.publish.PublishedDates.DATE_RANK;
import static dev.clientele.publish.TierLabelsColumns.AS_OF;
import static dev.clientele.publish.TierLabelsColumns.CUSTOMER_ID;
import static dev.clientele.publish.TierLabelsColumns.DIMENSION;
import static dev.clientele.publish.TierLabelsColumns.LABEL;
import static dev.clientele.publish.TierLabelsColumns.REASON;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

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
 * <p>Computed from every published snapshot (islands over a window partitioned by customer and
 * dimension), so a rerun or a backfill of any date gives the same history as a clean run.
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
  public static Dataset<Row> fromSnapshots(Dataset<Row> labels) {
    Dataset<Row> dates = PublishedDates.ranked(labels);
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
}
