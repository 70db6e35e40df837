package dev.clientele.publish;

import dev.clientele.common.table.Table;
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
          "one row per customer per as_of; partitioned by as_of",
          cols(
              "as_of", "Date every value is computed as of (inclusive).",
              "customer_id",
                  "Customer id as delivered by the source system (pseudonymous: no name, email or phone).",
              "age_band", "Age band from birth date at as_of (attribute segmentation).",
              "gender", "Gender as delivered, null when unknown.",
              "income_band", "Income band as delivered.",
              "occupation", "Occupation as delivered.",
              "region", "Region as delivered (latest attributes win).",
              "is_prospect", "True when the customer has attributes but no purchase up to as_of.",
              "recency_days", "Days from the last purchase to as_of; null for prospects.",
              "frequency", "Distinct orders in the feature window (default 365 days).",
              "monetary", "Net spend in the window, returns deducted.",
              "r_score", "Recency score 1..N (N = clientele.segment.rfm.scores), high = recent.",
              "f_score", "Frequency score 1..N, high = frequent.",
              "m_score", "Monetary score 1..N, high = big spender.",
              "rfm_code", "The three scores as text, e.g. 545.",
              "rfm_segment",
                  "Named RFM segment from the configured R x F map (Champions ... Hibernating).",
              "lifecycle_stage",
                  "prospect, new, developing, stable, declining, churned or reactivated.",
              "activity_status", "active, dormant or lost, by recency.",
              "target_flag", "core, potential or non-target customer.",
              "preference_class", "brand-loyal, price-sensitive, category-explorer or none.",
              "value_tier",
                  "high / medium / low by 12-month net spend (top 20% / next 30% / rest; or the order-count bar); none for zero spend.",
              "abc_grade", "A / B / C key-customer grade by cumulative share of revenue.",
              "frequency_tier", "Three bands of order count.",
              "monetary_tier", "Three bands of net spend.",
              "aov_tier", "Three bands of average order value.",
              "margin_tier", "Three bands of gross margin; unknown when costs are missing.",
              "membership_tier", "regular / silver / gold / diamond by cumulative net spend.",
              "points_balance", "Loyalty points balance at as_of (earned - reversed - expired).",
              "satisfaction_band",
                  "satisfied, neutral, dissatisfied or unknown (no survey or complaint).",
              "csat_mean", "Mean CSAT (1-5) of surveys in the satisfaction window.",
              "nps_class",
                  "promoter (9-10), passive (7-8) or detractor (0-6) of the latest NPS answer.",
              "churn_risk",
                  "Churn-risk score in [0,1] from interpretable signals (see churn_reasons).",
              "churn_flag",
                  "True when the customer is churned (is_churned) or churn_risk is at or above the configured bar.",
              "churn_cause",
                  "For churned customers: quality, service, price, delivery or competitor_unknown.",
              "cluster_id",
                  "Behavioural cluster, stable across refits; null when clustering did not run.",
              "cluster_label",
                  "Generated description of the cluster, e.g. 'high spend, low frequency'.",
              "p_alive", "BG/NBD probability the customer is still active.",
              "expected_purchases_h", "BG/NBD expected purchases over the CLV horizon.",
              "expected_avg_spend", "Gamma-Gamma expected spend per purchase.",
              "clv_h", "Predicted customer value over the horizon, discounted.",
              "predicted_value_tier", "Tier by CLV quantiles."));

  public static final TableDoc SEGMENT_SUMMARY =
      new TableDoc(
          Table.SEGMENT_SUMMARY,
          "one row per as_of, dimension and label; partitioned by as_of",
          cols(
              "as_of", "Snapshot date.",
              "dimension",
                  "Label column (value_tier, rfm_segment, ...), attribute (region, ...), cross-tab 'a x b', or satisfaction_x_value.",
              "label", "The label; cross-tabs join their two labels with '|'.",
              "customers", "Customers with this label.",
              "customer_share", "customers / all customers of the dimension.",
              "revenue", "Sum of window net spend.",
              "revenue_share", "revenue / all revenue of the dimension.",
              "aov", "revenue / orders.",
              "csat_mean", "Mean of the customers' CSAT means.",
              "nps", "(% promoters - % detractors) x 100 among customers with an NPS answer.",
              "churn_rate", "Share of customers with churn_flag.",
              "is_priority",
                  "satisfaction_x_value only: the cell is a configured priority (e.g. high value and dissatisfied)."));

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

  public static final Map<Table, TableDoc> ALL = new LinkedHashMap<>();

  static {
    ALL.put(Table.CUSTOMER_TIERS, CUSTOMER_TIERS);
    ALL.put(Table.SEGMENT_SUMMARY, SEGMENT_SUMMARY);
    ALL.put(Table.TIER_HISTORY, TIER_HISTORY);
    ALL.put(Table.TIER_TRANSITIONS, TIER_TRANSITIONS);
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

  /** docs/tables.md for the gold tables (kpi_monthly is documented in docs/kpis.md). */
  public static String markdown() {
    StringBuilder md = new StringBuilder("# Gold tables\n\n");
    md.append(
        "Generated from `GoldDocs` (the same text is stored as Delta column comments at publish).\n");
    md.append(
        "`kpi_monthly` is documented in [kpis.md](kpis.md). All tables live under `<warehouse>/gold/<table>` and in catalog database `clientele`.\n");
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
