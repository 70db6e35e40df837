package dev.clientele.segment;

import static dev.clientele.tiering.Reasons.p;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.CustomerSegmentsColumns;
import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.features.ChurnDefinition;
import dev.clientele.tiering.Reasons;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Lifecycle stage, activity status and core / potential / non-target flag, one row per customer.
 *
 * <p>Lifecycle, first matching rule wins (churned, overdue and spend falling are the one {@link
 * ChurnDefinition} every table uses; the reason code of each rule in brackets):
 *
 * <ol>
 *   <li><b>prospect</b>: no purchase up to as-of [no_purchase];
 *   <li><b>churned</b>: {@link ChurnDefinition#isChurned}: recency_days &gt;= horizon [churned];
 *   <li><b>reactivated</b>: the purchase that ended a gap longer than the churn horizon is at most
 *       reactivated-days old [reactivated];
 *   <li><b>new</b>: first purchase at most new-days old [new];
 *   <li><b>declining</b>: overdue ({@link ChurnDefinition#isOverdue}) [overdue], or spend falling
 *       ({@link ChurnDefinition#isSpendFalling}) [spend_falling], or a single purchase that was not
 *       repeated after the new period [single_purchase];
 *   <li><b>developing</b>: repeat buyer whose spend is rising (last trend window &gt; the one
 *       before) [spend_rising];
 *   <li><b>stable</b>: the rest: repeat buyers on their own cadence [on_cadence].
 * </ol>
 *
 * <p>Activity: active when recency_days &lt;= active-days [recent], lost exactly when churned
 * [churned], dormant between the two [dormant]; none for prospects [no_purchase]. Target flag: core
 * when active with mean R, F, M score &gt;= core-min-rfm-mean [active_high_rfm]; potential when not
 * lost and (mean score &gt;= potential-min-rfm-mean [rfm_mean] or the stage is one of
 * potential-stages [stage]); non-target otherwise [lost, low_rfm]. Needs the RFM score columns.
 * Reasons follow {@link Reasons}.
 */
public final class LifecycleStages {
  private LifecycleStages() {}

  public static final List<String> STAGES =
      List.of("prospect", "new", "developing", "stable", "declining", "churned", "reactivated");

  public static Dataset<Row> label(Dataset<Row> scored, SegmentRules rules) {
    SegmentRules.LifecycleRules l = rules.lifecycle();
    ChurnDefinition churn = l.churn();
    Column asOf = col(FeaturesColumns.AS_OF);
    Column prospect = col(FeaturesColumns.IS_PROSPECT);
    Column recency = col(FeaturesColumns.RECENCY_DAYS);
    Column meanGap = col(FeaturesColumns.MEAN_GAP_DAYS);
    Column last = col(FeaturesColumns.SPEND_LAST_90D);
    Column prev = col(FeaturesColumns.SPEND_PREV_90D);
    Column lifetimeOrders = col(FeaturesColumns.LIFETIME_ORDER_COUNT);
    Column reactivatedAgo = datediff(asOf, col(FeaturesColumns.REACTIVATED_ON));
    Column firstAgo = datediff(asOf, col(FeaturesColumns.FIRST_PURCHASE_DATE));

    Column churned = churn.isChurned(recency);
    Column reactivated = reactivatedAgo.leq(l.reactivatedDays());
    Column isNew = firstAgo.leq(l.newDays());
    Column overdue = churn.isOverdue(recency, meanGap);
    Column falling = churn.isSpendFalling(prev, last);
    Column single = lifetimeOrders.leq(1);
    Column rising = lifetimeOrders.geq(2).and(last.gt(prev));

    Column stage =
        when(prospect, lit("prospect"))
            .when(churned, lit("churned"))
            .when(reactivated, lit("reactivated"))
            .when(isNew, lit("new"))
            .when(overdue.or(falling).or(single), lit("declining"))
            .when(rising, lit("developing"))
            .otherwise(lit("stable"));
    Column gap = coalesce(meanGap, lit((double) churn.singlePurchaseGapDays()));
    Column spend = Reasons.cmp(Reasons.fixed(last, 2), "/", Reasons.fixed(prev, 2));
    Column stageReason =
        when(prospect, Reasons.of("no_purchase"))
            .when(
                churned,
                Reasons.of(
                    "churned",
                    p("recency_days", Reasons.cmp(recency, ">=", lit(churn.horizonDays())))))
            .when(
                reactivated,
                Reasons.of(
                    "reactivated",
                    p("on", col(FeaturesColumns.REACTIVATED_ON)),
                    p("days_ago", Reasons.cmp(reactivatedAgo, "<=", lit(l.reactivatedDays()))),
                    p("gap_over", lit(churn.horizonDays()))))
            .when(
                isNew,
                Reasons.of(
                    "new",
                    p("first_purchase", col(FeaturesColumns.FIRST_PURCHASE_DATE)),
                    p("days_ago", Reasons.cmp(firstAgo, "<=", lit(l.newDays())))))
            .when(
                overdue,
                Reasons.of(
                    "overdue",
                    p(
                        "recency_days",
                        Reasons.cmp(
                            recency, ">=", Reasons.fixed(gap.multiply(churn.overdueFactor()), 1))),
                    p("gap", Reasons.fixed(gap, 1)),
                    p("factor", Reasons.fixed(lit(churn.overdueFactor()), 1))))
            .when(
                falling,
                Reasons.of(
                    "spend_falling",
                    p("last_prev", spend),
                    p(
                        "drop",
                        Reasons.cmp(
                            Reasons.fixed(churn.spendDrop(prev, last), 2),
                            ">=",
                            Reasons.fixed(lit(churn.spendDropBar()), 2)))))
            .when(
                single,
                Reasons.of(
                    "single_purchase",
                    p("recency_days", Reasons.cmp(recency, ">", lit(l.newDays())))))
            .when(rising, Reasons.of("spend_rising", p("last_prev", spend)))
            .otherwise(
                Reasons.of(
                    "on_cadence",
                    p(
                        "recency_days",
                        Reasons.cmp(
                            recency, "<", Reasons.fixed(gap.multiply(churn.overdueFactor()), 1))),
                    p("last_prev", spend)));

    Column activity =
        when(prospect, lit("none"))
            .when(recency.leq(l.activeDays()), lit("active"))
            .when(churned, lit("lost"))
            .otherwise(lit("dormant"));
    Column activityReason =
        when(prospect, Reasons.of("no_purchase"))
            .when(
                recency.leq(l.activeDays()),
                Reasons.of(
                    "recent", p("recency_days", Reasons.cmp(recency, "<=", lit(l.activeDays())))))
            .when(
                churned,
                Reasons.of(
                    "churned",
                    p("recency_days", Reasons.cmp(recency, ">=", lit(churn.horizonDays())))))
            .otherwise(
                Reasons.of(
                    "dormant",
                    p("recency_days", Reasons.cmp(recency, ">", lit(l.activeDays()))),
                    p("horizon_days", lit(churn.horizonDays()))));

    Dataset<Row> staged =
        scored
            .withColumn(CustomerSegmentsColumns.LIFECYCLE_STAGE, stage)
            .withColumn(CustomerSegmentsColumns.LIFECYCLE_STAGE_REASON, stageReason)
            .withColumn(CustomerSegmentsColumns.ACTIVITY_STATUS, activity)
            .withColumn(CustomerSegmentsColumns.ACTIVITY_STATUS_REASON, activityReason);
    return target(staged, rules.target());
  }

  private static Dataset<Row> target(Dataset<Row> staged, SegmentRules.TargetRules t) {
    Column mean =
        col(CustomerSegmentsColumns.R_SCORE)
            .plus(col(CustomerSegmentsColumns.F_SCORE))
            .plus(col(CustomerSegmentsColumns.M_SCORE))
            .divide(3.0);
    Column activity = col(CustomerSegmentsColumns.ACTIVITY_STATUS);
    Column stage = col(CustomerSegmentsColumns.LIFECYCLE_STAGE);
    Column core = activity.equalTo("active").and(mean.geq(t.coreMinRfmMean()));
    Column notLost = activity.notEqual("lost");
    Column byScore = notLost.and(mean.geq(t.potentialMinRfmMean()));
    Column byStage = notLost.and(stage.isin(t.potentialStages().toArray()));
    Column flag =
        when(core, lit("core"))
            .when(byScore.or(byStage), lit("potential"))
            .otherwise(lit("non-target"));
    Column meanText = Reasons.fixed(mean, 2);
    Column reason =
        when(
                core,
                Reasons.of(
                    "active_high_rfm",
                    p(
                        "rfm_mean",
                        Reasons.cmp(meanText, ">=", Reasons.fixed(lit(t.coreMinRfmMean()), 2)))))
            .when(
                byScore,
                Reasons.of(
                    "rfm_mean",
                    p("activity", activity),
                    p(
                        "rfm_mean",
                        Reasons.cmp(
                            meanText, ">=", Reasons.fixed(lit(t.potentialMinRfmMean()), 2)))))
            .when(
                byStage, Reasons.of("stage", p("activity", activity), p("lifecycle_stage", stage)))
            .when(activity.equalTo("lost"), Reasons.of("lost"))
            .when(mean.isNull(), Reasons.of("no_rfm_score", p("lifecycle_stage", stage)))
            .otherwise(
                Reasons.of(
                    "low_rfm",
                    p(
                        "rfm_mean",
                        Reasons.cmp(meanText, "<", Reasons.fixed(lit(t.potentialMinRfmMean()), 2))),
                    p("lifecycle_stage", stage)));
    return staged
        .withColumn(CustomerSegmentsColumns.TARGET_FLAG, flag)
        .withColumn(CustomerSegmentsColumns.TARGET_FLAG_REASON, reason);
  }
}
