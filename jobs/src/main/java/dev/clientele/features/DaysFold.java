package dev.clientele.features;

import static org.apache.spark.sql.functions.col;

import dev.clientele.common.columns.CustomerDaysColumns;
import dev.clientele.common.columns.FeatureFoldsColumns;
import dev.clientele.common.columns.TransactionsColumns;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code customer_days} in step with silver {@code transactions}, in proportion to the new
 * data: the days that lines of ingest runs not yet in {@code feature_folds} fell on are recomputed
 * from all of those days' lines (partition pruning on {@code txn_date}) and replace their rows in
 * one commit (the month partitions they are in are pruned to, files by Delta's statistics on the
 * day); then the runs are listed in {@code feature_folds}. A crash between the two commits makes
 * the next run recompute the same days, which gives the same rows. The whole table is rebuilt on
 * the first run, when asked ({@code clientele.features.rebuild-days}) and when the points rules
 * changed.
 *
 * <p>Ingest only ever inserts lines, each stamped with its run id, and each silver file holds lines
 * of one run, so finding a run's days reads only that run's files (Delta's min/max file
 * statistics).
 */
final class DaysFold {
  private static final Logger LOG = LoggerFactory.getLogger(DaysFold.class);

  private DaysFold() {}

  /** What a refresh did: a rebuild or not, and how many days and ingest runs it folded in. */
  record Result(boolean rebuilt, long days, int runs) {}

  static Result refresh(SparkSession spark, TableCatalog tables, FeatureRules rules) {
    String txnPath = tables.path(Table.TRANSACTIONS);
    String daysPath = tables.path(Table.CUSTOMER_DAYS);
    String foldsPath = tables.path(Table.FEATURE_FOLDS);
    // One version of the transactions for every read below, whatever ingest commits meanwhile.
    Dataset<Row> transactions =
        DeltaIO.readVersion(spark, txnPath, DeltaIO.version(spark, txnPath));
    String fingerprint = fingerprint(rules.points());

    Set<String> runs = strings(transactions.select(TransactionsColumns.INGEST_RUN_ID).distinct());
    Set<String> folded = new TreeSet<>();
    boolean rulesChanged = false;
    if (DeltaIO.exists(spark, daysPath) && DeltaIO.exists(spark, foldsPath)) {
      for (Row r :
          DeltaIO.read(spark, foldsPath)
              .select(FeatureFoldsColumns.INGEST_RUN_ID, FeatureFoldsColumns.POINTS_RULES)
              .collectAsList()) {
        folded.add(r.getString(0));
        rulesChanged |= !r.getString(1).equals(fingerprint);
      }
    }
    if (folded.isEmpty() || rulesChanged || rules.rebuildDays()) {
      LOG.info(
          "Rebuilding customer_days from all of silver transactions ({})",
          folded.isEmpty()
              ? "first run"
              : rulesChanged ? "the points rules changed" : "clientele.features.rebuild-days");
      DeltaIO.replaceWhere(
          CustomerDays.compute(transactions, rules.points()),
          daysPath,
          "true",
          CustomerDaysColumns.MONTH);
      long days =
          DeltaIO.read(spark, daysPath).select(CustomerDaysColumns.TXN_DATE).distinct().count();
      DeltaIO.overwrite(folds(spark, runs, fingerprint, days), foldsPath);
      return new Result(true, days, runs.size());
    }

    Set<String> fresh = new TreeSet<>(runs);
    fresh.removeAll(folded);
    if (fresh.isEmpty()) {
      LOG.info(
          "customer_days is up to date with silver transactions ({} ingest runs)", runs.size());
      return new Result(false, 0, 0);
    }
    // The days new lines fell on: a calendar's worth of dates at most, never per-customer data.
    List<String> dates =
        new ArrayList<>(
            strings(
                transactions
                    .where(col(TransactionsColumns.INGEST_RUN_ID).isin(fresh.toArray()))
                    .select(col(TransactionsColumns.TXN_DATE).cast("string"))
                    .distinct()));
    String condition =
        CustomerDaysColumns.MONTH
            + " IN ("
            + dateList(dates.stream().map(d -> d.substring(0, 8) + "01").distinct().toList())
            + ") AND "
            + CustomerDaysColumns.TXN_DATE
            + " IN ("
            + dateList(dates)
            + ")";
    LOG.info(
        "Refreshing {} day(s) of customer_days for {} new ingest run(s): {}",
        dates.size(),
        fresh.size(),
        abbreviate(dates));
    if (!dates.isEmpty()) {
      Dataset<Row> lines =
          transactions.where(
              col(TransactionsColumns.TXN_DATE)
                  .isin(dates.stream().map(java.sql.Date::valueOf).toArray()));
      DeltaIO.replaceWhere(
          CustomerDays.compute(lines, rules.points()),
          daysPath,
          condition,
          CustomerDaysColumns.MONTH);
    }
    DeltaIO.insertNew(
        spark,
        folds(spark, fresh, fingerprint, dates.size()),
        foldsPath,
        "t.ingest_run_id = s.ingest_run_id");
    return new Result(false, dates.size(), fresh.size());
  }

  private static Dataset<Row> folds(
      SparkSession spark, Set<String> runs, String fingerprint, long days) {
    Timestamp now = Timestamp.from(Instant.now());
    List<Row> rows = new ArrayList<>();
    for (String run : runs) rows.add(RowFactory.create(run, fingerprint, days, now));
    return spark.createDataFrame(rows, FeatureFoldsColumns.SCHEMA);
  }

  /** A one-column frame of strings (run ids, dates: a handful per run) as a sorted set. */
  private static Set<String> strings(Dataset<Row> oneColumn) {
    Set<String> out = new TreeSet<>();
    for (Row r : oneColumn.collectAsList()) out.add(r.getString(0));
    return out;
  }

  private static String dateList(List<String> dates) {
    return dates.stream().map(d -> "DATE'" + d + "'").collect(Collectors.joining(", "));
  }

  private static String abbreviate(List<String> dates) {
    return dates.size() <= 5
        ? String.join(", ", dates)
        : dates.get(0) + " .. " + dates.get(dates.size() - 1);
  }

  /**
   * SHA-256 of the points rules as configured: the stored days' points are valid only for these.
   */
  static String fingerprint(PointsRules points) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(points.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
