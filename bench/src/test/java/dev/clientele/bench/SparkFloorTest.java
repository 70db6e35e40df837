package dev.clientele.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.ingest.IngestRules;
import dev.clientele.testing.SparkTestExtension;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plain Spark floor jobs load, check and write what they should and compute the reference's R,
 * F, M values.
 */
@ExtendWith(SparkTestExtension.class)
class SparkFloorTest {
  private static final String HEADER =
      "order_id,line_no,customer_id,ts,product_id,brand,category,quantity,unit_price,discount,unit_cost,channel,store_id,original_order_id";

  /** Silver transaction lines as the essential gold work reads them. */
  private static final StructType GOLD_LINE =
      new StructType()
          .add("customer_id", DataTypes.StringType)
          .add("order_id", DataTypes.StringType)
          .add("txn_date", DataTypes.DateType)
          .add("txn_month", DataTypes.DateType)
          .add("is_return", DataTypes.BooleanType)
          .add("brand", DataTypes.StringType)
          .add("category", DataTypes.StringType)
          .add("quantity", DataTypes.IntegerType)
          .add("amount", DataTypes.createDecimalType(18, 2))
          .add("unit_cost", DataTypes.createDecimalType(18, 4))
          .add("discount", DataTypes.createDecimalType(18, 2));

  @TempDir Path dir;

  @Test
  void csvToParquetDropsMalformedLinesAndLoadsEverySource(SparkSession spark) throws Exception {
    List<String> day =
        List.of(
            "O1,1,C1,2026-11-20 10:00:00,P1,\"Tanaka, Castillo & Sons\",haircare,1,7.99,0.00,3.50,app,,",
            "O1,2,C1,2026-11-20 10:00:00,P2,Zento,bodycare,2,10.99,0.00,,app,,",
            "O2,x,C2,2026-11-20 11:00:00,P1,Zento,haircare,1,7.99,0.00,3.50,web,,");
    Path raw = raw(Map.of("2026-11-20", day));

    Path out = dir.resolve("floor");
    assertThat(SparkFloor.csvToParquet(spark, raw, out)).isEqualTo(2);

    List<Row> lines =
        spark
            .read()
            .parquet(out.resolve("transactions").toString())
            .orderBy("line_no")
            .collectAsList();
    assertThat(lines)
        .extracting(r -> r.getAs("brand") + "|" + r.getAs("txn_date") + "|" + r.getAs("unit_cost"))
        .containsExactly("Tanaka, Castillo & Sons|2026-11-20|3.5000", "Zento|2026-11-20|null");
    assertThat(spark.read().parquet(out.resolve("customers").toString()).count()).isEqualTo(2);
    assertThat(Files.exists(out.resolve("surveys"))).isFalse();
  }

