package dev.clientele.common.table;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The column documentation of every gold table, in one place: applied as Delta column comments at
 * publish (so every catalog and BI tool sees it) and rendered into {@code docs/tables.md}, which a
 * test keeps in step with this class.
 */
public final class GoldDocs {
  private GoldDocs() {}

  public record TableDoc(Table table, String grain, Map<String, String> columns) {}

  private static Map<String, String> cols(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
    return m;
  }

  public static final TableDoc CUSTOMER_TIERS =
      new TableDoc(
          Table.CUSTOMER_TIERS,
          "one row per customer per as_of; partitioned by as_of. Daily snapshots are kept for"
              + " `clientele.publish.retain-daily-days` (default 35) days back from the latest,"
              + " month ends for good (docs/operations.md, \"Snapshot retention\");"
              + " `tier_history` answers every published date",
          cols(
              "as_of", "Date every value is computed as of (inclusive).",
              "customer_id",
                  "Customer id as delivered by the source system (pseudonymous: no name, email or phone).",
              "age_band", "Age band from birth date at as_of (attribute segmentation).",
              "gender", "Gender as delivered, null when unknown.",
              "income_band", "Income band as delivered.",
              "occupation", "Occupation as delivered.",
              "region", "Region in effect at as_of (the customer_history version valid then).",
              "is_prospect", "True when the customer has attributes but no purchase up to as_of.",
              "recency_days", "Days from the last purchase to as_of; null for prospects.",
              "r_score",
                  "Recency score 1..N (N = clientele.segment.rfm.scores), high = recent; null for non-buyers.",
              "f_score",
                  "Frequency score 1..N from order_count, high = frequent; null for non-buyers.",
              "m_score",
                  "Monetary score 1..N from net_spend, high = big spender; null for non-buyers.",
              "rfm_code",
                  "The three scores as text, e.g. 545 (separated by '-' when N = 10); null for non-buyers.",
              "rfm_code_reason",
                  "Why rfm_code has its label: one machine-readable line naming the rule and its numbers (see docs/aggregates.md).",
              "rfm_segment",
                  "Named RFM segment from the configured R x F map (Champions ... Hibernating), or the no-purchase segment.",
              "rfm_segment_reason",
                  "Why rfm_segment has its label: one machine-readable line naming the rule and its numbers (see docs/aggregates.md).",
              "lifecycle_stage",
                  "prospect, new, developing, stable, declining, churned or reactivated.",
              "lifecycle_stage_reason",
                  "Why lifecycle_stage has its label: one machine-readable line naming the rule and its numbers (see docs/aggregates.md).",
              "activity_status",
                  "active, dormant or lost, by recency; none for customers who never bought.",
              "activity_status_reason",
                  "Why activity_status has its label: one machine-readable line naming the rule and its numbers (see docs/aggregates.md).",
              "target_flag", "core, potential or non-target customer.",
              "target_flag_reason",
                  "Why target_flag has its label: one machine-readable line naming the rule and its numbers (see docs/aggregates.md).",
              "preference_class", "brand-loyal, price-sensitive, category-explorer or none.",
              "preference_class_reason",
                  "Why preference_class has its label: one machine-readable line naming the rule and its numbers (see docs/aggregates.md).",
              "net_spend",
                  "Net spend in the feature window (default 365 days), returns deducted: the RFM monetary value and the value tier's measure. Exact decimal.",
              "order_count",
                  "Distinct purchase orders in the feature window: the RFM frequency value.",
              "value_rank",
                  "1 = biggest spender of the snapshot, by net_spend descending, ties by customer_id; null when net_spend <= 0.",
              "value_tier",
                  "high / medium / low by 12-month net spend (top 20% / next 30% / rest; or the order-count bar); none for zero spend.",
              "value_tier_reason",
                  "Why value_tier has its label: one machine-readable line naming the rule and its numbers (see docs/aggregates.md).",
              "abc_grade",
                  "A / B / C key-customer grade by cumulative share of revenue; none when net_spend <= 0.",
              "abc_grade_reason",
                  "Why abc_grade has its label: one machine-readable line naming the rule and its numbers (see docs/aggregates.md).",
              "frequency_tier", "Three bands of order count; none without orders.",
              "frequency_tier_reason",
                  "Why frequency_tier has its label: one machine-readable line naming the rule and its numbers (see docs/aggregates.md).",
              "monetary_tier", "Three bands of net spend; none without positive spend.",
              "monetary_tier_reason",
                  "Why monetary_tier has its label: one machine-readable line naming the rule and its numbers (see docs/aggregates.md).",
              "aov_tier", "Three bands of average order value; none without orders.",
              "aov_tier_reason",
                  "Why aov_tier has its label: one machine-readable line naming the rule and its numbers (see docs/aggregates.md).",
              "margin_tier",
                  "Three bands of gross margin; unknown when costs are missing, none without orders.",
              "margin_tier_reason",
                  "Why margin_tier has its label: one machine-readable line naming the rule and its numbers (see docs/aggregates.md).",
              "lifetime_net_spend",
                  "Cumulative net spend up to as_of: the membership tier's measure. Exact decimal.",
              "membership_tier",
                  "regular / silver / gold / diamond (as configured) by lifetime_net_spend.",
              "membership_tier_reason",
                  "Why membership_tier has its label: one machine-readable line naming the rule and its numbers (see docs/aggregates.md).",
              "membership_discount",
                  "The membership tier's price multiplier (0.90 = 10% off), from config.",
              "next_membership_tier", "The next membership tier up; null at the top.",
              "spend_to_next_tier",
                  "Lifetime net spend still needed for next_membership_tier; null at the top.",
              "points_earned", "Loyalty points earned by purchases up to as_of.",
              "points_reversed", "Points taken back for returned lines up to as_of.",
              "points_redeemed",
                  "Points spent in redemptions (the redemptions source) dated up to as_of; 0 without one.",
              "points_expired",
                  "Points expired by as_of (yearly expiry): earned - reversed - redeemed before the last expiry day, never negative.",
              "points_balance",
                  "Loyalty points balance at as_of: earned - reversed - redeemed since the last expiry day, never negative (so earned - reversed - redeemed - expired when nothing was over-redeemed).",
              "survey_count",
                  "Survey answers in the satisfaction window (clientele.satisfaction.window-days ending on as_of).",
              "csat_mean", "Mean CSAT (1-5) of surveys in the satisfaction window; null when none.",
              "last_nps",
                  "The latest NPS answer (0-10) in the satisfaction window; null when none.",
              "last_nps_date", "Date of last_nps; null when none.",
              "nps_class",
                  "promoter (9-10), passive (7-8) or detractor (0-6) of the latest NPS answer; unknown without one.",
              "complaint_count", "Complaints opened in the satisfaction window.",
              "open_complaints",
                  "Complaints opened on or before as_of and not resolved by as_of (any age).",
              "last_complaint_category",
                  "Category of the latest complaint opened on or before as_of (any age); null if none.",
              "last_complaint_date", "Date of that complaint; null if none.",
              "median_resolution_hours",
                  "Median hours from opened to resolved over window complaints resolved by as_of; null if none.",
              "complaints_per_order", "complaint_count / order_count; null without orders.",
              "satisfaction_band",
                  "satisfied, neutral, dissatisfied or unknown (no survey or complaint).",
              "satisfaction_band_reason",
                  "Why satisfaction_band has its label: one machine-readable line naming the rule and its numbers, e.g. open_complaint:open=1 (see docs/aggregates.md).",
              "churn_signals",
                  "Each churn signal's value in [0,1], by signal name (see docs/kpis.md); null for prospects.",
              "churn_risk",
                  "Churn-risk score in [0,1] from interpretable signals (see churn_reasons); null for prospects.",
              "churn_flag",
                  "True when the customer is churned (is_churned) or churn_risk is at or above the configured bar.",
              "churn_flag_reason",
                  "Why churn_flag has its value: churned, risk_at_bar, risk_below_bar or no_purchase, with its numbers (see docs/aggregates.md).",
              "churn_reasons",
                  "Codes of the churn signals that reached their bar, in a fixed order; empty when none.",
              "is_churned",
                  "True when the customer bought at least once and has no purchase in the churn horizon ending on as_of.",
              "churn_cause",
                  "For churned customers: quality, service, price, delivery or competitor_unknown; null otherwise.",
              "churn_cause_reason",
                  "Why that cause, e.g. complaint:category=quality,opened=2026-03-02 or no_complaint:last_nps=detractor; null when not churned.",
              "cluster_id",
                  "Behavioural cluster, stable across refits; null when clustering did not run.",
              "cluster_label",
                  "Generated description of the cluster, e.g. 'high spend, low frequency'.",
              "cluster_label_reason",
                  "Why cluster_label: nearest_centroid with its cluster (see docs/aggregates.md); null when clustering did not run.",
              "p_alive",
                  "BG/NBD probability the customer is still active; null when CLV did not run or for prospects.",
              "expected_purchases_h", "BG/NBD expected purchases over the CLV horizon.",
              "expected_avg_spend", "Gamma-Gamma expected spend per purchase.",
              "clv_h", "Predicted customer value over the horizon, discounted.",
              "predicted_value_tier", "Tier by CLV quantiles.",
              "predicted_value_tier_reason",
                  "Why predicted_value_tier: clv_quantile with its numbers (see docs/aggregates.md); null when CLV did not run."));

