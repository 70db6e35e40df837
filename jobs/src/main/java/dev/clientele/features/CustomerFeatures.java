package dev.clientele.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.months_between;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.CustomersColumns;
import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.common.columns.Money;
import dev.clientele.common.columns.TransactionsColumns;
import dev.clientele.value.MembershipPoints;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Builds {@code customer_features} (columns in {@link FeaturesColumns}): one row per customer as of
 * a date, from <b>one</b> scan of silver transactions joined with silver customers.
 *
 * <p>How the one scan works: each transaction line on or before the as-of date is expanded into up
 * to four "facet" rows, keyed by (customer, facet, key): its <em>day</em> (all money and points
 * sums), its <em>order</em> (order counts, channel), and for purchase lines in the window its
 * <em>brand</em> and <em>category</em>. One aggregation reduces them to customer x facet x key; a
 * window partitioned by customer gives the gaps between purchase days; a second aggregation by
 * customer gives every feature. Customers with attributes but no purchase are prospects with zero
 * activity; customers seen only in transactions keep "unknown" attributes. Customers whose signup
 * date is after the as-of date do not exist yet and are left out.
 */
public final class CustomerFeatures {
  private CustomerFeatures() {}

  // Facets of a transaction line (see the class comment).
  private static final String DAY = "day";
  private static final String ORDER = "order";
  private static final String BRAND = "brand";
  private static final String CATEGORY = "category";