  @Test
  void essentialIngestKeepsValidLinesOnceAndQuarantinesTheRestWithReasons(SparkSession spark)
      throws Exception {
    Path raw =
        raw(
            Map.of(
                "2026-11-20",
                List.of(
                    "O1,1,C1,2026-11-20 10:00:00,P1,\"Tanaka, Castillo & Sons\",haircare,1,7.99,0.00,3.50,app,,",
                    "O1,2,C1,2026-11-20 10:00:00,P2,Zento,bodycare,2,-1.00,0.00,,app,,",
                    "O2,1,C9,2026-11-20 11:00:00,P1,Zento,haircare,1,7.99,0.00,3.50,web,,",
                    "O3,1,C2,2026-11-23 09:00:00,P1,Zento,haircare,1.5,7.99,0.00,3.50,fax,,",
                    "O4,1,C2,2026-11-20 12:00:00,P1,Zento",
                    "O5,1,C2,2026-11-20 13:00:00,P3,Zento,haircare,1,4.00,0.00,1.00,store,,"),
                "2026-11-21",
                List.of(
                    "O1,1,C1,2026-11-20 10:00:00,P1,\"Tanaka, Castillo & Sons\",haircare,1,7.99,0.00,3.50,app,,",
                    "O5,1,C2,2026-11-20 13:00:00,P3,Zento,haircare,2,4.00,0.00,1.00,store,,")));
    IngestRules rules =
        new IngestRules(
            true,
            true,
            0.05,
            0,
            true,
            1000,
            List.of("store", "web", "app"),
            LocalDate.of(2000, 1, 1));

    Path out = dir.resolve("floor");
    SparkFloor.essentialIngest(spark, raw, out, rules, LocalDate.parse("2026-11-21"));

    assertThat(SparkFloor.essentialCounts(spark, raw, out))
        .isEqualTo(new SparkFloor.Ingested(1, 6, 1));
    assertThat(
            spark
                .read()
                .format("delta")
                .load(out.resolve("essential_silver").toString())
                .collectAsList())
        .extracting(r -> r.getAs("order_id") + "|" + r.getAs("brand") + "|" + r.getAs("txn_month"))
        .containsExactly("O1|Tanaka, Castillo & Sons|2026-11-01");
    assertThat(
            spark
                .read()
                .format("delta")
                .load(out.resolve("essential_quarantine").toString())
                .orderBy("raw_text", "source_file")
                .collectAsList())
        .extracting(
            r ->
                r.getAs("raw_text")
                    + " "
                    + r.getList(r.fieldIndex("reasons"))
                    + " "
                    + Path.of(java.net.URI.create(r.getAs("source_file"))).getFileName())
        .containsExactly(
            "O1,2,C1,2026-11-20 10:00:00,P2,Zento,bodycare,2,-1.00,0.00,,app,, [non_positive_price] 2026-11-20.csv",
            "O2,1,C9,2026-11-20 11:00:00,P1,Zento,haircare,1,7.99,0.00,3.50,web,, [unknown_customer] 2026-11-20.csv",
            "O3,1,C2,2026-11-23 09:00:00,P1,Zento,haircare,1.5,7.99,0.00,3.50,fax,, [future_timestamp, bad_quantity, unknown_channel] 2026-11-20.csv",
            "O4,1,C2,2026-11-20 12:00:00,P1,Zento [malformed_record] 2026-11-20.csv",
            "O5,1,C2,2026-11-20 13:00:00,P3,Zento,haircare,1,4.00,0.00,1.00,store,, [duplicate_conflict] 2026-11-20.csv",
            "O5,1,C2,2026-11-20 13:00:00,P3,Zento,haircare,2,4.00,0.00,1.00,store,, [duplicate_conflict] 2026-11-21.csv");
  }

  /**
   * A raw folder: each day's transaction file (its lines after the header) and customers C1, C2.
   */
  private Path raw(Map<String, List<String>> days) throws IOException {
    Path raw = dir.resolve("raw");
    Files.createDirectories(raw.resolve("transactions"));
    Files.createDirectories(raw.resolve("customers"));
    for (Map.Entry<String, List<String>> day : days.entrySet()) {
      List<String> lines = new ArrayList<>(List.of(HEADER));
      lines.addAll(day.getValue());
      Files.write(raw.resolve("transactions/" + day.getKey() + ".csv"), lines);
    }
    Files.write(
        raw.resolve("customers/customers.csv"), List.of("customer_id,name", "C1,Ann", "C2,Bo"));
    return raw;
  }

  @Test
  void rfmValuesMatchTheDuckReferenceExample(SparkSession spark) {
    // The rows of DuckReferenceTest, whose R, F, M values are computed by hand there.
    StructType schema =
        new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("order_id", DataTypes.StringType)
            .add("is_return", DataTypes.BooleanType)
            .add("amount", DataTypes.createDecimalType(18, 2))
            .add("txn_date", DataTypes.DateType);
    List<Row> rows =
        List.of(
            line("a", "o1", "2026-11-20", false, 100),
            line("b", "o2", "2026-10-01", false, 50),
            line("b", "o3", "2026-10-15", false, 50),
            line("c", "o4", "2025-01-01", false, 30),
            line("d", "o5", "2026-11-01", true, -20),
            line("e", "o6", "2026-06-01", false, 200),
            line("e", "o7", "2026-06-05", true, -250),
            line(null, "o8", "2026-11-01", false, 999),
            line("a", "o9", "2026-11-22", false, 999));
    String table = dir.resolve("silver").toString();
    spark.createDataFrame(rows, schema).write().partitionBy("txn_date").parquet(table);
    List<String> files =
        Arrays.stream(spark.read().parquet(table).inputFiles()).map(Bench::localPath).toList();

    Dataset<Row> values =
        SparkFloor.rfmValues(spark, table, files, LocalDate.parse("2026-11-21"), 365);

    assertThat(
            values.orderBy("customer_id").collectAsList().stream()
                .map(r -> r.mkString(","))
                .collect(Collectors.toList()))
        .containsExactly(
            "a,1,1,100.00", "b,37,2,100.00", "c,689,0,0.00", "d,null,0,-20.00", "e,173,1,-50.00");
  }

