package dev.clientele.satisfaction;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.get;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.last_day;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.ComplaintsColumns;
import dev.clientele.common.columns.CustomerDaysColumns;
import dev.clientele.common.columns.KpiMonthlyColumns;
import dev.clientele.common.columns.RedemptionsColumns;
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
 * first month holding any transaction, survey or complaint up to the as-of month. Each customer
 * counts, in each month, under the label it held at the start of that month (from a label history
 * of SCD2 intervals), {@value #UNKNOWN} when it held none; each month has overall/all, every
 * dimension's {@value #UNKNOWN} and every label held at its start by someone, with 0 counts where
 * nothing happened and null rates where the base is 0. Only events on or before the as-of date
 * count, and a month's row uses nothing after its end: it is the same whatever later date it is
 * computed at.
 *
 * <p>Definitions (also in {@code docs/kpis.md}); a purchase is a non-return transaction line, a
 * purchase day a date with one, H = {@code churn.horizon-days}, W = {@code
 * kpi.repurchase-window-days}, e(m) the last day of month m (the as-of date for the as-of month):
 *
 * <ul>
 *   <li><b>active customers</b>: customers with a purchase in the month; returns alone do not
 *       count.
 *   <li><b>repurchase rate</b>: of the repurchase windows that closed in the month (per customer
 *       and month with a purchase, (f, f + W] after its first purchase day f in that month, counted
 *       in the month of f + W once f + W ≤ e(m)), the share with another purchase day inside.
 *   <li><b>churned at a date e</b>: bought at least once up to e and no purchase day in (e − H, e].
 *       <b>churn rate</b> of month m: of customers not churned at e(m − 1) who had bought by then
 *       ({@code churn_base}), the share churned at e(m).
 *   <li><b>reactivation rate</b>: of customers churned at e(m − 1), the share with a purchase in m.
 *   <li><b>CSAT mean</b>, <b>NPS</b> = (promoters 9–10 − detractors 0–6) / NPS answers × 100, over
 *       survey answers given in the month.
 *   <li><b>complaints per 1,000 orders</b>: complaints opened in the month / purchase orders in the
 *       month × 1000.
 *   <li><b>resolution hours median / p90</b>: over complaints resolved in the month, Spark's exact
 *       {@code percentile}: linear interpolation between the closest ranks, position (n − 1) × p.
 *   <li><b>open complaints</b> at the month's end e(m): complaints opened on or before e(m) and not
 *       resolved by e(m) (resolved_at's date after e(m), or not resolved at all by as-of), under
 *       the label their customer held at the month's start; a resolution after e(m) never changes
 *       the month's figure.
 *   <li><b>points earned</b>: points earned by the month's purchase lines (before reversals);
 *       <b>points redeemed</b>: points of the redemptions dated in the month (null without a
 *       redemptions input); <b>points redemption rate</b> = redeemed / earned, 4 decimals, null
 *       without a redemptions input or when nothing was earned ({@code points_redemption_note} says
 *       which). It can exceed 1: points earned in earlier months are redeemed too.
 * </ul>
 *
 * Monthly activity comes from {@link #customerMonths}, one aggregate of customer_days to a row per
 * customer and month. The label history becomes month intervals per customer (one array per
 * customer): events meet it as one row per customer and fan out to one row per dimension only
 * inside the aggregation's map side; churn and reactivation bases are spells of months cut where
 * the label changes, whose entries and exits are summed per label, so customers are never expanded
 * to one row per month. Resolution hours, the one measure that is not additive, are aggregated
 * apart from the rest so the additive measures stay in a hash aggregate.
 */
public final class SatisfactionKpis {
  public static final String OVERALL = "overall";
  public static final String ALL = "all";

  /** points_redemption_note when there is no redemptions input. */
  static final String NO_REDEMPTIONS_NOTE =
      "no redemptions input: ingest a redemptions source (clientele.ingest.sources.redemptions)";

  /** points_redemption_note when the month's customers earned no points. */
  static final String NOTHING_EARNED_NOTE = "no points earned in the month";

  private static final String CUSTOMER_ID = "customer_id";
  private static final String MONTH = KpiMonthlyColumns.MONTH;
  private static final String DAYS = "purchase_days";
  private static final String DAY_FACTS = "day_facts";
  private static final String BASE_DELTA = "churn_base_delta";
  private static final String REACTIVATION_BASE_DELTA = "reactivation_base_delta";
  private static final String CSAT = "csat";
  private static final String NPS_ANSWER = "nps_answer";
  private static final String HOURS = "resolution_hours";
  private static final String LABELS = "labels";
  private static final String CSAT_TOTAL = "csat_total";

  /** The measures of {@link #perCustomerMonth}, summed again per month and label. */
  private static final List<String> SUMMED =
      List.of(
          KpiMonthlyColumns.ACTIVE_CUSTOMERS,
          KpiMonthlyColumns.ORDERS,
          KpiMonthlyColumns.REPURCHASE_BASE,
          KpiMonthlyColumns.REPURCHASERS,
          KpiMonthlyColumns.CHURNED_CUSTOMERS,
          KpiMonthlyColumns.REACTIVATED_CUSTOMERS,
          KpiMonthlyColumns.CSAT_ANSWERS,
          CSAT_TOTAL,
          KpiMonthlyColumns.NPS_ANSWERS,
          KpiMonthlyColumns.PROMOTERS,
          KpiMonthlyColumns.DETRACTORS,
          KpiMonthlyColumns.COMPLAINTS,
          KpiMonthlyColumns.POINTS_EARNED,
          KpiMonthlyColumns.POINTS_REDEEMED);

  private static final String FROM_MONTH = "from_month";
  private static final String TO_MONTH = "to_month";
  private static final String KIND = "kind";
  private static final String CHURN_SPELL = "churn";
  private static final String REACTIVATION_SPELL = "reactivation";
  private static final String OPEN_COMPLAINT_SPELL = "open_complaint";
  private static final String OPEN_DELTA = "open_complaints_delta";

  /** The label of a customer who held none at a month's start, and of a null label. */
  public static final String UNKNOWN = "unknown";

  /** Label history columns: the SCD2 interval [valid_from, valid_to) of dates. */
  public static final String VALID_FROM = "valid_from";

  public static final String VALID_TO = "valid_to";

  private SatisfactionKpis() {}

  /**
   * The compact monthly activity aggregate: one row per customer and calendar month with a purchase
   * up to as-of: customer_id, month (first day) and {@value #DAY_FACTS}, the month's purchase days
   * in date order, each with its purchase orders and the points its purchase lines earned. Read
   * from {@code customer_days}, so the KPIs never scan the transaction lines. One aggregate column,
   * not one per measure: the activity events and the base spells read different measures, and
   * separate columns would let Spark prune each branch's aggregation differently and build the
   * customer-months twice; with one column both branches share one exchange (see {@link
   * #withNeighbours}).
   */
  public static Dataset<Row> customerMonths(Dataset<Row> customerDays, LocalDate asOf) {
    return purchaseDays(customerDays, asOf)
        .groupBy(
            col(CustomerDaysColumns.CUSTOMER_ID).as(CUSTOMER_ID),
            trunc(col(CustomerDaysColumns.TXN_DATE), "month").as(MONTH))
        .agg(
            sort_array(
                    collect_list(
                        struct(
                            col(CustomerDaysColumns.TXN_DATE).as("d"),
                            size(col(CustomerDaysColumns.ORDER_CHANNELS)).cast("long").as("orders"),
                            coalesce(col(CustomerDaysColumns.POINTS_PLUS), lit(0L))
                                .cast("long")
                                .as("points"))))
                .as(DAY_FACTS));
  }

  /**
   * The {@code kpi_monthly} rows for {@code asOf} with labels that never change: each customer
   * keeps its one label of {@code labels} (customer_id, dimension, label) in every month, and every
   * row's as_of is {@code asOf}. Kept for the standalone {@code clientele satisfaction} job (one
   * snapshot per as-of date); publish uses {@link #monthly(Dataset, Dataset, Dataset, Dataset,
   * List, SatisfactionRules, LocalDate)} with the labels held at each month's start.
   */
  public static Dataset<Row> monthly(
      Dataset<Row> customerDays,
      Dataset<Row> surveys,
      Dataset<Row> complaints,
      Dataset<Row> labels,
      SatisfactionRules rules,
      LocalDate asOf) {
    // A handful of dimension names, not per-customer data.
    List<String> dimensions =
        labels.select(KpiMonthlyColumns.DIMENSION).distinct().collectAsList().stream()
            .map(r -> r.getString(0))
            .sorted()
            .toList();
    Dataset<Row> always =
        labels.select(
            col(CUSTOMER_ID),
            col(KpiMonthlyColumns.DIMENSION),
            col(KpiMonthlyColumns.LABEL),
            lit(null).cast("date").as(VALID_FROM),
            lit(null).cast("date").as(VALID_TO));
    // The standalone job's table is one snapshot per as-of date: every row carries that date.
    return monthly(customerDays, surveys, complaints, always, dimensions, rules, asOf)
        .withColumn(KpiMonthlyColumns.AS_OF, lit(Date.valueOf(asOf)));
  }

  /**
   * The {@code kpi_monthly} rows of every month from the first with data to the as-of month, each
   * customer counted under the label it held at the start of the month; see the class doc for every
   * definition. A month's row depends only on events up to its end (the as-of date for the as-of
   * month) and on the labels held at its start, so a closed month's row is the same whatever later
   * date it is computed at.
   *
   * @param labelHistory customer_id, dimension, label, valid_from, valid_to (dates; SCD2 intervals
   *     [valid_from, valid_to), null valid_to while current, null valid_from from the beginning):
   *     the label held at a month's start is the one whose interval contains its first day
   * @param dimensions the dimensions to break down by; a customer with no interval containing a
   *     month's first day counts under {@value #UNKNOWN} there
   */
  public static Dataset<Row> monthly(
      Dataset<Row> customerDays,
      Dataset<Row> surveys,
      Dataset<Row> complaints,
      Dataset<Row> labelHistory,
      List<String> dimensions,
      SatisfactionRules rules,
      LocalDate asOf) {
    return monthly(
        customerDays, surveys, complaints, null, labelHistory, dimensions, rules, asOf, null);
  }

  /**
   * {@link #monthly(Dataset, Dataset, Dataset, Dataset, List, SatisfactionRules, LocalDate)} with
   * points redemptions, for the months from {@code fromMonth} on: their rows are those of every
   * month's, and the work that depends on the months is in proportion to those wanted (a publish
   * that rewrites the open month alone does not look labels up for every month's events).
   *
   * @param redemptions silver {@code redemptions}, or null when there is no redemptions input
   *     (points_redeemed and points_redemption_rate are then null, and the note says why)
   * @param fromMonth the first day of the first month wanted, or null for every month
   */
  public static Dataset<Row> monthly(
      Dataset<Row> customerDays,
      Dataset<Row> surveys,
      Dataset<Row> complaints,
      Dataset<Row> redemptions,
      Dataset<Row> labelHistory,
      List<String> dimensions,
      SatisfactionRules rules,
      LocalDate asOf,
      LocalDate fromMonth) {
    Date asOfMonth = Date.valueOf(asOf.withDayOfMonth(1));
    // Events land in one month each, so those before fromMonth are left out whole. A base is a
    // running sum of spell entries and exits, so it keeps every spell still running at fromMonth
    // (entered before it, perhaps), and drops those that ended before it: their +1 and −1 cancel
    // in every month from fromMonth on. Likewise label intervals that ended before fromMonth hold
    // at no month start wanted.
    Column wanted = fromMonth == null ? lit(true) : col(MONTH).geq(lit(Date.valueOf(fromMonth)));
    Column stillRunning =
        fromMonth == null
            ? lit(true)
            : col(TO_MONTH).isNull().or(col(TO_MONTH).gt(lit(Date.valueOf(fromMonth))));
    Dataset<Row> customerMonths = customerMonths(customerDays, asOf);
    // Points earned ride on the activity events (one reading of customerMonths, not two); answers
    // and complaints leave the points null, redemptions every other measure.
    Dataset<Row> events =
        activityEvents(customerMonths, rules, asOf)
            .unionByName(surveyEvents(surveys, asOf), true)
            .unionByName(complaintEvents(complaints, asOf), true);
    if (redemptions != null) events = events.unionByName(redeemed(redemptions, asOf), true);
    events = events.where(col(MONTH).leq(lit(asOfMonth)).and(wanted)).drop(HOURS);
    // Resolution hours alone keep row grain: the exact percentile cannot be pre-aggregated, and in
    // the main aggregation it would force Spark's sort-based fallback over every exploded event
    // row.
    Dataset<Row> resolutions =
        complaintEvents(complaints, asOf)
            .where(col(HOURS).isNotNull().and(col(MONTH).leq(lit(asOfMonth))).and(wanted))
            .select(CUSTOMER_ID, MONTH, HOURS);

    Dataset<Row> timeline =
        monthTimeline(
                labelHistory.where(col(KpiMonthlyColumns.DIMENSION).isin(dimensions.toArray())))
            .where(stillRunning);
    // One row per customer with its month intervals, one array per dimension: events join it
    // without being multiplied, and are exploded to one row per dimension (plus overall) only
    // inside the aggregation's map side.
    Dataset<Row> timelineByCustomer = byCustomer(timeline, dimensions);
    String[] key = {MONTH, KpiMonthlyColumns.DIMENSION, KpiMonthlyColumns.LABEL};
    Dataset<Row> byLabel =
        atMonthStart(perCustomerMonth(events), timelineByCustomer, dimensions)
            .groupBy(MONTH, KpiMonthlyColumns.DIMENSION, KpiMonthlyColumns.LABEL)
            .agg(
                sum(SUMMED.get(0)).as(SUMMED.get(0)),
                SUMMED.stream().skip(1).map(c -> sum(c).as(c)).toArray(Column[]::new))
            // avg(csat) of the answers, from their sum and count.
            .withColumn(
                KpiMonthlyColumns.CSAT_MEAN,
                try_divide(col(CSAT_TOTAL), col(KpiMonthlyColumns.CSAT_ANSWERS)))
            .drop(CSAT_TOTAL);
    Dataset<Row> hoursByLabel =
        atMonthStart(resolutions, timelineByCustomer, dimensions)
            .groupBy(MONTH, KpiMonthlyColumns.DIMENSION, KpiMonthlyColumns.LABEL)
            .agg(
                count(col(HOURS)).as(KpiMonthlyColumns.RESOLVED_COMPLAINTS),
                percentile(col(HOURS), lit(0.5)).as(KpiMonthlyColumns.RESOLUTION_HOURS_MEDIAN),
                percentile(col(HOURS), lit(0.9)).as(KpiMonthlyColumns.RESOLUTION_HOURS_P90));
    Dataset<Row> baseDeltas =
        baseDeltas(
                baseSpells(customerMonths, rules, asOf)
                    .unionByName(openComplaintSpells(complaints, asOf))
                    .where(stillRunning),
                timelineByCustomer,
                dimensions)
            .groupBy(MONTH, KpiMonthlyColumns.DIMENSION, KpiMonthlyColumns.LABEL)
            .agg(
                sum(BASE_DELTA).as(BASE_DELTA),
                sum(REACTIVATION_BASE_DELTA).as(REACTIVATION_BASE_DELTA),
                sum(OPEN_DELTA).as(OPEN_DELTA));

    // The month spine: every month from the first with data to the as-of month.
    Dataset<Row> months =
        firstMonths(customerDays, surveys, complaints, redemptions, asOf)
            .agg(min(col(MONTH)).as("first_month"))
            .select(
                explode(sequence(col("first_month"), lit(asOfMonth), expr("INTERVAL 1 MONTH")))
                    .as(MONTH));
    // The bases are running sums of entries and exits, so they run over every label ever held;
    // each month then keeps the labels held at its start by someone, unknown and overall/all, so a
    // month's set of rows depends on nothing later than its start.
    Dataset<Row> heldLabels =
        timeline
            .select(
                col(KpiMonthlyColumns.DIMENSION),
                col(KpiMonthlyColumns.LABEL),
                col(FROM_MONTH),
                col(TO_MONTH))
            .distinct();
    Dataset<Row> always = always(dimensions, months);
    Dataset<Row> everLabels =
        heldLabels
            .select(KpiMonthlyColumns.DIMENSION, KpiMonthlyColumns.LABEL)
            .unionByName(always.select(KpiMonthlyColumns.DIMENSION, KpiMonthlyColumns.LABEL))
            .distinct();
    Dataset<Row> heldAtStart =
        months
            .join(heldLabels, covers(col(FROM_MONTH), col(TO_MONTH), col(MONTH)))
            .select(MONTH, KpiMonthlyColumns.DIMENSION, KpiMonthlyColumns.LABEL)
            .unionByName(always.select(MONTH, KpiMonthlyColumns.DIMENSION, KpiMonthlyColumns.LABEL))
            .distinct();

    WindowSpec upToMonth =
        Window.partitionBy(KpiMonthlyColumns.DIMENSION, KpiMonthlyColumns.LABEL)
            .orderBy(MONTH)
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Dataset<Row> withBases =
        months
            .crossJoin(everLabels)
            .join(baseDeltas, key, "left")
            .withColumn(KpiMonthlyColumns.CHURN_BASE, sum(zero(BASE_DELTA)).over(upToMonth))
            .withColumn(
                KpiMonthlyColumns.REACTIVATION_BASE,
                sum(zero(REACTIVATION_BASE_DELTA)).over(upToMonth))
            .withColumn(KpiMonthlyColumns.OPEN_COMPLAINTS, sum(zero(OPEN_DELTA)).over(upToMonth))
            .join(heldAtStart, key, "left_semi")
            .join(byLabel, key, "left")
            .join(hoursByLabel, key, "left");

    Column promoters = zero(KpiMonthlyColumns.PROMOTERS);
    Column detractors = zero(KpiMonthlyColumns.DETRACTORS);
    Column npsAnswers = zero(KpiMonthlyColumns.NPS_ANSWERS);
    Column earned = zero(KpiMonthlyColumns.POINTS_EARNED);
    Column redeemed =
        redemptions == null
            ? lit(null).cast("long")
            : zero(KpiMonthlyColumns.POINTS_REDEEMED).cast("long");
    return withBases
        .where(wanted)
        .select(
            least(last_day(col(MONTH)), lit(Date.valueOf(asOf))).as(KpiMonthlyColumns.AS_OF),
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
            zero(KpiMonthlyColumns.REACTIVATED_CUSTOMERS)
                .as(KpiMonthlyColumns.REACTIVATED_CUSTOMERS),
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
            zero(KpiMonthlyColumns.OPEN_COMPLAINTS).as(KpiMonthlyColumns.OPEN_COMPLAINTS),
            zero(KpiMonthlyColumns.POINTS_EARNED).as(KpiMonthlyColumns.POINTS_EARNED),
            redeemed.as(KpiMonthlyColumns.POINTS_REDEEMED),
            when(
                    redeemed.isNotNull().and(earned.gt(0)),
                    round(try_divide(redeemed.cast("double"), earned.cast("double")), 4))
                .as(KpiMonthlyColumns.POINTS_REDEMPTION_RATE),
            when(redeemed.isNull(), lit(NO_REDEMPTIONS_NOTE))
                .when(earned.equalTo(0), lit(NOTHING_EARNED_NOTE))
                .as(KpiMonthlyColumns.POINTS_REDEMPTION_NOTE));
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
   * The month intervals of a label history: per customer and dimension, the label held at the first
   * day of every month in [from_month, to_month) (null from_month: since ever, null to_month: from
   * then on), including the gaps no label covers, under {@value #UNKNOWN}. A customer with any
   * interval in a dimension is thus covered in every month there.
   *
   * @param labelHistory customer_id, dimension, label, valid_from, valid_to (non-overlapping per
   *     customer and dimension; a null label is {@value #UNKNOWN})
   * @return customer_id, dimension, label, from_month, to_month
   */
  static Dataset<Row> monthTimeline(Dataset<Row> labelHistory) {
    Dataset<Row> held =
        labelHistory
            .select(
                col(CUSTOMER_ID),
                col(KpiMonthlyColumns.DIMENSION),
                coalesce(col(KpiMonthlyColumns.LABEL).cast("string"), lit(UNKNOWN))
                    .as(KpiMonthlyColumns.LABEL),
                firstMonthStartFrom(col(VALID_FROM)).as(FROM_MONTH),
                firstMonthStartFrom(col(VALID_TO)).as(TO_MONTH))
            // An interval containing no first day of a month holds no month's label.
            .where(
                col(FROM_MONTH)
                    .isNull()
                    .or(col(TO_MONTH).isNull())
                    .or(col(FROM_MONTH).lt(col(TO_MONTH))));
    WindowSpec byCustomer =
        Window.partitionBy(CUSTOMER_ID, KpiMonthlyColumns.DIMENSION)
            .orderBy(col(FROM_MONTH).asc_nulls_first());
    Column first = col("_first");
    Column last = col("_last");
    Column previousTo = col("_previous_to");
    Column from = col(FROM_MONTH);
    Column to = col(TO_MONTH);
    Column pieces =
        array(
            interval(col(KpiMonthlyColumns.LABEL), from, to),
            when(first.and(from.isNotNull()), interval(lit(UNKNOWN), lit(null), from)),
            when(not(first).and(previousTo.lt(from)), interval(lit(UNKNOWN), previousTo, from)),
            when(last.and(to.isNotNull()), interval(lit(UNKNOWN), to, lit(null))));
    return held.withColumn("_first", lag(lit(1), 1).over(byCustomer).isNull())
        .withColumn("_last", lead(lit(1), 1).over(byCustomer).isNull())
        .withColumn("_previous_to", lag(col(TO_MONTH), 1).over(byCustomer))
        .select(col(CUSTOMER_ID), col(KpiMonthlyColumns.DIMENSION), explode(pieces).as("p"))
        .where(col("p").isNotNull())
        .select(
            col(CUSTOMER_ID),
            col(KpiMonthlyColumns.DIMENSION),
            col("p." + KpiMonthlyColumns.LABEL).as(KpiMonthlyColumns.LABEL),
            col("p." + FROM_MONTH).as(FROM_MONTH),
            col("p." + TO_MONTH).as(TO_MONTH));
  }

  private static Column interval(Column label, Column from, Column to) {
    return struct(
        label.as(KpiMonthlyColumns.LABEL),
        from.cast("date").as(FROM_MONTH),
        to.cast("date").as(TO_MONTH));
  }

  /** The first day of a month on or after {@code date} (null stays null). */
  public static Column firstMonthStartFrom(Column date) {
    return add_months(trunc(date_sub(date, 1), "month"), 1);
  }

  /** True when the month interval [from, to) (nulls open) contains {@code month}. */
  private static Column covers(Column from, Column to, Column month) {
    return from.isNull().or(from.leq(month)).and(to.isNull().or(month.lt(to)));
  }

  /**
   * The events' measures per customer and month ({@link #SUMMED}; csat and nps answers counted,
   * csat summed): the label lookup of {@link #atMonthStart} costs per row, and customer-months are
   * fewer than events (at 20M lines, 21.3M events).
   */
  private static Dataset<Row> perCustomerMonth(Dataset<Row> events) {
    Column nps = col(NPS_ANSWER);
    return events
        // Partitioned by customer, which atMonthStart's join needs too: one shuffle for both.
        .repartition(col(CUSTOMER_ID))
        .groupBy(CUSTOMER_ID, MONTH)
        .agg(
            sum(KpiMonthlyColumns.ACTIVE_CUSTOMERS).as(KpiMonthlyColumns.ACTIVE_CUSTOMERS),
            sum(KpiMonthlyColumns.ORDERS).as(KpiMonthlyColumns.ORDERS),
            sum(KpiMonthlyColumns.REPURCHASE_BASE).as(KpiMonthlyColumns.REPURCHASE_BASE),
            sum(KpiMonthlyColumns.REPURCHASERS).as(KpiMonthlyColumns.REPURCHASERS),
            sum(KpiMonthlyColumns.CHURNED_CUSTOMERS).as(KpiMonthlyColumns.CHURNED_CUSTOMERS),
            sum(KpiMonthlyColumns.REACTIVATED_CUSTOMERS)
                .as(KpiMonthlyColumns.REACTIVATED_CUSTOMERS),
            count(col(CSAT)).as(KpiMonthlyColumns.CSAT_ANSWERS),
            sum(col(CSAT)).as(CSAT_TOTAL),
            count(nps).as(KpiMonthlyColumns.NPS_ANSWERS),
            count(when(nps.geq(9), lit(1))).as(KpiMonthlyColumns.PROMOTERS),
            count(when(nps.leq(6), lit(1))).as(KpiMonthlyColumns.DETRACTORS),
            sum(KpiMonthlyColumns.COMPLAINTS).as(KpiMonthlyColumns.COMPLAINTS),
            sum(KpiMonthlyColumns.POINTS_EARNED).as(KpiMonthlyColumns.POINTS_EARNED),
            sum(KpiMonthlyColumns.POINTS_REDEEMED).as(KpiMonthlyColumns.POINTS_REDEEMED));
  }

  /**
   * The timeline as one row per customer: customer_id and, for the i-th of {@code dimensions}, the
   * array {@link #intervals}(i) of its (label, from_month, to_month) there (empty when it has
   * none). One array per dimension, so a lookup walks only that dimension's few intervals: a lambda
   * over every dimension's intervals, evaluated per event and dimension outside generated code, was
   * most of kpi_monthly's time at 20M lines (132 of 223 s).
   */
  private static Dataset<Row> byCustomer(Dataset<Row> timeline, List<String> dimensions) {
    if (dimensions.isEmpty()) return timeline.select(CUSTOMER_ID).distinct();
    List<Column> arrays = new ArrayList<>();
    for (int i = 0; i < dimensions.size(); i++) {
      arrays.add(
          collect_list(
                  when(
                      col(KpiMonthlyColumns.DIMENSION).equalTo(dimensions.get(i)),
                      struct(col(KpiMonthlyColumns.LABEL), col(FROM_MONTH), col(TO_MONTH))))
              .as(intervals(i)));
    }
    return timeline
        .groupBy(CUSTOMER_ID)
        .agg(arrays.get(0), arrays.subList(1, arrays.size()).toArray(Column[]::new));
  }

  /** The column of a customer's intervals in the i-th dimension (see {@link #byCustomer}). */
  private static String intervals(int i) {
    return LABELS + "_" + i;
  }

  /** The column of a row's label in the i-th dimension, inside {@link #atMonthStart}. */
  private static String monthStartLabel(int i) {
    return "_label_" + i;
  }

  private static String[] labelColumns(List<String> dimensions) {
    String[] names = new String[dimensions.size()];
    for (int i = 0; i < names.length; i++) names[i] = monthStartLabel(i);
    return names;
  }

  /**
   * Each row of {@code rows} (customer_id, month, measures) once per dimension, under the label its
   * customer held at the start of the row's month ({@value #UNKNOWN} when none), and once under
   * overall/all.
   */
  private static Dataset<Row> atMonthStart(
      Dataset<Row> rows, Dataset<Row> timelineByCustomer, List<String> dimensions) {
    Column month = col(MONTH);
    // The labels are looked up in a projection of their own: a lambda runs outside generated
    // code, and inside the explode's array it kept the whole explode out of it too (at 20M lines
    // kpi_monthly took 130 s this way, 144 s with the lookups inside the explode).
    Dataset<Row> looked = rows.join(timelineByCustomer, new String[] {CUSTOMER_ID}, "left");
    List<Column> labels = new ArrayList<>();
    for (int i = 0; i < dimensions.size(); i++) {
      Column held =
          get(
                  filter(
                      col(intervals(i)),
                      e -> covers(e.getField(FROM_MONTH), e.getField(TO_MONTH), month)),
                  lit(0))
              .getField(KpiMonthlyColumns.LABEL);
      String label = monthStartLabel(i);
      looked = looked.withColumn(label, coalesce(held, lit(UNKNOWN))).drop(intervals(i));
      labels.add(
          struct(
              lit(dimensions.get(i)).as(KpiMonthlyColumns.DIMENSION),
              col(label).as(KpiMonthlyColumns.LABEL)));
    }
    labels.add(
        struct(lit(OVERALL).as(KpiMonthlyColumns.DIMENSION), lit(ALL).as(KpiMonthlyColumns.LABEL)));
    return looked
        .withColumn("l", explode(array(labels.toArray(Column[]::new))))
        .drop(CUSTOMER_ID)
        .drop(labelColumns(dimensions))
        .withColumn(KpiMonthlyColumns.DIMENSION, col("l." + KpiMonthlyColumns.DIMENSION))
        .withColumn(KpiMonthlyColumns.LABEL, col("l." + KpiMonthlyColumns.LABEL))
        .drop("l");
  }

  /**
   * The churn-base, reactivation-base and open-complaint deltas of {@code spells} cut by the labels
   * held at month starts: a spell [from, to) of months is split at each change of label into
   * pieces, and each piece enters its label's count at its first month (+1) and leaves it at its
   * end (−1). Running sums of these per label give the bases and the complaints open at month end;
   * customers and complaints are never expanded to one row per month.
   *
   * @return month, dimension, label, churn_base_delta, reactivation_base_delta,
   *     open_complaints_delta
   */
  private static Dataset<Row> baseDeltas(
      Dataset<Row> spells, Dataset<Row> timelineByCustomer, List<String> dimensions) {
    Column from = col(FROM_MONTH);
    Column to = col(TO_MONTH);
    List<Column> pieces = new ArrayList<>();
    for (int i = 0; i < dimensions.size(); i++) {
      Column dimension = lit(dimensions.get(i));
      Column overlapping =
          filter(
              col(intervals(i)),
              e ->
                  e.getField(TO_MONTH)
                      .isNull()
                      .or(e.getField(TO_MONTH).gt(from))
                      .and(
                          to.isNull()
                              .or(e.getField(FROM_MONTH).isNull())
                              .or(e.getField(FROM_MONTH).lt(to))));
      Column cut =
          transform(
              overlapping,
              e ->
                  piece(
                      dimension,
                      e.getField(KpiMonthlyColumns.LABEL),
                      greatest(from, e.getField(FROM_MONTH)),
                      least(to, e.getField(TO_MONTH))));
      // No row for the customer (null) or no interval in the dimension: unknown throughout.
      Column anyInDimension = coalesce(size(col(intervals(i))).gt(0), lit(false));
      pieces.add(
          when(anyInDimension, cut).otherwise(array(piece(dimension, lit(UNKNOWN), from, to))));
    }
    pieces.add(array(piece(lit(OVERALL), lit(ALL), from, to)));
    Column churnBase = col(KIND).equalTo(CHURN_SPELL).cast("long");
    Column reactivationBase = col(KIND).equalTo(REACTIVATION_SPELL).cast("long");
    Column open = col(KIND).equalTo(OPEN_COMPLAINT_SPELL).cast("long");
    Column p = col("p");
    Column moves =
        array(
            struct(
                p.getField(FROM_MONTH).as(MONTH),
                churnBase.as(BASE_DELTA),
                reactivationBase.as(REACTIVATION_BASE_DELTA),
                open.as(OPEN_DELTA)),
            when(
                p.getField(TO_MONTH).isNotNull(),
                struct(
                    p.getField(TO_MONTH).as(MONTH),
                    churnBase.unary_$minus().as(BASE_DELTA),
                    reactivationBase.unary_$minus().as(REACTIVATION_BASE_DELTA),
                    open.unary_$minus().as(OPEN_DELTA))));
    return spells
        .join(timelineByCustomer, new String[] {CUSTOMER_ID}, "left")
        .select(col(KIND), explode(flatten(array(pieces.toArray(Column[]::new)))).as("p"))
        .select(
            p.getField(KpiMonthlyColumns.DIMENSION).as(KpiMonthlyColumns.DIMENSION),
            p.getField(KpiMonthlyColumns.LABEL).as(KpiMonthlyColumns.LABEL),
            explode(moves).as("m"))
        .where(col("m").isNotNull())
        .select(
            col("m." + MONTH).as(MONTH),
            col(KpiMonthlyColumns.DIMENSION),
            col(KpiMonthlyColumns.LABEL),
            col("m." + BASE_DELTA).as(BASE_DELTA),
            col("m." + REACTIVATION_BASE_DELTA).as(REACTIVATION_BASE_DELTA),
            col("m." + OPEN_DELTA).as(OPEN_DELTA));
  }

  /**
   * The months each complaint is open at month end, as a spell [from_month, to_month) of kind
   * {@value #OPEN_COMPLAINT_SPELL}: from the month it was opened (it is open at that month's end
   * unless resolved by then) to the month of its resolution (null while not resolved by as-of). A
   * complaint opened and resolved within one month is open at no month end; one resolved on a
   * month's last day is not open at that month's end; one resolved after the as-of date is open at
   * the as-of month's end (e = as-of).
   *
   * @return customer_id, kind, from_month, to_month
   */
  static Dataset<Row> openComplaintSpells(Dataset<Row> complaints, LocalDate asOf) {
    Column asOfDate = lit(Date.valueOf(asOf));
    Column opened = to_date(col(ComplaintsColumns.OPENED_AT));
    Column resolved = to_date(col(ComplaintsColumns.RESOLVED_AT));
    Column from = trunc(opened, "month");
    Column to = when(resolved.leq(asOfDate), trunc(resolved, "month"));
    return complaints
        .where(opened.leq(asOfDate))
        .select(
            col(ComplaintsColumns.CUSTOMER_ID).as(CUSTOMER_ID),
            lit(OPEN_COMPLAINT_SPELL).as(KIND),
            from.as(FROM_MONTH),
            to.as(TO_MONTH))
        .where(col(TO_MONTH).isNull().or(col(FROM_MONTH).lt(col(TO_MONTH))));
  }

  private static Column piece(Column dimension, Column label, Column from, Column to) {
    return struct(
        dimension.as(KpiMonthlyColumns.DIMENSION),
        label.as(KpiMonthlyColumns.LABEL),
        from.as(FROM_MONTH),
        to.as(TO_MONTH));
  }

  /** Per month: unknown of every dimension and overall/all, present whoever holds what. */
  private static Dataset<Row> always(List<String> dimensions, Dataset<Row> months) {
    List<Column> labels = new ArrayList<>();
    for (String dimension : dimensions)
      labels.add(
          struct(
              lit(dimension).as(KpiMonthlyColumns.DIMENSION),
              lit(UNKNOWN).as(KpiMonthlyColumns.LABEL)));
    labels.add(
        struct(lit(OVERALL).as(KpiMonthlyColumns.DIMENSION), lit(ALL).as(KpiMonthlyColumns.LABEL)));
    return months
        .select(col(MONTH), explode(array(labels.toArray(Column[]::new))).as("l"))
        .select(
            col(MONTH),
            col("l." + KpiMonthlyColumns.DIMENSION).as(KpiMonthlyColumns.DIMENSION),
            col("l." + KpiMonthlyColumns.LABEL).as(KpiMonthlyColumns.LABEL));
  }

  /**
   * The months of every event up to as-of, read straight from the inputs: activity events never
   * fall before their purchase month, so the earliest of these is the earliest event month, found
   * without building the events a second time.
   */
  private static Dataset<Row> firstMonths(
      Dataset<Row> customerDays,
      Dataset<Row> surveys,
      Dataset<Row> complaints,
      Dataset<Row> redemptions,
      LocalDate asOf) {
    Dataset<Row> purchaseMonths =
        purchaseDays(customerDays, asOf)
            .select(trunc(col(CustomerDaysColumns.TXN_DATE), "month").as(MONTH));
    Dataset<Row> months =
        purchaseMonths
            .unionByName(surveyEvents(surveys, asOf).select(MONTH))
            .unionByName(complaintEvents(complaints, asOf).select(MONTH));
    if (redemptions != null) months = months.unionByName(redeemed(redemptions, asOf).select(MONTH));
    return months.where(col(MONTH).leq(lit(Date.valueOf(asOf.withDayOfMonth(1)))));
  }

  /** The redemptions dated up to as-of: customer_id, month, points_redeemed. */
  private static Dataset<Row> redeemed(Dataset<Row> redemptions, LocalDate asOf) {
    Column day = to_date(col(RedemptionsColumns.REDEEMED_AT));
    return redemptions
        .where(day.leq(lit(Date.valueOf(asOf))))
        .select(
            col(RedemptionsColumns.CUSTOMER_ID).as(CUSTOMER_ID),
            trunc(day, "month").as(MONTH),
            col(RedemptionsColumns.POINTS).cast("long").as(KpiMonthlyColumns.POINTS_REDEEMED));
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
   * The customer-month rows with the facts every activity event derives from: the neighbouring
   * months' purchase days, then the month's sorted purchase days, orders and points earned. The
   * window reads {@link #customerMonths}' one column alone, so the exchange under it is the same
   * for the events and the spells and Spark computes it once for both.
   */
  private static Dataset<Row> withNeighbours(Dataset<Row> customerMonths) {
    WindowSpec byCustomer = Window.partitionBy(CUSTOMER_ID).orderBy(MONTH);
    Column facts = col(DAY_FACTS);
    return customerMonths
        .withColumn("prev_last", lag(element_at(facts, -1).getField("d"), 1).over(byCustomer))
        .withColumn("next_first", lead(get(facts, lit(0)).getField("d"), 1).over(byCustomer))
        .withColumn(DAYS, transform(facts, f -> f.getField("d")))
        .withColumn(
            KpiMonthlyColumns.ORDERS,
            aggregate(facts, lit(0L), (total, f) -> total.plus(f.getField("orders"))))
        .withColumn(
            KpiMonthlyColumns.POINTS_EARNED,
            aggregate(facts, lit(0L), (total, f) -> total.plus(f.getField("points"))))
        .drop(DAY_FACTS);
  }

  /** Churned at the end of the previous month: the last purchase before is H or more days old. */
  private static Column reactivated(int horizon) {
    Column prevLast = col("prev_last");
    return prevLast.isNotNull().and(date_add(prevLast, horizon).leq(date_sub(col(MONTH), 1)));
  }

  /** The date the customer is churned after this month's last purchase, H days later. */
  private static Column churnDate(int horizon) {
    return date_add(array_max(col(DAYS)), horizon);
  }

  /** Churned by as-of after this month's last purchase: no purchase until that month ends. */
  private static Column churns(int horizon, LocalDate asOf) {
    Column churnDate = churnDate(horizon);
    Column nextFirst = col("next_first");
    return churnDate
        .leq(lit(Date.valueOf(asOf)))
        .and(nextFirst.isNull().or(nextFirst.gt(last_day(churnDate))));
  }

  /**
   * Per customer-month purchase row, the events it implies, exploded: the month itself (active,
   * orders, reactivation), the month its repurchase window ends (once that is on or before as-of)
   * and the churn month. Each lands in a month whose end is on or after everything it depends on,
   * and depends on nothing later, so a closed month's events never change. The month itself also
   * carries the points its purchase lines earned; points_redeemed is null throughout.
   */
  static Dataset<Row> activityEvents(
      Dataset<Row> customerMonths, SatisfactionRules rules, LocalDate asOf) {
    int window = rules.kpi().repurchaseWindowDays();
    int horizon = rules.churn().horizonDays();
    Column month = col(MONTH);
    Column first = get(col(DAYS), lit(0));
    Column second = get(col(DAYS), lit(1));
    Column nextFirst = col("next_first");

    Column windowEnd = date_add(first, window);
    Column eligible = windowEnd.leq(lit(Date.valueOf(asOf)));
    Column nextPurchase = coalesce(second, nextFirst);
    Column repurchased = coalesce(nextPurchase.leq(windowEnd), lit(false));

    Column events =
        array(
            event(
                month,
                lit(1L),
                col(KpiMonthlyColumns.ORDERS),
                lit(0L),
                lit(0L),
                flag(reactivated(horizon)),
                lit(0L),
                col(KpiMonthlyColumns.POINTS_EARNED)),
            when(
                eligible,
                event(
                    trunc(windowEnd, "month"),
                    lit(0L),
                    lit(0L),
                    lit(1L),
                    flag(repurchased),
                    lit(0L),
                    lit(0L),
                    lit(null))),
            when(
                churns(horizon, asOf),
                event(
                    trunc(churnDate(horizon), "month"),
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(0L),
                    lit(1L),
                    lit(null))));

    return withNeighbours(customerMonths)
        .select(col(CUSTOMER_ID), explode(events).as("e"))
        .where(col("e").isNotNull())
        .select(
            col(CUSTOMER_ID),
            col("e.*"),
            lit(null).cast("int").as(CSAT),
            lit(null).cast("int").as(NPS_ANSWER),
            lit(0L).as(KpiMonthlyColumns.COMPLAINTS),
            lit(null).cast("double").as(HOURS),
            lit(null).cast("long").as(KpiMonthlyColumns.POINTS_REDEEMED));
  }

  /**
   * The spells a customer spends in the churn base and in the reactivation base, as month intervals
   * [from_month, to_month) (null: still in it at as-of). The churn base holds a customer from the
   * month after a spell of purchases starts (the first purchase, or one that ends a churn) until
   * the month after its churn month; the reactivation base from the month after the churn month
   * until the month after the purchase that ends the churn. A spell's months alternate strictly
   * with the next one's (H ≥ 31 days), so the next churn after a spell's start is its end.
   *
   * @return customer_id, kind ({@value #CHURN_SPELL} or {@value #REACTIVATION_SPELL}), from_month,
   *     to_month
   */
  static Dataset<Row> baseSpells(
      Dataset<Row> customerMonths, SatisfactionRules rules, LocalDate asOf) {
    int horizon = rules.churn().horizonDays();
    Column churns = churns(horizon, asOf);
    Column churnExit = add_months(trunc(churnDate(horizon), "month"), 1);
    Column nextFirst = col("next_first");
    Dataset<Row> marked =
        withNeighbours(customerMonths)
            .select(
                col(CUSTOMER_ID),
                col(MONTH),
                col("prev_last").isNull().or(reactivated(horizon)).as("starts"),
                churns.as("churns"),
                when(churns, churnExit).as("exit"),
                when(churns.and(nextFirst.isNotNull()), add_months(trunc(nextFirst, "month"), 1))
                    .as("returns"))
            .where(col("starts").or(col("churns")));
    WindowSpec byCustomer = Window.partitionBy(CUSTOMER_ID).orderBy(MONTH);
    Column churnEnd =
        when(col("churns"), col("exit")).otherwise(lead(col("exit"), 1).over(byCustomer));
    // Both kinds of spell from one reading of the marked months (a union of two selections would
    // derive them, and the customer-months under them, once per kind).
    Column spells =
        array(
            when(
                col("starts"),
                struct(
                    lit(CHURN_SPELL).as(KIND),
                    add_months(col(MONTH), 1).as(FROM_MONTH),
                    col("end").as(TO_MONTH))),
            when(
                col("churns"),
                struct(
                    lit(REACTIVATION_SPELL).as(KIND),
                    col("exit").as(FROM_MONTH),
                    col("returns").as(TO_MONTH))));
    return marked
        .withColumn("end", churnEnd)
        .select(col(CUSTOMER_ID), explode(spells).as("s"))
        .where(col("s").isNotNull())
        .select(
            col(CUSTOMER_ID),
            col("s." + KIND).as(KIND),
            col("s." + FROM_MONTH).as(FROM_MONTH),
            col("s." + TO_MONTH).as(TO_MONTH));
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
    KpiMonthlyColumns.CHURNED_CUSTOMERS
  };

  private static Column event(
      Column month,
      Column active,
      Column orders,
      Column repurchaseBase,
      Column repurchasers,
      Column reactivated,
      Column churned,
      Column pointsEarned) {
    Column[] values = {active, orders, repurchaseBase, repurchasers, reactivated, churned};
    Column[] fields = new Column[values.length + 2];
    fields[0] = month.as(MONTH);
    for (int i = 0; i < values.length; i++)
      fields[i + 1] = values[i].cast("long").as(ACTIVITY_COUNTS[i]);
    fields[values.length + 1] = pointsEarned.cast("long").as(KpiMonthlyColumns.POINTS_EARNED);
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
