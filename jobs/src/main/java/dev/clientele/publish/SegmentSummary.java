package dev.clientele.publish;

import static dev.clientele.publish.TierLabelsColumns.AS_OF;
import static dev.clientele.publish.TierLabelsColumns.CUSTOMER_ID;
import static dev.clientele.publish.TierLabelsColumns.DIMENSION;
import static dev.clientele.publish.TierLabelsColumns.LABEL;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.clientele.satisfaction.CustomerSatisfaction;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * {@code segment_summary}: one row per as-of, dimension and label with customers, their share of
 * all customers, revenue (window net spend), AOV, mean CSAT, NPS and churn-flag rate. Metrics whose
 * source column is absent from customer_tiers are null rather than invented.
 *
 * <p>CSAT and NPS are over <b>answering customers only</b>: the CSAT mean averages the customers
 * with a CSAT mean (a customer with no survey answer has none), and NPS = (promoters − detractors)
 * / customers whose nps_class is promoter, passive or detractor × 100. A customer with nps_class
 * {@code unknown} (never answered the NPS question) or null is in neither numerator nor
 * denominator; a label where nobody answered has null CSAT / NPS, never 0.
 */
public final class SegmentSummary {
  public static final String CUSTOMERS = "customers";
  public static final String CUSTOMER_SHARE = "customer_share";
  public static final String REVENUE = "revenue";
  public static final String REVENUE_SHARE = "revenue_share";
  public static final String AOV = "aov";
  public static final String CSAT_MEAN = "csat_mean";
  public static final String NPS = "nps";
  public static final String CHURN_RATE = "churn_rate";

  private SegmentSummary() {}

  /**
   * @param customerTiers one as-of snapshot or several; needs as_of, customer_id, the dimensions
   *     and optionally monetary, frequency, csat_mean, nps_class, churn_flag
   */
  public static Dataset<Row> compute(Dataset<Row> customerTiers, List<String> dimensions) {
    Set<String> cols = new HashSet<>(Arrays.asList(customerTiers.columns()));
    Dataset<Row> metrics =
        customerTiers.select(
            col(AS_OF),
            col(CUSTOMER_ID),
            orNull(cols, "monetary", "decimal(18,2)").as("_revenue"),
            orNull(cols, "frequency", "bigint").as("_orders"),
            orNull(cols, "csat_mean", "double").as("_csat"),
            orNull(cols, "nps_class", "string").as("_nps_class"),
            orNull(cols, "churn_flag", "boolean").as("_churn"));
    Dataset<Row> labels =
        TierLabels.toLong(customerTiers, dimensions).drop(TierLabelsColumns.REASON);
    Column promoters = sum(when(col("_nps_class").equalTo("promoter"), 1).otherwise(0));
    Column detractors = sum(when(col("_nps_class").equalTo("detractor"), 1).otherwise(0));
    Column answered =
        count(when(col("_nps_class").isin(CustomerSatisfaction.NPS_ANSWER_CLASSES.toArray()), 1));
    Dataset<Row> perLabel =
        labels
            .join(metrics, new String[] {AS_OF, CUSTOMER_ID})
            .groupBy(AS_OF, DIMENSION, LABEL)
            .agg(
                count(lit(1)).as(CUSTOMERS),
                sum(col("_revenue")).as(REVENUE),
                sum(col("_orders")).as("_orders"),
                avg(col("_csat")).as(CSAT_MEAN),
                when(
                        answered.gt(0),
                        bround(promoters.minus(detractors).multiply(100.0).divide(answered), 2))
                    .as(NPS),
                avg(when(col("_churn"), 1.0).otherwise(0.0)).as(CHURN_RATE),
                count(col("_churn")).as("_churn_known"));
    // Shares within (as_of, dimension): a window over a handful of label rows per dimension.
    var byDimension = Window.partitionBy(AS_OF, DIMENSION);
    return perLabel.select(
        col(AS_OF),
        col(DIMENSION),
        col(LABEL),
        col(CUSTOMERS),
        bround(col(CUSTOMERS).divide(sum(col(CUSTOMERS)).over(byDimension)), 6).as(CUSTOMER_SHARE),
        col(REVENUE),
        bround(col(REVENUE).divide(sum(col(REVENUE)).over(byDimension)).cast("double"), 6)
            .as(REVENUE_SHARE),
        when(
                col("_orders").gt(0),
                bround(col(REVENUE).divide(col("_orders")), 2).cast("decimal(18,2)"))
            .as(AOV),
        bround(col(CSAT_MEAN), 3).as(CSAT_MEAN),
        col(NPS),
        when(col("_churn_known").gt(0), bround(col(CHURN_RATE), 6)).as(CHURN_RATE));
  }

  private static Column orNull(Set<String> cols, String name, String type) {
    return cols.contains(name) ? col(name).cast(type) : lit(null).cast(type);
  }
}
