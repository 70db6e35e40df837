package dev.clientele.satisfaction;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.CustomerSatisfactionColumns;
import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.features.ChurnDefinition;
import dev.clientele.tiering.Reasons;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Churn early warning: per customer, a risk score in [0,1], a flag, the reason codes behind it, and
 * for customers already churned, one cause category. Output grain: one row per customer of the
 * satisfaction facts (same rows, columns added).
 *
 * <p>Signals, each in [0,1] (names are also the reason codes, listed in this fixed order):
 *
 * <ul>
 *   <li>{@code overdue}: 0 while days since the last purchase are at most the customer's own mean
 *       gap between purchase days (or {@code single-purchase-gap-days} with one purchase day),
 *       rising linearly to 1 at {@code overdue-factor} × that gap; reason when it reaches 1;
 *   <li>{@code spend_falling}: (spend previous 90 days − spend last 90 days) / spend previous 90
 *       days, clipped to [0,1], 0 without earlier spend; reason at {@code spend-drop-bar};
 *   <li>{@code visits_falling}: the same on order counts; reason at {@code visit-drop-bar};
 *   <li>{@code recent_complaint}: 1 when a complaint was opened in the last {@code recent-days};
 *   <li>{@code detractor}: 1 when the last NPS answer (in the last {@code recent-days}) was 0–6;
 *   <li>{@code unresolved_complaint}: 1 while any complaint is open.
 * </ul>
 *
 * Risk = Σ weight × signal / Σ weight, clipped to [0,1] and rounded to 4 decimals: monotone
 * (non-decreasing) in every signal because weights are non-negative. Signals of zero weight give no
 * reason code. Customers who never bought (prospects) are not scored: risk and signals null, flag
 * false, no reasons.
 *
 * <p>A customer is churned when they bought at least once and {@code recency_days >= horizon-days}.
 * A churned customer's cause is the category of their latest complaint (quality, service, price,
 * delivery) when it was opened no earlier than {@code window-days} before their last purchase;
 * otherwise (no such complaint, or category {@code other}) {@code competitor_unknown}. Exactly one
 * cause per churned customer, none for the others.
 */
public final class ChurnRisk {
  /** Signal names, which are also the reason codes, in reason order. */
  public static final List<String> SIGNALS =
      List.of(
          "overdue",
          "spend_falling",
          "visits_falling",
          "recent_complaint",
          "detractor",
          "unresolved_complaint");

  /** Churn cause categories. */
  public static final List<String> CAUSES =
      List.of("quality", "service", "price", "delivery", "competitor_unknown");

  private ChurnRisk() {}

  /**
   * Adds the churn columns to {@link CustomerSatisfaction#facts} rows.
   *
   * @param features the {@code customer_features} snapshot of the same as-of date
   */
  public static Dataset<Row> assess(
      Dataset<Row> features, Dataset<Row> facts, SatisfactionRules rules, LocalDate asOf) {
    SatisfactionRules.Churn churn = rules.churn();
    Dataset<Row> f =
        features.select(
            col(FeaturesColumns.CUSTOMER_ID).as("f_customer_id"),
            col(FeaturesColumns.RECENCY_DAYS),
            col(FeaturesColumns.MEAN_GAP_DAYS),
            col(FeaturesColumns.LAST_PURCHASE_DATE),
            col(FeaturesColumns.SPEND_LAST_90D),
            col(FeaturesColumns.SPEND_PREV_90D),
            col(FeaturesColumns.ORDERS_LAST_90D),
            col(FeaturesColumns.ORDERS_PREV_90D));
    Dataset<Row> joined =
        facts.join(
            f, col(CustomerSatisfactionColumns.CUSTOMER_ID).equalTo(col("f_customer_id")), "left");

    ChurnDefinition definition = churn.definition();
    Column recentStart = lit(Date.valueOf(asOf.minusDays(churn.recentDays() - 1L)));
    Column recencyDays = col(FeaturesColumns.RECENCY_DAYS);
    Column overdue = definition.overdueSignal(recencyDays, col(FeaturesColumns.MEAN_GAP_DAYS));
    Column spendFalling =
        definition.spendDrop(
            col(FeaturesColumns.SPEND_PREV_90D), col(FeaturesColumns.SPEND_LAST_90D));
    Column visitsFalling =
        definition.visitDrop(
            col(FeaturesColumns.ORDERS_PREV_90D), col(FeaturesColumns.ORDERS_LAST_90D));
    Column recentComplaint =
        indicator(col(CustomerSatisfactionColumns.LAST_COMPLAINT_DATE).geq(recentStart));
    Column detractor =
        indicator(
            col(CustomerSatisfactionColumns.NPS_CLASS)
                .equalTo("detractor")
                .and(col(CustomerSatisfactionColumns.LAST_NPS_DATE).geq(recentStart)));
    Column unresolved = indicator(col(CustomerSatisfactionColumns.OPEN_COMPLAINTS).gt(0));

    Column scored = recencyDays.isNotNull();
    Dataset<Row> signals =
        joined
            .withColumn(SIGNALS.get(0), when(scored, overdue))
            .withColumn(SIGNALS.get(1), when(scored, spendFalling))
            .withColumn(SIGNALS.get(2), when(scored, visitsFalling))
            .withColumn(SIGNALS.get(3), when(scored, recentComplaint))
            .withColumn(SIGNALS.get(4), when(scored, detractor))
            .withColumn(SIGNALS.get(5), when(scored, unresolved));

    Column isChurned = definition.isChurned(recencyDays);
    Column lastComplaintCategory = col(CustomerSatisfactionColumns.LAST_COMPLAINT_CATEGORY);
    Column complaintRelevant =
        col(CustomerSatisfactionColumns.LAST_COMPLAINT_DATE)
            .geq(date_sub(col(FeaturesColumns.LAST_PURCHASE_DATE), rules.windowDays()));
    Column knownCategory = lastComplaintCategory.isin("quality", "service", "price", "delivery");
    Column cause =
        when(isChurned.and(complaintRelevant).and(knownCategory), lastComplaintCategory)
            .when(isChurned, lit("competitor_unknown"));
    Column causeReason =
        when(
                isChurned.and(coalesce(complaintRelevant, lit(false))),
                Reasons.of(
                    "complaint",
                    Reasons.p("category", lastComplaintCategory),
                    Reasons.p(
                        "opened",
                        date_format(
                            col(CustomerSatisfactionColumns.LAST_COMPLAINT_DATE), "yyyy-MM-dd"))))
            .when(
                isChurned,
                Reasons.of(
                    "no_complaint",
                    Reasons.p("last_nps", col(CustomerSatisfactionColumns.NPS_CLASS))));

    List<Column> out = new ArrayList<>();
    for (String c : facts.columns()) out.add(col(c));
    out.add(signalMap().as(CustomerSatisfactionColumns.CHURN_SIGNALS));
    Column risk = riskScore(churn);
    Column atBar = coalesce(risk.geq(churn.flagAt()), lit(false));
    out.add(risk.as(CustomerSatisfactionColumns.CHURN_RISK));
    // A churned customer is flagged whatever the risk: no column may call them not churned.
    out.add(isChurned.or(atBar).as(CustomerSatisfactionColumns.CHURN_FLAG));
    out.add(
        flagReason(isChurned, atBar, risk, churn)
            .as(CustomerSatisfactionColumns.CHURN_FLAG_REASON));
    out.add(
        when(isChurned, concat(array(lit("churned")), reasons(churn)))
            .otherwise(reasons(churn))
            .as(CustomerSatisfactionColumns.CHURN_REASONS));
    out.add(isChurned.as(CustomerSatisfactionColumns.IS_CHURNED));
    out.add(cause.as(CustomerSatisfactionColumns.CHURN_CAUSE));
    out.add(causeReason.as(CustomerSatisfactionColumns.CHURN_CAUSE_REASON));
    return signals.select(out.toArray(Column[]::new));
  }

