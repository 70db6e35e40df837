package dev.clientele.publish;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;

import dev.clientele.audience.AudiencePublisher;
import dev.clientele.audience.AudienceRules;
import dev.clientele.common.columns.CustomerSatisfactionColumns;
import dev.clientele.common.columns.TierCutpointsColumns;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.job.StageRunner;
import dev.clientele.common.spark.Concurrently;
import dev.clientele.common.table.CatalogRegistration;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.GoldDocs;
import dev.clientele.common.table.Published;
import dev.clientele.common.table.RunLog;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.satisfaction.CustomerSatisfaction;
import dev.clientele.satisfaction.SatisfactionRules;
import dev.clientele.satisfaction.SatisfactionValueMatrix;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the gold tables for one as-of date: assembles {@code customer_tiers} from the feature
 * snapshot and the aggregate stages' snapshots, runs the quality gates, and only if all pass writes
 * {@code customer_tiers} and {@code segment_summary} (each one atomic Delta commit replacing that
 * as-of's snapshot), brings {@code tier_history} and {@code tier_transitions} up to date ({@link
 * TierHistoryPublisher}), then the months of {@code kpi_monthly} this date changes ({@link
 * KpiMonthlyPublisher}, from the advanced history), and then, last, commits the {@code published}
 * marker naming every gold table's new Delta version ({@link Published}). Readers go through the
 * marker (catalog views, {@code clientele sql}, the export, the DuckDB file list, all refreshed
 * after it), so a failed gate or a crash anywhere before the marker commit leaves what readers see
 * unchanged, and a rerun for the same as-of replaces exactly that snapshot. Finally the runs table
 * records the versions (for RESTORE) and the HTML run report is written. Only publish writes gold
 * tables.
 */
public final class PublishJob implements ClienteleJob {
  public static final String NAME = "publish";
  private static final Logger LOG = LoggerFactory.getLogger(PublishJob.class);

  private final PublishRules rules;
  private final SatisfactionRules satisfactionRules;
  private final AudienceRules audienceRules;

  public PublishJob(
      PublishRules rules, SatisfactionRules satisfactionRules, AudienceRules audienceRules) {
    this.rules = rules;
    this.satisfactionRules = satisfactionRules;
    this.audienceRules = audienceRules;
  }

  /** Publishes from the as-of snapshots the stages wrote (the {@code publish} subcommand). */
  @Override
  public void run(SparkSession spark, RunContext run) {
    Dataset<Row> features = StageRunner.required(spark, run, Table.CUSTOMER_FEATURES);
    List<Dataset<Row>> stages = new ArrayList<>();
    for (Table required :
        List.of(Table.CUSTOMER_SEGMENTS, Table.CUSTOMER_VALUES, Table.CUSTOMER_SATISFACTION)) {
      stages.add(StageRunner.required(spark, run, required));
    }
    for (Table optional : List.of(Table.CUSTOMER_CLUSTERS, Table.CUSTOMER_CLV)) {
      if (DeltaIO.exists(spark, run.tables().path(optional))) {
        stages.add(DeltaIO.readSnapshot(spark, run.tables().path(optional), run.asOf()));
      }
    }
    publish(spark, run, features, stages, null, List.of());
  }