  @Test
  void essentialGoldLabelsEveryCustomerAndWritesTheFourGoldTables(SparkSession spark) {
    String transactions =
        delta(
            spark,
            "transactions",
            GOLD_LINE,
            List.of(
                goldLine("C1", "O1", "2026-11-20", "A", "x", 1, 100, 60, 0),
                goldLine("C1", "O1", "2026-11-20", "B", "y", 2, 50, 10, 5),
                goldLine("C1", "O2", "2026-11-02", "A", "x", 1, 30, 10, 0),
                goldLine("C1", "O9", "2026-11-22", "A", "x", 1, 999, 0, 0),
                goldLine("C2", "O3", "2025-01-10", "A", "x", 10, 25000, 0, 0),
                goldLine("C2", "O4", "2026-06-01", "A", "x", -1, -500, 0, 0),
                goldLine("C3", "O5", "2026-11-01", "C", "z", 1, 700, 600, 10),
                goldLine("C3", "O5", "2026-11-01", "D", "z", 1, 500, 400, 5)));
    SparkFloor.Silver silver =
        silver(
            spark,
            transactions,
            List.of("C1", "C2", "C3", "C4"),
            List.of(
                RowFactory.create("C1", Timestamp.valueOf("2026-11-20 10:00:00"), 5, 10),
                RowFactory.create("C1", Timestamp.valueOf("2026-11-22 10:00:00"), 1, 0),
                RowFactory.create("C3", Timestamp.valueOf("2026-11-05 10:00:00"), 2, 3)),
            List.of(RowFactory.create("C2", Timestamp.valueOf("2026-03-01 10:00:00"), null)));
    Path out = dir.resolve("gold");

    SparkFloor.essentialGold(spark, silver, out, LocalDate.parse("2026-11-21"), 365);

    // C4 never bought; C2's last purchase is 680 days old and its return is in the window; the
    // line dated after the as-of (C1's O9) and the survey after it are left out. Ties: none.
    assertThat(
            rows(
                spark,
                out.resolve("customer_tiers"),
                "customer_id",
                "recency_days",
                "frequency",
                "monetary",
                "lifetime_spend",
                "r_score",
                "f_score",
                "m_score",
                "rfm_segment",
                "value_tier",
                "activity",
                "lifecycle",
                "membership",
                "preference",
                "preference_reason",
                "churn_risk"))
        .containsExactly(
            "C1|1|2|180.00|180.00|4|4|3|champions|medium|active|new|regular|brand_loyal"
                + "|top_brand_share;0.722;discount_share;0.333;categories;2|low",
            "C2|680|0|-500.00|24500.00|2|2|2|hibernating|low|lost|churned|diamond|brand_loyal"
                + "|top_brand_share;1.000;discount_share;0.000;categories;1|high",
            "C3|20|1|1200.00|1200.00|3|3|4|needs_attention|high|active|new|silver"
                + "|price_sensitive|top_brand_share;0.583;discount_share;1.000;categories;1|high",
            "C4|null|null|null|null|1|1|1|hibernating|low|none|prospect|regular|none"
                + "|top_brand_share;discount_share;categories|low");
    assertThat(
            rows(
                    spark,
                    out.resolve("segment_summary"),
                    "dimension",
                    "label",
                    "customers",
                    "revenue")
                .stream()
                .filter(r -> r.startsWith("value_tier|")))
        .containsExactly(
            "value_tier|high|1|1200.00", "value_tier|low|2|-500.00", "value_tier|medium|1|180.00");
    assertThat(spark.read().format("delta").load(out.resolve("tier_history").toString()).count())
        .isEqualTo(4 * SparkFloor.GOLD_LABELS.size());
    // Purchases only (C2's return is not a purchase); C1's two November orders make it a repeat
    // buyer.
    assertThat(
            rows(
                    spark,
                    out.resolve("kpi_monthly"),
                    "txn_month",
                    "dimension",
                    "label",
                    "buyers",
                    "repeat_buyers",
                    "revenue")
                .stream()
                .filter(r -> r.contains("|value_tier|")))
        .containsExactly(
            "2025-01-01|value_tier|low|1|0|25000.00",
            "2026-11-01|value_tier|high|1|0|1200.00",
            "2026-11-01|value_tier|medium|1|1|180.00");
  }

