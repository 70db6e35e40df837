package dev.clientele.publish;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.clientele.audience.AudienceColumns;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The run report's audiences section: each audience's members at the as-of date by status and
 * suppression reason, and the measured uplift of every audience old enough to measure (a few dozen
 * rows, aggregated before they reach the driver).
 *
 * @param members counts by audience, status and reason (null for selected), ordered by audience
 *     then status then reason
 * @param results audience_results rows, newest as-of first (at most {@link #RESULTS})
 */
public record AudienceReport(List<MemberCount> members, List<Result> results) {
  static final int RESULTS = 60;

  public record MemberCount(String audience, String status, String reason, long customers) {}

  public record Result(
      LocalDate asOf,
      String audience,
      int measureDays,
      long selected,
      long holdout,
      Double selectedRate,
      Double holdoutRate,
      Double rateUplift,
      Double rateLow,
      Double rateHigh,
      Double selectedSpend,
      Double holdoutSpend,
      Double spendUplift,
      Double spendLow,
      Double spendHigh) {}

  /** Reads the two gold tables as just written by the publish; null when neither exists. */
  static AudienceReport gather(SparkSession spark, TableCatalog tables, LocalDate asOf) {
    String membersPath = tables.path(Table.AUDIENCE_MEMBERS);
    String resultsPath = tables.path(Table.AUDIENCE_RESULTS);
    if (!DeltaIO.exists(spark, membersPath)) return null;
    List<MemberCount> members = new ArrayList<>();
    for (Row r :
        DeltaIO.readSnapshot(spark, membersPath, asOf)
            .groupBy(
                col(AudienceColumns.AUDIENCE),
                col(AudienceColumns.STATUS),
                col(AudienceColumns.REASON))
            .count()
            .orderBy(
                col(AudienceColumns.AUDIENCE),
                col(AudienceColumns.STATUS),
                col(AudienceColumns.REASON))
            .collectAsList()) {
      members.add(new MemberCount(r.getString(0), r.getString(1), r.getString(2), r.getLong(3)));
    }
    List<Result> results = new ArrayList<>();
    if (DeltaIO.exists(spark, resultsPath)) {
      for (Row r :
          DeltaIO.read(spark, resultsPath)
              .where(col(AudienceColumns.AS_OF).leq(lit(Date.valueOf(asOf))))
              .orderBy(col(AudienceColumns.AS_OF).desc(), col(AudienceColumns.AUDIENCE))
              .limit(RESULTS)
              .collectAsList()) {
        results.add(
            new Result(
                r.<Date>getAs(AudienceColumns.AS_OF).toLocalDate(),
                r.getAs(AudienceColumns.AUDIENCE),
                r.<Integer>getAs(AudienceColumns.MEASURE_DAYS),
                r.<Long>getAs(AudienceColumns.SELECTED_CUSTOMERS),
                r.<Long>getAs(AudienceColumns.HOLDOUT_CUSTOMERS),
                r.getAs(AudienceColumns.SELECTED_REPURCHASE_RATE),
                r.getAs(AudienceColumns.HOLDOUT_REPURCHASE_RATE),
                r.getAs(AudienceColumns.REPURCHASE_UPLIFT),
                r.getAs(AudienceColumns.REPURCHASE_UPLIFT_LOW),
                r.getAs(AudienceColumns.REPURCHASE_UPLIFT_HIGH),
                r.getAs(AudienceColumns.SELECTED_SPEND),
                r.getAs(AudienceColumns.HOLDOUT_SPEND),
                r.getAs(AudienceColumns.SPEND_UPLIFT),
                r.getAs(AudienceColumns.SPEND_UPLIFT_LOW),
                r.getAs(AudienceColumns.SPEND_UPLIFT_HIGH)));
      }
    }
    return new AudienceReport(members, results);
  }
}