  /**
   * The risk score from the signal columns named by {@link #SIGNALS} (each in [0,1], null for an
   * unscored customer): Σ weight × signal / Σ weight, clipped to [0,1], 4 decimals.
   */
  public static Column riskScore(SatisfactionRules.Churn churn) {
    double total = churn.totalWeight();
    Column sum = lit(0.0);
    for (String s : SIGNALS) {
      double w = churn.weight(s) / total;
      if (w > 0) sum = sum.plus(col(s).multiply(w));
    }
    return when(col(SIGNALS.get(0)).isNotNull(), round(clip01(sum), 4));
  }

  /**
   * The churn_flag reason: {@code churned:recency_days=R>=H} for churned customers, {@code
   * risk_at_bar:risk=0.6250>=0.50}, {@code risk_below_bar:risk=0.1000<0.50}, {@code no_purchase}
   * for customers never scored.
   */
  private static Column flagReason(
      Column isChurned, Column atBar, Column risk, SatisfactionRules.Churn churn) {
    Column bar = Reasons.fixed(lit(churn.flagAt()), 2);
    Column riskText = Reasons.fixed(risk, 4);
    return when(
            isChurned,
            Reasons.of(
                "churned",
                Reasons.p(
                    "recency_days",
                    Reasons.cmp(
                        col(FeaturesColumns.RECENCY_DAYS),
                        ">=",
                        lit(churn.definition().horizonDays())))))
        .when(risk.isNull(), Reasons.of("no_purchase"))
        .when(atBar, Reasons.of("risk_at_bar", Reasons.p("risk", Reasons.cmp(riskText, ">=", bar))))
        .otherwise(
            Reasons.of("risk_below_bar", Reasons.p("risk", Reasons.cmp(riskText, "<", bar))));
  }

  /**
   * Reason codes of the signals with weight > 0 that reached their bar, in {@link #SIGNALS} order.
   */
  static Column reasons(SatisfactionRules.Churn churn) {
    List<Column> codes = new ArrayList<>();
    for (String s : SIGNALS) {
      if (churn.weight(s) <= 0) continue;
      double bar =
          switch (s) {
            case "spend_falling" -> churn.definition().spendDropBar();
            case "visits_falling" -> churn.definition().visitDropBar();
            default -> 1.0;
          };
      codes.add(when(col(s).geq(bar), lit(s)));
    }
    if (codes.isEmpty()) return array().cast("array<string>");
    return array_compact(array(codes.toArray(Column[]::new)));
  }

  private static Column signalMap() {
    List<Column> kv = new ArrayList<>();
    for (String s : SIGNALS) {
      kv.add(lit(s));
      kv.add(round(col(s), 4));
    }
    return when(col(SIGNALS.get(0)).isNotNull(), map(kv.toArray(Column[]::new)));
  }

  private static Column indicator(Column condition) {
    return when(coalesce(condition, lit(false)), lit(1.0)).otherwise(lit(0.0));
  }

  private static Column clip01(Column x) {
    return least(greatest(coalesce(x, lit(0.0)), lit(0.0)), lit(1.0));
  }
}
