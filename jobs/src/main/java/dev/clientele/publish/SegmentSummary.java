package dev.clientele.publish;

import static dev.clientele.publish.TierLabelsColumns.AS_OF;
import static dev.clientele.publish.TierLabelsColumns.CUSTOMER_ID;
import static dev.clientele.publish.TierLabelsColumns.DIMENSION;
import static dev.clientele.publish.TierLabelsColumns.LABEL;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile;
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
 *
 * <p>Complaint figures (given the complaints input; all null without one): {@code complaint_rate} =
 * customers of the label with complaint_count &gt; 0 (a complaint opened in the satisfaction
 * window) / customers, 0.0 when nobody complained; {@code open_complaints} = the sum of the
 * customers' open_complaints (opened on or before as_of, not resolved by as_of); {@code
 * resolved_complaints} and {@code resolution_hours_median} / {@code _p90} over the label's
 * complaints resolved in the satisfaction window ({@link
 * dev.clientele.satisfaction.CustomerSatisfaction#resolvedInWindow}), Spark's exact {@code
 * percentile} (linear interpolation, position (n − 1) × p, as kpi_monthly), null when none was
 * resolved.
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
  public static final String COMPLAINT_RATE = "complaint_rate";
  public static final String OPEN_COMPLAINTS = "open_complaints";
  public static final String RESOLVED_COMPLAINTS = "resolved_complaints";
  public static final String RESOLUTION_HOURS_MEDIAN = "resolution_hours_median";
  public static final String RESOLUTION_HOURS_P90 = "resolution_hours_p90";

  /** The dimension counting customers by churn_cause; not churned customers are {@value}. */
  public static final String NOT_CHURNED = "not_churned";

  private SegmentSummary() {}

  /** {@link #compute(Dataset, Dataset, List)} without a complaints input. */
  public static Dataset<Row> compute(Dataset<Row> customerTiers, List<String> dimensions) {
    return compute(customerTiers, null, dimensions);
  }

  /**
   * @param customerTiers one as-of snapshot or several; needs as_of, customer_id, the dimensions
   *     and optionally net_spend, order_count, csat_mean, nps_class, churn_flag, complaint_count,
   *     open_complaints
   * @param resolved the complaints resolved in the window (as_of, customer_id, resolution_hours),
   *     or null when there is no complaints input: then every complaint figure is null
   */
  public static Dataset<Row> compute(
      Dataset<Row> customerTiers, Dataset<Row> resolved, List<String> dimensions) {
    Set<String> cols = new HashSet<>(Arrays.asList(customerTiers.columns()));
    if (resolved == null) {
      cols.remove("complaint_count");
      cols.remove(OPEN_COMPLAINTS);
    }
    // The metrics ride on every label row of their customer: no join of the labels back to the
    // customers (one shuffle of every customer's rows less).
    Dataset<Row> withMetrics =
        customerTiers.select(
            col("*"),
            orNull(cols, "net_spend", "decimal(18,2)").as("_revenue"),
            orNull(cols, "order_count", "bigint").as("_orders"),
            orNull(cols, "csat_mean", "double").as("_csat"),
            orNull(cols, "nps_class", "string").as("_nps_class"),
            orNull(cols, "churn_flag", "boolean").as("_churn"),
            orNull(cols, "complaint_count", "bigint").as("_complaints"),
            orNull(cols, OPEN_COMPLAINTS, "bigint").as("_open"));
    Dataset<Row> labelled =
        TierLabels.toLong(
                withMetrics,
                dimensions,
                List.of(
                    "_revenue", "_orders", "_csat", "_nps_class", "_churn", "_complaints", "_open"))
            .drop(TierLabelsColumns.REASON);
    Column promoters = sum(when(col("_nps_class").equalTo("promoter"), 1).otherwise(0));
    Column detractors = sum(when(col("_nps_class").equalTo("detractor"), 1).otherwise(0));
    Column answered =
        count(when(col("_nps_class").isin(CustomerSatisfaction.NPS_ANSWER_CLASSES.toArray()), 1));
    Dataset<Row> perLabel =
        labelled
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
                count(col("_churn")).as("_churn_known"),
                avg(when(col("_complaints").gt(0), 1.0).otherwise(0.0)).as(COMPLAINT_RATE),
                count(col("_complaints")).as("_complaints_known"),
                sum(col("_open")).as(OPEN_COMPLAINTS));
    String[] key = {AS_OF, DIMENSION, LABEL};
    if (resolved != null) {
      // The percentiles need every complaint's hours: aggregated apart, over the label rows of the
      // few customers with a resolution in the window.
      Dataset<Row> hours =
          labelled
              .select(AS_OF, CUSTOMER_ID, DIMENSION, LABEL)
              .join(resolved, new String[] {AS_OF, CUSTOMER_ID})
              .groupBy(AS_OF, DIMENSION, LABEL)
              .agg(
                  count(lit(1)).as(RESOLVED_COMPLAINTS),
                  percentile(col(CustomerSatisfaction.RESOLUTION_HOURS), lit(0.5))
                      .as(RESOLUTION_HOURS_MEDIAN),
                  percentile(col(CustomerSatisfaction.RESOLUTION_HOURS), lit(0.9))
                      .as(RESOLUTION_HOURS_P90));
      perLabel =
          perLabel
              .join(hours, key, "left")
              .withColumn(RESOLVED_COMPLAINTS, coalesce(col(RESOLVED_COMPLAINTS), lit(0L)));
    } else {
      perLabel =
          perLabel
              .withColumn(RESOLVED_COMPLAINTS, lit(null).cast("bigint"))
              .withColumn(RESOLUTION_HOURS_MEDIAN, lit(null).cast("double"))
              .withColumn(RESOLUTION_HOURS_P90, lit(null).cast("double"));
    }
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
        when(col("_churn_known").gt(0), bround(col(CHURN_RATE), 6)).as(CHURN_RATE),
        when(col("_complaints_known").gt(0), bround(col(COMPLAINT_RATE), 6)).as(COMPLAINT_RATE),
        col(OPEN_COMPLAINTS),
        col(RESOLVED_COMPLAINTS),
        bround(col(RESOLUTION_HOURS_MEDIAN), 2).as(RESOLUTION_HOURS_MEDIAN),
        bround(col(RESOLUTION_HOURS_P90), 2).as(RESOLUTION_HOURS_P90));
  }

  private static Column orNull(Set<String> cols, String name, String type) {
    return cols.contains(name) ? col(name).cast(type) : lit(null).cast(type);
  }
}