  public static final TableDoc SEGMENT_SUMMARY =
      new TableDoc(
          Table.SEGMENT_SUMMARY,
          "one row per as_of, dimension and label; partitioned by as_of",
          cols(
              "as_of", "Snapshot date.",
              "dimension",
                  "Label column (value_tier, rfm_segment, ...), churn_cause, attribute (region, ...), cross-tab 'a x b', or satisfaction_x_value.",
              "label",
                  "The label; cross-tabs join their two labels with '|'; churn_cause: the cause of churned customers, not_churned for everyone else.",
              "customers", "Customers with this label.",
              "customer_share", "customers / all customers of the dimension.",
              "revenue", "Sum of window net spend.",
              "revenue_share", "revenue / all revenue of the dimension.",
              "aov", "revenue / orders.",
              "csat_mean", "Mean of the customers' CSAT means.",
              "nps", "(% promoters - % detractors) x 100 among customers with an NPS answer.",
              "churn_rate", "Share of customers with churn_flag.",
              "complaint_rate",
                  "Share of the label's customers with at least one complaint opened in the satisfaction window (clientele.satisfaction.window-days ending on as_of); 0.0 when none complained, null without a complaints input and for satisfaction_x_value.",
              "open_complaints",
                  "Complaints of the label's customers open at as_of (opened on or before as_of, not resolved by as_of); null without a complaints input and for satisfaction_x_value.",
              "resolved_complaints",
                  "Complaints of the label's customers resolved in the satisfaction window (resolution date within it, as_of included): the base of the resolution percentiles; null without a complaints input.",
              "resolution_hours_median",
                  "Median hours opened to resolved of those complaints, exact percentile (linear interpolation, see docs/kpis.md), 2 decimals; null when none was resolved.",
              "resolution_hours_p90",
                  "90th percentile of those hours, same definition; null when none was resolved.",
              "is_priority",
                  "satisfaction_x_value only: the cell is a configured priority (e.g. high value and dissatisfied)."));

