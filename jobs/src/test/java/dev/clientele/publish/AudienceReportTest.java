package dev.clientele.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.audience.AudienceColumns;
import dev.clientele.audience.AudienceResults;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.testing.SparkTestExtension;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The report's audience figures as read back from the two gold tables. */
@ExtendWith(SparkTestExtension.class)
class AudienceReportTest {
  static final LocalDate OCT = LocalDate.parse("2026-10-01");
  static final LocalDate NOV = LocalDate.parse("2026-11-01");

  @Test
  void countsByStatusAndReasonAtTheDateAndResultsUpToIt(SparkSession spark) {
    TableCatalog tables =
        new TableCatalog(SparkTestExtension.freshDir(spark, "audience-report").toString());
    assertThat(AudienceReport.gather(spark, tables, NOV)).isNull();
    DeltaIO.overwrite(
        spark.createDataFrame(
            List.of(
                RowFactory.create(Date.valueOf(NOV), "b", "c1", "selected", null),
                RowFactory.create(Date.valueOf(NOV), "b", "c2", "selected", null),
                RowFactory.create(Date.valueOf(NOV), "b", "c3", "suppressed", "opted_out"),
                RowFactory.create(Date.valueOf(NOV), "a", "c1", "holdout", "holdout"),
                RowFactory.create(Date.valueOf(OCT), "a", "c9", "selected", null)),
            AudienceColumns.MEMBERS_SCHEMA),
        tables.path(Table.AUDIENCE_MEMBERS),
        "as_of");
    List<org.apache.spark.sql.Row> results =
        AudienceResults.results(
            spark
                .createDataFrame(
                    List.of(
                        RowFactory.create(
                            Date.valueOf(OCT), "a", "selected", 4L, 3L, 15.0, 500.0 / 3),
                        RowFactory.create(Date.valueOf(OCT), "a", "holdout", 2L, 1L, 5.0, 50.0)),
                    new org.apache.spark.sql.types.StructType()
                        .add("as_of", "date")
                        .add("audience", "string")
                        .add("status", "string")
                        .add("customers", "long")
                        .add("repurchasers", "long")
                        .add("mean_spend", "double")
                        .add("spend_variance", "double"))
                .collectAsList(),
            30,
            NOV);
    DeltaIO.overwrite(
        spark.createDataFrame(results, AudienceColumns.RESULTS_SCHEMA),
        tables.path(Table.AUDIENCE_RESULTS),
        "as_of");

    AudienceReport report = AudienceReport.gather(spark, tables, NOV);
    assertThat(report.members())
        .containsExactly(
            new AudienceReport.MemberCount("a", "holdout", "holdout", 1),
            new AudienceReport.MemberCount("b", "selected", null, 2),
            new AudienceReport.MemberCount("b", "suppressed", "opted_out", 1));
    assertThat(report.results()).hasSize(1);
    AudienceReport.Result r = report.results().get(0);
    assertThat(r.asOf()).isEqualTo(OCT);
    assertThat(r.audience()).isEqualTo("a");
    assertThat(r.measureDays()).isEqualTo(30);
    assertThat(List.of(r.selected(), r.holdout())).containsExactly(4L, 2L);
    assertThat(List.of(r.selectedRate(), r.holdoutRate(), r.rateUplift()))
        .containsExactly(0.75, 0.5, 0.25);
    assertThat(r.spendUplift()).isEqualTo(10.0);
    assertThat(AudienceReport.gather(spark, tables, OCT).results()).hasSize(1);
    assertThat(AudienceReport.gather(spark, tables, LocalDate.parse("2026-09-30")).results())
        .isEmpty();
  }
}
