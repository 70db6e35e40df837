package dev.clientele.satisfaction;

import static dev.clientele.tiering.Reasons.p;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.ComplaintsColumns;
import dev.clientele.common.columns.CustomerSatisfactionColumns;
import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.common.columns.SurveysColumns;
import dev.clientele.tiering.Reasons;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per-customer survey and complaint facts and the satisfaction band, as of a date. Output grain:
 * one row per customer of the {@code customer_features} snapshot (prospects included), with the
 * columns of {@link CustomerSatisfactionColumns} up to {@code satisfaction_band_reason}. Only
 * events on or before the as-of date count, so a rerun for a past date gives the same answer.
 *
 * <p>The band is the first matching rule, in this order (bars from {@link SatisfactionRules.Band}):
 * {@code unknown} (no CSAT or NPS answer in the window, no complaint in the window and none open);
 * {@code dissatisfied} (an open complaint; complaints in the window at or above the bar; last NPS
 * answer a detractor; CSAT mean at or below the bar); {@code satisfied} (CSAT mean at or above the
 * bar; last NPS answer a promoter); {@code neutral} otherwise. Empty survey and complaint frames
 * (no source configured) give {@code unknown} for everyone.
 */
public final class CustomerSatisfaction {
  /** Every band, in the order BI tools should list them. */
  public static final List<String> BANDS =
      List.of("satisfied", "neutral", "dissatisfied", "unknown");

  /** The NPS classes of an answer; {@code unknown} (no answer) is not one of them. */
  public static final List<String> NPS_ANSWER_CLASSES = List.of("promoter", "passive", "detractor");

  private CustomerSatisfaction() {}

  /** NPS class of an answer 0–10: promoter 9–10, passive 7–8, detractor 0–6, unknown when null. */
  public static Column npsClass(Column nps) {
    return when(nps.isNull(), lit("unknown"))
        .when(nps.geq(9), lit("promoter"))
        .when(nps.geq(7), lit("passive"))
        .otherwise(lit("detractor"));
  }

