package dev.clientele.publish;

import static dev.clientele.testing.DatasetAssert.assertThatDataset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.CatalogRegistration;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.GoldDocs;
import dev.clientele.common.table.Published;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.pipeline.PipelineJob;
import dev.clientele.sample.SampleConfig;
import dev.clientele.sample.SampleGenerator;
import dev.clientele.satisfaction.SatisfactionRules;
import dev.clientele.testing.SparkTestExtension;
import dev.clientele.testing.Warehouses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalog.Column;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One consistent publish (docs/operations.md): readers go through the {@code published} marker, so
 * a failed gate or a crash after any commit of a publish leaves what they see unchanged, and a
 * rerun after the crash gives exactly the gold tables of a clean run. Also: every published gold
 * column carries a catalog comment and a row in docs/tables.md.
 *
 * <p>A small generated sample is run through the pipeline for DAY1 (publish 1), then for DAY2 with
 * a quality gate that fails (its stage snapshots are written, nothing is published). Copies of that
 * warehouse are then published for DAY2 cleanly and with a crash after each commit.
 */
@ExtendWith(SparkTestExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublishConsistencyIT {
  static final LocalDate DAY1 = LocalDate.parse("2026-11-20");
  static final LocalDate DAY2 = LocalDate.parse("2026-11-21");

  /** Every commit of a publish after which a crash is injected, in the order they happen. */
  static final List<String> CRASH_POINTS =
      List.of(
          "customer_tiers",
          "segment_summary",
          "kpi_monthly",
          "tier_history",
          "tier_transitions",
          "audience_members",
          "audience_results",
          "published");

  private ClienteleConfig config;
  private Path root;
  private TableCatalog afterFailedGate;
  private TableCatalog clean;
  private Outcome failedGate;

  static List<String> overrides(Path root) {
    Path raw = root.resolve("raw");
    return List.of(
        "warehouse=\"" + root.resolve("warehouse") + "\"",
        "sample.output=\"" + raw + "\"",
        // The standalone publishes below read the stage tables the pipelines wrote.
        "pipeline.keep-stage-tables=true",
        "sample.customers=80",
        "sample.transactions=2500",
        "sample.seed=5",
        "sample.days=250",
        "sample.end-date=\"" + DAY2 + "\"",
        "ingest.sources.transactions.path=\"" + raw.resolve("transactions") + "\"",
        "ingest.sources.customers.path=\"" + raw.resolve("customers") + "\"",
        "ingest.sources.surveys.path=\"" + raw.resolve("surveys") + "\"",
        "ingest.sources.complaints.path=\"" + raw.resolve("complaints") + "\"",
        "ingest.pii.dev-key-allowed=true",
        "pipeline.clusters=false",
        "pipeline.clv=false",
        "publish.report=false",
        // DAY1's audiences are measured at DAY2, so audience_results has rows to compare
        "audiences.measure-days=1");
  }

  @BeforeAll
  void publishDay1ThenFailTheGateForDay2(SparkSession spark) throws Exception {
    root = SparkTestExtension.freshDir(spark, "publish-consistency");
    config = ClienteleConfig.load(null, List.of(), overrides(root));
    SampleGenerator.generate(SampleConfig.from(config.at("clientele.sample")));
    afterFailedGate = new TableCatalog(root.resolve("warehouse").toString());
    PipelineJob.from(config).run(spark, context("day1", DAY1, afterFailedGate));

    Reader before = Reader.of(spark, afterFailedGate);
    Map<Table, Long> goldVersions = goldVersions(spark, afterFailedGate);
    // A dimension no stage computes: the gate fails after every stage has run.
    List<String> strict = new ArrayList<>(overrides(root));
    strict.add("publish.dimensions=[value_tier, no_such_label]");
    ClienteleConfig strictConfig = ClienteleConfig.load(null, List.of(), strict);
    assertThatThrownBy(
            () ->
                PipelineJob.from(strictConfig)
                    .run(spark, context("day2-gate", DAY2, afterFailedGate)))
        .isInstanceOf(JobFailure.class)
        .hasMessageContaining("quality gates failed for as-of 2026-11-21, nothing published")
        .hasMessageContaining("label columns missing from customer_tiers: [no_such_label]");
    failedGate = new Outcome(before, Reader.of(spark, afterFailedGate), goldVersions);

    clean = copy(afterFailedGate, "clean");
    publishJob().run(spark, context("day2-clean", DAY2, clean));
  }

  private record Outcome(Reader before, Reader after, Map<Table, Long> goldVersionsBefore) {}

  /** What a reader following the contract sees: the marker, the DuckDB file list, the views. */
  private record Reader(Published.Publish publish, String fileList) {
    static Reader of(SparkSession spark, TableCatalog tables) throws IOException {
      return new Reader(
          Published.current(spark, tables).orElseThrow(),
          Files.readString(Path.of(Published.readerFile(tables))));
    }
  }

  private PublishJob publishJob() {
    return new PublishJob(
        PublishRules.from(config.at("clientele.publish")),
        SatisfactionRules.from(config.at("clientele.satisfaction")),
        dev.clientele.audience.AudienceRules.from(config));
  }

  private RunContext context(String runId, LocalDate asOf, TableCatalog tables) {
    return new RunContext(runId, "publish", asOf, config, tables);
  }

  private static Map<Table, Long> goldVersions(SparkSession spark, TableCatalog tables) {
    Map<Table, Long> versions = new LinkedHashMap<>();
    for (Table gold : Published.goldTables()) {
      versions.put(gold, DeltaIO.version(spark, tables.path(gold)));
    }
    return versions;
  }

  /** A copy of the warehouse (Delta logs hold paths relative to each table). */
  private TableCatalog copy(TableCatalog from, String name) {
    return new TableCatalog(
        Warehouses.copy(Path.of(from.warehouse()), root.resolve(name)).toString());
  }

  /** Each gold table as the catalog views show it (after the session re-registers them). */
  private static Map<Table, Dataset<Row>> throughCatalog(SparkSession spark, TableCatalog tables) {
    CatalogRegistration.registerAll(spark, tables);
    Map<Table, Dataset<Row>> out = new LinkedHashMap<>();
    for (Table gold : Published.current(spark, tables).orElseThrow().tables()) {
      out.put(gold, spark.table(CatalogRegistration.qualified(gold)));
    }
    return out;
  }

  @Test
  void aFailedGateChangesNothingReadersSee(SparkSession spark) throws IOException {
    assertThat(failedGate.before().publish().number()).isEqualTo(1L);
    assertThat(failedGate.before().publish().asOf()).isEqualTo(DAY1);
    assertThat(failedGate.after()).isEqualTo(failedGate.before());
    // Not a single gold commit was made.
    assertThat(goldVersions(spark, afterFailedGate)).isEqualTo(failedGate.goldVersionsBefore());
    for (Map.Entry<Table, Dataset<Row>> view : throughCatalog(spark, afterFailedGate).entrySet()) {
      assertThatDataset(view.getValue())
          .as(view.getKey().tableName)
          .isEqualTo(
              Published.read(spark, afterFailedGate, failedGate.before().publish(), view.getKey()));
    }
  }

  /**
   * One warehouse crashes after each commit in turn: the first run after the first commit, its
   * rerun after the second, and so on, then a last rerun completes. After every crash readers see
   * one publish, never a mix; the end state equals a clean run's. (A single crash at each commit,
   * each followed by a rerun, is what the kill trials do: docs/reliability.md.)
   */
  @Test
  void aCrashAfterAnyCommitLeavesReadersOnOnePublishAndARerunEqualsACleanRun(SparkSession spark)
      throws Exception {
    Published.Publish cleanPublish = Published.current(spark, clean).orElseThrow();
    assertThat(cleanPublish.number()).isEqualTo(2L);
    assertThat(cleanPublish.asOf()).isEqualTo(DAY2);
    TableCatalog crashed = copy(afterFailedGate, "crashed");
    for (String point : CRASH_POINTS) {
      System.setProperty(PublishCrash.PROPERTY, point);
      try {
        assertThatThrownBy(() -> publishJob().run(spark, context("crash", DAY2, crashed)))
            .as(point)
            .hasStackTraceContaining("simulated crash after the " + point + " commit");
      } finally {
        System.clearProperty(PublishCrash.PROPERTY);
      }
      Reader seen = Reader.of(spark, crashed);
      if (point.equals("published")) {
        // The marker is the publish: readers see all of DAY2's publish (the views catch up at the
        // next registration, the file list at the rerun) and never a mix.
        assertThat(seen.publish().number()).as(point).isEqualTo(2L);
        assertThat(seen.fileList()).as(point).isEqualTo(failedGate.before().fileList());
      } else {
        assertThat(seen).as(point).isEqualTo(failedGate.before());
        for (Map.Entry<Table, Dataset<Row>> view : throughCatalog(spark, crashed).entrySet()) {
          assertThatDataset(view.getValue())
              .as(point + ": " + view.getKey().tableName)
              .isEqualTo(
                  Published.read(spark, crashed, failedGate.before().publish(), view.getKey()));
        }
      }
    }
    publishJob().run(spark, context("rerun", DAY2, crashed));
    for (Table gold : Published.current(spark, clean).orElseThrow().tables()) {
      assertThatDataset(Published.read(spark, crashed, gold))
          .as(gold.tableName)
          .isEqualTo(Published.read(spark, clean, gold));
    }
  }

  @Test
  void everyPublishedGoldColumnHasACatalogCommentAndADocRow(SparkSession spark) throws Exception {
    CatalogRegistration.registerAll(spark, clean);
    List<String> undocumented = new ArrayList<>();
    for (Table gold : Published.current(spark, clean).orElseThrow().tables()) {
      GoldDocs.TableDoc doc = GoldDocs.ALL.get(gold);
      for (Column c :
          spark.catalog().listColumns(CatalogRegistration.qualified(gold)).collectAsList()) {
        String documented = doc == null ? null : doc.columns().get(c.name());
        if (documented == null || !documented.equals(c.description())) {
          undocumented.add(gold.tableName + "." + c.name() + " [" + c.description() + "]");
        }
      }
    }
    assertThat(undocumented).isEmpty();
    // No column is published twice under two names.
    Dataset<Row> tiers = Published.read(spark, clean, Table.CUSTOMER_TIERS);
    assertThat(tiers.columns())
        .contains("order_count", "net_spend")
        .doesNotContain("frequency", "monetary");
  }

  @Test
  void audiencesArePublishedAndDay1IsMeasuredAtDay2WithItsMemberCounts(SparkSession spark) {
    Dataset<Row> members = Published.read(spark, clean, Table.AUDIENCE_MEMBERS);
    assertThat(members.select("as_of").distinct().orderBy("as_of").collectAsList())
        .extracting(r -> r.getDate(0).toLocalDate())
        .containsExactly(DAY1, DAY2);
    // measure-days = 1: DAY1 + 1 = DAY2 is measured, DAY2 is not yet
    Dataset<Row> expected =
        members
            .where(
                org.apache
                    .spark
                    .sql
                    .functions
                    .col("as_of")
                    .equalTo(java.sql.Date.valueOf(DAY1))
                    .and(org.apache.spark.sql.functions.col("status").isin("selected", "holdout")))
            .groupBy("as_of", "audience")
            .agg(
                org.apache
                    .spark
                    .sql
                    .functions
                    .sum(
                        org.apache
                            .spark
                            .sql
                            .functions
                            .when(
                                org.apache.spark.sql.functions.col("status").equalTo("selected"), 1)
                            .otherwise(0))
                    .cast("long")
                    .as("selected_customers"),
                org.apache
                    .spark
                    .sql
                    .functions
                    .sum(
                        org.apache
                            .spark
                            .sql
                            .functions
                            .when(
                                org.apache.spark.sql.functions.col("status").equalTo("holdout"), 1)
                            .otherwise(0))
                    .cast("long")
                    .as("holdout_customers"),
                org.apache
                    .spark
                    .sql
                    .functions
                    .lit(java.sql.Date.valueOf(DAY2))
                    .as("measured_as_of"));
    assertThat(expected.count()).isPositive();
    assertThatDataset(
            Published.read(spark, clean, Table.AUDIENCE_RESULTS)
                .select(
                    "as_of",
                    "audience",
                    "selected_customers",
                    "holdout_customers",
                    "measured_as_of"))
        .isEqualTo(expected);
  }
}
