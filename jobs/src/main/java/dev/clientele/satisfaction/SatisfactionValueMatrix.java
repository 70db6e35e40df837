package dev.clientele.satisfaction;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.Money;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The satisfaction × value matrix for {@code segment_summary}: one row per value tier and
 * satisfaction band (every band of {@link CustomerSatisfaction#BANDS} for every value tier present,
 * empty cells with 0 customers), dimension {@value #DIMENSION}, label {@code <value_tier>|<band>}.
 * Cells whose tier and band are both listed in {@link SatisfactionRules.Matrix} are flagged {@code
 * is_priority}: the source documents' priority customers (high value and dissatisfied: call first).
 *
 * <p>Input: one row per customer with {@value #VALUE_TIER}, {@value #BAND}, {@value #CHURN_FLAG}
 * and {@value #NET_SPEND} (decimal); a null tier or band counts as {@code unknown}. Output columns:
 * dimension, label, value_tier, satisfaction_band, customers, share (of all customers, 4 decimals),
 * revenue (sum of net_spend, decimal(18,2)), churn_flagged (customers with churn_flag),
 * is_priority.
 */
public final class SatisfactionValueMatrix {
  public static final String DIMENSION = "satisfaction_x_value";
  public static final String VALUE_TIER = "value_tier";
  public static final String BAND = "satisfaction_band";
  public static final String CHURN_FLAG = "churn_flag";
  public static final String NET_SPEND = "net_spend";

  private SatisfactionValueMatrix() {}

  public static Dataset<Row> cells(Dataset<Row> customerLabels, SatisfactionRules.Matrix rules) {
    Dataset<Row> labelled =
        customerLabels.select(
            coalesce(col(VALUE_TIER), lit("unknown")).as(VALUE_TIER),
            coalesce(col(BAND), lit("unknown")).as(BAND),
            coalesce(col(CHURN_FLAG), lit(false)).as(CHURN_FLAG),
            col(NET_SPEND));
    Dataset<Row> counted =
        labelled
            .groupBy(VALUE_TIER, BAND)
            .agg(
                count(lit(1)).as("customers"),
                sum(col(NET_SPEND)).as("revenue"),
                count(when(col(CHURN_FLAG), lit(1))).as("churn_flagged"));
    Column bands =
        org.apache.spark.sql.functions.array(
            CustomerSatisfaction.BANDS.stream().map(b -> lit(b)).toArray(Column[]::new));
    Dataset<Row> grid = labelled.select(VALUE_TIER).distinct().withColumn(BAND, explode(bands));
    Dataset<Row> total = counted.agg(sum(col("customers")).as("total_customers"));
    Column customers = coalesce(col("customers"), lit(0L));
    return grid.join(counted, new String[] {VALUE_TIER, BAND}, "left")
        .crossJoin(total)
        .select(
            lit(DIMENSION).as("dimension"),
            concat(col(VALUE_TIER), lit("|"), col(BAND)).as("label"),
            col(VALUE_TIER),
            col(BAND),
            customers.as("customers"),
            round(try_divide(customers.cast("double"), col("total_customers").cast("double")), 4)
                .as("share"),
            coalesce(col("revenue"), lit(0)).cast(Money.AMOUNT).as("revenue"),
            coalesce(col("churn_flagged"), lit(0L)).as("churn_flagged"),
            col(VALUE_TIER)
                .isin(rules.priorityValueTiers().toArray())
                .and(col(BAND).isin(rules.priorityBands().toArray()))
                .as("is_priority"));
  }
}