  /**
   * @param features the {@code customer_features} snapshot (customer_id, order_count used)
   * @param surveys silver {@code surveys} (may be empty)
   * @param complaints silver {@code complaints} (may be empty)
   */
  public static Dataset<Row> facts(
      Dataset<Row> features,
      Dataset<Row> surveys,
      Dataset<Row> complaints,
      SatisfactionRules rules,
      LocalDate asOf) {
    Column asOfDate = lit(Date.valueOf(asOf));
    Column windowStart = lit(Date.valueOf(asOf.minusDays(rules.windowDays() - 1L)));

    Column answered = to_date(col(SurveysColumns.ANSWERED_AT));
    Dataset<Row> answers =
        surveys
            .where(answered.geq(windowStart).and(answered.leq(asOfDate)))
            .groupBy(col(SurveysColumns.CUSTOMER_ID).as("s_customer_id"))
            .agg(
                count(lit(1)).as(CustomerSatisfactionColumns.SURVEY_COUNT),
                avg(col(SurveysColumns.CSAT)).as(CustomerSatisfactionColumns.CSAT_MEAN),
                // Latest NPS answer; ties on the timestamp broken by survey id so reruns agree.
                max(when(
                        col(SurveysColumns.NPS).isNotNull(),
                        struct(
                            col(SurveysColumns.ANSWERED_AT).as("at"),
                            col(SurveysColumns.SURVEY_ID).as("id"),
                            col(SurveysColumns.NPS).as("nps"))))
                    .as("last_answer"));

    Column opened = to_date(col(ComplaintsColumns.OPENED_AT));
    Column resolved = to_date(col(ComplaintsColumns.RESOLVED_AT));
    Column inWindow = opened.geq(windowStart);
    Column resolvedByAsOf = resolved.isNotNull().and(resolved.leq(asOfDate));
    Dataset<Row> complaintFacts =
        complaints
            .where(opened.leq(asOfDate))
            .groupBy(col(ComplaintsColumns.CUSTOMER_ID).as("c_customer_id"))
            .agg(
                count(when(inWindow, lit(1))).as(CustomerSatisfactionColumns.COMPLAINT_COUNT),
                count(when(resolvedByAsOf.unary_$bang(), lit(1)))
                    .as(CustomerSatisfactionColumns.OPEN_COMPLAINTS),
                max(struct(
                        col(ComplaintsColumns.OPENED_AT).as("at"),
                        col(ComplaintsColumns.COMPLAINT_ID).as("id"),
                        col(ComplaintsColumns.CATEGORY).as("category")))
                    .as("last_complaint"),
                // Exact median: Spark's percentile interpolates linearly between the two middle
                // values.
                percentile(when(inWindow.and(resolvedByAsOf), resolutionHours()), lit(0.5))
                    .as(CustomerSatisfactionColumns.MEDIAN_RESOLUTION_HOURS));

    Dataset<Row> joined =
        features
            .select(col(FeaturesColumns.CUSTOMER_ID), col(FeaturesColumns.ORDER_COUNT))
            .join(answers, col(FeaturesColumns.CUSTOMER_ID).equalTo(col("s_customer_id")), "left")
            .join(
                complaintFacts,
                col(FeaturesColumns.CUSTOMER_ID).equalTo(col("c_customer_id")),
                "left");

    Column surveyCount = coalesce(col(CustomerSatisfactionColumns.SURVEY_COUNT), lit(0L));
    Column complaintCount = coalesce(col(CustomerSatisfactionColumns.COMPLAINT_COUNT), lit(0L));
    Column openComplaints = coalesce(col(CustomerSatisfactionColumns.OPEN_COMPLAINTS), lit(0L));
    Column lastNps = col("last_answer.nps");
    Column orderCount = col(FeaturesColumns.ORDER_COUNT);

    Dataset<Row> facts =
        joined.select(
            col(FeaturesColumns.CUSTOMER_ID).as(CustomerSatisfactionColumns.CUSTOMER_ID),
            asOfDate.as(CustomerSatisfactionColumns.AS_OF),
            surveyCount.as(CustomerSatisfactionColumns.SURVEY_COUNT),
            col(CustomerSatisfactionColumns.CSAT_MEAN),
            lastNps.as(CustomerSatisfactionColumns.LAST_NPS),
            to_date(col("last_answer.at")).as(CustomerSatisfactionColumns.LAST_NPS_DATE),
            npsClass(lastNps).as(CustomerSatisfactionColumns.NPS_CLASS),
            complaintCount.as(CustomerSatisfactionColumns.COMPLAINT_COUNT),
            openComplaints.as(CustomerSatisfactionColumns.OPEN_COMPLAINTS),
            col("last_complaint.category").as(CustomerSatisfactionColumns.LAST_COMPLAINT_CATEGORY),
            to_date(col("last_complaint.at")).as(CustomerSatisfactionColumns.LAST_COMPLAINT_DATE),
            round(col(CustomerSatisfactionColumns.MEDIAN_RESOLUTION_HOURS), 2)
                .as(CustomerSatisfactionColumns.MEDIAN_RESOLUTION_HOURS),
            when(
                    orderCount.gt(0),
                    round(try_divide(complaintCount.cast("double"), orderCount.cast("double")), 4))
                .as(CustomerSatisfactionColumns.COMPLAINTS_PER_ORDER));
    return withBand(facts, rules.band());
  }

