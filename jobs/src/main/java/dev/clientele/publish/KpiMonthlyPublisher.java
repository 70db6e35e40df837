package dev.clientele.publish;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trunc;

import dev.clientele.common.columns.ComplaintsColumns;
import dev.clientele.common.columns.CustomerDaysColumns;
import dev.clientele.common.columns.CustomersColumns;
import dev.clientele.common.columns.KpiMonthlyColumns;
import dev.clientele.common.columns.RedemptionsColumns;
import dev.clientele.common.columns.SurveysColumns;
import dev.clientele.common.columns.TransactionsColumns;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.GoldDocs;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.features.CustomerAttributes;
import dev.clientele.satisfaction.SatisfactionKpis;
import dev.clientele.satisfaction.SatisfactionRules;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code kpi_monthly} (one row per month, dimension and label; see {@link SatisfactionKpis})
 * in step with the published dates, rewriting only the months whose figures can have changed, each
 * in one Delta commit with replaceWhere on {@code month} (the partition column), so other months'
 * rows are left untouched, file for file. Labels are the ones held at each month's start: the
 * dimensions of {@code clientele.satisfaction.kpi.dimensions} that are published dimensions come
 * from {@code tier_history} (which must already be advanced for the date), the customer attributes
 * among them (gender, income_band, occupation, region) from silver {@code customer_history}; a
 * dimension neither has is left out with a warning.
 *
 * <p>A publish of {@code asOf}, with L the latest published date (asOf itself, unless asOf is a
 * backfill), recomputes:
 *
 * <ul>
 *   <li>the months from the one holding the latest date of the previous kpi_monthly commit to L's:
 *       the month that was open then is closed now, and L's month is open;
 *   <li>the months starting in [asOf, the next published date after asOf): the labels held at their
 *       start are the ones asOf published (a backfill or a rerun changes them);
 *   <li>the months late-arriving input reached: for each line, answer or complaint that ingest runs
 *       added since the previous commit (silver rows carry their {@code ingest_run_id}; the runs
 *       are those not in the table version the previous commit noted), the month of its date, and
 *       for a purchase line also every month up to one after its date plus max(H, W) (a late
 *       purchase moves churn dates and repurchase windows that far); for a redemption, the month of
 *       its date; for a complaint, every month from its opening month on (it is open at the end of
 *       each month until its resolution, which a new version may move); for a new {@code
 *       customer_history} version, every month from its start.
 * </ul>
 *
 * Every commit notes the published dates it covers (a digest), the rules (churn horizon, repurchase
 * window, dimensions, the table's columns) and the versions of its inputs; when the note is missing
 * or does not match (first publish, a RESTORE, changed rules, a table written by an older version),
 * the whole table is rebuilt. Both ways give the same rows: each month's row depends only on the
 * events up to its end and the labels held at its start.
 */
final class KpiMonthlyPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(KpiMonthlyPublisher.class);
  private static final Pattern NOTE =
      Pattern.compile("through (\\S+) \\(digest ([0-9a-f]+)\\); rules ([0-9a-f]+); inputs (\\S*)");

  /** Attribute columns of customer_history that can be kpi dimensions. */
  static final List<String> ATTRIBUTES =
      List.of(
          CustomersColumns.GENDER,
          CustomersColumns.INCOME_BAND,
          CustomersColumns.OCCUPATION,
          CustomersColumns.REGION);

  /** The silver inputs whose new rows can change past months. */
  private static final List<Table> INPUTS =
      List.of(
          Table.TRANSACTIONS,
          Table.SURVEYS,
          Table.COMPLAINTS,
          Table.REDEMPTIONS,
          Table.CUSTOMER_HISTORY);

  private final SparkSession spark;
  private final TableCatalog tables;
  private final SatisfactionRules rules;
  private final List<String> tierDimensions;
  private final LocalDate asOf;
  private final List<LocalDate> published;
  private final LocalDate latest;

  /**
   * @param tierDimensions the dimensions tier_history keeps ({@code clientele.publish.dimensions})
   * @param published every published date, asOf included
   */
  KpiMonthlyPublisher(
      SparkSession spark,
      TableCatalog tables,
      SatisfactionRules rules,
      List<String> tierDimensions,
      LocalDate asOf,
      List<LocalDate> published) {
    this.spark = spark;
    this.tables = tables;
    this.rules = rules;
    this.tierDimensions = tierDimensions;
    this.asOf = asOf;
    this.published = published.stream().sorted().toList();
    this.latest = this.published.get(this.published.size() - 1);
  }

  /** The kpi dimensions tier_history has, then those customer_history has, in config order. */
  List<String> dimensions() {
    return rules.kpi().dimensions().stream()
        .filter(d -> tierDimensions.contains(d) || ATTRIBUTES.contains(d))
        .toList();
  }

  /** Writes the months this publish changes (or rebuilds the table); returns them. */
  List<LocalDate> publish() {
    String path = tables.path(Table.KPI_MONTHLY);
    List<String> missing =
        rules.kpi().dimensions().stream().filter(d -> !dimensions().contains(d)).toList();
    if (!missing.isEmpty()) {
      LOG.warn(
          "kpi_monthly: dimension(s) {} are neither in clientele.publish.dimensions nor customer "
              + "attributes, so no label history exists for them; they are left out.",
          missing);
    }
    Map<Table, Long> versions = new LinkedHashMap<>();
    for (Table input : INPUTS) versions.put(input, DeltaIO.version(spark, tables.path(input)));
    String note = note(versions);
    Previous previous = previous(DeltaIO.latestNote(spark, path));
    if (previous != null
        && previous.versions().getOrDefault(Table.REDEMPTIONS.tableName, -1L) < 0
        && versions.get(Table.REDEMPTIONS) >= 0) {
      // The first redemptions: every month's redemption figures go from null (no input) to
      // measured, not just the months holding a redemption.
      previous = null;
    }
    if (previous == null) {
      DeltaIO.overwriteNoted(
          GoldDocs.withComments(monthly(null), Table.KPI_MONTHLY),
          path,
          note + " (rebuilt)",
          KpiMonthlyColumns.MONTH);
      LOG.info("kpi_monthly: rebuilt every month through {}", latest);
      return List.of();
    }
    List<LocalDate> months = months(previous);
    Dataset<Row> all = monthly(months.get(0));
    String in =
        months.stream().map(m -> "DATE'" + m + "'").collect(Collectors.joining(", ", "(", ")"));
    DeltaIO.replaceWhereNoted(
        GoldDocs.withComments(
            all.where(
                col(KpiMonthlyColumns.MONTH).isin(months.stream().map(Date::valueOf).toArray())),
            Table.KPI_MONTHLY),
        path,
        KpiMonthlyColumns.MONTH + " IN " + in,
        note + " (incremental)",
        KpiMonthlyColumns.MONTH);
    LOG.info("kpi_monthly: recomputed month(s) {}; every other month is untouched", months);
    return months;
  }

  /** kpi_monthly's rows from {@code fromMonth} on (null: every month). */
  private Dataset<Row> monthly(LocalDate fromMonth) {
    return SatisfactionKpis.monthly(
        DeltaIO.readOrEmpty(spark, tables.path(Table.CUSTOMER_DAYS), CustomerDaysColumns.SCHEMA),
        DeltaIO.readOrEmpty(spark, tables.path(Table.SURVEYS), SurveysColumns.SCHEMA),
        DeltaIO.readOrEmpty(spark, tables.path(Table.COMPLAINTS), ComplaintsColumns.SCHEMA),
        // No redemptions table: no redemptions input, so the redemption figures are null.
        DeltaIO.exists(spark, tables.path(Table.REDEMPTIONS))
            ? DeltaIO.read(spark, tables.path(Table.REDEMPTIONS))
            : null,
        labelHistory(),
        dimensions(),
        rules,
        latest,
        fromMonth);
  }

  /** What the previous commit covered, or null when the table must be rebuilt. */
  record Previous(LocalDate through, Map<String, Long> versions) {}

  Previous previous(String lastNote) {
    if (lastNote == null) return null;
    Matcher m = NOTE.matcher(lastNote);
    if (!m.find()) return null;
    List<LocalDate> others = new ArrayList<>(published);
    others.remove(asOf);
    boolean dates =
        m.group(2).equals(TierHistoryPublisher.digest(published, dimensions()))
            || m.group(2).equals(TierHistoryPublisher.digest(others, dimensions()));
    if (!dates || !m.group(3).equals(rulesDigest())) return null;
    Map<String, Long> versions = new LinkedHashMap<>();
    for (String pair : m.group(4).split(",")) {
      if (pair.isEmpty()) continue;
      String[] kv = pair.split("@");
      versions.put(kv[0], Long.parseLong(kv[1]));
    }
    return new Previous(LocalDate.parse(m.group(1)), versions);
  }

  /** The first days of the months to recompute, in order (see the class doc). */
  List<LocalDate> months(Previous previous) {
    LocalDate open = latest.withDayOfMonth(1);
    Set<LocalDate> months = new TreeSet<>();
    LocalDate from = previous.through().isBefore(latest) ? previous.through() : latest;
    addRange(months, from.withDayOfMonth(1), open);
    int at = published.indexOf(asOf);
    if (at >= 0 && at < published.size() - 1) {
      LocalDate next = published.get(at + 1);
      for (LocalDate m = firstMonthStartFrom(asOf); m.isBefore(next); m = m.plusMonths(1)) {
        if (!m.isAfter(open)) months.add(m);
      }
    }
    for (Row range : lateRanges(previous.versions()).collectAsList()) {
      addRange(months, range.getDate(0).toLocalDate(), range.getDate(1).toLocalDate());
    }
    months.removeIf(m -> m.isAfter(open));
    return List.copyOf(months);
  }

  private static void addRange(Set<LocalDate> months, LocalDate first, LocalDate last) {
    for (LocalDate m = first; !m.isAfter(last); m = m.plusMonths(1)) months.add(m);
  }

  static LocalDate firstMonthStartFrom(LocalDate date) {
    return date.getDayOfMonth() == 1 ? date : date.withDayOfMonth(1).plusMonths(1);
  }

  /**
   * The month ranges (first, last; distinct, a calendar's worth at most) that rows added by ingest
   * runs absent from the noted table versions reach.
   */
  private Dataset<Row> lateRanges(Map<String, Long> noted) {
    int reach = Math.max(rules.churn().horizonDays(), rules.kpi().repurchaseWindowDays());
    Column open = lit(Date.valueOf(latest.withDayOfMonth(1)));
    List<Dataset<Row>> ranges = new ArrayList<>();
    Dataset<Row> lines = fresh(Table.TRANSACTIONS, noted, TransactionsColumns.INGEST_RUN_ID);
    if (lines != null) {
      Column day = col(TransactionsColumns.TXN_DATE);
      ranges.add(
          lines.select(
              trunc(day, "month").as("first"),
              add_months(trunc(date_add(day, reach), "month"), 1).as("last")));
    }
    Dataset<Row> answers = fresh(Table.SURVEYS, noted, SurveysColumns.INGEST_RUN_ID);
    if (answers != null) {
      Column month = trunc(to_date(col(SurveysColumns.ANSWERED_AT)), "month");
      ranges.add(answers.select(month.as("first"), month.as("last")));
    }
    Dataset<Row> complaints = fresh(Table.COMPLAINTS, noted, ComplaintsColumns.INGEST_RUN_ID);
    if (complaints != null) {
      // A complaint counts in its opening month, its resolution month, and as open at every month
      // end in between; a new version may also move an earlier resolution, so every month from
      // its opening on is recomputed (more than needed at times, never fewer).
      Column opened = trunc(to_date(col(ComplaintsColumns.OPENED_AT)), "month");
      ranges.add(complaints.select(opened.as("first"), open.as("last")));
    }
    Dataset<Row> redemptions = fresh(Table.REDEMPTIONS, noted, RedemptionsColumns.INGEST_RUN_ID);
    if (redemptions != null) {
      Column month = trunc(to_date(col(RedemptionsColumns.REDEEMED_AT)), "month");
      ranges.add(redemptions.select(month.as("first"), month.as("last")));
    }
    boolean attributes = dimensions().stream().anyMatch(ATTRIBUTES::contains);
    Dataset<Row> versions =
        attributes ? fresh(Table.CUSTOMER_HISTORY, noted, CustomersColumns.INGEST_RUN_ID) : null;
    if (versions != null) {
      Column start = to_date(col(CustomersColumns.VALID_FROM));
      ranges.add(
          versions.select(
              SatisfactionKpis.firstMonthStartFrom(start).as("first"), open.as("last")));
    }
    Dataset<Row> out = null;
    for (Dataset<Row> r : ranges) out = out == null ? r : out.unionByName(r);
    if (out == null)
      return spark
          .emptyDataFrame()
          .selectExpr("DATE'2000-01-01' AS first", "DATE'2000-01-01' AS last")
          .limit(0);
    return out.where(col("first").isNotNull()).distinct();
  }

  /**
   * The rows of {@code table} written by ingest runs not in the version the previous commit noted,
   * or null when there are none (or no table).
   */
  private Dataset<Row> fresh(Table table, Map<String, Long> noted, String runColumn) {
    String path = tables.path(table);
    if (!DeltaIO.exists(spark, path)) return null;
    long then = noted.getOrDefault(table.tableName, -1L);
    long now = DeltaIO.version(spark, path);
    if (then == now) return null;
    Dataset<Row> current = DeltaIO.readVersion(spark, path, now);
    if (then < 0) return current;
    // One id per ingest run: a few hundred strings at most.
    Object[] known;
    try {
      known =
          DeltaIO.readVersion(spark, path, then)
              .select(runColumn)
              .distinct()
              .collectAsList()
              .stream()
              .map(r -> r.get(0))
              .toArray();
    } catch (RuntimeException e) {
      // The noted version is gone (VACUUM): every row counts as new, which recomputes more
      // months than needed, never fewer.
      LOG.warn(
          "kpi_monthly: {} version {} is no longer readable ({}); treating all its rows as new",
          table.tableName,
          then,
          e.getClass().getSimpleName());
      return current;
    }
    return current.where(org.apache.spark.sql.functions.not(col(runColumn).isin(known)));
  }

  /**
   * The label intervals of every kpi dimension: tier_history's, and customer_history's versions for
   * attributes (a version holds on the dates from its start's date until its end's; a version
   * replaced the day it started holds on none).
   */
  Dataset<Row> labelHistory() {
    List<String> fromTiers = dimensions().stream().filter(tierDimensions::contains).toList();
    List<String> fromAttributes =
        dimensions().stream()
            .filter(d -> !tierDimensions.contains(d) && ATTRIBUTES.contains(d))
            .toList();
    Dataset<Row> out =
        DeltaIO.read(spark, tables.path(Table.TIER_HISTORY))
            .where(col(TierLabelsColumns.DIMENSION).isin(fromTiers.toArray()))
            .select(
                col(TierLabelsColumns.CUSTOMER_ID),
                col(TierLabelsColumns.DIMENSION),
                col(TierLabelsColumns.LABEL),
                col(TierHistory.VALID_FROM).as(SatisfactionKpis.VALID_FROM),
                col(TierHistory.VALID_TO).as(SatisfactionKpis.VALID_TO));
    String historyPath = tables.path(Table.CUSTOMER_HISTORY);
    if (fromAttributes.isEmpty() || !DeltaIO.exists(spark, historyPath)) return out;
    List<Column> attributes = new ArrayList<>();
    for (String a : fromAttributes) {
      attributes.add(
          struct(
              lit(a).as(KpiMonthlyColumns.DIMENSION),
              col(a).cast("string").as(KpiMonthlyColumns.LABEL)));
    }
    Dataset<Row> versions =
        CustomerAttributes.byDate(DeltaIO.read(spark, historyPath))
            .select(
                col(CustomersColumns.CUSTOMER_ID),
                col(CustomersColumns.VALID_FROM).as(SatisfactionKpis.VALID_FROM),
                col(CustomersColumns.VALID_TO).as(SatisfactionKpis.VALID_TO),
                explode(array(attributes.toArray(Column[]::new))).as("a"))
            .select(
                col(CustomersColumns.CUSTOMER_ID),
                col("a." + KpiMonthlyColumns.DIMENSION).as(KpiMonthlyColumns.DIMENSION),
                col("a." + KpiMonthlyColumns.LABEL).as(KpiMonthlyColumns.LABEL),
                col(SatisfactionKpis.VALID_FROM),
                col(SatisfactionKpis.VALID_TO));
    return out.unionByName(versions);
  }

  /** The commit note: the published dates covered, the rules and the inputs' versions. */
  String note(Map<Table, Long> versions) {
    return "clientele "
        + Table.KPI_MONTHLY.tableName
        + ": covers "
        + published.size()
        + " published dates through "
        + latest
        + " (digest "
        + TierHistoryPublisher.digest(published, dimensions())
        + "); rules "
        + rulesDigest()
        + "; inputs "
        + versions.entrySet().stream()
            .map(e -> e.getKey().tableName + "@" + e.getValue())
            .collect(Collectors.joining(","));
  }

  /** A digest of what every month's figures depend on besides the data. */
  String rulesDigest() {
    String rulesText =
        "horizon="
            + rules.churn().horizonDays()
            + ";window="
            + rules.kpi().repurchaseWindowDays()
            + ";dimensions="
            + String.join(",", dimensions())
            // A table written with other columns is rebuilt, not patched month by month.
            + ";columns="
            + String.join(",", KpiMonthlyColumns.SCHEMA.fieldNames());
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(rulesText.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