  @Test
  void essentialRefreshMovesTheStateOnAndPublishesWhatAFullRunPublishes(SparkSession spark) {
    // A 30-day window: from 2026-11-20 to 2026-11-22 the lines of 10-22 and 10-23 leave it.
    String transactions =
        delta(
            spark,
            "transactions",
            GOLD_LINE,
            List.of(
                goldLine("C1", "O1", "2026-10-22", "A", "x", 1, 100, 60, 0),
                goldLine("C1", "O2", "2026-11-10", "A", "x", 1, 50, 10, 5),
                goldLine("C1", "O3", "2026-11-21", "B", "y", 2, 70, 20, 0),
                goldLine("C1", "O9", "2026-11-23", "B", "y", 1, 999, 0, 0),
                goldLine("C2", "O4", "2026-10-23", "A", "x", 1, 200, 50, 0),
                goldLine("C2", "O5", "2026-05-01", "C", "z", 1, 300, 100, 0),
                goldLine("C3", "O6", "2026-11-22", "C", "z", 1, 40, 10, 0),
                goldLine("C4", "O7", "2026-11-21", "A", "y", -1, -20, 0, 0),
                goldLine("C4", "O8", "2026-10-25", "A", "y", 1, 80, 30, 0),
                goldLine("C4", "O8", "2026-10-25", "D", "x", 1, 60, 30, 0)));
    SparkFloor.Silver silver =
        silver(spark, transactions, List.of("C1", "C2", "C3", "C4", "C5"), List.of(), List.of());
    LocalDate from = LocalDate.parse("2026-11-20");
    LocalDate asOf = LocalDate.parse("2026-11-22");
    Path full = dir.resolve("full");
    Path daily = dir.resolve("daily");
    Path state = dir.resolve("state");
    SparkFloor.essentialGold(spark, silver, full, asOf, 30);
    SparkFloor.essentialGold(spark, silver, daily, from, 30);
    SparkFloor.essentialState(spark, silver, state, from, 30);

    SparkFloor.essentialRefresh(spark, silver, state, daily, from, asOf, 30);

    String[] tierColumns =
        spark.read().format("delta").load(full.resolve("customer_tiers").toString()).columns();
    assertThat(
            rowsWhere(spark, daily.resolve("customer_tiers"), "as_of = '2026-11-22'", tierColumns))
        .containsExactlyElementsOf(rows(spark, full.resolve("customer_tiers"), tierColumns));
    // C1's and C2's October orders left the window; C1's O3, C3's first order and C4's return
    // came in; C1's line after the as-of stays out.
    assertThat(
            rowsWhere(
                spark,
                daily.resolve("customer_tiers"),
                "as_of = '2026-11-22'",
                "customer_id",
                "frequency",
                "monetary",
                "lifetime_spend",
                "orders",
                "lifecycle"))
        .containsExactly(
            "C1|2|120.00|220.00|3|new",
            "C2|0|0.00|500.00|2|developing",
            "C3|1|40.00|40.00|1|new",
            "C4|1|120.00|120.00|2|new",
            "C5|null|null|null|null|prospect");
    assertThat(
            rowsWhere(
                spark,
                daily.resolve("tier_history"),
                "is_current",
                "customer_id",
                "dimension",
                "label"))
        .containsExactlyElementsOf(
            rows(spark, full.resolve("tier_history"), "customer_id", "dimension", "label"));
    // Closed: the labels of 11-20 that 11-22 changed (scores by ntile over five customers: C2's
    // r and f fell from 3 to 2, C3 bought, C4's r fell from 4 to 3); the rest keep their interval.
    assertThat(
            rowsWhere(
                spark,
                daily.resolve("tier_history"),
                "NOT is_current AND dimension IN ('lifecycle', 'rfm_segment')",
                "customer_id",
                "dimension",
                "label",
                "valid_from",
                "valid_to"))
        .containsExactly(
            "C2|rfm_segment|needs_attention|2026-11-20|2026-11-22",
            "C3|lifecycle|prospect|2026-11-20|2026-11-22",
            "C3|rfm_segment|hibernating|2026-11-20|2026-11-22",
            "C4|rfm_segment|champions|2026-11-20|2026-11-22");
    assertThat(
            rowsWhere(
                spark,
                daily.resolve("tier_history"),
                "is_current AND customer_id = 'C5' AND dimension = 'lifecycle'",
                "label",
                "valid_from"))
        .containsExactly("prospect|2026-11-20");
    assertThat(
            rowsWhere(
                spark,
                daily.resolve("kpi_monthly"),
                "txn_month = '2026-11-01'",
                "dimension",
                "label",
                "buyers",
                "repeat_buyers",
                "revenue"))
        .containsExactlyElementsOf(
            rowsWhere(
                spark,
                full.resolve("kpi_monthly"),
                "txn_month = '2026-11-01'",
                "dimension",
                "label",
                "buyers",
                "repeat_buyers",
                "revenue"));
  }

