package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.audience.AudienceColumns;
import dev.clientele.audience.AudienceRules;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Published;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.testing.SparkTestExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code clientele export --audience NAME --csv FILE} on a tiny published warehouse. */
@ExtendWith(SparkTestExtension.class)
class AudienceCsvExportTest {
  static final LocalDate OCT = LocalDate.parse("2026-10-01");
  static final LocalDate NOV = LocalDate.parse("2026-11-01");
  static final StructType TIERS =
      new StructType()
          .add("as_of", DataTypes.DateType)
          .add("customer_id", DataTypes.StringType)
          .add("order_count", DataTypes.LongType)
          .add("recency_days", DataTypes.IntegerType)
          .add("region", DataTypes.StringType);

  static Row tier(LocalDate asOf, String id, long orders, int recency) {
    return RowFactory.create(Date.valueOf(asOf), id, orders, recency, "north");
  }

  static Row member(LocalDate asOf, String id, String status, String reason) {
    return RowFactory.create(Date.valueOf(asOf), "second-purchase-nudge", id, status, reason);
  }

  @Test
  void writesTheSelectedCustomersWithTheRuleColumnsOfTheChosenDate(SparkSession spark)
      throws Exception {
    Path dir = SparkTestExtension.freshDir(spark, "audience-csv");
    TableCatalog tables = new TableCatalog(dir.resolve("warehouse").toString());
    DeltaIO.overwrite(
        spark.createDataFrame(
            List.of(
                tier(OCT, "c2", 1, 40),
                tier(OCT, "c1", 1, 31),
                tier(OCT, "c3", 1, 90),
                tier(OCT, "c4", 1, 60),
                tier(NOV, "c1", 2, 1)),
            TIERS),
        tables.path(Table.CUSTOMER_TIERS),
        "as_of");
    DeltaIO.overwrite(
        spark.createDataFrame(
            List.of(
                member(OCT, "c2", "selected", null),
                member(OCT, "c1", "selected", null),
                member(OCT, "c3", "holdout", "holdout"),
                member(OCT, "c4", "suppressed", "contact_cap"),
                member(NOV, "c9", "suppressed", "opted_out")),
            AudienceColumns.MEMBERS_SCHEMA),
        tables.path(Table.AUDIENCE_MEMBERS),
        "as_of");
    Map<String, Long> versions = new LinkedHashMap<>();
    versions.put(Table.CUSTOMER_TIERS.tableName, 0L);
    versions.put(Table.AUDIENCE_MEMBERS.tableName, 0L);
    Published.commit(spark, tables, NOV, "run-pub", versions);
    ClienteleConfig config = ClienteleConfig.load(null, List.of(), List.of());
    AudienceRules.Definition nudge = AudienceRules.from(config).definition("second-purchase-nudge");
    RunContext run = new RunContext("run-x", "export", NOV, config, tables);

    Path csv = dir.resolve("nudge.csv");
    new AudienceCsvExport(new AudienceExport(nudge, OCT), csv.toString()).run(spark, run);
    assertThat(Files.readString(csv))
        .isEqualTo("customer_id,order_count,recency_days\nc1,1,31\nc2,1,40\n");
    assertThat(Files.exists(dir.resolve("nudge.csv.parts"))).isFalse();

    // Default date: the current publish's (NOV), where nobody is selected: a header only.
    new AudienceCsvExport(new AudienceExport(nudge, null), csv.toString()).run(spark, run);
    assertThat(Files.readString(csv)).isEqualTo("customer_id,order_count,recency_days\n");

    LocalDate sep = LocalDate.parse("2026-09-01");
    assertThatThrownBy(
            () ->
                new AudienceCsvExport(new AudienceExport(nudge, sep), csv.toString())
                    .run(spark, run))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "cannot export audience 'second-purchase-nudge': audience_members has no rows for it"
                + " as of 2026-09-01 (publish 1); publish that date with the audience defined, or"
                + " pick another --as-of.");
  }
}