  public static final TableDoc KPI_MONTHLY =
      new TableDoc(
          Table.KPI_MONTHLY,
          "one row per as_of, month, dimension and label; definitions in docs/kpis.md",
          cols(
              "as_of", "The publish date the row belongs to.",
              "month", "First day of the calendar month.",
              "dimension", "overall, or a label column of clientele.satisfaction.kpi.dimensions.",
              "label", "The label (all for overall; unknown when the customer had none).",
              "active_customers", "Customers with a purchase in the month.",
              "orders", "Distinct purchase orders in the month.",
              "repurchase_base",
                  "The month's buyers whose repurchase window (clientele.satisfaction.kpi.repurchase-window-days after their first purchase day in the month) ended on or before as_of.",
              "repurchasers", "Of those, buyers with another purchase day within the window.",
              "repurchase_rate", "repurchasers / repurchase_base; null when the base is 0.",
              "churn_base",
                  "Customers who had bought by the end of the previous month and were not churned then.",
              "churned_customers",
                  "Of those, customers churned at the end of this month (no purchase in the churn horizon).",
              "churn_rate", "churned_customers / churn_base; null when the base is 0.",
              "reactivation_base", "Customers churned at the end of the previous month.",
              "reactivated_customers",
                  "Of those, customers with a purchase in this month (win-back).",
              "reactivation_rate",
                  "reactivated_customers / reactivation_base; null when the base is 0.",
              "csat_answers", "Survey answers in the month with a CSAT.",
              "csat_mean", "Mean CSAT (1-5) of those answers, 2 decimals; null without answers.",
              "nps_answers", "Survey answers in the month with an NPS.",
              "promoters", "NPS answers 9-10.",
              "detractors", "NPS answers 0-6.",
              "nps",
                  "(promoters - detractors) / nps_answers x 100, 2 decimals; null without answers.",
              "complaints", "Complaints opened in the month.",
              "complaints_per_1000_orders",
                  "complaints / orders x 1000, 2 decimals; null without orders.",
              "resolved_complaints", "Complaints resolved in the month.",
              "resolution_hours_median",
                  "Median hours opened to resolved of the month's resolved complaints.",
              "resolution_hours_p90", "90th percentile of those hours.",
              "open_complaints",
                  "Complaints open at the month's end (its last day; as_of for the open month): opened on or before it and not resolved by it, counted under the label their customer held at the month's start.",
              "points_earned",
                  "Points earned by the month's purchase lines (before reversals), by the label held at the month's start.",
              "points_redeemed",
                  "Points of the redemptions dated in the month; null without a redemptions input.",
              "points_redemption_rate",
                  "points_redeemed / points_earned, 4 decimals (above 1 when older points are spent); null without a redemptions input or when nothing was earned.",
              "points_redemption_note",
                  "Why points_redemption_rate is null (no redemptions input, or no points earned in the month); null when it has a value."));

