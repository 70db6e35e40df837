package dev.clientele.satisfaction;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.get;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.last_day;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.ComplaintsColumns;
import dev.clientele.common.columns.CustomerDaysColumns;
import dev.clientele.common.columns.KpiMonthlyColumns;
import dev.clientele.common.columns.SurveysColumns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Monthly KPIs ({@code kpi_monthly}): one row per calendar month, dimension and label, plus
 * dimension {@value #OVERALL} with label {@value #ALL} over every customer. Months run from the
 * first month holding any transaction, survey or complaint up to the as-of month; every label of
 * the labels frame gets every month, with 0 counts where nothing happened and null rates where the
 * base is 0. Only events on or before the as-of date count. Customers are grouped by the label they
 * have in the labels frame (columns customer_id, dimension, label; one label per customer and
 * dimension; a null label counts as {@code unknown}), the same label for every month.
 *
 * <p>Definitions (also in {@code docs/kpis.md}); a purchase is a non-return transaction line, a
 * purchase day a date with one, H = {@code churn.horizon-days}, W = {@code
 * kpi.repurchase-window-days}:
 *
 * <ul>
 *   <li><b>active customers</b>: customers with a purchase in the month; returns alone do not
 *       count.
 *   <li><b>repurchase rate</b>: of the month's buyers whose first purchase day f in the month has f
 *       + W on or before as-of (window fully observed), the share with another purchase day in (f,
 *       f + W] (in the month or later).
 *   <li><b>churned at a date e</b>: bought at least once up to e and no purchase day in (e − H, e].
 *       <b>churn rate</b> of month m: of customers not churned at the end of month m − 1 who had
 *       bought by then ({@code churn_base}), the share churned at the end of m (the as-of date for
 *       the as-of month).
 *   <li><b>reactivation rate</b>: of customers churned at the end of m − 1, the share with a
 *       purchase in m.
 *   <li><b>CSAT mean</b>, <b>NPS</b> = (promoters 9–10 − detractors 0–6) / NPS answers × 100, over
 *       survey answers given in the month.
 *   <li><b>complaints per 1,000 orders</b>: complaints opened in the month / purchase orders in the
 *       month × 1000.
 *   <li><b>resolution hours median / p90</b>: over complaints resolved in the month, Spark's exact
 *       {@code percentile}: linear interpolation between the closest ranks, position (n − 1) × p.
 *   <li><b>points redemption rate</b>: null; the canonical inputs carry no redemption events, and
 *       {@code points_redemption_note} says so.
 * </ul>
 *
 * Monthly activity comes from {@link #customerMonths}, one aggregate of customer_days to a row per
 * customer and month; churn and reactivation bases are running sums of per-month entries and exits,
 * so customers are never expanded to one row per month. Events meet the labels as one row per
 * customer (all its labels in an array) and fan out to one row per label only inside the
 * aggregation's map side; resolution hours, the one measure that is not additive, are aggregated
 * apart from the rest so the additive measures stay in a hash aggregate.
 */
public final class SatisfactionKpis {
  public static final String OVERALL = "overall";
  public static final String ALL = "all";
  static final String POINTS_NOTE =
      "not available: the canonical transactions, customers, surveys and complaints carry no points redemption events";

  private static final String CUSTOMER_ID = "customer_id";
  private static final String MONTH = KpiMonthlyColumns.MONTH;
  private static final String DAYS = "purchase_days";
  private static final String BASE_DELTA = "churn_base_delta";
  private static final String REACTIVATION_BASE_DELTA = "reactivation_base_delta";
  private static final String CSAT = "csat";
  private static final String NPS_ANSWER = "nps_answer";
  private static final String HOURS = "resolution_hours";
  private static final String LABELS = "labels";

  private SatisfactionKpis() {}

  /**
   * The compact monthly activity aggregate: one row per customer and calendar month with a purchase
   * up to as-of: customer_id, month (first day), orders (purchase orders), purchase_days (sorted
   * purchase dates). Read from {@code customer_days}, so the KPIs never scan the transaction lines.
   */
  public static Dataset<Row> customerMonths(Dataset<Row> customerDays, LocalDate asOf) {
    return purchaseDays(customerDays, asOf)
        .groupBy(
            col(CustomerDaysColumns.CUSTOMER_ID).as(CUSTOMER_ID),
            trunc(col(CustomerDaysColumns.TXN_DATE), "month").as(MONTH))
        .agg(
            sum(size(col(CustomerDaysColumns.ORDER_CHANNELS)))
                .cast("long")
                .as(KpiMonthlyColumns.ORDERS),
            sort_array(collect_list(col(CustomerDaysColumns.TXN_DATE))).as(DAYS));
  }

  /** The {@code kpi_monthly} rows for {@code asOf}; see the class doc for every definition. */
  public static Dataset<Row> monthly(
      Dataset<Row> customerDays,
      Dataset<Row> surveys,
      Dataset<Row> complaints,
      Dataset<Row> labels,
      SatisfactionRules rules,
      LocalDate asOf) {
    Date asOfMonth = Date.valueOf(asOf.withDayOfMonth(1));
    Dataset<Row> events =
        activityEvents(customerMonths(customerDays, asOf), rules, asOf)
            .unionByName(surveyEvents(surveys, asOf))
            .unionByName(complaintEvents(complaints, asOf))
            .where(col(MONTH).leq(lit(asOfMonth)))
            .drop(HOURS);
    // Resolution hours alone keep row grain: the exact percentile cannot be pre-aggregated, and in
    // the
    // main aggregation it would force Spark's sort-based fallback over every exploded event row.
    Dataset<Row> resolutions =
        complaintEvents(complaints, asOf)
            .where(col(HOURS).isNotNull().and(col(MONTH).leq(lit(asOfMonth))))
            .select(CUSTOMER_ID, MONTH, HOURS);

    Dataset<Row> customerLabels =
        labels.select(
            col(CUSTOMER_ID),
            col(KpiMonthlyColumns.DIMENSION),
            coalesce(col(KpiMonthlyColumns.LABEL), lit("unknown")).as(KpiMonthlyColumns.LABEL));
    // One row per customer with all its labels: events join it without being multiplied, and are
    // exploded to one row per label (plus overall) only inside the map side of the aggregation.
    Dataset<Row> labelsByCustomer =
        customerLabels
            .groupBy(CUSTOMER_ID)
            .agg(
                collect_list(struct(col(KpiMonthlyColumns.DIMENSION), col(KpiMonthlyColumns.LABEL)))
                    .as(LABELS));
    Dataset<Row> byLabel =
        byLabel(events, labelsByCustomer)
            .groupBy(MONTH, KpiMonthlyColumns.DIMENSION, KpiMonthlyColumns.LABEL)
            .agg(
                sum(KpiMonthlyColumns.ACTIVE_CUSTOMERS).as(KpiMonthlyColumns.ACTIVE_CUSTOMERS),
                sum(KpiMonthlyColumns.ORDERS).as(KpiMonthlyColumns.ORDERS),
                sum(KpiMonthlyColumns.REPURCHASE_BASE).as(KpiMonthlyColumns.REPURCHASE_BASE),
                sum(KpiMonthlyColumns.REPURCHASERS).as(KpiMonthlyColumns.REPURCHASERS),
                sum(KpiMonthlyColumns.CHURNED_CUSTOMERS).as(KpiMonthlyColumns.CHURNED_CUSTOMERS),
                sum(KpiMonthlyColumns.REACTIVATED_CUSTOMERS)
                    .as(KpiMonthlyColumns.REACTIVATED_CUSTOMERS),
                sum(BASE_DELTA).as(BASE_DELTA),
                sum(REACTIVATION_BASE_DELTA).as(REACTIVATION_BASE_DELTA),
                count(col(CSAT)).as(KpiMonthlyColumns.CSAT_ANSWERS),
                avg(col(CSAT)).as(KpiMonthlyColumns.CSAT_MEAN),
                count(col(NPS_ANSWER)).as(KpiMonthlyColumns.NPS_ANSWERS),
                count(when(col(NPS_ANSWER).geq(9), lit(1))).as(KpiMonthlyColumns.PROMOTERS),
                count(when(col(NPS_ANSWER).leq(6), lit(1))).as(KpiMonthlyColumns.DETRACTORS),
                sum(KpiMonthlyColumns.COMPLAINTS).as(KpiMonthlyColumns.COMPLAINTS));
    Dataset<Row> hoursByLabel =
        byLabel(resolutions, labelsByCustomer)
            .groupBy(MONTH, KpiMonthlyColumns.DIMENSION, KpiMonthlyColumns.LABEL)
            .agg(
                count(col(HOURS)).as(KpiMonthlyColumns.RESOLVED_COMPLAINTS),
                percentile(col(HOURS), lit(0.5)).as(KpiMonthlyColumns.RESOLUTION_HOURS_MEDIAN),
                percentile(col(HOURS), lit(0.9)).as(KpiMonthlyColumns.RESOLUTION_HOURS_P90));

    // The month spine: every month from the first with data to the as-of month, for every label.
    Dataset<Row> months =
        firstMonths(customerDays, surveys, complaints, asOf)
            .agg(min(col(MONTH)).as("first_month"))
            .select(
                explode(sequence(col("first_month"), lit(asOfMonth), expr("INTERVAL 1 MONTH")))
                    .as(MONTH));
    Dataset<Row> spine =
        months
            .crossJoin(
                customerLabels
                    .select(KpiMonthlyColumns.DIMENSION, KpiMonthlyColumns.LABEL)
                    .distinct())
            .unionByName(
                months
                    .withColumn(KpiMonthlyColumns.DIMENSION, lit(OVERALL))
                    .withColumn(KpiMonthlyColumns.LABEL, lit(ALL)));

    String[] key = {MONTH, KpiMonthlyColumns.DIMENSION, KpiMonthlyColumns.LABEL};
    Dataset<Row> filled = spine.join(byLabel, key, "left").join(hoursByLabel, key, "left");
    WindowSpec upToMonth =
        Window.partitionBy(KpiMonthlyColumns.DIMENSION, KpiMonthlyColumns.LABEL)
            .orderBy(MONTH)
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column churnBase = sum(zero(BASE_DELTA)).over(upToMonth);
    Column reactivationBase = sum(zero(REACTIVATION_BASE_DELTA)).over(upToMonth);
    Dataset<Row> withBases =
        filled
            .withColumn(KpiMonthlyColumns.CHURN_BASE, churnBase)
            .withColumn(KpiMonthlyColumns.REACTIVATION_BASE, reactivationBase);

    Column promoters = zero(KpiMonthlyColumns.PROMOTERS);
    Column detractors = zero(KpiMonthlyColumns.DETRACTORS);
    Column npsAnswers = zero(KpiMonthlyColumns.NPS_ANSWERS);
    return withBases.select(
        lit(Date.valueOf(asOf)).as(KpiMonthlyColumns.AS_OF),
        col(MONTH),
        col(KpiMonthlyColumns.DIMENSION),
        col(KpiMonthlyColumns.LABEL),
        zero(KpiMonthlyColumns.ACTIVE_CUSTOMERS).as(KpiMonthlyColumns.ACTIVE_CUSTOMERS),
        zero(KpiMonthlyColumns.ORDERS).as(KpiMonthlyColumns.ORDERS),
        zero(KpiMonthlyColumns.REPURCHASE_BASE).as(KpiMonthlyColumns.REPURCHASE_BASE),
        zero(KpiMonthlyColumns.REPURCHASERS).as(KpiMonthlyColumns.REPURCHASERS),
        rate(KpiMonthlyColumns.REPURCHASERS, KpiMonthlyColumns.REPURCHASE_BASE)
            .as(KpiMonthlyColumns.REPURCHASE_RATE),
        zero(KpiMonthlyColumns.CHURN_BASE).as(KpiMonthlyColumns.CHURN_BASE),
        zero(KpiMonthlyColumns.CHURNED_CUSTOMERS).as(KpiMonthlyColumns.CHURNED_CUSTOMERS),
        rate(KpiMonthlyColumns.CHURNED_CUSTOMERS, KpiMonthlyColumns.CHURN_BASE)
            .as(KpiMonthlyColumns.CHURN_RATE),
        zero(KpiMonthlyColumns.REACTIVATION_BASE).as(KpiMonthlyColumns.REACTIVATION_BASE),
        zero(KpiMonthlyColumns.REACTIVATED_CUSTOMERS).as(KpiMonthlyColumns.REACTIVATED_CUSTOMERS),
        rate(KpiMonthlyColumns.REACTIVATED_CUSTOMERS, KpiMonthlyColumns.REACTIVATION_BASE)
            .as(KpiMonthlyColumns.REACTIVATION_RATE),
        zero(KpiMonthlyColumns.CSAT_ANSWERS).as(KpiMonthlyColumns.CSAT_ANSWERS),
        round(col(KpiMonthlyColumns.CSAT_MEAN), 2).as(KpiMonthlyColumns.CSAT_MEAN),
        npsAnswers.as(KpiMonthlyColumns.NPS_ANSWERS),
        promoters.as(KpiMonthlyColumns.PROMOTERS),
        detractors.as(KpiMonthlyColumns.DETRACTORS),
        when(npsAnswers.gt(0), round(nps(promoters, detractors, npsAnswers), 2))
            .as(KpiMonthlyColumns.NPS),
        zero(KpiMonthlyColumns.COMPLAINTS).as(KpiMonthlyColumns.COMPLAINTS),
        when(
                zero(KpiMonthlyColumns.ORDERS).gt(0),
                round(
                    try_divide(
                        zero(KpiMonthlyColumns.COMPLAINTS).multiply(1000.0),
                        zero(KpiMonthlyColumns.ORDERS).cast("double")),
                    2))
            .as(KpiMonthlyColumns.COMPLAINTS_PER_1000_ORDERS),
        zero(KpiMonthlyColumns.RESOLVED_COMPLAINTS).as(KpiMonthlyColumns.RESOLVED_COMPLAINTS),
        round(col(KpiMonthlyColumns.RESOLUTION_HOURS_MEDIAN), 2)
            .as(KpiMonthlyColumns.RESOLUTION_HOURS_MEDIAN),
        round(col(KpiMonthlyColumns.RESOLUTION_HOURS_P90), 2)
            .as(KpiMonthlyColumns.RESOLUTION_HOURS_P90),
        lit(null).cast("double").as(KpiMonthlyColumns.POINTS_REDEMPTION_RATE),
        lit(POINTS_NOTE).as(KpiMonthlyColumns.POINTS_REDEMPTION_NOTE));
  }

  /**
   * The customer → label frame (customer_id, dimension, label) for {@code dimensions}, each taken
   * from the first of {@code sources} that has a column of that name (label = its value as text).
   * Dimensions no source has are left out; {@link #missingDimensions} names them.
   */
  public static Dataset<Row> labelsFromColumns(
      List<String> dimensions, List<Dataset<Row>> sources) {
    // Dimensions grouped by the source they come from, so each source is scanned once.
    Map<Dataset<Row>, List<Column>> labelsBySource = new LinkedHashMap<>();
    for (String dimension : dimensions) {
      for (Dataset<Row> source : sources) {
        if (!Arrays.asList(source.columns()).contains(dimension)) continue;
        labelsBySource
            .computeIfAbsent(source, s -> new ArrayList<>())
            .add(
                struct(
                    lit(dimension).as(KpiMonthlyColumns.DIMENSION),
                    col(dimension).cast("string").as(KpiMonthlyColumns.LABEL)));
        break;
      }
    }
    Dataset<Row> out = null;
    for (Map.Entry<Dataset<Row>, List<Column>> e : labelsBySource.entrySet()) {
      Dataset<Row> one =
          e.getKey()
              .select(col(CUSTOMER_ID), explode(array(e.getValue().toArray(Column[]::new))).as("l"))
              .select(
                  col(CUSTOMER_ID),
                  col("l." + KpiMonthlyColumns.DIMENSION),
                  col("l." + KpiMonthlyColumns.LABEL));
      out = out == null ? one : out.unionByName(one);
    }
    if (out == null) {
      // No dimension available: an empty frame of the right shape, derived from the first source.
      return sources
          .get(0)
          .select(
              col(CUSTOMER_ID),
              lit(OVERALL).as(KpiMonthlyColumns.DIMENSION),
              lit(ALL).as(KpiMonthlyColumns.LABEL))
          .limit(0);
    }
    return out;
  }

  /** The dimensions none of {@code sources} has a column for. */
  public static List<String> missingDimensions(
      List<String> dimensions, List<Dataset<Row>> sources) {
    return dimensions.stream()
        .filter(d -> sources.stream().noneMatch(s -> Arrays.asList(s.columns()).contains(d)))
        .toList();
  }

  /**
   * Each row of {@code rows} (customer_id, month, measures) once per label of its customer and once
   * under overall/all; customers without labels count in overall only.
   */
  private static Dataset<Row> byLabel(Dataset<Row> rows, Dataset<Row> labelsByCustomer) {
    Column overall =
        array(
            struct(
                lit(OVERALL).as(KpiMonthlyColumns.DIMENSION),
                lit(ALL).as(KpiMonthlyColumns.LABEL)));
    Column all = when(col(LABELS).isNull(), overall).otherwise(concat(col(LABELS), overall));
    return rows.join(labelsByCustomer, new String[] {CUSTOMER_ID}, "left")
        .withColumn("l", explode(all))
        .drop(LABELS, CUSTOMER_ID)
        .withColumn(KpiMonthlyColumns.DIMENSION, col("l." + KpiMonthlyColumns.DIMENSION))
        .withColumn(KpiMonthlyColumns.LABEL, col("l." + KpiMonthlyColumns.LABEL))
        .drop("l");
  }

  /**
   * The months of every event up to as-of, read straight from the inputs: activity events never
   * fall before their purchase month, so the earliest of these is the earliest event month, found
   * without building the events a second time.
   */
  private static Dataset<Row> firstMonths(
      Dataset<Row> customerDays, Dataset<Row> surveys, Dataset<Row> complaints, LocalDate asOf) {
    Dataset<Row> purchaseMonths =
        purchaseDays(customerDays, asOf)
            .select(trunc(col(CustomerDaysColumns.TXN_DATE), "month").as(MONTH));
    return purchaseMonths
        .unionByName(surveyEvents(surveys, asOf).select(MONTH))
        .unionByName(complaintEvents(complaints, asOf).select(MONTH))
        .where(col(MONTH).leq(lit(Date.valueOf(asOf.withDayOfMonth(1)))));
  }

  private static Dataset<Row> purchaseDays(Dataset<Row> customerDays, LocalDate asOf) {
    return customerDays.where(
        col(CustomerDaysColumns.PURCHASE)
            .and(col(CustomerDaysColumns.TXN_DATE).leq(lit(Date.valueOf(asOf)))));
  }

  /** NPS = (promoters − detractors) / answers × 100, unrounded. */
  public static Column nps(Column promoters, Column detractors, Column answers) {
    return try_divide(promoters.minus(detractors).multiply(100.0), answers.cast("double"));
  }

  /**
   * Per customer-month purchase row, the events it implies, exploded: the month itself (active,
   * orders, repurchase, reactivation), the next month (entering the churn base when a spell
   * starts), the churn month, the month after it (leaving the churn base, entering the reactivation
   * base) and the month after a reactivation (leaving the reactivation base).
   */
  static Dataset<Row> activityEvents(
      Dataset<Row> customerMonths, SatisfactionRules rules, LocalDate asOf) {
    int window = rules.kpi().repurchaseWindowDays();
    int horizon = rules.churn().horizonDays();
    WindowSpec byCustomer = Window.partitionBy(CUSTOMER_ID).orderBy(MONTH);
    Column month = col(MONTH);
    Column first = get(col(DAYS), lit(0));
    Column second = get(col(DAYS), lit(1));
    Column last = array_max(col(DAYS));
    Column prevLast = col("prev_last");
    Column nextFirst = col("next_first");

    Column windowEnd = date_add(first, window);
    Column eligible = windowEnd.leq(lit(Date.valueOf(asOf)));
    Column nextPurchase = coalesce(second, nextFirst);
    Column repurchased = eligible.and(coalesce(nextPurchase.leq(windowEnd), lit(false)));
    // Churned at the end of the previous month: its last purchase is H or more days before that
    // end.
    Column reactivated =
        prevLast.isNotNull().and(date_add(prevLast, horizon).leq(date_sub(month, 1)));
    Column spellStart = prevLast.isNull().or(reactivated);
    Column churnDate = date_add(last, horizon);
    Column churnMonth = trunc(churnDate, "month");
    Column churns =
        churnDate
            .leq(lit(Date.valueOf(asOf)))
            .and(nextFirst.isNull().or(nextFirst.gt(last_day(churnDate))));

    Column events =
        array(
            event(
                month,
                flag(lit(true)),
                col(KpiMonthlyColumns.ORDERS),
                flag(eligible),
                flag(repurchased),
                flag(reactivated),
                lit(0L),
                lit(0L),
                lit(0L)),
            when(
                spellStart,
                event(
                    add_months(month, 1),
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(1L),
                    lit(0L))),
            when(
                churns,
                event(
                    churnMonth,
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(1L),
                    lit(0L),
                    lit(0L))),
            when(
                churns,
                event(
                    add_months(churnMonth, 1),
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(-1L),
                    lit(1L))),
            when(
                churns.and(nextFirst.isNotNull()),
                event(
                    add_months(trunc(nextFirst, "month"), 1),
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(-1L))));

    return customerMonths
        .withColumn("prev_last", lag(last, 1).over(byCustomer))
        .withColumn("next_first", lead(first, 1).over(byCustomer))
        .select(col(CUSTOMER_ID), explode(events).as("e"))
        .where(col("e").isNotNull())
        .select(
            col(CUSTOMER_ID),
            col("e.*"),
            lit(null).cast("int").as(CSAT),
            lit(null).cast("int").as(NPS_ANSWER),
            lit(0L).as(KpiMonthlyColumns.COMPLAINTS),
            lit(null).cast("double").as(HOURS));
  }

  private static Dataset<Row> surveyEvents(Dataset<Row> surveys, LocalDate asOf) {
    Column answered = to_date(col(SurveysColumns.ANSWERED_AT));
    return noActivity(
            surveys
                .where(answered.leq(lit(Date.valueOf(asOf))))
                .select(
                    col(SurveysColumns.CUSTOMER_ID).as(CUSTOMER_ID),
                    trunc(answered, "month").as(MONTH),
                    col(SurveysColumns.CSAT).cast("int").as(CSAT),
                    col(SurveysColumns.NPS).cast("int").as(NPS_ANSWER)))
        .withColumn(KpiMonthlyColumns.COMPLAINTS, lit(0L))
        .withColumn(HOURS, lit(null).cast("double"));
  }

  /** One event when a complaint is opened (counts it) and one when it is resolved (its hours). */
  private static Dataset<Row> complaintEvents(Dataset<Row> complaints, LocalDate asOf) {
    Column asOfDate = lit(Date.valueOf(asOf));
    Column opened = to_date(col(ComplaintsColumns.OPENED_AT));
    Column resolved = to_date(col(ComplaintsColumns.RESOLVED_AT));
    Column both =
        array(
            struct(
                trunc(opened, "month").as(MONTH),
                lit(1L).as("n"),
                lit(null).cast("double").as("h")),
            when(
                resolved.isNotNull().and(resolved.leq(asOfDate)),
                struct(
                    trunc(resolved, "month").as(MONTH),
                    lit(0L).as("n"),
                    CustomerSatisfaction.resolutionHours().as("h"))));
    Dataset<Row> exploded =
        complaints
            .where(opened.leq(asOfDate))
            .select(col(ComplaintsColumns.CUSTOMER_ID).as(CUSTOMER_ID), explode(both).as("e"))
            .where(col("e").isNotNull())
            .select(
                col(CUSTOMER_ID),
                col("e." + MONTH).as(MONTH),
                col("e.n").as("n"),
                col("e.h").as("h"));
    return noActivity(exploded)
        .withColumn(CSAT, lit(null).cast("int"))
        .withColumn(NPS_ANSWER, lit(null).cast("int"))
        .withColumn(KpiMonthlyColumns.COMPLAINTS, col("n"))
        .withColumn(HOURS, col("h"))
        .drop("n", "h");
  }

  /** Adds the purchase-activity event columns, all 0, to a frame of customer_id and month. */
  private static Dataset<Row> noActivity(Dataset<Row> customerMonth) {
    Dataset<Row> out = customerMonth;
    for (String c : ACTIVITY_COUNTS) out = out.withColumn(c, lit(0L));
    return out;
  }

  private static final String[] ACTIVITY_COUNTS = {
    KpiMonthlyColumns.ACTIVE_CUSTOMERS,
    KpiMonthlyColumns.ORDERS,
    KpiMonthlyColumns.REPURCHASE_BASE,
    KpiMonthlyColumns.REPURCHASERS,
    KpiMonthlyColumns.REACTIVATED_CUSTOMERS,
    KpiMonthlyColumns.CHURNED_CUSTOMERS,
    BASE_DELTA,
    REACTIVATION_BASE_DELTA
  };

  private static Column event(
      Column month,
      Column active,
      Column orders,
      Column repurchaseBase,
      Column repurchasers,
      Column reactivated,
      Column churned,
      Column baseDelta,
      Column reactivationBaseDelta) {
    Column[] values = {
      active,
      orders,
      repurchaseBase,
      repurchasers,
      reactivated,
      churned,
      baseDelta,
      reactivationBaseDelta
    };
    Column[] fields = new Column[values.length + 1];
    fields[0] = month.as(MONTH);
    for (int i = 0; i < values.length; i++)
      fields[i + 1] = values[i].cast("long").as(ACTIVITY_COUNTS[i]);
    return struct(fields);
  }

  private static Column flag(Column condition) {
    return when(condition, lit(1L)).otherwise(lit(0L));
  }

  private static Column zero(String column) {
    return coalesce(col(column), lit(0L));
  }

  private static Column rate(String count, String base) {
    Column b = zero(base);
    return when(b.gt(0), round(try_divide(zero(count).cast("double"), b.cast("double")), 4));
  }
}
