package dev.clientele.pipeline;

import static dev.clientele.testing.DatasetAssert.assertThatDataset;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.ingest.IngestConfig;
import dev.clientele.ingest.IngestJob;
import dev.clientele.publish.PublishJob;
import dev.clientele.publish.PublishRules;
import dev.clientele.satisfaction.SatisfactionRules;
import dev.clientele.testing.SparkTestExtension;
import java.nio.file.Path;
import java.sql.Date;
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
 * On a tiny sample, ingested once up to its end: {@code clientele backfill} for two month starts
 * gives the gold tables that publishing those dates one by one gives, a rerun of it changes
 * nothing, and publishing a later date leaves every closed month's {@code kpi_monthly} rows as they
 * were.
 */
@ExtendWith(SparkTestExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackfillIT {
  static final LocalDate SEP = LocalDate.parse("2026-09-01");
  static final LocalDate OCT = LocalDate.parse("2026-10-01");
  static final LocalDate LATER = LocalDate.parse("2026-11-21");
  static final List<Table> GOLD =
      List.of(
          Table.CUSTOMER_TIERS,
          Table.SEGMENT_SUMMARY,
          Table.KPI_MONTHLY,
          Table.TIER_HISTORY,
          Table.TIER_TRANSITIONS);

  private TableCatalog backfilled;
  private TableCatalog oneByOne;
  private ClienteleConfig backfillConfig;
  private final List<List<Row>> afterOctober = new ArrayList<>();
  private List<Row> kpisAfterOctober;
  private List<Row> kpisIncremental;

  static ClienteleConfig config(Path root) throws Exception {
    return PipelineIT.sampleConfig(
        root,
        "sample.customers=60",
        "sample.transactions=2500",
        "sample.days=300",
        "pipeline.clusters=false",
        "pipeline.clv=false",
        // The publish rerun below reads the stage tables of its date back.
        "pipeline.keep-stage-tables=true",
        "publish.report=false");
  }

  static void ingest(SparkSession spark, ClienteleConfig config, TableCatalog tables, LocalDate d)
      throws Exception {
    new IngestJob(IngestConfig.from(config.at("clientele.ingest"), System::getenv))
        .run(spark, new RunContext("ingest-" + d, "ingest", d, config, tables));
  }

  @BeforeAll
  void publishBothWays(SparkSession spark) throws Exception {
    Path a = SparkTestExtension.freshDir(spark, "backfill-a");
    backfillConfig = config(a);
    backfilled = new TableCatalog(a.resolve("warehouse").toString());
    ingest(spark, backfillConfig, backfilled, LATER);
    List<LocalDate> dates =
        BackfillJob.dates(LocalDate.parse("2026-08-15"), OCT, BackfillJob.Every.month);
    assertThat(dates).containsExactly(SEP, OCT);
    new BackfillJob(dates, () -> PipelineJob.from(backfillConfig, false))
        .run(spark, new RunContext("backfill", "backfill", OCT, backfillConfig, backfilled));

    Path b = SparkTestExtension.freshDir(spark, "backfill-b");
    ClienteleConfig config = config(b);
    oneByOne = new TableCatalog(b.resolve("warehouse").toString());
    ingest(spark, config, oneByOne, LATER);
    for (LocalDate day : List.of(SEP, OCT)) {
      PipelineJob.from(config, false)
          .run(spark, new RunContext("one-" + day, "pipeline", day, config, oneByOne));
    }
    for (Table gold : GOLD) afterOctober.add(read(spark, oneByOne, gold).collectAsList());
    kpisAfterOctober = afterOctober.get(GOLD.indexOf(Table.KPI_MONTHLY));
    PipelineJob.from(config, false)
        .run(spark, new RunContext("one-" + LATER, "pipeline", LATER, config, oneByOne));
    kpisIncremental = read(spark, oneByOne, Table.KPI_MONTHLY).collectAsList();
    // The same dimensions in another order change the rules noted in kpi_monthly, not its rows: a
    // publish rerun then rebuilds every month.
    List<String> dimensions =
        new ArrayList<>(config.at("clientele.satisfaction.kpi").strings("dimensions"));
    java.util.Collections.reverse(dimensions);
    ClienteleConfig reordered =
        ClienteleConfig.load(
            null,
            List.of(),
            List.of(
                "warehouse=\"" + b.resolve("warehouse") + "\"",
                "publish.report=false",
                "satisfaction.kpi.dimensions=[" + String.join(",", dimensions) + "]"));
    new PublishJob(
            PublishRules.from(reordered.at("clientele.publish")),
            SatisfactionRules.from(reordered.at("clientele.satisfaction")),
            dev.clientele.audience.AudienceRules.from(reordered))
        .run(spark, new RunContext("rebuild-" + LATER, "publish", LATER, reordered, oneByOne));
  }

  private static Dataset<Row> read(SparkSession spark, TableCatalog tables, Table table) {
    return DeltaIO.read(spark, tables.path(table));
  }

  @Test
  void backfillEqualsPublishingTheDatesOneByOneAndARerunChangesNothing(SparkSession spark)
      throws Exception {
    for (int i = 0; i < GOLD.size(); i++) {
      Dataset<Row> backfill = read(spark, backfilled, GOLD.get(i));
      assertThatDataset(backfill)
          .as(GOLD.get(i).tableName)
          .isEqualTo(spark.createDataFrame(afterOctober.get(i), backfill.schema()));
    }

    List<List<Row>> before = new ArrayList<>();
    for (Table gold : GOLD) before.add(read(spark, backfilled, gold).collectAsList());
    new BackfillJob(List.of(SEP, OCT), () -> PipelineJob.from(backfillConfig, false))
        .run(spark, new RunContext("backfill-2", "backfill", OCT, backfillConfig, backfilled));
    for (int i = 0; i < GOLD.size(); i++) {
      Dataset<Row> now = read(spark, backfilled, GOLD.get(i));
      assertThatDataset(now)
          .as(GOLD.get(i).tableName + " after a rerun")
          .isEqualTo(spark.createDataFrame(before.get(i), now.schema()));
    }
  }

  @Test
  void closedMonthsAreUntouchedWhenALaterDateIsPublished(SparkSession spark) {
    Dataset<Row> later = read(spark, oneByOne, Table.KPI_MONTHLY);
    Dataset<Row> now = spark.createDataFrame(kpisIncremental, later.schema());
    Date october = Date.valueOf(OCT);
    // October was open at the October publish (figures to 10-01); every month before is closed.
    assertThatDataset(now.where(col("month").lt(october)))
        .isEqualTo(
            spark.createDataFrame(kpisAfterOctober, now.schema()).where(col("month").lt(october)));
    assertThat(
            now.where(col("month").equalTo(october)).select("as_of").distinct().head().getDate(0))
        .isEqualTo(Date.valueOf("2026-10-31"));
  }

  /** Rewriting only the months a publish changes gives the table a full rebuild gives. */
  @Test
  void incrementalMonthsEqualARebuild(SparkSession spark) {
    Dataset<Row> rebuilt = read(spark, oneByOne, Table.KPI_MONTHLY);
    assertThat(DeltaIO.latestNote(spark, oneByOne.path(Table.KPI_MONTHLY))).endsWith("(rebuilt)");
    assertThatDataset(rebuilt).isEqualTo(spark.createDataFrame(kpisIncremental, rebuilt.schema()));
  }

  @Test
  void monthsBeforeTheFirstPublishedDateAreUnknownThenTheLabelsHeldAtTheirStart(
      SparkSession spark) {
    Dataset<Row> valueTiers =
        read(spark, oneByOne, Table.KPI_MONTHLY).where(col("dimension").equalTo("value_tier"));
    assertThat(
            valueTiers
                .where(col("month").lt(Date.valueOf(SEP)))
                .select("label")
                .distinct()
                .collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactly("unknown");
    // From September on, customers count under the value tier published for 09-01 (unknown only
    // for those not in that snapshot), and the labels add up to overall.
    Dataset<Row> september =
        read(spark, oneByOne, Table.KPI_MONTHLY).where(col("month").equalTo(Date.valueOf(SEP)));
    Row totals =
        september
            .groupBy()
            .agg(
                org.apache
                    .spark
                    .sql
                    .functions
                    .sum(
                        org.apache.spark.sql.functions.when(
                            col("dimension").equalTo("value_tier"), col("active_customers")))
                    .as("by_tier"),
                org.apache
                    .spark
                    .sql
                    .functions
                    .sum(
                        org.apache.spark.sql.functions.when(
                            col("dimension")
                                .equalTo("value_tier")
                                .and(col("label").notEqual("unknown")),
                            col("active_customers")))
                    .as("labelled"),
                org.apache
                    .spark
                    .sql
                    .functions
                    .sum(
                        org.apache.spark.sql.functions.when(
                            col("dimension").equalTo("overall"), col("active_customers")))
                    .as("overall"))
            .head();
    assertThat(totals.getLong(0)).isEqualTo(totals.getLong(2));
    assertThat(totals.getLong(1)).isPositive();
  }
}