  public static final TableDoc TIER_HISTORY =
      new TableDoc(
          Table.TIER_HISTORY,
          "one row per customer, dimension and interval of an unchanged label (SCD2); partitioned by dimension and is_current",
          cols(
              "customer_id", "Customer id (pseudonymous).",
              "dimension", "Label column of customer_tiers.",
              "label", "The label held during the interval.",
              "reason",
                  "The reason given when the interval opened, in the one reason grammar code[:name=value,...] (codes per label in docs/aggregates.md); never null.",
              "valid_from", "First published as_of with this label.",
              "valid_to",
                  "First published as_of after the interval (exclusive); null while current.",
              "is_current", "True for the interval holding at the latest published as_of."));

  public static final TableDoc TIER_TRANSITIONS =
      new TableDoc(
          Table.TIER_TRANSITIONS,
          "one row per as_of, dimension, from_label and to_label, between consecutive published as_of dates",
          cols(
              "as_of", "The later of the two published dates.",
              "previous_as_of", "The published date before as_of.",
              "dimension", "Label column of customer_tiers.",
              "from_label", "Label at previous_as_of; (new) for customers first seen at as_of.",
              "to_label", "Label at as_of; (gone) for customers absent at as_of.",
              "customers", "Customers who made this move (from = to: stayed)."));

  public static final TableDoc PREDICTION_SCORECARD =
      new TableDoc(
          Table.PREDICTION_SCORECARD,
          "one row per as_of, model and metric, written by clientele backtest (definitions in"
              + " docs/predictions.md)",
          cols(
              "as_of", "The backtest date: predictions are compared with what happened up to it.",
              "cutoff",
                  "as_of - holdout_days: every prediction uses only data up to and including this"
                      + " date.",
              "holdout_days", "Length of the holdout period (cutoff, as_of] in days.",
              "model", "clv_bgnbd, churn_rule or churn_learned.",
              "baseline",
                  "The naive model measured the same way: rate_carried_forward (CLV) or"
                      + " recency_only (churn).",
              "metric",
                  "Metric name, e.g. purchases_mae, spend_rmse, auc, brier, precision_at_flag.",
              "value", "The model's value of the metric; null when undefined.",
              "baseline_value", "The baseline's value of the same metric.",
              "grade",
                  "A, B or C against the baseline (thresholds in clientele.predict); null for"
                      + " informational metrics.",
              "customers", "Customers the metric is computed over.",
              "note", "Why a model has no values (fit skipped, one-class training set); else null.",
              "run_id", "The backtest run that wrote the row."));

