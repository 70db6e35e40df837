package dev.clientele.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import dev.clientele.common.columns.CustomersColumns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Customer attributes as they were on an as-of date, so features (and every attribute band, label
 * and KPI built on them) for a past date are the same whatever customer versions arrived since.
 */
public final class CustomerAttributes {
  private CustomerAttributes() {}

  /**
   * One row per customer known on {@code asOf}, in {@link CustomersColumns#SCHEMA}: for a customer
   * with versions in {@code customer_history}, the version in effect at the end of that day (the
   * one whose valid_from date is on or before it and whose valid_to date, if any, is after it); a
   * customer whose first version starts later has no row (it was not known yet: if it bought by
   * then, features show it with unknown attributes, as any customer seen only in the log). A
   * customer of {@code customers} without versions (derived from the log) is taken as it is.
   *
   * @param customers silver customers (the latest version of each)
   * @param history silver customer_history ({@link CustomersColumns#HISTORY_SCHEMA})
   */
  public static Dataset<Row> asOf(Dataset<Row> customers, Dataset<Row> history, LocalDate asOf) {
    Column day = lit(Date.valueOf(asOf));
    Column[] columns =
        Arrays.stream(CustomersColumns.SCHEMA.fieldNames()).map(c -> col(c)).toArray(Column[]::new);
    Dataset<Row> inEffect =
        byDate(history)
            .where(
                col(CustomersColumns.VALID_FROM)
                    .leq(day)
                    .and(
                        col(CustomersColumns.VALID_TO)
                            .isNull()
                            .or(col(CustomersColumns.VALID_TO).gt(day))))
            .select(columns);
    Dataset<Row> unversioned =
        customers
            .join(
                history.select(CustomersColumns.CUSTOMER_ID).distinct(),
                new String[] {CustomersColumns.CUSTOMER_ID},
                "left_anti")
            .select(columns);
    return unversioned.unionByName(inEffect);
  }

  /**
   * The versions of {@code history} by date: valid_from and valid_to become the dates of those
   * timestamps, so a version is in effect on the dates [valid_from, valid_to) (at the end of each
   * of those days); a version replaced on the day it started is in effect on none and is left out.
   * At most one version per customer is in effect on any date.
   */
  public static Dataset<Row> byDate(Dataset<Row> history) {
    Column from = to_date(col(CustomersColumns.VALID_FROM));
    Column to = to_date(col(CustomersColumns.VALID_TO));
    return history
        .withColumn(CustomersColumns.VALID_FROM, from)
        .withColumn(CustomersColumns.VALID_TO, to)
        .where(
            col(CustomersColumns.VALID_TO)
                .isNull()
                .or(col(CustomersColumns.VALID_FROM).lt(col(CustomersColumns.VALID_TO))));
  }
}
