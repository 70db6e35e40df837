package dev.clientele.audience;

import static dev.clientele.audience.AudienceColumns.AS_OF;
import static dev.clientele.audience.AudienceColumns.AUDIENCE;
import static dev.clientele.audience.AudienceColumns.CUSTOMER_ID;
import static dev.clientele.audience.AudienceColumns.STATUS;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.var_samp;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.CustomerDaysColumns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The measured effect of each audience: selected vs holdout customers of an as-of date A over the
 * days (A, A + measure-days], from the per-customer-day statistics ({@code customer_days}): the
 * share who bought at least once and the net spend per customer (0 for none), and their differences
 * ({@link Uplift}). Output grain: one row per as_of and audience, in {@link
 * AudienceColumns#RESULTS_SCHEMA}, for every as_of with A + measure-days on or before the measuring
 * publish's date.
 */
public final class AudienceResults {
  static final String REPURCHASERS = "repurchasers";
  static final String CUSTOMERS = "customers";
  static final String MEAN_SPEND = "mean_spend";
  static final String SPEND_VARIANCE = "spend_variance";
  private static final String BOUGHT = "_bought";
  private static final String SPEND = "_spend";

  private AudienceResults() {}

  /** The as-of dates of {@code asOfs} old enough to measure at {@code measuredAsOf}, sorted. */
  public static List<LocalDate> measurable(
      List<LocalDate> asOfs, int measureDays, LocalDate measuredAsOf) {
    return asOfs.stream()
        .filter(a -> !a.plusDays(measureDays).isAfter(measuredAsOf))
        .distinct()
        .sorted()
        .toList();
  }

  /**
   * One row per as_of, audience and status (selected, holdout): customers, repurchasers,
   * mean_spend, spend_variance (sample) over the measure window after as_of.
   *
   * @param members audience_members rows of the as-of dates to measure
   * @param days customer_days covering the windows (other days are ignored)
   */
  public static Dataset<Row> arms(Dataset<Row> members, Dataset<Row> days, int measureDays) {
    Dataset<Row> arms =
        members.where(col(STATUS).isin(AudienceColumns.SELECTED, AudienceColumns.HOLDOUT));
    Dataset<Row> window =
        days.select(
            col(CustomerDaysColumns.CUSTOMER_ID).as("_day_customer"),
            col(CustomerDaysColumns.TXN_DATE),
            col(CustomerDaysColumns.PURCHASE),
            col(CustomerDaysColumns.NET));
    Dataset<Row> perCustomer =
        arms.join(
                window,
                col(CUSTOMER_ID)
                    .equalTo(col("_day_customer"))
                    .and(col(CustomerDaysColumns.TXN_DATE).gt(col(AS_OF)))
                    .and(col(CustomerDaysColumns.TXN_DATE).leq(date_add(col(AS_OF), measureDays))),
                "left")
            .groupBy(col(AS_OF), col(AUDIENCE), col(STATUS), col(CUSTOMER_ID))
            .agg(
                coalesce(
                        max(when(col(CustomerDaysColumns.PURCHASE).equalTo(true), 1).otherwise(0)),
                        lit(0))
                    .as(BOUGHT),
                coalesce(sum(col(CustomerDaysColumns.NET)).cast("double"), lit(0.0)).as(SPEND));
    return perCustomer
        .groupBy(col(AS_OF), col(AUDIENCE), col(STATUS))
        .agg(
            count(lit(1)).as(CUSTOMERS),
            sum(col(BOUGHT)).cast("long").as(REPURCHASERS),
            avg(col(SPEND)).as(MEAN_SPEND),
            var_samp(col(SPEND)).as(SPEND_VARIANCE));
  }

  /**
   * The audience_results rows from the {@link #arms} rows (a handful: two per audience and as-of),
   * sorted by as_of and audience. An audience with no holdout (or no selected customer) gets its
   * counts and null differences.
   */
  public static List<Row> results(List<Row> arms, int measureDays, LocalDate measuredAsOf) {
    Map<List<Object>, Uplift.Arm[]> groups = new LinkedHashMap<>();
    for (Row r : arms) {
      List<Object> key = List.of(r.getAs(AS_OF), r.getAs(AUDIENCE));
      Uplift.Arm[] pair =
          groups.computeIfAbsent(
              key,
              k ->
                  new Uplift.Arm[] {
                    new Uplift.Arm(0, 0, null, null), new Uplift.Arm(0, 0, null, null)
                  });
      Uplift.Arm arm =
          new Uplift.Arm(
              r.<Long>getAs(CUSTOMERS),
              r.<Long>getAs(REPURCHASERS),
              r.getAs(MEAN_SPEND),
              r.getAs(SPEND_VARIANCE));
      pair[AudienceColumns.SELECTED.equals(r.getAs(STATUS)) ? 0 : 1] = arm;
    }
    List<Row> out = new ArrayList<>();
    for (Map.Entry<List<Object>, Uplift.Arm[]> e : groups.entrySet()) {
      Date asOf = (Date) e.getKey().get(0);
      Uplift.Arm selected = e.getValue()[0];
      Uplift.Arm holdout = e.getValue()[1];
      Uplift.Difference rate = Uplift.rate(selected, holdout);
      Uplift.Difference spend = Uplift.spend(selected, holdout);
      out.add(
          RowFactory.create(
              asOf,
              e.getKey().get(1),
              measureDays,
              Date.valueOf(asOf.toLocalDate().plusDays(measureDays)),
              Date.valueOf(measuredAsOf),
              selected.customers(),
              holdout.customers(),
              selected.rate(),
              holdout.rate(),
              rate.value(),
              rate.low(),
              rate.high(),
              selected.meanSpend(),
              holdout.meanSpend(),
              spend.value(),
              spend.low(),
              spend.high()));
    }
    out.sort(Comparator.<Row, Date>comparing(r -> r.getDate(0)).thenComparing(r -> r.getString(1)));
    return out;
  }
}