  public static final TableDoc PREDICTION_CALIBRATION =
      new TableDoc(
          Table.PREDICTION_CALIBRATION,
          "one row per as_of, model, kind and bucket, written by clientele backtest",
          cols(
              "as_of", "The backtest date.",
              "cutoff", "as_of - holdout_days: the date the predictions were made as of.",
              "model", "clv_bgnbd, churn_rule or churn_learned.",
              "kind",
                  "frequency_bucket (CLV: repeat purchases at the cutoff) or risk_decile (churn).",
              "bucket", "Bucket label: 0, 1, ..., 7+ or risk decile 1 (highest risk) .. 10.",
              "bucket_order", "Sort order of the buckets, from 0.",
              "customers", "Customers in the bucket.",
              "predicted",
                  "Mean predicted purchases (CLV) or churn probability (churn) in the bucket.",
              "actual", "Mean actual purchases in the holdout (CLV) or share who churned (churn).",
              "baseline_predicted", "Mean prediction of the baseline in the bucket."));

  public static final TableDoc AUDIENCE_MEMBERS =
      new TableDoc(
          Table.AUDIENCE_MEMBERS,
          "one row per as_of, audience and customer passing the audience's rule at as_of;"
              + " partitioned by as_of (definitions in docs/audiences.md)",
          cols(
              "as_of", "The publish date the audience was picked as of.",
              "audience", "Audience name (clientele.audiences.definitions).",
              "customer_id", "Customer id, as in customer_tiers (pseudonymous).",
              "status",
                  "selected (exported for the campaign), holdout (eligible, kept out as the control"
                      + " group) or suppressed.",
              "reason",
                  "null for selected; holdout for holdouts; for suppressed the first reason that"
                      + " applies: opted_out, excluded_lifecycle:<stage>, open_complaint,"
                      + " contact_cap or audience_limit."));

  public static final TableDoc AUDIENCE_RESULTS =
      new TableDoc(
          Table.AUDIENCE_RESULTS,
          "one row per as_of and audience with selected or holdout customers, once as_of +"
              + " measure_days is on or before a publish's date; partitioned by as_of (formulas in"
              + " docs/audiences.md)",
          cols(
              "as_of", "The date the audience was picked as of (audience_members.as_of).",
              "audience", "Audience name.",
              "measure_days", "Length of the outcome window (as_of, window_end] in days.",
              "window_end", "as_of + measure_days: the last day of the outcome window.",
              "measured_as_of",
                  "The publish date whose data measured the window (on or after window_end).",
              "selected_customers", "Selected customers at as_of.",
              "holdout_customers", "Holdout customers at as_of.",
              "selected_repurchase_rate",
                  "Share of selected customers with at least one purchase in the window.",
              "holdout_repurchase_rate",
                  "Share of holdout customers with at least one purchase in the window.",
              "repurchase_uplift", "selected_repurchase_rate - holdout_repurchase_rate.",
              "repurchase_uplift_ci_low",
                  "Lower bound of the 95% confidence interval of repurchase_uplift (normal"
                      + " approximation, unpooled standard errors); null without a holdout.",
              "repurchase_uplift_ci_high", "Upper bound of that interval.",
              "selected_spend_per_customer",
                  "Mean net spend (returns negative) in the window per selected customer, 0 for"
                      + " none.",
              "holdout_spend_per_customer", "The same for holdout customers.",
              "spend_uplift", "selected_spend_per_customer - holdout_spend_per_customer.",
              "spend_uplift_ci_low",
                  "Lower bound of the 95% confidence interval of spend_uplift; null with fewer than"
                      + " two customers in a group.",
              "spend_uplift_ci_high", "Upper bound of that interval."));

