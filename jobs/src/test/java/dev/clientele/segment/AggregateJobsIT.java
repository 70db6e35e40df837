package dev.clientele.segment;

import static dev.clientele.features.Fixtures.customer;
import static dev.clientele.features.Fixtures.line;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.cli.Clientele;
import dev.clientele.common.columns.TransactionsColumns;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.JobRunner;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.job.StageRunner;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.features.FeatureRules;
import dev.clientele.features.FeaturesJob;
import dev.clientele.features.Fixtures;
import dev.clientele.features.PlanScans;
import dev.clientele.testing.SparkTestExtension;
import dev.clientele.value.ValueRules;
import dev.clientele.value.ValueStage;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The features, segment and value jobs end to end on a temporary warehouse. */
@ExtendWith(SparkTestExtension.class)
class AggregateJobsIT {
  static final LocalDate AS_OF = LocalDate.parse("2026-11-21");
  static final ClienteleConfig CONFIG = ClienteleConfig.load(null, List.of(), List.of());

  static RunContext context(String job, TableCatalog tables) {
    return new RunContext("run-" + job, job, AS_OF, CONFIG, tables);
  }

  @Test
  void featuresThenSegmentAndValueWriteSnapshotsAndRerunsReplaceThem(SparkSession spark)
      throws Exception {
    TableCatalog tables = new TableCatalog(SparkTestExtension.freshDir(spark, "jobs").toString());
    DeltaIO.overwrite(
        Fixtures.transactions(
            spark,
            line("C1", "O1", "2026-11-01", "100.00"),
            line("C1", "O2", "2026-10-01", "50.00"),
            line("C2", "O3", "2026-05-01", "20.00"),
            line("C2", "R3", "2026-05-05", "20.00").asReturn()),
        tables.path(Table.TRANSACTIONS),
        TransactionsColumns.TXN_DATE);
    DeltaIO.overwrite(
        Fixtures.customers(
            spark, customer("C1", null, "F", null), customer("C3", null, null, null)),
        tables.path(Table.CUSTOMERS));

    FeaturesJob features = new FeaturesJob(FeatureRules.from(CONFIG.at("clientele")));
    StageRunner segment =
        new StageRunner(new SegmentStage(SegmentRules.from(CONFIG.at("clientele"))));
    StageRunner value = new StageRunner(new ValueStage(ValueRules.from(CONFIG.at("clientele"))));
    for (int run = 0; run < 2; run++) {
      features.run(spark, context("features", tables));
      segment.run(spark, context("segment", tables));
      value.run(spark, context("value", tables));
    }
    assertThat(DeltaIO.readSnapshot(spark, tables.path(Table.CUSTOMER_FEATURES), AS_OF).count())
        .isEqualTo(3);
    assertThat(DeltaIO.readSnapshot(spark, tables.path(Table.CUSTOMER_SEGMENTS), AS_OF).count())
        .isEqualTo(3);
    assertThat(DeltaIO.readSnapshot(spark, tables.path(Table.CUSTOMER_VALUES), AS_OF).count())
        .isEqualTo(3);
    // Segment and value each own their slice of the cut points; reruns replace, never duplicate.
    Dataset<Row> cuts = DeltaIO.readSnapshot(spark, tables.path(Table.TIER_CUTPOINTS), AS_OF);
    assertThat(cuts.count()).isEqualTo(12 + 19);
    assertThat(cuts.select("dimension", "name").distinct().count()).isEqualTo(31);
    assertThat(
            DeltaIO.readSnapshot(spark, tables.path(Table.CUSTOMER_SEGMENTS), AS_OF)
                .where("customer_id = 'C2'")
                .select("lifecycle_stage", "rfm_segment")
                .first()
                .toString())
        .isEqualTo("[churned,Hibernating]"); // 204 days >= the 180-day churn horizon

    // Segment and value read customer_features only, never transactions.
    Dataset<Row> snapshot =
        DeltaIO.readSnapshot(spark, tables.path(Table.CUSTOMER_FEATURES), AS_OF);
    assertThat(
            PlanScans.scannedRoots(
                SegmentStage.segments(snapshot, SegmentRules.from(CONFIG.at("clientele")))))
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p).endsWith("/customer_features"));
    assertThat(
            PlanScans.scannedRoots(
                ValueStage.values(snapshot, ValueRules.from(CONFIG.at("clientele")))))
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p).endsWith("/customer_features"));
  }

  @Test
  void segmentWithoutFeaturesFailsWithAnInstruction(SparkSession spark) {
    TableCatalog tables =
        new TableCatalog(SparkTestExtension.freshDir(spark, "nofeatures").toString());
    assertThatThrownBy(
            () ->
                new StageRunner(new SegmentStage(SegmentRules.from(CONFIG.at("clientele"))))
                    .run(spark, context("segment", tables)))
        .isInstanceOf(JobFailure.class)
        .hasMessageContaining("customer_features has no snapshot for as-of 2026-11-21 at ")
        .hasMessageEndingWith("; run 'clientele features --as-of 2026-11-21' first.");
  }

  @Test
  void badConfigExitsTwoBeforeSpark() {
    assertThat(
            Clientele.commandLine()
                .execute("segment", "--as-of", "2026-11-21", "--set", "segment.rfm.scores=6"))
        .isEqualTo(JobRunner.EXIT_USAGE);
    assertThat(Clientele.commandLine().execute("value", "--set", "value.tier.high-share=1.5"))
        .isEqualTo(JobRunner.EXIT_USAGE);
    assertThat(Clientele.commandLine().execute("features", "--set", "features.window-days=0"))
        .isEqualTo(JobRunner.EXIT_USAGE);
  }
}
