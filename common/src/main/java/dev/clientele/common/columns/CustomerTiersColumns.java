package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code customer_tiers}, the gold table BI reads: one row per customer and {@code as_of} with
 * every label, score and reason of the stages, in this order and of these types whatever stages ran
 * (a column of a stage that did not run, clusters or CLV switched off, is null). Publish conforms
 * the assembled frame to this schema and refuses a column it does not declare, so the table's shape
 * changes only here; each column is documented in {@code GoldDocs.CUSTOMER_TIERS}.
 */
public final class CustomerTiersColumns {
  private CustomerTiersColumns() {}

  public static final StructType SCHEMA =
      DataTypes.createStructType(
          new StructField[] {
            field("as_of", DataTypes.DateType, true),
            field("customer_id", DataTypes.StringType, true),
            field("age_band", DataTypes.StringType, true),
            field("gender", DataTypes.StringType, true),
            field("income_band", DataTypes.StringType, true),
            field("occupation", DataTypes.StringType, true),
            field("region", DataTypes.StringType, true),
            field("is_prospect", DataTypes.BooleanType, true),
            field("recency_days", DataTypes.IntegerType, true),
            field("r_score", DataTypes.IntegerType, true),
            field("f_score", DataTypes.IntegerType, true),
            field("m_score", DataTypes.IntegerType, true),
            field("rfm_code", DataTypes.StringType, true),
            field("rfm_code_reason", DataTypes.StringType, true),
            field("rfm_segment", DataTypes.StringType, true),
            field("rfm_segment_reason", DataTypes.StringType, true),
            field("lifecycle_stage", DataTypes.StringType, true),
            field("lifecycle_stage_reason", DataTypes.StringType, true),
            field("activity_status", DataTypes.StringType, true),
            field("activity_status_reason", DataTypes.StringType, true),
            field("target_flag", DataTypes.StringType, true),
            field("target_flag_reason", DataTypes.StringType, true),
            field("preference_class", DataTypes.StringType, true),
            field("preference_class_reason", DataTypes.StringType, true),
            field("net_spend", Money.AMOUNT, true),
            field("order_count", DataTypes.LongType, true),
            field("value_rank", DataTypes.LongType, true),
            field("value_tier", DataTypes.StringType, true),
            field("value_tier_reason", DataTypes.StringType, true),
            field("abc_grade", DataTypes.StringType, true),
            field("abc_grade_reason", DataTypes.StringType, true),
            field("frequency_tier", DataTypes.StringType, true),
            field("frequency_tier_reason", DataTypes.StringType, true),
            field("monetary_tier", DataTypes.StringType, true),
            field("monetary_tier_reason", DataTypes.StringType, true),
            field("aov_tier", DataTypes.StringType, true),
            field("aov_tier_reason", DataTypes.StringType, true),
            field("margin_tier", DataTypes.StringType, true),
            field("margin_tier_reason", DataTypes.StringType, true),
            field("lifetime_net_spend", Money.AMOUNT, true),
            field("membership_tier", DataTypes.StringType, true),
            field("membership_tier_reason", DataTypes.StringType, true),
            field("membership_discount", DataTypes.DoubleType, true),
            field("next_membership_tier", DataTypes.StringType, true),
            field("spend_to_next_tier", Money.AMOUNT, true),
            field("points_earned", DataTypes.LongType, true),
            field("points_reversed", DataTypes.LongType, true),
            field("points_redeemed", DataTypes.LongType, true),
            field("points_expired", DataTypes.LongType, true),
            field("points_balance", DataTypes.LongType, true),
            field("survey_count", DataTypes.LongType, true),
            field("csat_mean", DataTypes.DoubleType, true),
            field("last_nps", DataTypes.IntegerType, true),
            field("last_nps_date", DataTypes.DateType, true),
            field("nps_class", DataTypes.StringType, true),
            field("complaint_count", DataTypes.LongType, true),
            field("open_complaints", DataTypes.LongType, true),
            field("last_complaint_category", DataTypes.StringType, true),
            field("last_complaint_date", DataTypes.DateType, true),
            field("median_resolution_hours", DataTypes.DoubleType, true),
            field("complaints_per_order", DataTypes.DoubleType, true),
            field("satisfaction_band", DataTypes.StringType, true),
            field("satisfaction_band_reason", DataTypes.StringType, true),
            field(
                "churn_signals",
                DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType),
                true),
            field("churn_risk", DataTypes.DoubleType, true),
            field("churn_flag", DataTypes.BooleanType, true),
            field("churn_flag_reason", DataTypes.StringType, true),
            field("churn_reasons", DataTypes.createArrayType(DataTypes.StringType), true),
            field("is_churned", DataTypes.BooleanType, true),
            field("churn_cause", DataTypes.StringType, true),
            field("churn_cause_reason", DataTypes.StringType, true),
            field("cluster_id", DataTypes.IntegerType, true),
            field("cluster_label", DataTypes.StringType, true),
            field("cluster_label_reason", DataTypes.StringType, true),
            field("p_alive", DataTypes.DoubleType, true),
            field("expected_purchases_h", DataTypes.DoubleType, true),
            field("expected_avg_spend", Money.AMOUNT, true),
            field("clv_h", Money.AMOUNT, true),
            field("predicted_value_tier", DataTypes.StringType, true),
            field("predicted_value_tier_reason", DataTypes.StringType, true)
          });
}
