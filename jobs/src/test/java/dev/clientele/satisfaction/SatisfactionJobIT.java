package dev.clientele.satisfaction;

import static dev.clientele.satisfaction.Fixtures.feature;
import static dev.clientele.satisfaction.Fixtures.survey;
import static dev.clientele.testing.DatasetAssert.assertThatDataset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.job.StageRunner;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.testing.SparkTestExtension;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The satisfaction job end to end on Delta tables in a temporary warehouse. */
@ExtendWith(SparkTestExtension.class)
class SatisfactionJobIT {
  static final LocalDate AS_OF = LocalDate.parse("2026-06-30");

  RunContext context(String warehouse) {
    ClienteleConfig config =
        ClienteleConfig.load(null, List.of(), List.of("warehouse=\"" + warehouse + "\""));
    return new RunContext(
        RunContext.newRunId(), SatisfactionStage.NAME, AS_OF, config, new TableCatalog(warehouse));
  }

  @Test
  void writesSnapshotsWithoutSurveySourcesAndARerunReplacesThem(SparkSession spark) {
    String warehouse = SparkTestExtension.freshDir(spark, "satisfaction-job").toString();
    TableCatalog tables = new TableCatalog(warehouse);
    DeltaIO.replaceSnapshot(
        Fixtures.features(
            spark,
            feature("A", AS_OF, 3, 10, 20.0, "30.00", "30.00", 1, 1),
            feature("B", AS_OF, 1, 200, null, "0.00", "0.00", 0, 0),
            feature("P", AS_OF, 0, null, null, "0.00", "0.00", 0, 0)),
        tables.path(Table.CUSTOMER_FEATURES),
        AS_OF);
    StageRunner job = new StageRunner(SatisfactionStage.bind(context(warehouse).config()));

    job.run(spark, context(warehouse));

    Dataset<Row> satisfaction =
        DeltaIO.readSnapshot(spark, tables.path(Table.CUSTOMER_SATISFACTION), AS_OF);
    assertThatDataset(
            satisfaction.select(
                "customer_id",
                "satisfaction_band",
                "churn_risk",
                "churn_flag",
                "is_churned",
                "churn_cause"))
        .containsExactlyRows(
            List.of(
                Arrays.asList("A", "unknown", 0.0, false, false, null),
                // churned, so flagged whatever the risk (one churn definition)
                Arrays.asList("B", "unknown", 0.2727, true, true, "competitor_unknown"),
                Arrays.asList("P", "unknown", null, false, false, null)));

    // Only publish writes gold tables: kpi_monthly comes with the rest of the gold set.
    assertThat(DeltaIO.exists(spark, tables.path(Table.KPI_MONTHLY))).isFalse();

    Dataset<Row> runs = DeltaIO.read(spark, tables.path(Table.RUNS));
    assertThatDataset(runs.select("job", "source", "status", "records_accepted", "message"))
        .containsExactlyRows(
            List.of(
                Arrays.asList(
                    "satisfaction",
                    "satisfaction",
                    "succeeded",
                    3,
                    "no survey or complaint data: every satisfaction band is unknown")));

    // A survey source appears; the rerun for the same date replaces the snapshot.
    DeltaIO.overwrite(
        Fixtures.surveys(spark, survey("s1", "A", "2026-06-01", 5, 10)),
        tables.path(Table.SURVEYS));
    job.run(spark, context(warehouse));

    Dataset<Row> again = DeltaIO.read(spark, tables.path(Table.CUSTOMER_SATISFACTION));
    assertThatDataset(again.select("customer_id", "satisfaction_band"))
        .containsExactlyRows(
            List.of(
                Arrays.asList("A", "satisfied"),
                Arrays.asList("B", "unknown"),
                Arrays.asList("P", "unknown")));
    assertThat(DeltaIO.exists(spark, tables.path(Table.KPI_MONTHLY))).isFalse();
  }

  @Test
  void missingFeatureSnapshotFailsWithTheCommandToRunFirst(SparkSession spark) {
    String warehouse = SparkTestExtension.freshDir(spark, "satisfaction-nofeatures").toString();
    StageRunner job = new StageRunner(SatisfactionStage.bind(context(warehouse).config()));
    assertThatThrownBy(() -> job.run(spark, context(warehouse)))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "customer_features has no snapshot for as-of 2026-06-30 at "
                + warehouse
                + "/silver/customer_features; run 'clientele features --as-of 2026-06-30' first.");
    assertThatDataset(
            DeltaIO.read(spark, new TableCatalog(warehouse).path(Table.RUNS))
                .select("source", "status"))
        .containsExactlyRows(List.of(Arrays.asList("satisfaction", "failed")));
  }
}
