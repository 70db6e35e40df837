package dev.clientele.features;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_min;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.CustomerDaysColumns;
import dev.clientele.common.columns.Money;
import dev.clientele.common.columns.TransactionsColumns;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Reduces transaction lines to {@code customer_days} (columns in {@link CustomerDaysColumns}): one
 * aggregation by (customer, day), so the features of any as-of date can be computed from these rows
 * instead of the lines, and a refresh only recomputes the days new lines fell on. Lines without a
 * customer are left out (they belong to no customer's features).
 */
public final class CustomerDays {
  private CustomerDays() {}

  public static Dataset<Row> compute(Dataset<Row> transactions, PointsRules points) {
    Column isReturn = col(TransactionsColumns.IS_RETURN);
    Column purchase = not(isReturn);
    Column amount = col(TransactionsColumns.AMOUNT);
    Column cost =
        col(TransactionsColumns.UNIT_COST)
            .multiply(col(TransactionsColumns.QUANTITY).cast(Money.PRICE));
    Column pts = LinePoints.of(points);

    Dataset<Row> days =
        transactions
            .where(col(TransactionsColumns.CUSTOMER_ID).isNotNull())
            .withColumn("pts", pts)
            .groupBy(col(TransactionsColumns.CUSTOMER_ID), col(TransactionsColumns.TXN_DATE))
            .agg(
                max(purchase).as(CustomerDaysColumns.PURCHASE),
                sum(amount).as(CustomerDaysColumns.NET),
                sum(when(purchase, amount)).as(CustomerDaysColumns.GROSS),
                sum(when(isReturn, amount.unary_$minus())).as(CustomerDaysColumns.RETURNED),
                sum(when(purchase, col(TransactionsColumns.DISCOUNT)))
                    .as(CustomerDaysColumns.DISCOUNT),
                sum(round(amount.minus(cost), 2).cast(Money.AMOUNT)).as(CustomerDaysColumns.MARGIN),
                max(col(TransactionsColumns.UNIT_COST).isNull()).as(CustomerDaysColumns.NO_COST),
                sum(when(col("pts").gt(0), col("pts"))).as(CustomerDaysColumns.POINTS_PLUS),
                sum(when(col("pts").lt(0), col("pts").unary_$minus()))
                    .as(CustomerDaysColumns.POINTS_MINUS),
                sum(col("pts")).as(CustomerDaysColumns.POINTS),
                collect_list(
                        when(
                            purchase,
                            struct(
                                col(TransactionsColumns.ORDER_ID).as("o"),
                                col(TransactionsColumns.CHANNEL).as("c"))))
                    .as("order_lines"),
                collect_list(
                        when(
                            purchase.and(col(TransactionsColumns.BRAND).isNotNull()),
                            struct(col(TransactionsColumns.BRAND).as("b"), amount.as("a"))))
                    .as("brand_lines"),
                array_sort(
                        array_distinct(
                            collect_list(when(purchase, col(TransactionsColumns.CATEGORY)))))
                    .as(CustomerDaysColumns.CATEGORIES));

    // Per distinct order its first channel, per distinct brand its gross: a customer's day has a
    // handful of lines, so these array functions stay small and need no second shuffle.
    Column orderIds =
        array_sort(array_distinct(transform(col("order_lines"), l -> l.getField("o"))));
    Column orderChannels =
        transform(
            orderIds,
            o ->
                coalesce(
                    array_min(
                            filter(
                                col("order_lines"),
                                l -> l.getField("o").equalTo(o).and(l.getField("c").isNotNull())))
                        .getField("c"),
                    lit("unknown")));
    Column brandNames =
        array_sort(array_distinct(transform(col("brand_lines"), l -> l.getField("b"))));
    Column brands =
        transform(
            brandNames,
            b ->
                struct(
                    b.as(CustomerDaysColumns.BRAND),
                    aggregate(
                            filter(col("brand_lines"), l -> l.getField("b").equalTo(b)),
                            lit(java.math.BigDecimal.ZERO).cast(Money.AMOUNT),
                            (acc, l) -> acc.plus(l.getField("a")).cast(Money.AMOUNT))
                        .as(CustomerDaysColumns.GROSS)));
    return days.select(
        col(TransactionsColumns.CUSTOMER_ID).as(CustomerDaysColumns.CUSTOMER_ID),
        col(TransactionsColumns.TXN_DATE).as(CustomerDaysColumns.TXN_DATE),
        trunc(col(TransactionsColumns.TXN_DATE), "month").as(CustomerDaysColumns.MONTH),
        col(CustomerDaysColumns.PURCHASE),
        col(CustomerDaysColumns.NET).cast(Money.AMOUNT).as(CustomerDaysColumns.NET),
        col(CustomerDaysColumns.GROSS).cast(Money.AMOUNT).as(CustomerDaysColumns.GROSS),
        col(CustomerDaysColumns.RETURNED).cast(Money.AMOUNT).as(CustomerDaysColumns.RETURNED),
        col(CustomerDaysColumns.DISCOUNT).cast(Money.AMOUNT).as(CustomerDaysColumns.DISCOUNT),
        col(CustomerDaysColumns.MARGIN).cast(Money.AMOUNT).as(CustomerDaysColumns.MARGIN),
        col(CustomerDaysColumns.NO_COST),
        col(CustomerDaysColumns.POINTS_PLUS),
        col(CustomerDaysColumns.POINTS_MINUS),
        col(CustomerDaysColumns.POINTS),
        orderChannels.as(CustomerDaysColumns.ORDER_CHANNELS),
        brands.as(CustomerDaysColumns.BRANDS),
        col(CustomerDaysColumns.CATEGORIES));
  }
}
