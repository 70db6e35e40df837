package dev.clientele.features;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_min;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.months_between;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.CustomerDaysColumns;
import dev.clientele.common.columns.CustomersColumns;
import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.common.columns.Money;
import dev.clientele.common.columns.RedemptionsColumns;
import dev.clientele.common.columns.TransactionsColumns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * Builds {@code customer_features} (columns in {@link FeaturesColumns}): one row per customer as of
 * a date, from the customer's {@code customer_days} rows (see {@link CustomerDays}) joined with
 * silver customers.
 *
 * <p>{@link #fromDays} is one aggregation by customer: a window partitioned by customer gives the
 * gaps between purchase days, and the per-brand, per-category and per-channel figures are reduced
 * from the days' small arrays with built-in array functions, so there is no second shuffle. {@link
 * #compute} does the same from transaction lines (one scan). An order counts on the day of its
 * purchase lines. Customers with attributes but no purchase are prospects with zero activity;
 * customers seen only in transactions keep "unknown" attributes. Customers whose signup date is
 * after the as-of date do not exist yet and are left out.
 */
public final class CustomerFeatures {
  private CustomerFeatures() {}

  private static final DecimalType TOTAL = DataTypes.createDecimalType(38, 2);

  /** Features straight from transaction lines: {@link CustomerDays} then {@link #fromDays}. */
  public static Dataset<Row> compute(
      Dataset<Row> transactions, Dataset<Row> customers, LocalDate asOf, FeatureRules rules) {
    Dataset<Row> lines =
        transactions.where(col(TransactionsColumns.TXN_DATE).leq(lit(Date.valueOf(asOf))));
    return fromDays(CustomerDays.compute(lines, rules.points()), customers, asOf, rules);
  }

  /** {@link #fromDays(Dataset, Dataset, Dataset, LocalDate, FeatureRules)} without redemptions. */
  public static Dataset<Row> fromDays(
      Dataset<Row> customerDays, Dataset<Row> customers, LocalDate asOf, FeatureRules rules) {
    return fromDays(customerDays, customers, null, asOf, rules);
  }

  /**
   * Features from {@code customer_days} rows (any days; those after as-of are ignored).
   *
   * @param redemptions silver {@code redemptions} (any dates; those after as-of are ignored), or
   *     null when there is none: points_redeemed is then 0
   */
  public static Dataset<Row> fromDays(
      Dataset<Row> customerDays,
      Dataset<Row> customers,
      Dataset<Row> redemptions,
      LocalDate asOf,
      FeatureRules rules) {
    Column asOfDate = lit(Date.valueOf(asOf));
    Dataset<Row> days =
        customerDays
            .where(col(CustomerDaysColumns.TXN_DATE).leq(asOfDate))
            .select(
                col(CustomerDaysColumns.CUSTOMER_ID).as("cid"),
                col(CustomerDaysColumns.TXN_DATE).as("d"),
                col(CustomerDaysColumns.PURCHASE).as("purchase"),
                col(CustomerDaysColumns.NET).as("net"),
                col(CustomerDaysColumns.GROSS).as("gross"),
                col(CustomerDaysColumns.RETURNED).as("returned"),
                col(CustomerDaysColumns.DISCOUNT).as("discount"),
                col(CustomerDaysColumns.MARGIN).as("margin"),
                col(CustomerDaysColumns.NO_COST).as("no_cost"),
                col(CustomerDaysColumns.POINTS_PLUS).as("pts_plus"),
                col(CustomerDaysColumns.POINTS_MINUS).as("pts_minus"),
                col(CustomerDaysColumns.POINTS).as("pts"),
                size(col(CustomerDaysColumns.ORDER_CHANNELS)).as("orders"),
                col(CustomerDaysColumns.ORDER_CHANNELS).as("order_channels"),
                col(CustomerDaysColumns.BRANDS).as("brands"),
                col(CustomerDaysColumns.CATEGORIES).as("categories"));

    // Gaps between consecutive purchase days, the first purchase day (BG/NBD weeks and repeat spend
    // count from it) and the start of each purchase week. One window per customer with purchase
    // days
    // last, in date order, so the row before a purchase day is the previous purchase day when it is
    // one; partitioned like the aggregation below, so the days are shuffled once.
    Column isPurchaseDay = col("purchase");
    var byCustomer = Window.partitionBy(col("cid")).orderBy(col("purchase"), col("d"));
    Column afterPurchaseDay =
        isPurchaseDay.and(coalesce(lag(col("purchase"), 1).over(byCustomer), lit(false)));
    Column week = floor(datediff(col("d"), col("first_day")).divide(7));
    Column previousWeek = floor(datediff(col("previous_day"), col("first_day")).divide(7));
    Dataset<Row> withGaps =
        days.withColumn("previous_day", when(afterPurchaseDay, lag(col("d"), 1).over(byCustomer)))
            .withColumn(
                "first_day",
                when(isPurchaseDay, min(when(isPurchaseDay, col("d"))).over(byCustomer)))
            .withColumn("gap", datediff(col("d"), col("previous_day")))
            .withColumn(
                "new_week",
                isPurchaseDay.and(col("previous_day").isNull().or(previousWeek.notEqual(week))));

    Column ageDays = datediff(asOfDate, col("d"));
    Column inWindow = ageDays.lt(rules.windowDays());
    Column purchaseInWindow = isPurchaseDay.and(inWindow);
    int trend = rules.trendDays();
    Column last = ageDays.lt(trend);
    Column prev = ageDays.geq(trend).and(ageDays.lt(2 * trend));
    LocalDate expiry = rules.points().lastExpiry(asOf);
    Column beforeExpiry = col("d").lt(lit(Date.valueOf(expiry)));
    Column churnGap = rules.churn().isChurnGap(col("gap"));

    Dataset<Row> activity =
        withGaps
            .groupBy(col("cid"))
            .agg(
                min(when(isPurchaseDay, col("d"))).as("first_purchase"),
                max(when(isPurchaseDay, col("d"))).as("last_purchase"),
                sum(when(inWindow, col("orders"))).as("orders"),
                sum(col("orders")).as("lifetime_orders"),
                count(when(purchaseInWindow, lit(1))).as("purchase_days"),
                count(when(isPurchaseDay, lit(1))).as("lifetime_purchase_days"),
                count(when(col("new_week"), lit(1))).as("purchase_weeks"),
                sum(when(isPurchaseDay.and(col("d").gt(col("first_day"))), col("net")))
                    .as("repeat_net"),
                sum(when(inWindow, col("net"))).as("net"),
                sum(col("net")).as("lifetime_net"),
                sum(when(inWindow, col("gross"))).as("gross"),
                sum(when(inWindow, col("returned"))).as("returned"),
                sum(when(inWindow, col("discount"))).as("discount"),
                sum(when(inWindow, col("margin"))).as("margin"),
                max(when(inWindow, col("no_cost"))).as("no_cost"),
                avg(col("gap")).as("mean_gap"),
                max_by(col("gap"), when(isPurchaseDay, col("d"))).as("last_gap"),
                sum(when(last, col("net"))).as("spend_last"),
                sum(when(prev, col("net"))).as("spend_prev"),
                sum(when(last, col("orders"))).as("orders_last"),
                sum(when(prev, col("orders"))).as("orders_prev"),
                flatten(collect_list(when(purchaseInWindow, col("brands")))).as("brand_days"),
                size(array_distinct(
                        flatten(collect_list(when(purchaseInWindow, col("categories"))))))
                    .as("categories"),
                flatten(collect_list(when(inWindow, col("order_channels")))).as("channels"),
                max(churnGap).as("was_churned"),
                max(when(churnGap, col("d"))).as("reactivated_on"),
                sum(col("pts_plus")).as("pts_plus"),
                sum(col("pts_minus")).as("pts_minus"),
                sum(when(beforeExpiry, col("pts"))).as("pts_before"),
                sum(when(not(beforeExpiry), col("pts"))).as("pts_since"));

    // Window gross per brand, then the top one: ties on spend go to the alphabetically first brand.
    Column brandNames =
        array_distinct(transform(col("brand_days"), b -> b.getField(CustomerDaysColumns.BRAND)));
    Column brandTotals =
        transform(
            brandNames,
            name ->
                struct(
                    aggregate(
                            filter(
                                col("brand_days"),
                                b -> b.getField(CustomerDaysColumns.BRAND).equalTo(name)),
                            lit(java.math.BigDecimal.ZERO).cast(TOTAL),
                            (acc, b) -> acc.plus(b.getField(CustomerDaysColumns.GROSS)).cast(TOTAL))
                        .unary_$minus()
                        .as("minus_gross"),
                    name.as("brand")));
    activity =
        activity
            .withColumn("top", array_min(brandTotals))
            .withColumn("top_brand", col("top.brand"))
            .withColumn("top_brand_gross", col("top.minus_gross").unary_$minus());

    Dataset<Row> people =
        customers
            .where(
                col(CustomersColumns.SIGNUP_DATE)
                    .isNull()
                    .or(col(CustomersColumns.SIGNUP_DATE).leq(asOfDate)))
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
    if (redemptions != null) {
      // A redemption spends points held on its day: before the last expiry it spent points that
      // would have expired, after it points of the balance.
      Column day = to_date(col(RedemptionsColumns.REDEEMED_AT));
      Column spent = col(RedemptionsColumns.POINTS);
      Dataset<Row> redeemed =
          redemptions
              .where(day.leq(asOfDate))
              .groupBy(col(RedemptionsColumns.CUSTOMER_ID).as("rid"))
              .agg(
                  sum(spent).as("redeemed"),
                  sum(when(day.lt(lit(Date.valueOf(expiry))), spent)).as("redeemed_before"),
                  sum(when(day.geq(lit(Date.valueOf(expiry))), spent)).as("redeemed_since"));
      joined =
          joined.join(
              redeemed, coalesce(col("cid"), col("pid")).equalTo(redeemed.col("rid")), "left");
    } else {
      joined =
          joined
              .withColumn("redeemed", lit(null).cast("long"))
              .withColumn("redeemed_before", lit(null).cast("long"))
              .withColumn("redeemed_since", lit(null).cast("long"));
    }

    Column zero = lit(0).cast(Money.AMOUNT);
    Column orders = coalesce(col("orders"), lit(0L));
    Column net = coalesce(col("net"), zero).cast(Money.AMOUNT);
    Column channels = col("channels");
    Column channelNames = array_sort(array_distinct(channels));
    Column ptsBefore =
        coalesce(col("pts_before"), lit(0L)).minus(coalesce(col("redeemed_before"), lit(0L)));
    Column ptsSince =
        coalesce(col("pts_since"), lit(0L)).minus(coalesce(col("redeemed_since"), lit(0L)));
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
        coalesce(col("lifetime_net"), zero)
            .cast(Money.AMOUNT)
            .as(FeaturesColumns.LIFETIME_NET_SPEND),
        when(orders.gt(0), round(try_divide(net, orders), 2))
            .cast(Money.AMOUNT)
            .as(FeaturesColumns.AOV),
        datediff(asOfDate, least(col("first_purchase"), col("signup_date")))
            .as(FeaturesColumns.TENURE_DAYS),
        col("mean_gap").as(FeaturesColumns.MEAN_GAP_DAYS),
        col("last_gap").as(FeaturesColumns.LAST_GAP_DAYS),
        coalesce(col("spend_last"), zero).cast(Money.AMOUNT).as(FeaturesColumns.SPEND_LAST_90D),
        coalesce(col("spend_prev"), zero).cast(Money.AMOUNT).as(FeaturesColumns.SPEND_PREV_90D),
        coalesce(col("orders_last"), lit(0L)).as(FeaturesColumns.ORDERS_LAST_90D),
        coalesce(col("orders_prev"), lit(0L)).as(FeaturesColumns.ORDERS_PREV_90D),
        when(
                col("gross").gt(0),
                round(
                    try_divide(col("top_brand_gross"), col("gross")).cast(DataTypes.DoubleType), 4))
            .as(FeaturesColumns.TOP_BRAND_SHARE),
        col("top_brand").as(FeaturesColumns.TOP_BRAND),
        when(
                col("gross").plus(col("discount")).gt(0),
                round(
                    try_divide(col("discount"), col("gross").plus(col("discount")))
                        .cast(DataTypes.DoubleType),
                    4))
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
                                size(filter(channels, x -> x.equalTo(c)))
                                    .cast(DataTypes.DoubleType)
                                    .divide(size(channels)),
                                4))))
            .as(FeaturesColumns.CHANNEL_MIX),
        when(col("no_cost").equalTo(false), col("margin"))
            .cast(Money.AMOUNT)
            .as(FeaturesColumns.MARGIN),
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
        coalesce(col("redeemed"), lit(0L)).cast("long").as(FeaturesColumns.POINTS_REDEEMED),
        greatest(ptsBefore, lit(0L)).as(FeaturesColumns.POINTS_EXPIRED),
        greatest(ptsSince, lit(0L)).as(FeaturesColumns.POINTS_BALANCE),
        lit(Date.valueOf(expiry)).as(FeaturesColumns.POINTS_EXPIRY_DATE));
  }

  private static Column unknownIfNull(Column c) {
    return coalesce(c, lit("unknown"));
  }

  /**
   * "<18", "18-24", ..., "65+" from the configured lower bounds; "unknown" without a birth date.
   */
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
