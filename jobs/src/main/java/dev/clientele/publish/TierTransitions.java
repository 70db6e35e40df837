package dev.clientele.publish;

import static dev.clientele.publish.PublishedDates.DATE_RANK;
import static dev.clientele.publish.TierLabelsColumns.AS_OF;
import static dev.clientele.publish.TierLabelsColumns.CUSTOMER_ID;
import static dev.clientele.publish.TierLabelsColumns.DIMENSION;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code tier_transitions}: for each pair of consecutive published as-of dates and each dimension,
 * how many customers moved from one label to another (staying counts as from = to). A customer
 * first seen on the later date comes from {@value #NEW}; one absent from it goes to {@value #GONE}.
 * Grain: one row per (as_of, dimension, from_label, to_label).
 */
public final class TierTransitions {
  public static final String PREVIOUS_AS_OF = "previous_as_of";
  public static final String FROM_LABEL = "from_label";
  public static final String TO_LABEL = "to_label";
  public static final String CUSTOMERS = "customers";
  public static final String NEW = "(new)";
  public static final String GONE = "(gone)";

  private TierTransitions() {}

  /**
   * Joins each snapshot with the next one per customer (one row per customer and date pair, the
   * dimensions side by side), then unpivots the pairs: a shuffle of customers, not of customers x
   * dimensions. A null label counts as absent on its side.
   *
   * @param tiers customer_tiers rows (as_of, customer_id and the dimension columns) of consecutive
   *     published dates: all of them, or a run of them (then the pairs within that run)
   * @return as_of, previous_as_of, dimension, from_label, to_label, customers
   */
  public static Dataset<Row> fromSnapshots(Dataset<Row> tiers, List<String> dimensions) {
    Dataset<Row> dates = PublishedDates.ranked(tiers);
    Dataset<Row> ranked = tiers.join(broadcast(dates), AS_OF);
    List<Column> before =
        new ArrayList<>(List.of(col(CUSTOMER_ID), col(DATE_RANK).plus(1).as("_to_rank")));
    before.addAll(TierLabels.labelsAs(dimensions, "_from_"));
    List<Column> after = new ArrayList<>(List.of(col(CUSTOMER_ID), col(DATE_RANK).as("_to_rank")));
    after.addAll(TierLabels.labelsAs(dimensions, "_to_"));
    Dataset<Row> moves =
        ranked
            .select(before.toArray(Column[]::new))
            .join(
                ranked.select(after.toArray(Column[]::new)),
                new String[] {CUSTOMER_ID, "_to_rank"},
                "full_outer")
            .select(col("_to_rank"), TierLabels.pairs(dimensions, "_from_", "_to_"))
            .where(col(FROM_LABEL).isNotNull().or(col(TO_LABEL).isNotNull()))
            .select(
                col("_to_rank"),
                col(DIMENSION),
                coalesce(col(FROM_LABEL), lit(NEW)).as(FROM_LABEL),
                coalesce(col(TO_LABEL), lit(GONE)).as(TO_LABEL));
    Dataset<Row> toDates = dates.select(col(DATE_RANK).as("_to_rank"), col(AS_OF));
    Dataset<Row> fromDates =
        dates.select(col(DATE_RANK).plus(1).as("_to_rank"), col(AS_OF).as(PREVIOUS_AS_OF));
    // Inner joins drop the pair "after the last date" and "before the first date".
    return moves
        .join(broadcast(toDates), "_to_rank")
        .join(broadcast(fromDates), "_to_rank")
        .groupBy(AS_OF, PREVIOUS_AS_OF, DIMENSION, FROM_LABEL, TO_LABEL)
        .agg(count(lit(1)).as(CUSTOMERS));
  }
}
