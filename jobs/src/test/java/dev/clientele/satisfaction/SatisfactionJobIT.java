package dev.clientele.satisfaction;

import static dev.clientele.satisfaction.Fixtures.feature;
import static dev.clientele.satisfaction.Fixtures.line;
import static dev.clientele.satisfaction.Fixtures.survey;
import static dev.clientele.testing.DatasetAssert.assertThatDataset;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.testing.SparkTestExtension;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
        RunContext.newRunId(), SatisfactionJob.NAME, AS_OF, config, new TableCatalog(warehouse));
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
    // The KPIs read customer_days, which the features stage keeps from these lines.
    DeltaIO.overwrite(
        Fixtures.days(
            Fixtures.transactions(
                spark,
                line("O1", "B", "2025-12-12", false),
                line("O2", "A", "2026-04-01", false),
                line("O3", "A", "2026-05-01", false),
                line("O4", "A", "2026-06-20", false))),
        tables.path(Table.CUSTOMER_DAYS),
        "month");
    SatisfactionJob job = SatisfactionJob.bind(context(warehouse).config());

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

    Dataset<Row> kpis = DeltaIO.readSnapshot(spark, tables.path(Table.KPI_MONTHLY), AS_OF);
    Map<String, Long> monthsPerLabel = new TreeMap<>();
    for (Row r : kpis.groupBy("dimension", "label").count().collectAsList()) {
      monthsPerLabel.put(r.getString(0) + "/" + r.getString(1), r.getLong(2));
    }
    // December 2025 to June 2026: 7 months for every label; value_tier etc. have no source yet.
    assertThat(monthsPerLabel)
        .isEqualTo(Map.of("overall/all", 7L, "region/north", 7L, "satisfaction_band/unknown", 7L));
    assertThatDataset(
            kpis.where(col("dimension").equalTo("overall"))
                .select("month", "active_customers", "nps", "csat_answers"))
        .containsExactlyRows(
            List.of(
                Arrays.asList(Fixtures.date("2025-12-01"), 1, null, 0),
                Arrays.asList(Fixtures.date("2026-01-01"), 0, null, 0),
                Arrays.asList(Fixtures.date("2026-02-01"), 0, null, 0),
                Arrays.asList(Fixtures.date("2026-03-01"), 0, null, 0),
                Arrays.asList(Fixtures.date("2026-04-01"), 1, null, 0),
                Arrays.asList(Fixtures.date("2026-05-01"), 1, null, 0),
                Arrays.asList(Fixtures.date("2026-06-01"), 1, null, 0)));

    Dataset<Row> runs = DeltaIO.read(spark, tables.path(Table.RUNS));
    assertThatDataset(runs.select("job", "source", "status", "records_accepted", "message"))
        .containsExactlyRows(
            List.of(
                Arrays.asList(
                    "satisfaction",
                    "customer_satisfaction",
                    "succeeded",
                    3,
                    "no survey or complaint data: every satisfaction band is unknown"),
                Arrays.asList(
                    "satisfaction",
                    "kpi_monthly",
                    "succeeded",
                    21,
                    "dimensions without labels: [value_tier, rfm_segment, lifecycle_stage, membership_tier]")));

    // A survey source appears; the rerun for the same date replaces both snapshots.
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
    Dataset<Row> kpisAgain = DeltaIO.read(spark, tables.path(Table.KPI_MONTHLY));
    assertThat(kpisAgain.count())
        .isEqualTo(7L * 4); // satisfaction_band now has satisfied and unknown
    assertThatDataset(
            kpisAgain
                .where(
                    col("dimension")
                        .equalTo("overall")
                        .and(col("month").equalTo(Fixtures.date("2026-06-01"))))
                .select("csat_answers", "csat_mean", "nps"))
        .containsExactlyRows(List.of(Arrays.asList(1, 5.0, 100.0)));
  }

  @Test
  void missingFeatureSnapshotFailsWithTheCommandToRunFirst(SparkSession spark) {
    String warehouse = SparkTestExtension.freshDir(spark, "satisfaction-nofeatures").toString();
    SatisfactionJob job = SatisfactionJob.bind(context(warehouse).config());
    assertThatThrownBy(() -> job.run(spark, context(warehouse)))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "Table customer_features does not exist at "
                + warehouse
                + "/silver/customer_features; run 'clientele features --as-of 2026-06-30' first.");
    assertThatDataset(
            DeltaIO.read(spark, new TableCatalog(warehouse).path(Table.RUNS))
                .select("source", "status"))
        .containsExactlyRows(List.of(Arrays.asList("satisfaction", "failed")));
  }
}