  /**
   * Silver customers (the given ids), surveys (customer_id, answered_at, csat, nps) and complaints
   * (customer_id, opened_at, resolved_at) beside {@code transactions}.
   */
  private SparkFloor.Silver silver(
      SparkSession spark,
      String transactions,
      List<String> customerIds,
      List<Row> surveyRows,
      List<Row> complaintRows) {
    String customers =
        delta(
            spark,
            "customers",
            new StructType()
                .add("customer_id", DataTypes.StringType)
                .add("gender", DataTypes.StringType)
                .add("income_band", DataTypes.StringType)
                .add("region", DataTypes.StringType),
            customerIds.stream().map(c -> RowFactory.create(c, "f", "mid", "north")).toList());
    String surveys =
        delta(
            spark,
            "surveys",
            new StructType()
                .add("customer_id", DataTypes.StringType)
                .add("answered_at", DataTypes.TimestampType)
                .add("csat", DataTypes.IntegerType)
                .add("nps", DataTypes.IntegerType),
            surveyRows);
    String complaints =
        delta(
            spark,
            "complaints",
            new StructType()
                .add("customer_id", DataTypes.StringType)
                .add("opened_at", DataTypes.TimestampType)
                .add("resolved_at", DataTypes.TimestampType),
            complaintRows);
    return new SparkFloor.Silver(transactions, customers, surveys, complaints);
  }

  private String delta(SparkSession spark, String name, StructType schema, List<Row> rows) {
    String path = dir.resolve("silver").resolve(name).toString();
    spark.createDataFrame(rows, schema).write().format("delta").save(path);
    return path;
  }

  /** The table's rows as "a|b|c" of {@code columns}, in order of those columns. */
  private static List<String> rows(SparkSession spark, Path table, String... columns) {
    return rowsWhere(spark, table, "true", columns);
  }

  /** {@link #rows} of the rows {@code condition} (SQL) holds for. */
  private static List<String> rowsWhere(
      SparkSession spark, Path table, String condition, String... columns) {
    return spark
        .read()
        .format("delta")
        .load(table.toString())
        .where(condition)
        .selectExpr(columns)
        .orderBy(
            Arrays.stream(columns)
                .map(org.apache.spark.sql.functions::col)
                .toArray(org.apache.spark.sql.Column[]::new))
        .collectAsList()
        .stream()
        .map(r -> r.mkString("|"))
        .toList();
  }

  private static Row goldLine(
      String customer,
      String order,
      String date,
      String brand,
      String category,
      int quantity,
      int amount,
      int unitCost,
      int discount) {
    Date day = Date.valueOf(date);
    return RowFactory.create(
        customer,
        order,
        day,
        Date.valueOf(day.toLocalDate().withDayOfMonth(1)),
        amount < 0,
        brand,
        category,
        quantity,
        new BigDecimal(amount).setScale(2),
        new BigDecimal(unitCost).setScale(4),
        new BigDecimal(discount).setScale(2));
  }

  private static Row line(
      String customer, String order, String date, boolean isReturn, int amount) {
    return RowFactory.create(
        customer, order, isReturn, new BigDecimal(amount).setScale(2), Date.valueOf(date));
  }
}
