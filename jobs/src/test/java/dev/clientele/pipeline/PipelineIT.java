package dev.clientele.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.clientele.cli.Clientele;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.JobRunner;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.job.WarehouseLease;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.sample.SampleConfig;
import dev.clientele.sample.SampleGenerator;
import dev.clientele.testing.ChildJvm;
import dev.clientele.testing.SparkTestExtension;
import dev.clientele.testing.Warehouses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Raw sample files to published gold tables for two consecutive as-of dates, in the shared session:
 * every gold table present, counts reconcile, one customer_tiers row per customer and as-of,
 * history and transitions non-empty, and a rerun of the same date changes nothing.
 */
@ExtendWith(SparkTestExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineIT {
  static final LocalDate DAY1 = LocalDate.parse("2026-11-20");
  static final LocalDate DAY2 = LocalDate.parse("2026-11-21");
  private ClienteleConfig config;
  private Path sampleRoot;
  private TableCatalog tables;
  private final List<PipelineJob> runs = new ArrayList<>();

  /** Overrides that point a pipeline at a generated sample under {@code root}. */
  static List<String> overrides(Path root) {
    Path raw = root.resolve("raw");
    return List.of(
        "warehouse=\"" + root.resolve("warehouse") + "\"",
        "sample.output=\"" + raw + "\"",
        "sample.customers=300",
        "sample.transactions=15000",
        "sample.seed=11",
        "sample.end-date=\"" + DAY2 + "\"",
        "ingest.sources.transactions.path=\"" + raw.resolve("transactions") + "\"",
        "ingest.sources.customers.path=\"" + raw.resolve("customers") + "\"",
        "ingest.sources.surveys.path=\"" + raw.resolve("surveys") + "\"",
        "ingest.sources.complaints.path=\"" + raw.resolve("complaints") + "\"",
        "ingest.pii.dev-key-allowed=true",
        "clusters.k-max=4",
        "publish.report=true");
  }

  static ClienteleConfig sampleConfig(Path root, String... extra) throws Exception {
    List<String> all = new ArrayList<>(overrides(root));
    all.addAll(List.of(extra));
    ClienteleConfig config = ClienteleConfig.load(null, List.of(), all);
    SampleGenerator.generate(SampleConfig.from(config.at("clientele.sample")));
    return config;
  }

  @BeforeAll
  void runTwoDays(SparkSession spark) throws Exception {
    Path root = SparkTestExtension.freshDir(spark, "pipeline");
    sampleRoot = root;
    config = sampleConfig(root);
    tables = new TableCatalog(root.resolve("warehouse").toString());
    for (LocalDate day : List.of(DAY1, DAY2)) {
      PipelineJob job = PipelineJob.from(config);
      job.run(spark, new RunContext("it-" + day, "pipeline", day, config, tables));
      runs.add(job);
      // The crash test starts from this state instead of running DAY1 again.
      if (day.equals(DAY1)) Warehouses.copy(root.resolve("warehouse"), root.resolve("after-day1"));
    }
  }

  private Dataset<Row> read(SparkSession spark, Table table) {
    return DeltaIO.read(spark, tables.path(table));
  }

  @Test
  void everyGoldTableIsPublishedWithOneRowPerCustomerAndAsOf(SparkSession spark) {
    for (Table gold :
        List.of(
            Table.CUSTOMER_TIERS,
            Table.SEGMENT_SUMMARY,
            Table.KPI_MONTHLY,
            Table.TIER_HISTORY,
            Table.TIER_TRANSITIONS)) {
      assertThat(read(spark, gold).isEmpty()).as(gold.tableName).isFalse();
    }
    Dataset<Row> tiers = read(spark, Table.CUSTOMER_TIERS);
    long customers = read(spark, Table.CUSTOMERS).count();
    for (LocalDate day : List.of(DAY1, DAY2)) {
      Dataset<Row> snapshot = tiers.where(col("as_of").equalTo(java.sql.Date.valueOf(day)));
      assertThat(snapshot.count()).isEqualTo(customers);
      assertThat(snapshot.select("customer_id").distinct().count()).isEqualTo(customers);
      assertThat(DeltaIO.readSnapshot(spark, tables.path(Table.CUSTOMER_FEATURES), day).count())
          .isEqualTo(customers);
    }
    for (String label :
        List.of(
            "rfm_segment",
            "value_tier",
            "lifecycle_stage",
            "membership_tier",
            "satisfaction_band")) {
      assertThat(tiers.where(col(label).isNull()).count()).as(label).isZero();
    }
    assertThat(tiers.columns())
        .contains("cluster_id", "p_alive", "clv_h", "churn_risk", "points_balance");
    // Column documentation travels with the table, for every catalog and BI tool.
    assertThat(tiers.schema().apply("value_tier").getComment().get())
        .isEqualTo(dev.clientele.common.table.GoldDocs.CUSTOMER_TIERS.columns().get("value_tier"));
  }

  /**
   * Nothing changed by accident: every table of the latest publish equals its golden file under
   * src/test/resources/golden (see {@link GoldenTables}; rewritten only with -D{@value
   * GoldenTables#GENERATE}=true).
   */
  @Test
  void publishedGoldTablesMatchTheirGoldenFiles(SparkSession spark) throws Exception {
    List<String> differences = GoldenTables.check(spark, tables);
    if (!differences.isEmpty()) fail(String.join("\n\n", differences));
  }

  /**
   * keep-stage-tables changes what is kept, not what is published: by default the stages compose
   * into customer_tiers and write no table of their own; with it they write theirs, and day 1's
   * gold tables and cut points come out the same.
   */
  @Test
  void stageTablesAreWrittenOnlyWhenKeptAndChangeNoFigure(SparkSession spark) throws Exception {
    Path root = SparkTestExtension.freshDir(spark, "keep-stage-tables");
    List<String> keepOverrides = new ArrayList<>(overrides(sampleRoot));
    keepOverrides.set(0, "warehouse=\"" + root.resolve("warehouse") + "\"");
    keepOverrides.add("pipeline.keep-stage-tables=true");
    ClienteleConfig keeping = ClienteleConfig.load(null, List.of(), keepOverrides);
    TableCatalog kept = new TableCatalog(root.resolve("warehouse").toString());
    PipelineJob.from(keeping)
        .run(spark, new RunContext("it-keep-" + DAY1, "pipeline", DAY1, keeping, kept));

    long customers =
        DeltaIO.readSnapshot(spark, tables.path(Table.CUSTOMER_FEATURES), DAY1).count();
    for (Table stage :
        List.of(
            Table.CUSTOMER_SEGMENTS,
            Table.CUSTOMER_VALUES,
            Table.CUSTOMER_SATISFACTION,
            Table.CUSTOMER_CLUSTERS,
            Table.CUSTOMER_CLV)) {
      assertThat(DeltaIO.exists(spark, tables.path(stage))).as(stage.tableName).isFalse();
      assertThat(DeltaIO.readSnapshot(spark, kept.path(stage), DAY1).count())
          .as(stage.tableName)
          .isBetween(1L, customers);
    }
    assertThat(DeltaIO.readSnapshot(spark, kept.path(Table.CUSTOMER_SEGMENTS), DAY1).count())
        .isEqualTo(customers);
    for (Table table : List.of(Table.CUSTOMER_TIERS, Table.SEGMENT_SUMMARY, Table.TIER_CUTPOINTS)) {
      assertThat(GoldenTables.render(DeltaIO.readSnapshot(spark, kept.path(table), DAY1), table))
          .as(table.tableName)
          .isEqualTo(
              GoldenTables.render(DeltaIO.readSnapshot(spark, tables.path(table), DAY1), table));
    }
  }

  @Test
  void ingestCountsReconcilePerSource(SparkSession spark) {
    List<Row> ingest =
        read(spark, Table.RUNS)
            .where(
                col("job")
                    .equalTo("pipeline")
                    .and(col("records_read").isNotNull())
                    .and(
                        col("source")
                            .isin(
                                "transactions",
                                "customers",
                                "surveys",
                                "complaints",
                                "redemptions")))
            .collectAsList();
    assertThat(ingest).isNotEmpty();
    for (Row r : ingest) {
      long read = r.getAs("records_read");
      long accepted = r.getAs("records_accepted");
      long quarantined = r.getAs("records_quarantined");
      long duplicate = r.getAs("records_duplicate");
      assertThat(accepted + quarantined + duplicate).as(r.<String>getAs("source")).isEqualTo(read);
    }
  }

  @Test
  void historyAndTransitionsCoverBothDates(SparkSession spark) {
    Dataset<Row> transitions = read(spark, Table.TIER_TRANSITIONS);
    assertThat(transitions.select("as_of").distinct().collectAsList()).hasSize(1);
    long customers = read(spark, Table.CUSTOMERS).count();
    long valueTierMoves =
        transitions
            .where(col("dimension").equalTo("value_tier"))
            .agg(org.apache.spark.sql.functions.sum("customers"))
            .head()
            .getLong(0);
    assertThat(valueTierMoves).isEqualTo(customers);
    Dataset<Row> current = read(spark, Table.TIER_HISTORY).where(col("is_current"));
    assertThat(current.where(col("dimension").equalTo("value_tier")).count()).isEqualTo(customers);
  }

  /** The generator's hidden behaviour groups surface in the labels (rates measured on seed 11). */
  @Test
  void hiddenBehaviourGroupsShowUpInTheLabels(SparkSession spark) {
    Dataset<Row> groups =
        spark
            .read()
            .option("header", "true")
            .csv(sampleRoot.resolve("raw/ground_truth/customer_groups.csv").toString());
    Dataset<Row> day2 =
        DeltaIO.readSnapshot(spark, tables.path(Table.CUSTOMER_TIERS), DAY2)
            .join(groups, "customer_id");
    assertThat(day2.count()).isEqualTo(groups.count());
    // Bars sit below the rates measured on this seed (300 customers, so a group has 8 to 105
    // members).
    assertThat(rate(day2, "prospect", "lifecycle_stage = 'prospect'")).isEqualTo(1.0);
    assertThat(rate(day2, "lapsing", "lifecycle_stage IN ('declining', 'churned')"))
        .isGreaterThanOrEqualTo(0.9);
    assertThat(rate(day2, "lapsing", "activity_status <> 'active'")).isGreaterThanOrEqualTo(0.9);
    assertThat(rate(day2, "frequent_small", "f_score >= 4")).isGreaterThanOrEqualTo(0.75);
    assertThat(rate(day2, "discount_hunter", "preference_class = 'price-sensitive'"))
        .isGreaterThanOrEqualTo(0.8);
    assertThat(rate(day2, "brand_loyal", "preference_class = 'brand-loyal'"))
        .isGreaterThanOrEqualTo(0.55);
    // Value separates the groups: big spenders are high value far more often than occasional
    // buyers.
    assertThat(rate(day2, "big_spender", "value_tier = 'high'")).isGreaterThanOrEqualTo(0.45);
    assertThat(rate(day2, "occasional", "value_tier = 'high'")).isLessThan(0.1);
    assertThat(rate(day2, "occasional", "f_score >= 4")).isLessThan(0.1);
  }

  private static double rate(Dataset<Row> labelled, String group, String condition) {
    Dataset<Row> members = labelled.where(col("group").equalTo(group));
    long n = members.count();
    assertThat(n).as("customers in group " + group).isPositive();
    double rate = (double) members.where(condition).count() / n;
    System.out.printf("group %-16s %-45s %.3f (%d customers)%n", group, condition, rate, n);
    return rate;
  }

  /**
   * Every month of the data has KPI rows for every configured dimension (at least its unknown
   * label), plus overall, and in every month each dimension's labels add up to overall. Both
   * published dates are in November, after its first day: no label is held at any month's start, so
   * every tier dimension is all unknown until a backfill publishes month starts.
   */
  @Test
  void kpiRowsForEveryMonthAndDimension(SparkSession spark) {
    Dataset<Row> kpis = read(spark, Table.KPI_MONTHLY);
    Row span =
        DeltaIO.read(spark, tables.path(Table.TRANSACTIONS))
            .agg(
                org.apache.spark.sql.functions.min("txn_date"),
                org.apache.spark.sql.functions.max("txn_date"))
            .head();
    LocalDate first = span.getDate(0).toLocalDate().withDayOfMonth(1);
    long months = java.time.temporal.ChronoUnit.MONTHS.between(first, DAY2.withDayOfMonth(1)) + 1;
    List<String> dimensions =
        new ArrayList<>(config.at("clientele.satisfaction.kpi").strings("dimensions"));
    for (String dimension : dimensions) {
      Dataset<Row> rows = kpis.where(col("dimension").equalTo(dimension));
      assertThat(rows.where(col("label").equalTo("unknown")).select("month").distinct().count())
          .as(dimension)
          .isEqualTo(months);
    }
    assertThat(kpis.where(col("dimension").equalTo("overall")).count()).isEqualTo(months);
    assertThat(
            kpis.where(col("dimension").equalTo("value_tier"))
                .select("label")
                .distinct()
                .collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactly("unknown");
    assertThat(
            kpis.groupBy("month", "dimension")
                .agg(
                    org.apache.spark.sql.functions.sum("active_customers").as("a"),
                    org.apache.spark.sql.functions.sum("churn_base").as("c"),
                    org.apache.spark.sql.functions.sum("csat_answers").as("s"))
                .groupBy("month")
                .agg(org.apache.spark.sql.functions.countDistinct("a", "c", "s").as("n"))
                .where(col("n").notEqual(1))
                .count())
        .as("months where a dimension's labels do not add up to overall")
        .isZero();
  }

  @Test
  void summaryShowsEveryStage() {
    for (PipelineJob run : runs) {
      assertThat(run.results())
          .extracting(PipelineJob.StageResult::name)
          .containsExactly(
              "ingest",
              "features",
              "segment",
              "value",
              "satisfaction",
              "clusters",
              "clv",
              "publish");
    }
  }

  /**
   * A pipeline killed right after its first commit to a gold table, then rerun, leaves exactly the
   * clean run's gold tables; while it lay dead, readers saw the previous snapshot complete.
   */
  @Test
  void crashDuringPublishThenRerunEqualsACleanRun(SparkSession spark) throws Exception {
    Path root = SparkTestExtension.freshDir(spark, "crash");
    List<String> crashOverrides = new ArrayList<>(overrides(sampleRoot));
    crashOverrides.set(0, "warehouse=\"" + root.resolve("warehouse") + "\"");
    Warehouses.copy(sampleRoot.resolve("after-day1"), root.resolve("warehouse"));
    TableCatalog crashTables = new TableCatalog(root.resolve("warehouse").toString());
    Path tiersPath = Path.of(crashTables.path(Table.CUSTOMER_TIERS));
    long tiersCommits = ChildJvm.commits(tiersPath);
    List<String> day1Before = sorted(DeltaIO.read(spark, crashTables.path(Table.CUSTOMER_TIERS)));

    List<String> args = new ArrayList<>(List.of("pipeline", "--as-of", DAY2.toString()));
    for (String o : crashOverrides) {
      args.add("--set");
      args.add(o);
    }
    args.addAll(
        List.of("--set", "spark.master=\"local[2]\"", "--set", "spark.shuffle-partitions=2"));
    Process child = ChildJvm.start(root, "dev.clientele.cli.Clientele", args);

    // A second pipeline while the child holds the warehouse is refused at once with exit 3, and
    // writes nothing (#23 item 8); the comparison with the clean run below covers the tables.
    Path lease = Path.of(crashTables.path(Table.LEASE));
    long waitUntil = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
    while (ChildJvm.commits(lease) < 2 && child.isAlive() && System.nanoTime() < waitUntil) {
      Thread.sleep(50);
    }
    String holder = WarehouseLease.current(spark, crashTables).orElseThrow().runId();
    assertThat(holder).as("the child's run id").doesNotStartWith("none");
    assertThat(Clientele.commandLine().execute(args.toArray(String[]::new)))
        .as("a second writer while the child runs")
        .isEqualTo(JobRunner.EXIT_LEASE_HELD);

    boolean killedMidPublish =
        ChildJvm.killWhen(child, () -> ChildJvm.commits(tiersPath) > tiersCommits, 10);
    assertThat(killedMidPublish)
        .as("child killed after its customer_tiers commit; log in " + root.resolve("child.log"))
        .isTrue();

    // What a reader sees now: day 1 untouched and complete, day 2 either absent or complete.
    assertThat(sorted(DeltaIO.readSnapshot(spark, crashTables.path(Table.CUSTOMER_TIERS), DAY1)))
        .isEqualTo(day1Before);
    long day2Rows =
        DeltaIO.readSnapshot(spark, crashTables.path(Table.CUSTOMER_TIERS), DAY2).count();
    assertThat(day2Rows).isIn(0L, (long) day1Before.size());

    // The killed child still holds the lease: release it, then rerun through the CLI as an
    // operator would; the killed run is recorded as abandoned.
    List<String> unlock = new ArrayList<>(List.of("unlock", "--run", holder));
    unlock.addAll(args.subList(3, args.size()));
    assertThat(Clientele.commandLine().execute(unlock.toArray(String[]::new))).isZero();
    assertThat(Clientele.commandLine().execute(args.toArray(String[]::new))).isZero();
    assertThat(
            DeltaIO.read(spark, crashTables.path(Table.RUNS))
                .where(col("source").equalTo("run"))
                .orderBy("finished_at")
                .selectExpr("job", "status", "exit_code")
                .collectAsList()
                .toString())
        .isEqualTo("[[pipeline,failed,3], [pipeline,abandoned,null], [pipeline,succeeded,0]]");
    for (Table gold :
        List.of(
            Table.CUSTOMER_TIERS,
            Table.SEGMENT_SUMMARY,
            Table.KPI_MONTHLY,
            Table.TIER_HISTORY,
            Table.TIER_TRANSITIONS)) {
      assertThat(sorted(DeltaIO.read(spark, crashTables.path(gold))))
          .as(gold.tableName)
          .isEqualTo(sorted(DeltaIO.read(spark, tables.path(gold))));
    }
  }

  /** Rows as sorted JSON strings: an order-free, exact comparison of whole (small) tables. */
  static List<String> sorted(Dataset<Row> table) {
    return table
        .select(
            org.apache
                .spark
                .sql
                .functions
                .to_json(
                    org.apache.spark.sql.functions.struct(
                        java.util.Arrays.stream(table.columns())
                            .map(c -> col("`" + c + "`"))
                            .toArray(org.apache.spark.sql.Column[]::new)))
                .as("j"))
        .orderBy("j")
        .as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList();
  }

  @Test
  void reportIsWrittenNextToTheTables() throws Exception {
    Path latest = Path.of(tables.warehouse(), "reports", "latest.html");
    assertThat(Files.readString(latest)).contains("as of 2026-11-21").contains("<svg");
  }
}