  /**
   * Assembles {@code customer_tiers} from the features and the stages' labels (snapshots read back
   * or, in the pipeline, the stages' own lazy frames: one plan), runs the quality gates and, when
   * they pass, writes the stages' cut points (when given) and publishes.
   *
   * @param cutpoints the stages' {@code tier_cutpoints} rows, replacing {@code cutDimensions} of
   *     the as-of; null when the stages wrote theirs
   * @return the customers published
   */
  public long publish(
      SparkSession spark,
      RunContext run,
      Dataset<Row> features,
      List<Dataset<Row>> stages,
      Dataset<Row> cutpoints,
      List<String> cutDimensions) {
    Instant started = Instant.now();
    LocalDate asOf = run.asOf();
    String tiersPath = run.tables().path(Table.CUSTOMER_TIERS);
    List<LocalDate> publishedBefore = Published.dates(spark, run.tables(), Table.CUSTOMER_TIERS);
    Set<LocalDate> heldBefore = TierHistoryPublisher.snapshotDates(spark, tiersPath);
    TierRetention retention = new TierRetention(rules.retainDailyDays());
    retention.checkPublishable(asOf, publishedBefore, heldBefore);
    Dataset<Row> base = features.select(baseColumns(features));
    Dataset<Row> tiers = CustomerTiers.conform(CustomerTiers.assemble(base, stages));
    tiers.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long featureRows = features.count();
      List<String> failures =
          QualityGates.check(tiers, featureRows, rules.dimensions(), rules.shareBounds());
      if (!failures.isEmpty()) {
        throw new JobFailure(
            "quality gates failed for as-of "
                + asOf
                + ", nothing published (the previous snapshot stays):\n  - "
                + String.join("\n  - ", failures));
      }
      AudiencePublisher.check(tiers, audienceRules);
      LOG.info("Quality gates passed for {} customers; publishing as-of {}", featureRows, asOf);
      if (cutpoints != null) {
        DeltaIO.replaceSnapshotSlice(
            cutpoints,
            run.tables().path(Table.TIER_CUTPOINTS),
            asOf,
            TierCutpointsColumns.DIMENSION,
            cutDimensions);
      }
      publish(spark, run, tiers, started, featureRows, publishedBefore, heldBefore, retention);
      return featureRows;
    } finally {
      tiers.unpersist();
    }
  }

  private void publish(
      SparkSession spark,
      RunContext run,
      Dataset<Row> tiers,
      Instant started,
      long customers,
      List<LocalDate> publishedBefore,
      Set<LocalDate> heldBefore,
      TierRetention retention) {
    TableCatalog tables = run.tables();
    LocalDate asOf = run.asOf();
    DeltaIO.replaceSnapshot(
        GoldDocs.withComments(tiers, Table.CUSTOMER_TIERS),
        tables.path(Table.CUSTOMER_TIERS),
        asOf);
    PublishCrash.after(Table.CUSTOMER_TIERS.tableName);
    // The tables below read the persisted frame just written, not the table again.
    Dataset<Row> published = tiers;

    // These gold tables depend only on customer_tiers: written concurrently, since each Delta
    // write is mostly fixed cost that leaves cores idle.
    TierHistoryPublisher history =
        TierHistoryPublisher.of(
            spark,
            tables.path(Table.CUSTOMER_TIERS),
            rules.dimensions(),
            asOf,
            publishedBefore,
            heldBefore);
    Map<String, Runnable> writes = new LinkedHashMap<>();
    writes.put(
        Table.SEGMENT_SUMMARY.tableName,
        () ->
            DeltaIO.replaceSnapshot(
                GoldDocs.withComments(
                    segmentSummary(published, resolvedComplaints(spark, tables, asOf), asOf),
                    Table.SEGMENT_SUMMARY),
                tables.path(Table.SEGMENT_SUMMARY),
                asOf));
    writes.put(
        Table.TIER_HISTORY.tableName,
        () -> history.publishHistory(tables.path(Table.TIER_HISTORY)));
    writes.put(
        Table.TIER_TRANSITIONS.tableName,
        () -> history.publishTransitions(tables.path(Table.TIER_TRANSITIONS)));
    AudiencePublisher audiences = new AudiencePublisher(spark, tables, audienceRules, asOf);
    writes.put(Table.AUDIENCE_MEMBERS.tableName, () -> audiences.publishMembers(published));
    Map<String, Runnable> committed = new LinkedHashMap<>();
    writes.forEach(
        (table, write) ->
            committed.put(
                table,
                () -> {
                  write.run();
                  PublishCrash.after(table);
                }));
    Concurrently.run(spark, committed);
    // kpi_monthly breaks each month down by the labels held at its start, read from tier_history:
    // so after it has been advanced for asOf.
    new KpiMonthlyPublisher(
            spark, tables, satisfactionRules, rules.dimensions(), asOf, history.published())
        .publish();
    PublishCrash.after(Table.KPI_MONTHLY.tableName);
    // Measures earlier as-of dates' audiences: after audience_members holds this date's snapshot.
    audiences.publishResults();
    PublishCrash.after(Table.AUDIENCE_RESULTS.tableName);
    // Last of the customer_tiers commits: history and transitions have used the snapshots they
    // need.
    List<LocalDate> removed =
        retention.prune(spark, tables.path(Table.CUSTOMER_TIERS), history.held());
    if (!removed.isEmpty()) {
      LOG.info(
          "customer_tiers: removed {} daily snapshot(s) from {} to {} ({} = {}; month ends and"
              + " tier_history keep their labels)",
          removed.size(),
          removed.get(0),
          removed.get(removed.size() - 1),
          TierRetention.KEY,
          rules.retainDailyDays());
    }
    PublishCrash.after("retention");
    // Tables written before comments travelled with the data get them once here.
    GoldComments.apply(spark, tables);
    PublishCrash.after("comments");

    // Readers see none of the above until the marker names these versions: its commit is the
    // publish (a failed gate or a crash before it leaves every reader on the previous publish).
    Map<String, Long> versions = new LinkedHashMap<>();
    for (Table gold : Published.goldTables()) {
      long version = DeltaIO.version(spark, tables.path(gold));
      if (version >= 0) versions.put(gold.tableName, version);
    }
    Published.Publish publish = Published.commit(spark, tables, asOf, run.runId(), versions);
    PublishCrash.after(Table.PUBLISHED.tableName);
    try {
      Published.writeReaderFiles(spark, tables, publish);
    } catch (java.io.IOException e) {
      throw new JobFailure(
          "publish "
              + publish.number()
              + " is committed, but the DuckDB file list "
              + Published.readerFile(tables)
              + " could not be written: "
              + e.getMessage()
              + "; rerun the publish to refresh it.",
          e);
    }
    CatalogRegistration.registerIfKept(spark, tables);
    String reportPath = rules.report() ? RunReports.write(spark, run, rules) : null;
    RunLog.record(
        spark,
        run,
        List.of(
            new RunLog.Entry(
                NAME,
                "succeeded",
                customers,
                customers,
                0L,
                0L,
                started,
                Instant.now(),
                reportPath == null ? null : "report: " + reportPath,
                versions)));
    LOG.info(
        "Published as-of {}: {} customers; table versions {}{}",
        asOf,
        customers,
        versions,
        reportPath == null ? "" : "; report " + reportPath);
  }

  /**
   * The complaints resolved in the satisfaction window ending on asOf, or null when no complaints
   * table exists (no complaints source: segment_summary's complaint figures are then null).
   */
  private Dataset<Row> resolvedComplaints(SparkSession spark, TableCatalog tables, LocalDate asOf) {
    String path = tables.path(Table.COMPLAINTS);
    if (!DeltaIO.exists(spark, path)) return null;
    return CustomerSatisfaction.resolvedInWindow(
        DeltaIO.read(spark, path), satisfactionRules, asOf);
  }

  /**
   * segment_summary: label dimensions, churn causes, attribute bands, cross-tabs, and the
   * satisfaction x value matrix.
   *
   * @param resolved complaints resolved in the satisfaction window, null without a complaints input
   */
  Dataset<Row> segmentSummary(Dataset<Row> tiers, Dataset<Row> resolved, LocalDate asOf) {
    List<String> dimensions = new ArrayList<>(rules.dimensions());
    List<Column> extra = new ArrayList<>();
    List<String> columns = Arrays.asList(tiers.columns());
    String cause = CustomerSatisfactionColumns.CHURN_CAUSE;
    if (columns.contains(cause) && !dimensions.contains(cause)) {
      // Churned customers counted by cause; everyone else under not_churned, so the dimension
      // covers every customer like the others.
      extra.add(coalesce(col(cause), lit(SegmentSummary.NOT_CHURNED)).as("summary_" + cause));
      dimensions.add("summary_" + cause);
    }
    for (String attribute : rules.attributeDimensions()) {
      if (!columns.contains(attribute)) continue;
      extra.add(coalesce(col(attribute).cast("string"), lit("unknown")).as("attr_" + attribute));
      dimensions.add("attr_" + attribute);
    }
    for (List<String> pair : rules.crossTabs()) {
      String a = pair.get(0);
      String b = pair.get(1);
      if (!columns.contains(a) || !columns.contains(b)) continue;
      String name = a + " x " + b;
      extra.add(
          concat_ws(
                  "|",
                  coalesce(col(a).cast("string"), lit("unknown")),
                  coalesce(col(b).cast("string"), lit("unknown")))
              .as(name));
      dimensions.add(name);
    }
    List<Column> select = new ArrayList<>();
    for (String c : tiers.columns()) select.add(col("`" + c + "`"));
    select.addAll(extra);
    Dataset<Row> summary =
        SegmentSummary.compute(tiers.select(select.toArray(Column[]::new)), resolved, dimensions)
            .withColumn(
                "dimension",
                org.apache.spark.sql.functions.regexp_replace(
                    col("dimension"), "^(attr|summary)_", ""))
            .withColumn("is_priority", lit(null).cast("boolean"));
    Dataset<Row> cells = SatisfactionValueMatrix.cells(tiers, satisfactionRules.matrix());
    Dataset<Row> matrix =
        cells.select(
            lit(java.sql.Date.valueOf(asOf)).as("as_of"),
            col("dimension"),
            col("label"),
            col("customers"),
            col("share").cast("double").as(SegmentSummary.CUSTOMER_SHARE),
            col("revenue").cast("decimal(28,2)").as(SegmentSummary.REVENUE),
            lit(null).cast("double").as(SegmentSummary.REVENUE_SHARE),
            lit(null).cast("decimal(18,2)").as(SegmentSummary.AOV),
            lit(null).cast("double").as(SegmentSummary.CSAT_MEAN),
            lit(null).cast("double").as(SegmentSummary.NPS),
            org.apache
                .spark
                .sql
                .functions
                .when(col("customers").gt(0), col("churn_flagged").divide(col("customers")))
                .as(SegmentSummary.CHURN_RATE),
            lit(null).cast("double").as(SegmentSummary.COMPLAINT_RATE),
            lit(null).cast("bigint").as(SegmentSummary.OPEN_COMPLAINTS),
            lit(null).cast("bigint").as(SegmentSummary.RESOLVED_COMPLAINTS),
            lit(null).cast("double").as(SegmentSummary.RESOLUTION_HOURS_MEDIAN),
            lit(null).cast("double").as(SegmentSummary.RESOLUTION_HOURS_P90),
            col("is_priority"));
    return summary.unionByName(matrix);
  }

  private static Column[] baseColumns(Dataset<Row> features) {
    List<String> wanted =
        List.of(
            "as_of",
            "customer_id",
            "age_band",
            "gender",
            "income_band",
            "occupation",
            "region",
            "is_prospect");
    List<String> present = Arrays.asList(features.columns());
    return wanted.stream().filter(present::contains).map(c -> col(c)).toArray(Column[]::new);
  }
}
