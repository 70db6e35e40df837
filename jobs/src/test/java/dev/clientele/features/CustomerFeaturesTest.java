package dev.clientele.features;

import static dev.clientele.features.Fixtures.customer;
import static dev.clientele.features.Fixtures.line;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.testing.SparkTestExtension;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class CustomerFeaturesTest {
  static final LocalDate AS_OF = LocalDate.parse("2026-11-21");
  static Map<String, Row> byCustomer;
  static SparkSession spark;

  static FeatureRules rules(String... overrides) {
    return FeatureRules.from(
        ClienteleConfig.load(null, List.of(), List.of(overrides)).at("clientele"));
  }

  @BeforeAll
  static void compute(SparkSession session) {
    spark = session;
    Dataset<Row> txns =
        Fixtures.transactions(
            spark,
            // C1: two window orders, one return, one order outside the window, one after as-of.
            line("C1", "O1", "2026-11-01", "100.00")
                .brand("B1")
                .category("C1")
                .discount("10.00")
                .cost("50"),
            line("C1", "O1", "2026-11-01", "50.00").lineNo(2).brand("B2").category("C2").cost("20"),
            line("C1", "O2", "2026-10-02", "30.00")
                .brand("B1")
                .category("C1")
                .cost("10")
                .channel("store"),
            line("C1", "R1", "2026-11-10", "20.00")
                .brand("B2")
                .category("C2")
                .cost("20")
                .asReturn(),
            line("C1", "O3", "2025-06-01", "200.00").cost("1"),
            line("C1", "O4", "2026-11-25", "999.00").cost("1"),
            // C3: only a return.
            line("C3", "R3", "2026-11-20", "15.00").asReturn(),
            // C4: buys on the as-of day, unknown cost, not in customers.
            line("C4", "O5", "2026-11-21", "10.00"));
    Dataset<Row> customers =
        Fixtures.customers(
            spark,
            customer("C1", "1960-01-01", "M", "2020-01-01"),
            customer("C2", "1990-05-01", "F", "2026-01-01"),
            customer("C3", null, null, null),
            customer("C5", "2000-01-01", "F", "2026-11-22"));
    List<Row> rows = CustomerFeatures.compute(txns, customers, AS_OF, rules()).collectAsList();
    byCustomer =
        rows.stream().collect(Collectors.toMap(r -> r.getAs(FeaturesColumns.CUSTOMER_ID), r -> r));
  }

  static Object get(String customer, String column) {
    return byCustomer.get(customer).getAs(column);
  }

  static BigDecimal money(String v) {
    return new BigDecimal(v);
  }

  @Test
  void everyCustomerOnceAndOnlyThoseThatExistOnTheAsOfDate() {
    assertThat(byCustomer.keySet()).containsExactlyInAnyOrder("C1", "C2", "C3", "C4");
  }

  @Test
  void outputHasTheDocumentedSchema() {
    Dataset<Row> out =
        CustomerFeatures.compute(
            Fixtures.transactions(spark, line("C1", "O1", "2026-11-01", "1.00")),
            Fixtures.customers(spark),
            AS_OF,
            rules());
    assertThat(out.schema().fieldNames()).containsExactly(FeaturesColumns.SCHEMA.fieldNames());
    for (var f : FeaturesColumns.SCHEMA.fields()) {
      assertThat(out.schema().apply(f.name()).dataType()).as(f.name()).isEqualTo(f.dataType());
    }
  }

  @Test
  void buyerActivityCountsWindowLifetimeAndReturns() {
    assertThat(get("C1", FeaturesColumns.FIRST_PURCHASE_DATE))
        .isEqualTo(Date.valueOf("2025-06-01"));
    assertThat(get("C1", FeaturesColumns.LAST_PURCHASE_DATE)).isEqualTo(Date.valueOf("2026-11-01"));
    assertThat(get("C1", FeaturesColumns.RECENCY_DAYS)).isEqualTo(20);
    assertThat(get("C1", FeaturesColumns.ORDER_COUNT)).isEqualTo(2L);
    assertThat(get("C1", FeaturesColumns.LIFETIME_ORDER_COUNT)).isEqualTo(3L);
    assertThat(get("C1", FeaturesColumns.PURCHASE_DAYS)).isEqualTo(2L);
    assertThat(get("C1", FeaturesColumns.NET_SPEND)).isEqualTo(money("160.00"));
    assertThat(get("C1", FeaturesColumns.LIFETIME_NET_SPEND)).isEqualTo(money("360.00"));
    assertThat(get("C1", FeaturesColumns.AOV)).isEqualTo(money("80.00"));
    assertThat(get("C1", FeaturesColumns.RETURN_AMOUNT)).isEqualTo(money("20.00"));
    // Tenure runs from signup (2020-01-01), which is earlier than the first purchase.
    assertThat(get("C1", FeaturesColumns.TENURE_DAYS)).isEqualTo(2516);
    assertThat(get("C4", FeaturesColumns.TENURE_DAYS)).isEqualTo(0);
  }

  @Test
  void predictedValueInputsCountPurchaseDaysWeeksAndRepeatSpend() {
    // C1 bought on 2025-06-01 (week 0), 2026-10-02 (day 488, week 69) and 2026-11-01 (day 518, week
    // 74);
    // the return day is no purchase day and the order after as-of is not seen.
    assertThat(get("C1", FeaturesColumns.LIFETIME_PURCHASE_DAYS)).isEqualTo(3L);
    assertThat(get("C1", FeaturesColumns.PURCHASE_WEEKS)).isEqualTo(3L);
    // Repeat days only: (30.00 + 150.00) / 2.
    assertThat(get("C1", FeaturesColumns.REPEAT_MEAN_SPEND)).isEqualTo(money("90.00"));
    assertThat(get("C4", FeaturesColumns.LIFETIME_PURCHASE_DAYS)).isEqualTo(1L);
    assertThat(get("C4", FeaturesColumns.PURCHASE_WEEKS)).isEqualTo(1L);
    assertThat(get("C4", FeaturesColumns.REPEAT_MEAN_SPEND)).isNull();
    assertThat(get("C3", FeaturesColumns.LIFETIME_PURCHASE_DAYS)).isEqualTo(0L);
    assertThat(get("C3", FeaturesColumns.REPEAT_MEAN_SPEND)).isNull();
  }

  @Test
  void gapsChurnAndReactivation() {
    assertThat(get("C1", FeaturesColumns.MEAN_GAP_DAYS)).isEqualTo(259.0);
    assertThat(get("C1", FeaturesColumns.LAST_GAP_DAYS)).isEqualTo(30);
    // 488 days between 2025-06-01 and 2026-10-02 exceed the 365-day churn horizon.
    assertThat(get("C1", FeaturesColumns.WAS_CHURNED_BEFORE)).isEqualTo(true);
    assertThat(get("C1", FeaturesColumns.REACTIVATED_ON)).isEqualTo(Date.valueOf("2026-10-02"));
    assertThat(get("C4", FeaturesColumns.MEAN_GAP_DAYS)).isNull();
    assertThat(get("C4", FeaturesColumns.LAST_GAP_DAYS)).isNull();
    assertThat(get("C4", FeaturesColumns.WAS_CHURNED_BEFORE)).isEqualTo(false);
  }

  @Test
  void trendWindowsBrandDiscountCategoriesChannelsAndMargin() {
    assertThat(get("C1", FeaturesColumns.SPEND_LAST_90D)).isEqualTo(money("160.00"));
    assertThat(get("C1", FeaturesColumns.SPEND_PREV_90D)).isEqualTo(money("0.00"));
    assertThat(get("C1", FeaturesColumns.ORDERS_LAST_90D)).isEqualTo(2L);
    assertThat(get("C1", FeaturesColumns.ORDERS_PREV_90D)).isEqualTo(0L);
    assertThat(get("C1", FeaturesColumns.TOP_BRAND)).isEqualTo("B1");
    assertThat(get("C1", FeaturesColumns.TOP_BRAND_SHARE)).isEqualTo(0.7222); // 130 / 180
    assertThat(get("C1", FeaturesColumns.DISCOUNT_SHARE)).isEqualTo(0.0526); // 10 / 190
    assertThat(get("C1", FeaturesColumns.CATEGORY_COUNT)).isEqualTo(2L);
    scala.collection.Map<String, Double> mix =
        byCustomer.get("C1").getAs(FeaturesColumns.CHANNEL_MIX);
    assertThat(new TreeMap<>(scala.jdk.javaapi.CollectionConverters.asJava(mix)))
        .containsExactlyEntriesOf(new TreeMap<>(Map.of("store", 0.5, "web", 0.5)));
    assertThat(get("C1", FeaturesColumns.MARGIN)).isEqualTo(money("100.00"));
    // C4's line has no cost: margin unknown.
    assertThat(get("C4", FeaturesColumns.MARGIN)).isNull();
  }

  @Test
  void pointsEarnedReversedExpiredAndBalance() {
    assertThat(get("C1", FeaturesColumns.POINTS_EARNED)).isEqualTo(380L);
    assertThat(get("C1", FeaturesColumns.POINTS_REVERSED)).isEqualTo(20L);
    assertThat(get("C1", FeaturesColumns.POINTS_EXPIRED)).isEqualTo(200L); // O3 before 2026-01-01
    assertThat(get("C1", FeaturesColumns.POINTS_BALANCE)).isEqualTo(160L);
    assertThat(get("C1", FeaturesColumns.POINTS_EXPIRY_DATE)).isEqualTo(Date.valueOf("2026-01-01"));
  }

  /**
   * The same lines with redemptions. C1: 150 points on 2025-12-31 (before the 2026-01-01 expiry:
   * they were spent, not expired), 60 on the expiry day itself and 30 on the as-of day (both from
   * the balance), 1000 the day after as-of (ignored). C4 redeems 25 of its 10 points (bad data):
   * the balance stops at 0. C2 redeems nothing.
   */
  @Test
  void pointsBalanceSubtractsRedemptionsAndExpiry() {
    FeatureRules rules = rules();
    Dataset<Row> days =
        CustomerDays.compute(
            Fixtures.transactions(
                spark,
                line("C1", "O1", "2026-11-01", "100.00").discount("10.00"),
                line("C1", "O1", "2026-11-01", "50.00").lineNo(2),
                line("C1", "O2", "2026-10-02", "30.00"),
                line("C1", "R1", "2026-11-10", "20.00").asReturn(),
                line("C1", "O3", "2025-06-01", "200.00"),
                line("C4", "O5", "2026-11-21", "10.00")),
            rules.points());
    Dataset<Row> redemptions =
        spark.createDataFrame(
            List.of(
                redemption("X1", "C1", "2025-12-31 23:00:00", 150),
                redemption("X2", "C1", "2026-01-01 00:30:00", 60),
                redemption("X3", "C1", "2026-11-21 22:00:00", 30),
                redemption("X4", "C1", "2026-11-22 09:00:00", 1000),
                redemption("X5", "C4", "2026-11-21 10:00:00", 25)),
            dev.clientele.common.columns.RedemptionsColumns.SCHEMA);
    Map<String, Row> out =
        CustomerFeatures.fromDays(
                days,
                Fixtures.customers(spark, customer("C2", "1990-05-01", "F", "2026-01-01")),
                redemptions,
                AS_OF,
                rules)
            .collectAsList()
            .stream()
            .collect(Collectors.toMap(r -> r.<String>getAs(FeaturesColumns.CUSTOMER_ID), r -> r));
    // C1 earned 380 and reversed 20 as before: expired 200 - 150 = 50, balance 160 - 60 - 30 = 70.
    assertThat(points(out.get("C1"))).containsExactly(380L, 20L, 240L, 50L, 70L);
    assertThat(points(out.get("C4"))).containsExactly(10L, 0L, 25L, 0L, 0L);
    assertThat(points(out.get("C2"))).containsExactly(0L, 0L, 0L, 0L, 0L);
    // Without a redemptions input nothing is redeemed.
    assertThat(get("C1", FeaturesColumns.POINTS_REDEEMED)).isEqualTo(0L);
  }

  private static List<Object> points(Row r) {
    return List.of(
        r.getAs(FeaturesColumns.POINTS_EARNED),
        r.getAs(FeaturesColumns.POINTS_REVERSED),
        r.getAs(FeaturesColumns.POINTS_REDEEMED),
        r.getAs(FeaturesColumns.POINTS_EXPIRED),
        r.getAs(FeaturesColumns.POINTS_BALANCE));
  }

  private static Row redemption(String id, String customer, String at, long points) {
    return org.apache.spark.sql.RowFactory.create(
        id, customer, null, java.sql.Timestamp.valueOf(at), points, null, "run-1");
  }

  @Test
  void prospectHasZeroActivityAndAttributeBands() {
    assertThat(get("C2", FeaturesColumns.IS_PROSPECT)).isEqualTo(true);
    assertThat(get("C2", FeaturesColumns.ORDER_COUNT)).isEqualTo(0L);
    assertThat(get("C2", FeaturesColumns.NET_SPEND)).isEqualTo(money("0.00"));
    assertThat(get("C2", FeaturesColumns.RECENCY_DAYS)).isNull();
    assertThat(get("C2", FeaturesColumns.AOV)).isNull();
    assertThat(get("C2", FeaturesColumns.CHANNEL_MIX)).isNull();
    assertThat(get("C2", FeaturesColumns.TENURE_DAYS)).isEqualTo(324); // since signup 2026-01-01
    assertThat(get("C2", FeaturesColumns.AGE_BAND)).isEqualTo("35-44");
    assertThat(get("C2", FeaturesColumns.GENDER)).isEqualTo("F");
    assertThat(get("C2", FeaturesColumns.POINTS_BALANCE)).isEqualTo(0L);
    assertThat(get("C1", FeaturesColumns.AGE_BAND)).isEqualTo("65+");
  }

  @Test
  void customerWithOnlyReturnsIsAProspectWithNegativeSpend() {
    assertThat(get("C3", FeaturesColumns.IS_PROSPECT)).isEqualTo(true);
    assertThat(get("C3", FeaturesColumns.ORDER_COUNT)).isEqualTo(0L);
    assertThat(get("C3", FeaturesColumns.NET_SPEND)).isEqualTo(money("-15.00"));
    assertThat(get("C3", FeaturesColumns.RETURN_AMOUNT)).isEqualTo(money("15.00"));
    assertThat(get("C3", FeaturesColumns.POINTS_REVERSED)).isEqualTo(15L);
    assertThat(get("C3", FeaturesColumns.POINTS_BALANCE)).isEqualTo(0L);
    assertThat(get("C3", FeaturesColumns.AGE_BAND)).isEqualTo("unknown");
    assertThat(get("C3", FeaturesColumns.GENDER)).isEqualTo("unknown");
    assertThat(get("C3", FeaturesColumns.FIRST_PURCHASE_DATE)).isNull();
  }

  @Test
  void customerOnlyInTransactionsBuyingOnTheAsOfDay() {
    assertThat(get("C4", FeaturesColumns.IS_PROSPECT)).isEqualTo(false);
    assertThat(get("C4", FeaturesColumns.RECENCY_DAYS)).isEqualTo(0);
    assertThat(get("C4", FeaturesColumns.TENURE_DAYS)).isEqualTo(0);
    assertThat(get("C4", FeaturesColumns.REGION)).isEqualTo("unknown");
    assertThat(get("C4", FeaturesColumns.SIGNUP_DATE)).isNull();
  }

  @Test
  void windowBoundaryIsInclusiveOfTheLastWindowDay() {
    // window-days = 10: as-of minus 9 days is inside, minus 10 is outside.
    Dataset<Row> txns =
        Fixtures.transactions(
            spark,
            line("W", "A", "2026-11-12", "1.00"),
            line("W", "B", "2026-11-11", "2.00"),
            line("W", "C", "2026-11-22", "4.00"));
    Row w =
        CustomerFeatures.compute(
                txns, Fixtures.customers(spark), AS_OF, rules("features.window-days=10"))
            .first();
    assertThat((Long) w.getAs(FeaturesColumns.ORDER_COUNT)).isEqualTo(1L);
    assertThat((BigDecimal) w.getAs(FeaturesColumns.NET_SPEND)).isEqualTo(money("1.00"));
    assertThat((BigDecimal) w.getAs(FeaturesColumns.LIFETIME_NET_SPEND)).isEqualTo(money("3.00"));
    // A gap of exactly the horizon is not a churn (recency reached only horizon - 1 on the day
    // before the next purchase); one day more is.
    Dataset<Row> gaps =
        Fixtures.transactions(
            spark,
            line("G", "A", "2026-01-01", "1.00"),
            line("G", "B", "2026-02-10", "1.00"),
            line("H", "A", "2026-01-01", "1.00"),
            line("H", "B", "2026-02-11", "1.00"));
    Map<String, Row> g =
        CustomerFeatures.compute(
                gaps, Fixtures.customers(spark), AS_OF, rules("satisfaction.churn.horizon-days=40"))
            .collectAsList()
            .stream()
            .collect(Collectors.toMap(r -> r.getAs(FeaturesColumns.CUSTOMER_ID), r -> r));
    assertThat((Boolean) g.get("G").getAs(FeaturesColumns.WAS_CHURNED_BEFORE)).isFalse();
    assertThat((Boolean) g.get("H").getAs(FeaturesColumns.WAS_CHURNED_BEFORE)).isTrue();
  }

  @Test
  void emptyInputGivesEmptyOutput() {
    Dataset<Row> out =
        CustomerFeatures.compute(
            Fixtures.transactions(spark), Fixtures.customers(spark), AS_OF, rules());
    assertThat(out.count()).isZero();
  }

  @Test
  void thePhysicalPlanScansTransactionsOnce() {
    java.nio.file.Path dir = SparkTestExtension.freshDir(spark, "scan");
    String txnPath = dir.resolve("transactions").toString();
    String custPath = dir.resolve("customers").toString();
    DeltaIO.overwrite(
        Fixtures.transactions(
            spark,
            line("C1", "O1", "2026-11-01", "1.00"),
            line("C2", "O2", "2026-11-02", "2.00").asReturn()),
        txnPath);
    DeltaIO.overwrite(Fixtures.customers(spark, customer("C3", null, null, null)), custPath);
    Dataset<Row> out =
        CustomerFeatures.compute(
            DeltaIO.read(spark, txnPath), DeltaIO.read(spark, custPath), AS_OF, rules());
    assertThat(out.count()).isEqualTo(3);
    List<String> scanned = PlanScans.scannedRoots(out);
    assertThat(scanned.stream().filter(p -> p.endsWith("/transactions")).count())
        .as(scanned.toString())
        .isEqualTo(1);
    assertThat(scanned.stream().filter(p -> p.endsWith("/customers")).count())
        .as(scanned.toString())
        .isEqualTo(1);
  }
}
