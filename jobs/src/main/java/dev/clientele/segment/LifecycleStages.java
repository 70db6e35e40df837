package dev.clientele.segment;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.CustomerSegmentsColumns;
import dev.clientele.common.columns.FeaturesColumns;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Lifecycle stage, activity status and core / potential / non-target flag, one row per customer.
 *
 * <p>Lifecycle, first matching rule wins:
 *
 * <ol>
 *   <li><b>prospect</b>: no purchase up to as-of;
 *   <li><b>churned</b>: recency_days &gt; churn horizon;
 *   <li><b>reactivated</b>: the purchase that ended a gap longer than the churn horizon is at most
 *       reactivated-days old;
 *   <li><b>new</b>: first purchase at most new-days old;
 *   <li><b>declining</b>: repeat buyer overdue (recency_days &gt; mean gap x overdue-factor), or
 *       spend falling (spend in the last trend window &lt; (1 - spend-drop-share) x the window
 *       before, which had spend), or a single purchase that was not repeated after the new period;
 *   <li><b>developing</b>: repeat buyer whose spend is rising (last trend window &gt; the one
 *       before);
 *   <li><b>stable</b>: the rest: repeat buyers on their own cadence.
 * </ol>
 *
 * <p>Activity: active when recency_days &lt;= active-days, dormant up to lost-days, lost beyond;
 * none for prospects. Target flag: core when active with mean R, F, M score &gt;=
 * core-min-rfm-mean; potential when not lost and (mean score &gt;= potential-min-rfm-mean or the
 * stage is one of potential-stages); non-target otherwise. Needs the RFM score columns.
 */
public final class LifecycleStages {
  private LifecycleStages() {}

  public static final List<String> STAGES =
      List.of("prospect", "new", "developing", "stable", "declining", "churned", "reactivated");

  public static Dataset<Row> label(Dataset<Row> scored, SegmentRules rules) {
    SegmentRules.LifecycleRules l = rules.lifecycle();
    Column asOf = col(FeaturesColumns.AS_OF);
    Column prospect = col(FeaturesColumns.IS_PROSPECT);
    Column recency = col(FeaturesColumns.RECENCY_DAYS);
    Column meanGap = col(FeaturesColumns.MEAN_GAP_DAYS);
    Column last = col(FeaturesColumns.SPEND_LAST_90D);
    Column prev = col(FeaturesColumns.SPEND_PREV_90D);
    Column lifetimeOrders = col(FeaturesColumns.LIFETIME_ORDER_COUNT);
    Column reactivatedAgo = datediff(asOf, col(FeaturesColumns.REACTIVATED_ON));
    Column firstAgo = datediff(asOf, col(FeaturesColumns.FIRST_PURCHASE_DATE));
    Column lastD = last.cast(DataTypes.DoubleType);
    Column prevD = prev.cast(DataTypes.DoubleType);

    Column churned = recency.gt(l.churnHorizonDays());
    Column reactivated = reactivatedAgo.leq(l.reactivatedDays());
    Column isNew = firstAgo.leq(l.newDays());
    Column overdue = meanGap.isNotNull().and(recency.gt(meanGap.multiply(l.overdueFactor())));
    Column falling = prev.gt(0).and(lastD.lt(prevD.multiply(1 - l.spendDropShare())));
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
    Column stageReason =
        when(prospect, lit("lifecycle_stage=prospect: no purchase up to as-of"))
            .when(
                churned,
                format_string(
                    "lifecycle_stage=churned: recency_days %d > churn horizon %d",
                    recency, lit(l.churnHorizonDays())))
            .when(
                reactivated,
                format_string(
                    "lifecycle_stage=reactivated: bought on %s after a gap over %d days, %d days ago <= %d",
                    col(FeaturesColumns.REACTIVATED_ON).cast("string"),
                    lit(l.churnHorizonDays()),
                    reactivatedAgo,
                    lit(l.reactivatedDays())))
            .when(
                isNew,
                format_string(
                    "lifecycle_stage=new: first purchase %s, %d days ago <= %d",
                    col(FeaturesColumns.FIRST_PURCHASE_DATE).cast("string"),
                    firstAgo,
                    lit(l.newDays())))
            .when(
                overdue,
                format_string(
                    "lifecycle_stage=declining: recency_days %d > mean gap %.1f x %.1f",
                    recency, meanGap, lit(l.overdueFactor())))
            .when(
                falling,
                format_string(
                    "lifecycle_stage=declining: spend_last_90d %.2f < %.2f x spend_prev_90d %.2f",
                    lastD, lit(1 - l.spendDropShare()), prevD))
            .when(
                single,
                format_string(
                    "lifecycle_stage=declining: single purchase %d days ago, not repeated within new-days %d",
                    recency, lit(l.newDays())))
            .when(
                rising,
                format_string(
                    "lifecycle_stage=developing: repeat buyer, spend_last_90d %.2f > spend_prev_90d %.2f",
                    lastD, prevD))
            .otherwise(
                when(
                        meanGap.isNotNull(),
                        format_string(
                            "lifecycle_stage=stable: recency_days %d <= mean gap %.1f x %.1f, spend_last_90d %.2f not rising or falling",
                            recency, meanGap, lit(l.overdueFactor()), lastD))
                    .otherwise(lit("lifecycle_stage=stable: repeat buyer on cadence")));

    Column activity =
        when(prospect, lit("none"))
            .when(recency.leq(l.activeDays()), lit("active"))
            .when(recency.leq(l.lostDays()), lit("dormant"))
            .otherwise(lit("lost"));
    Column activityReason =
        when(prospect, lit("activity_status=none: no purchase up to as-of"))
            .when(
                recency.leq(l.activeDays()),
                format_string(
                    "activity_status=active: recency_days %d <= %d", recency, lit(l.activeDays())))
            .when(
                recency.leq(l.lostDays()),
                format_string(
                    "activity_status=dormant: recency_days %d > %d and <= %d",
                    recency, lit(l.activeDays()), lit(l.lostDays())))
            .otherwise(
                format_string(
                    "activity_status=lost: recency_days %d > %d", recency, lit(l.lostDays())));

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
    Column reason =
        when(
                core,
                format_string(
                    "target_flag=core: active, mean RFM score %.2f >= %.2f",
                    mean, lit(t.coreMinRfmMean())))
            .when(
                byScore,
                format_string(
                    "target_flag=potential: %s, mean RFM score %.2f >= %.2f",
                    activity, mean, lit(t.potentialMinRfmMean())))
            .when(
                byStage,
                format_string("target_flag=potential: %s, lifecycle_stage %s", activity, stage))
            .when(activity.equalTo("lost"), lit("target_flag=non-target: activity_status lost"))
            .otherwise(
                format_string(
                    "target_flag=non-target: mean RFM score %.2f < %.2f, lifecycle_stage %s",
                    mean, lit(t.potentialMinRfmMean()), stage));
    return staged
        .withColumn(CustomerSegmentsColumns.TARGET_FLAG, flag)
        .withColumn(CustomerSegmentsColumns.TARGET_FLAG_REASON, reason);
  }
}
