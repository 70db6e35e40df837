package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Published;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.testing.SparkTestExtension;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code clientele export} against a real PostgreSQL started by the test. */
@ExtendWith(SparkTestExtension.class)
class PostgresExportIT {
  private static final LocalDate AS_OF = LocalDate.parse("2026-11-21");
  private static final PostgresCredentials CREDENTIALS =
      new PostgresCredentials("postgres", "not-logged-s3cret");
  private static final StructType TIERS =
      new StructType()
          .add("as_of", DataTypes.DateType)
          .add("customer_id", DataTypes.StringType)
          .add(
              new StructField(
                      "net_spend",
                      DataTypes.createDecimalType(18, 2),
                      true,
                      org.apache.spark.sql.types.Metadata.empty())
                  .withComment("12-month spend, exact"))
          .add("value_tier", DataTypes.StringType)
          .add("churn_flag", DataTypes.BooleanType)
          .add("reasons", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add("tags", DataTypes.createArrayType(DataTypes.StringType));
  private static final StructType SUMMARY =
      new StructType()
          .add("as_of", DataTypes.DateType)
          .add("dimension", DataTypes.StringType)
          .add("label", DataTypes.StringType)
          .add("customers", DataTypes.LongType);

  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void startPostgres() throws IOException {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    postgres.close();
  }

  private static String url() {
    return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
  }

  private static ExportSettings settings(String schema, Table... tables) {
    return new ExportSettings(url(), schema, "U", "P", null, List.of(tables), 2, 2);
  }

  private static Row tier(String customer, String net_spend, String tier, boolean churn) {
    return RowFactory.create(
        Date.valueOf(AS_OF),
        customer,
        new BigDecimal(net_spend),
        tier,
        churn,
        scala.collection.immutable.Map$.MODULE$
            .<String, String>empty()
            .updated("value_tier", "top_share_20"),
        scala.jdk.javaapi.CollectionConverters.asScala(List.of("vip", tier)).toSeq());
  }

  private static Row summary(String label, long customers) {
    return RowFactory.create(Date.valueOf(AS_OF), "value_tier", label, customers);
  }

  /** Writes a gold table and publishes it with the others that exist (a marker row). */
  private static void writeGold(
      SparkSession spark, TableCatalog tables, Table table, StructType schema, Row... rows) {
    writeUnpublished(spark, tables, table, schema, rows);
    Map<String, Long> versions = new LinkedHashMap<>();
    for (Table gold : Published.goldTables()) {
      long version = DeltaIO.version(spark, tables.path(gold));
      if (version >= 0) versions.put(gold.tableName, version);
    }
    Published.commit(spark, tables, AS_OF, "run-" + versions, versions);
  }

  /** A gold commit no marker names: what a publish that crashed before its marker leaves. */
  private static void writeUnpublished(
      SparkSession spark, TableCatalog tables, Table table, StructType schema, Row... rows) {
    Dataset<Row> frame = spark.createDataFrame(List.of(rows), schema);
    DeltaIO.overwrite(frame, tables.path(table), "as_of");
  }

  private static void export(SparkSession spark, TableCatalog tables, PostgresExport job)
      throws SQLException {
    ClienteleConfig config = ClienteleConfig.load(null, List.of(), List.of());
    job.run(spark, new RunContext("run-test", "export", AS_OF, config, tables));
  }

  /** Rows of a query as {@code a|b|c} text, in the query's order. */
  private static List<String> query(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url(), "postgres", "x");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      return JdbcRows.of(r);
    }
  }

  private static List<String> tablesIn(String schema) throws SQLException {
    return query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = '"
            + schema
            + "' ORDER BY 1");
  }

  private static List<String> tiers(String schema) throws SQLException {
    return query(
        "SELECT customer_id, net_spend, value_tier, churn_flag FROM "
            + schema
            + ".customer_tiers ORDER BY 1");
  }

  @Test
  void secondExportReplacesTheFirstExactlyAndReadersSeeOldTablesUntilTheSwap(SparkSession spark)
      throws SQLException {
    TableCatalog tables =
        new TableCatalog(SparkTestExtension.freshDir(spark, "export-twice").toString());
    writeGold(
        spark,
        tables,
        Table.CUSTOMER_TIERS,
        TIERS,
        tier("c1", "120.50", "high", false),
        tier("c2", "3.00", "low", true));
    writeGold(spark, tables, Table.SEGMENT_SUMMARY, SUMMARY, summary("high", 1), summary("low", 1));
    // tier_history was never published: skipped, the others exported.
    export(
        spark,
        tables,
        new PostgresExport(
            settings("bi_twice", Table.CUSTOMER_TIERS, Table.SEGMENT_SUMMARY, Table.TIER_HISTORY),
            CREDENTIALS,
            List.of()));

    assertThat(tablesIn("bi_twice")).containsExactly("customer_tiers", "segment_summary");
    assertThat(tiers("bi_twice")).containsExactly("c1|120.50|high|false", "c2|3.00|low|true");
    assertThat(
            query(
                "SELECT as_of, reasons ->> 'value_tier', tags FROM bi_twice.customer_tiers WHERE customer_id = 'c1'"))
        .containsExactly("2026-11-21|top_share_20|{vip,high}");
    assertThat(
            query(
                "SELECT column_name, data_type, coalesce(numeric_precision || ',' || numeric_scale, '') "
                    + "FROM information_schema.columns WHERE table_schema = 'bi_twice' AND table_name = 'customer_tiers' ORDER BY ordinal_position"))
        .containsExactly(
            "as_of|date|",
            "customer_id|text|",
            "net_spend|numeric|18,2",
            "value_tier|text|",
            "churn_flag|boolean|",
            "reasons|jsonb|",
            "tags|ARRAY|");
    assertThat(query("SELECT col_description('bi_twice.customer_tiers'::regclass, 3)"))
        .containsExactly("12-month spend, exact");
    assertThat(
            query("SELECT obj_description('bi_twice.customer_tiers'::regclass, 'pg_class')").get(0))
        .startsWith(
            "Clientele gold table customer_tiers: publish 2 (as of 2026-11-21), Delta version 0 of "
                + tables.path(Table.CUSTOMER_TIERS))
        .contains("exported by run run-test");

    writeGold(
        spark,
        tables,
        Table.CUSTOMER_TIERS,
        TIERS,
        tier("c1", "99.99", "medium", false),
        tier("c3", "5000.00", "high", false),
        tier("c4", "0.01", "low", false));
    writeGold(
        spark,
        tables,
        Table.SEGMENT_SUMMARY,
        SUMMARY,
        summary("high", 1),
        summary("medium", 1),
        summary("low", 1));
    List<String> seenMidExport = new ArrayList<>();
    Runnable readWhileStaged =
        () -> {
          try {
            seenMidExport.addAll(tiers("bi_twice"));
            seenMidExport.addAll(tablesIn("bi_twice"));
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        };
    export(
        spark,
        tables,
        new PostgresExport(
            settings("bi_twice", Table.CUSTOMER_TIERS, Table.SEGMENT_SUMMARY),
            CREDENTIALS,
            List.of(),
            readWhileStaged));

    assertThat(seenMidExport)
        .containsExactly(
            "c1|120.50|high|false",
            "c2|3.00|low|true",
            "customer_tiers",
            "customer_tiers__staging",
            "segment_summary",
            "segment_summary__staging");
    assertThat(tablesIn("bi_twice")).containsExactly("customer_tiers", "segment_summary");
    assertThat(tiers("bi_twice"))
        .containsExactly("c1|99.99|medium|false", "c3|5000.00|high|false", "c4|0.01|low|false");
    assertThat(query("SELECT label, customers FROM bi_twice.segment_summary ORDER BY 1"))
        .containsExactly("high|1", "low|1", "medium|1");
    assertThat(
            query("SELECT obj_description('bi_twice.customer_tiers'::regclass, 'pg_class')").get(0))
        .contains("Delta version 1 of");
  }

  @Test
  void aRowTheDatabaseRejectsMidLoadLeavesTheOldTablesAndNoStaging(SparkSession spark)
      throws SQLException {
    TableCatalog tables =
        new TableCatalog(SparkTestExtension.freshDir(spark, "export-badrow").toString());
    writeGold(spark, tables, Table.CUSTOMER_TIERS, TIERS, tier("c1", "120.50", "high", false));
    writeGold(spark, tables, Table.SEGMENT_SUMMARY, SUMMARY, summary("high", 1));
    ExportSettings settings = settings("bi_badrow", Table.CUSTOMER_TIERS, Table.SEGMENT_SUMMARY);
    export(spark, tables, new PostgresExport(settings, CREDENTIALS, List.of()));

    // customer_tiers stages fine; segment_summary carries a NUL byte, which PostgreSQL text
    // refuses.
    writeGold(spark, tables, Table.CUSTOMER_TIERS, TIERS, tier("c9", "1.00", "low", false));
    writeGold(
        spark,
        tables,
        Table.SEGMENT_SUMMARY,
        SUMMARY,
        summary("ok", 1),
        summary("bad\u0000label", 2));
    assertThatThrownBy(
            () -> export(spark, tables, new PostgresExport(settings, CREDENTIALS, List.of())))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith(
            "export to PostgreSQL schema 'bi_badrow' failed while loading segment_summary: ")
        .hasMessageContaining("invalid byte sequence for encoding \"UTF8\": 0x00")
        .hasMessageEndingWith("(the previously exported tables are unchanged)")
        .message()
        .doesNotContain(CREDENTIALS.password());

    assertThat(tablesIn("bi_badrow")).containsExactly("customer_tiers", "segment_summary");
    assertThat(tiers("bi_badrow")).containsExactly("c1|120.50|high|false");
    assertThat(query("SELECT label, customers FROM bi_badrow.segment_summary"))
        .containsExactly("high|1");
  }

  @Test
  void aFailureBetweenStagingAndSwapLeavesTheOldTablesAndNoStaging(SparkSession spark)
      throws SQLException {
    TableCatalog tables =
        new TableCatalog(SparkTestExtension.freshDir(spark, "export-hook").toString());
    writeGold(spark, tables, Table.CUSTOMER_TIERS, TIERS, tier("c1", "120.50", "high", false));
    ExportSettings settings = settings("bi_hook", Table.CUSTOMER_TIERS);
    export(spark, tables, new PostgresExport(settings, CREDENTIALS, List.of()));

    writeGold(spark, tables, Table.CUSTOMER_TIERS, TIERS, tier("c2", "7.00", "low", true));
    Runnable crash =
        () -> {
          throw new IllegalStateException("injected crash before the swap");
        };
    assertThatThrownBy(
            () ->
                export(spark, tables, new PostgresExport(settings, CREDENTIALS, List.of(), crash)))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "export to PostgreSQL schema 'bi_hook' failed while swapping the tables in: injected crash before the swap "
                + "(the previously exported tables are unchanged)");
    assertThat(tablesIn("bi_hook")).containsExactly("customer_tiers");
    assertThat(tiers("bi_hook")).containsExactly("c1|120.50|high|false");

    // A rerun once the cause is gone publishes the new data.
    export(spark, tables, new PostgresExport(settings, CREDENTIALS, List.of()));
    assertThat(tiers("bi_hook")).containsExactly("c2|7.00|low|true");

    // A gold commit that no marker names (a publish that crashed before its marker) is not
    // exported: the export copies what readers see.
    writeUnpublished(spark, tables, Table.CUSTOMER_TIERS, TIERS, tier("c3", "1.00", "low", false));
    export(spark, tables, new PostgresExport(settings, CREDENTIALS, List.of()));
    assertThat(tiers("bi_hook")).containsExactly("c2|7.00|low|true");
  }

  @Test
  void aRequestedTableThatWasNeverPublishedFailsBeforeAnythingIsLoaded(SparkSession spark)
      throws SQLException {
    TableCatalog tables =
        new TableCatalog(SparkTestExtension.freshDir(spark, "export-missing").toString());
    writeGold(spark, tables, Table.CUSTOMER_TIERS, TIERS, tier("c1", "120.50", "high", false));
    ExportSettings settings = settings("bi_missing", Table.CUSTOMER_TIERS);
    assertThatThrownBy(
            () ->
                export(
                    spark,
                    tables,
                    new PostgresExport(
                        settings, CREDENTIALS, List.of(Table.CUSTOMER_TIERS, Table.KPI_MONTHLY))))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "cannot export kpi_monthly ("
                + tables.path(Table.KPI_MONTHLY)
                + "): not published yet; nothing was exported.");
    assertThatThrownBy(
            () ->
                export(
                    spark,
                    tables,
                    new PostgresExport(
                        settings("bi_missing", Table.TIER_HISTORY, Table.KPI_MONTHLY),
                        CREDENTIALS,
                        List.of())))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "nothing to export: none of [tier_history, kpi_monthly] has been published under "
                + tables.warehouse()
                + ".");
    assertThat(tablesIn("bi_missing")).isEmpty();
  }

  @Test
  void anAudienceExportLoadsOnlyTheSelectedCustomersWithTheRuleColumns(SparkSession spark)
      throws SQLException {
    TableCatalog tables =
        new TableCatalog(SparkTestExtension.freshDir(spark, "export-audience").toString());
    writeUnpublished(
        spark,
        tables,
        Table.CUSTOMER_TIERS,
        TIERS,
        tier("c1", "120.50", "high", true),
        tier("c2", "80.00", "high", true),
        tier("c3", "90.00", "high", true),
        tier("c4", "1.00", "low", true));
    writeGold(
        spark,
        tables,
        Table.AUDIENCE_MEMBERS,
        dev.clientele.audience.AudienceColumns.MEMBERS_SCHEMA,
        RowFactory.create(Date.valueOf(AS_OF), "win-back", "c1", "selected", null),
        RowFactory.create(Date.valueOf(AS_OF), "win-back", "c2", "holdout", "holdout"),
        RowFactory.create(Date.valueOf(AS_OF), "win-back", "c3", "suppressed", "opted_out"),
        RowFactory.create(Date.valueOf(AS_OF), "other", "c4", "selected", null));
    dev.clientele.audience.AudienceRules.Definition winBack =
        dev.clientele.audience.AudienceRules.from(ClienteleConfig.load(null, List.of(), List.of()))
            .definition("win-back");
    export(
        spark,
        tables,
        PostgresExport.audience(
            settings("bi_audience"), CREDENTIALS, new AudienceExport(winBack, null)));
    assertThat(tablesIn("bi_audience")).containsExactly("audience_win_back");
    assertThat(query("SELECT * FROM bi_audience.audience_win_back ORDER BY 1"))
        .containsExactly("c1|true|high");
    assertThat(
            query(
                "SELECT obj_description('bi_audience.audience_win_back'::regclass)"
                    + " LIKE 'Clientele audience win-back: selected customers as of 2026-11-21"
                    + " (publish 1), exported by run run-test at %'"))
        .containsExactly("true");
  }
}