  public static Dataset<Row> compute(
      Dataset<Row> transactions, Dataset<Row> customers, LocalDate asOf, FeatureRules rules) {
    Column asOfDate = lit(Date.valueOf(asOf));
    Column isReturn = col(TransactionsColumns.IS_RETURN);
    Column inWindow = datediff(asOfDate, col(TransactionsColumns.TXN_DATE)).lt(rules.windowDays());
    Column purchaseInWindow = not(isReturn).and(inWindow);
    Column cost =
        col(TransactionsColumns.UNIT_COST)
            .multiply(col(TransactionsColumns.QUANTITY).cast(Money.PRICE));

    Dataset<Row> lines =
        transactions
            .where(
                col(TransactionsColumns.TXN_DATE)
                    .leq(asOfDate)
                    .and(col(TransactionsColumns.CUSTOMER_ID).isNotNull()))
            .select(
                col(TransactionsColumns.CUSTOMER_ID).as("cid"),
                col(TransactionsColumns.TXN_DATE).as("d"),
                isReturn.as("ret"),
                col(TransactionsColumns.CHANNEL).as("channel"),
                col(TransactionsColumns.AMOUNT).as("amount"),
                when(not(isReturn), col(TransactionsColumns.DISCOUNT)).as("discount"),
                round(col(TransactionsColumns.AMOUNT).minus(cost), 2).cast(Money.AMOUNT).as("margin"),
                col(TransactionsColumns.UNIT_COST).isNull().as("no_cost"),
                MembershipPoints.linePoints(rules.points()).as("pts"),
                explode(
                        filter(
                            array(
                                facet(DAY, date_format(col(TransactionsColumns.TXN_DATE), "yyyy-MM-dd")),
                                facet(ORDER, col(TransactionsColumns.ORDER_ID)),
                                facet(BRAND, when(purchaseInWindow, col(TransactionsColumns.BRAND))),
                                facet(CATEGORY, when(purchaseInWindow, col(TransactionsColumns.CATEGORY)))),
                            f -> f.getField("key").isNotNull()))
                    .as("f"));

    // Aggregation 1: customer x facet x key. Sums are exact decimals, so any grouping gives the same totals.
    Dataset<Row> facets =
        lines
            .groupBy(col("cid"), col("f.facet").as("facet"), col("f.key").as("key"))
            .agg(
                min("d").as("d"),
                max(not(col("ret"))).as("purchase"),
                min("channel").as("channel"),
                sum("amount").as("net"),
                sum(when(not(col("ret")), col("amount"))).as("gross"),
                sum(when(col("ret"), col("amount").unary_$minus())).as("returned"),
                sum("discount").as("discount"),
                sum("margin").as("margin"),
                max("no_cost").as("no_cost"),
                sum(when(col("pts").gt(0), col("pts"))).as("pts_plus"),
                sum(when(col("pts").lt(0), col("pts").unary_$minus())).as("pts_minus"),
                sum("pts").as("pts"));

    // Gaps between consecutive purchase days; the window is per customer, never over all customers.
    Column isPurchaseDay = col("facet").equalTo(DAY).and(col("purchase"));
    var byCustomerDay = Window.partitionBy(col("cid"), col("facet"), col("purchase")).orderBy(col("d"), col("key"));
    // The customer's first purchase day on every purchase-day row: BG/NBD weeks and repeat spend count from it.
    var byCustomerFacet = Window.partitionBy(col("cid"), col("facet"), col("purchase"));
    Dataset<Row> withGaps =
        facets
            .withColumn(
                "gap", when(isPurchaseDay, datediff(col("d"), lag(col("d"), 1).over(byCustomerDay))))
            .withColumn("first_day", when(isPurchaseDay, min(col("d")).over(byCustomerFacet)));

    Column ageDays = datediff(asOfDate, col("d"));
    Column isDay = col("facet").equalTo(DAY);
    Column dayInWindow = isDay.and(ageDays.lt(rules.windowDays()));
    Column isOrder = col("facet").equalTo(ORDER).and(col("purchase"));
    Column orderInWindow = isOrder.and(ageDays.lt(rules.windowDays()));
    int trend = rules.trendDays();
    Column last = ageDays.lt(trend);
    Column prev = ageDays.geq(trend).and(ageDays.lt(2 * trend));
    LocalDate expiry = rules.points().lastExpiry(asOf);
    Column beforeExpiry = col("d").lt(lit(Date.valueOf(expiry)));
    Column isBrand = col("facet").equalTo(BRAND);
    Column churnGap = col("gap").gt(rules.churnHorizonDays());

    // Aggregation 2: per customer.
    Dataset<Row> activity =
        withGaps
            .groupBy(col("cid"))
            .agg(
                min(when(isPurchaseDay, col("d"))).as("first_purchase"),
                max(when(isPurchaseDay, col("d"))).as("last_purchase"),
                count(when(isOrder.and(ageDays.lt(rules.windowDays())), lit(1))).as("orders"),
                count(when(isOrder, lit(1))).as("lifetime_orders"),
                count(when(isPurchaseDay.and(ageDays.lt(rules.windowDays())), lit(1))).as("purchase_days"),
                count(when(isPurchaseDay, lit(1))).as("lifetime_purchase_days"),
                count_distinct(when(isPurchaseDay, floor(datediff(col("d"), col("first_day")).divide(7)))).as("purchase_weeks"),
                sum(when(isPurchaseDay.and(col("d").gt(col("first_day"))), col("net"))).as("repeat_net"),
                sum(when(dayInWindow, col("net"))).as("net"),
                sum(when(isDay, col("net"))).as("lifetime_net"),
                sum(when(dayInWindow, col("gross"))).as("gross"),
                sum(when(dayInWindow, col("returned"))).as("returned"),
                sum(when(dayInWindow, col("discount"))).as("discount"),
                sum(when(dayInWindow, col("margin"))).as("margin"),
                max(when(dayInWindow, col("no_cost"))).as("no_cost"),
                avg(col("gap")).as("mean_gap"),
                max_by(col("gap"), when(isPurchaseDay, col("d"))).as("last_gap"),
                sum(when(isDay.and(last), col("net"))).as("spend_last"),
                sum(when(isDay.and(prev), col("net"))).as("spend_prev"),
                count(when(isOrder.and(last), lit(1))).as("orders_last"),
                count(when(isOrder.and(prev), lit(1))).as("orders_prev"),
                // Ties on spend go to the alphabetically first brand.
                min_by(col("key"), when(isBrand, struct(col("gross").unary_$minus(), col("key")))).as("top_brand"),
                max(when(isBrand, col("gross"))).as("top_brand_gross"),
                count(when(col("facet").equalTo(CATEGORY), lit(1))).as("categories"),
                collect_list(when(orderInWindow, coalesce(col("channel"), lit("unknown")))).as("channels"),
                max(churnGap).as("was_churned"),
                max(when(churnGap, col("d"))).as("reactivated_on"),
                sum(when(isDay, col("pts_plus"))).as("pts_plus"),
                sum(when(isDay, col("pts_minus"))).as("pts_minus"),
                sum(when(isDay.and(beforeExpiry), col("pts"))).as("pts_before"),
                sum(when(isDay.and(not(beforeExpiry)), col("pts"))).as("pts_since"));

    Dataset<Row> people =
        customers
            .where(
                col(CustomersColumns.SIGNUP_DATE).isNull().or(col(CustomersColumns.SIGNUP_DATE).leq(asOfDate)))
            .select(
                col(CustomersColumns.CUSTOMER_ID).as("pid"),
                col(CustomersColumns.BIRTH_DATE).as("birth_date"),
                col(CustomersColumns.GENDER).as("gender"),
                col(CustomersColumns.INCOME_BAND).as("income_band"),
                col(CustomersColumns.OCCUPATION).as("occupation"),
                col(CustomersColumns.REGION).as("region"),
                col(CustomersColumns.SIGNUP_DATE).as("signup_date"));

    Dataset<Row> joined =
        activity.join(people, activity.col("cid").equalTo(people.col("pid")), "full_outer");

    Column zero = lit(0).cast(Money.AMOUNT);
    Column orders = coalesce(col("orders"), lit(0L));
    Column net = coalesce(col("net"), zero).cast(Money.AMOUNT);
    Column channels = col("channels");
    Column channelNames = array_sort(array_distinct(channels));
    Column ptsBefore = coalesce(col("pts_before"), lit(0L));
    Column ptsSince = coalesce(col("pts_since"), lit(0L));
    return joined.select(
        asOfDate.as(FeaturesColumns.AS_OF),
        coalesce(col("cid"), col("pid")).as(FeaturesColumns.CUSTOMER_ID),
        col("first_purchase").as(FeaturesColumns.FIRST_PURCHASE_DATE),
        col("last_purchase").as(FeaturesColumns.LAST_PURCHASE_DATE),
        datediff(asOfDate, col("last_purchase")).as(FeaturesColumns.RECENCY_DAYS),
        orders.as(FeaturesColumns.ORDER_COUNT),
        coalesce(col("lifetime_orders"), lit(0L)).as(FeaturesColumns.LIFETIME_ORDER_COUNT),
        coalesce(col("purchase_days"), lit(0L)).as(FeaturesColumns.PURCHASE_DAYS),
        coalesce(col("lifetime_purchase_days"), lit(0L)).as(FeaturesColumns.LIFETIME_PURCHASE_DAYS),
        coalesce(col("purchase_weeks"), lit(0L)).as(FeaturesColumns.PURCHASE_WEEKS),
        when(
                col("lifetime_purchase_days").gt(1),
                round(try_divide(col("repeat_net"), col("lifetime_purchase_days").minus(1)), 2))
            .cast(Money.AMOUNT)
            .as(FeaturesColumns.REPEAT_MEAN_SPEND),
        net.as(FeaturesColumns.NET_SPEND),
        coalesce(col("lifetime_net"), zero).cast(Money.AMOUNT).as(FeaturesColumns.LIFETIME_NET_SPEND),
        when(orders.gt(0), round(try_divide(net, orders), 2)).cast(Money.AMOUNT).as(FeaturesColumns.AOV),
        datediff(asOfDate, least(col("first_purchase"), col("signup_date"))).as(FeaturesColumns.TENURE_DAYS),
        col("mean_gap").as(FeaturesColumns.MEAN_GAP_DAYS),
        col("last_gap").as(FeaturesColumns.LAST_GAP_DAYS),
        coalesce(col("spend_last"), zero).cast(Money.AMOUNT).as(FeaturesColumns.SPEND_LAST_90D),
        coalesce(col("spend_prev"), zero).cast(Money.AMOUNT).as(FeaturesColumns.SPEND_PREV_90D),
        coalesce(col("orders_last"), lit(0L)).as(FeaturesColumns.ORDERS_LAST_90D),
        coalesce(col("orders_prev"), lit(0L)).as(FeaturesColumns.ORDERS_PREV_90D),
        when(col("gross").gt(0), round(try_divide(col("top_brand_gross"), col("gross")).cast(DataTypes.DoubleType), 4))
            .as(FeaturesColumns.TOP_BRAND_SHARE),
        col("top_brand").as(FeaturesColumns.TOP_BRAND),
        when(
                col("gross").plus(col("discount")).gt(0),
                round(try_divide(col("discount"), col("gross").plus(col("discount"))).cast(DataTypes.DoubleType), 4))
            .as(FeaturesColumns.DISCOUNT_SHARE),
        coalesce(col("categories"), lit(0L)).as(FeaturesColumns.CATEGORY_COUNT),
        when(
                size(channels).gt(0),
                map_from_arrays(
                    channelNames,
                    transform(
                        channelNames,
                        c ->
                            round(
                                size(filter(channels, x -> x.equalTo(c))).cast(DataTypes.DoubleType)
                                    .divide(size(channels)),
                                4))))
            .as(FeaturesColumns.CHANNEL_MIX),
        when(col("no_cost").equalTo(false), col("margin")).cast(Money.AMOUNT).as(FeaturesColumns.MARGIN),
        coalesce(col("returned"), zero).cast(Money.AMOUNT).as(FeaturesColumns.RETURN_AMOUNT),
        coalesce(col("was_churned"), lit(false)).as(FeaturesColumns.WAS_CHURNED_BEFORE),
        col("reactivated_on").as(FeaturesColumns.REACTIVATED_ON),
        ageBand(col("birth_date"), asOfDate, rules.ageBands()).as(FeaturesColumns.AGE_BAND),
        unknownIfNull(col("gender")).as(FeaturesColumns.GENDER),
        unknownIfNull(col("income_band")).as(FeaturesColumns.INCOME_BAND),
        unknownIfNull(col("occupation")).as(FeaturesColumns.OCCUPATION),
        unknownIfNull(col("region")).as(FeaturesColumns.REGION),
        col("signup_date").as(FeaturesColumns.SIGNUP_DATE),
        col("first_purchase").isNull().as(FeaturesColumns.IS_PROSPECT),
        coalesce(col("pts_plus"), lit(0L)).as(FeaturesColumns.POINTS_EARNED),
        coalesce(col("pts_minus"), lit(0L)).as(FeaturesColumns.POINTS_REVERSED),
        greatest(ptsBefore, lit(0L)).as(FeaturesColumns.POINTS_EXPIRED),
        greatest(ptsSince, lit(0L)).as(FeaturesColumns.POINTS_BALANCE),
        lit(Date.valueOf(expiry)).as(FeaturesColumns.POINTS_EXPIRY_DATE));
  }

  private static Column facet(String name, Column key) {
    return struct(lit(name).as("facet"), key.cast(DataTypes.StringType).as("key"));
  }

  private static Column unknownIfNull(Column c) {
    return coalesce(c, lit("unknown"));
  }

  /** "<18", "18-24", ..., "65+" from the configured lower bounds; "unknown" without a birth date. */
  static Column ageBand(Column birthDate, Column asOf, List<Integer> bounds) {
    Column age = floor(months_between(asOf, birthDate).divide(12));
    if (bounds.isEmpty()) return when(birthDate.isNull(), lit("unknown")).otherwise(lit("all"));
    Column band = lit(bounds.get(bounds.size() - 1) + "+");
    for (int i = bounds.size() - 1; i >= 0; i--) {
      String label = i == 0 ? "<" + bounds.get(0) : bounds.get(i - 1) + "-" + (bounds.get(i) - 1);
      band = when(age.lt(bounds.get(i)), lit(label)).otherwise(band);
    }
    return when(birthDate.isNull(), lit("unknown")).otherwise(band);
  }
}