  public static final Map<Table, TableDoc> ALL = new LinkedHashMap<>();

  static {
    ALL.put(Table.CUSTOMER_TIERS, CUSTOMER_TIERS);
    ALL.put(Table.SEGMENT_SUMMARY, SEGMENT_SUMMARY);
    ALL.put(Table.KPI_MONTHLY, KPI_MONTHLY);
    ALL.put(Table.TIER_HISTORY, TIER_HISTORY);
    ALL.put(Table.TIER_TRANSITIONS, TIER_TRANSITIONS);
    ALL.put(Table.PREDICTION_SCORECARD, PREDICTION_SCORECARD);
    ALL.put(Table.PREDICTION_CALIBRATION, PREDICTION_CALIBRATION);
    ALL.put(Table.AUDIENCE_MEMBERS, AUDIENCE_MEMBERS);
    ALL.put(Table.AUDIENCE_RESULTS, AUDIENCE_RESULTS);
  }

  /**
   * The frame with each documented column's comment in its schema metadata, so the table carries
   * its documentation from the first write on without one ALTER commit per column.
   */
  public static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> withComments(
      org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> frame, Table table) {
    TableDoc doc = ALL.get(table);
    if (doc == null) return frame;
    org.apache.spark.sql.Column[] columns = new org.apache.spark.sql.Column[frame.columns().length];
    int i = 0;
    for (org.apache.spark.sql.types.StructField field : frame.schema().fields()) {
      String comment = doc.columns().get(field.name());
      org.apache.spark.sql.Column c = org.apache.spark.sql.functions.col("`" + field.name() + "`");
      columns[i++] =
          comment == null
              ? c
              : c.as(
                  field.name(),
                  new org.apache.spark.sql.types.MetadataBuilder()
                      .withMetadata(field.metadata())
                      .putString("comment", comment)
                      .build());
    }
    return frame.select(columns);
  }

  /** docs/tables.md: every gold column, and the reader contract. */
  public static String markdown() {
    StringBuilder md = new StringBuilder("# Gold tables\n\n");
    md.append(
        "Generated from `GoldDocs` (the same text is stored as Delta column comments at publish and"
            + " shown by the catalog views); `PublishConsistencyIT` fails on any published gold"
            + " column without an entry here. The definitions behind `kpi_monthly` are in"
            + " [kpis.md](kpis.md).\n\n");
    md.append(
        "**Reader contract.** The tables live under `<warehouse>/gold/<table>`, but read them as"
            + " published: the catalog views `clientele.<table>` (also what `clientele sql` sees),"
            + " the PostgreSQL export, or `<warehouse>/gold/_published.csv` for DuckDB (see"
            + " [bi-access.md](bi-access.md)). All of them follow the ops table `published`, which"
            + " each publish commits after every gold table, so a reader never sees two publishes"
            + " at once, and a failed gate or a crash leaves it on the previous publish (see"
            + " [operations.md](operations.md)). Reading the folders directly can show a publish in"
            + " progress.\n\n");
    md.append(
        "`published` (ops, catalog `clientele.published`): one row per publish: `publish_number`"
            + " (1, 2, ...; the highest is current), `as_of` (the date that publish wrote),"
            + " `run_id`, `published_at`, `table_versions` (gold table name to the Delta version"
            + " readers see).\n\n");
    md.append(
        "One name per value: `customer_tiers` publishes the RFM inputs once, as `order_count`"
            + " (F) and `net_spend` (M), the names `customer_features` and `customer_values` use;"
            + " the segment stage's copies `frequency` and `monetary` are not published.\n");
    for (TableDoc doc : ALL.values()) {
      md.append("\n## ")
          .append(doc.table().tableName)
          .append("\n\nGrain: ")
          .append(doc.grain())
          .append(".\n\n");
      md.append("| column | meaning |\n|---|---|\n");
      doc.columns()
          .forEach(
              (c, m) ->
                  md.append("| `")
                      .append(c)
                      .append("` | ")
                      .append(m.replace("|", "\\|"))
                      .append(" |\n"));
    }
    return md.toString();
  }
}