  /**
   * The complaints resolved in the satisfaction window ending on {@code asOf} (resolved_at's date
   * in [asOf − window-days + 1, asOf], opened on or before asOf), one row each: customer_id, as_of
   * and resolution_hours (opened_at to resolved_at, fractional). A complaint resolved on the as-of
   * date itself is in; one resolved later is not (it is open at as-of). The rows segment_summary's
   * resolution percentiles are taken over.
   */
  public static Dataset<Row> resolvedInWindow(
      Dataset<Row> complaints, SatisfactionRules rules, LocalDate asOf) {
    Column asOfDate = lit(Date.valueOf(asOf));
    Column windowStart = lit(Date.valueOf(asOf.minusDays(rules.windowDays() - 1L)));
    Column resolved = to_date(col(ComplaintsColumns.RESOLVED_AT));
    return complaints
        .where(
            to_date(col(ComplaintsColumns.OPENED_AT))
                .leq(asOfDate)
                .and(resolved.geq(windowStart))
                .and(resolved.leq(asOfDate)))
        .select(
            col(ComplaintsColumns.CUSTOMER_ID).as(CustomerSatisfactionColumns.CUSTOMER_ID),
            asOfDate.as(CustomerSatisfactionColumns.AS_OF),
            resolutionHours().as(RESOLUTION_HOURS));
  }

  /** The column of {@link #resolvedInWindow} holding a complaint's hours to resolution. */
  public static final String RESOLUTION_HOURS = "resolution_hours";

  /** Hours from opened to resolved, fractional. */
  static Column resolutionHours() {
    return unix_seconds(col(ComplaintsColumns.RESOLVED_AT))
        .minus(unix_seconds(col(ComplaintsColumns.OPENED_AT)))
        .divide(3600.0);
  }

  private static Dataset<Row> withBand(Dataset<Row> facts, SatisfactionRules.Band band) {
    Column csat = col(CustomerSatisfactionColumns.CSAT_MEAN);
    Column npsClass = col(CustomerSatisfactionColumns.NPS_CLASS);
    Column complaints = col(CustomerSatisfactionColumns.COMPLAINT_COUNT);
    Column open = col(CustomerSatisfactionColumns.OPEN_COMPLAINTS);
    Column lastNps = col(CustomerSatisfactionColumns.LAST_NPS);
    Column csatText = Reasons.fixed(csat, 2);
    // The first rule that matches wins: {condition, band, reason}.
    Column[][] rules = {
      {
        csat.isNull().and(lastNps.isNull()).and(complaints.equalTo(0)).and(open.equalTo(0)),
        lit("unknown"),
        Reasons.of("no_answers_or_complaints")
      },
      {open.gt(0), lit("dissatisfied"), Reasons.of("open_complaint", p("open", open))},
      {
        complaints.geq(band.dissatisfiedComplaints()),
        lit("dissatisfied"),
        Reasons.of(
            "complaints",
            p("complaint_count", Reasons.cmp(complaints, ">=", lit(band.dissatisfiedComplaints()))))
      },
      {
        npsClass.equalTo("detractor"),
        lit("dissatisfied"),
        Reasons.of("last_nps_detractor", p("last_nps", lastNps))
      },
      {
        csat.leq(band.dissatisfiedCsatMax()),
        lit("dissatisfied"),
        Reasons.of(
            "low_csat",
            p("csat_mean", Reasons.cmp(csatText, "<=", lit(band.dissatisfiedCsatMax()))))
      },
      {
        csat.geq(band.satisfiedCsatMin()),
        lit("satisfied"),
        Reasons.of(
            "high_csat", p("csat_mean", Reasons.cmp(csatText, ">=", lit(band.satisfiedCsatMin()))))
      },
      {
        npsClass.equalTo("promoter"),
        lit("satisfied"),
        Reasons.of("last_nps_promoter", p("last_nps", lastNps))
      }
    };
    Column label = lit("neutral");
    Column reason =
        Reasons.of("between_bars", p("csat_mean", csatText), p("last_nps_class", npsClass));
    for (int i = rules.length - 1; i >= 0; i--) {
      label = when(rules[i][0], rules[i][1]).otherwise(label);
      reason = when(rules[i][0], rules[i][2]).otherwise(reason);
    }
    return facts
        .withColumn(CustomerSatisfactionColumns.SATISFACTION_BAND, label)
        .withColumn(CustomerSatisfactionColumns.SATISFACTION_BAND_REASON, reason);
  }
}
