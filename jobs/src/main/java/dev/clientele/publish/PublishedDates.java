package dev.clientele.publish;

import static dev.clientele.publish.TierLabelsColumns.AS_OF;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The distinct published as-of dates, numbered in order: the spine of history and transitions. */
final class PublishedDates {
  static final String DATE_RANK = "_date_rank";

  private PublishedDates() {}

  /**
   * as_of, _date_rank (1 = earliest). One row per published date; the rank is counted with a tiny
   * self-join rather than a global window so nothing funnels through one partition.
   */
  static Dataset<Row> ranked(Dataset<Row> labels) {
    Dataset<Row> dates = labels.select(col(AS_OF)).distinct();
    Dataset<Row> earlier = dates.select(col(AS_OF).as("_earlier"));
    return dates
        .join(earlier, col("_earlier").leq(col(AS_OF)))
        .groupBy(AS_OF)
        .agg(count(lit(1)).cast("int").as(DATE_RANK));
  }
}
