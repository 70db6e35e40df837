package dev.clientele.features;

import static dev.clientele.features.Fixtures.line;
import static dev.clientele.testing.DatasetAssert.assertThatDataset;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.columns.CustomerDaysColumns;
import dev.clientele.common.columns.TransactionsColumns;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.testing.SparkTestExtension;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** customer_days refreshed day by day equals customer_days computed from all lines at once. */
@ExtendWith(SparkTestExtension.class)
class DaysFoldTest {

  private static void ingest(SparkSession spark, TableCatalog tables, Fixtures.Line... lines) {
    DeltaIO.insertNew(
        spark,
        Fixtures.transactions(spark, lines),
        tables.path(Table.TRANSACTIONS),
        "t.txn_id = s.txn_id AND t.txn_date = s.txn_date",
        TransactionsColumns.TXN_DATE);
  }

  private static Dataset<Row> days(SparkSession spark, TableCatalog tables) {
    return DeltaIO.read(spark, tables.path(Table.CUSTOMER_DAYS));
  }

  private static Dataset<Row> fromAllLines(
      SparkSession spark, TableCatalog tables, FeatureRules rules) {
    return CustomerDays.compute(
        DeltaIO.read(spark, tables.path(Table.TRANSACTIONS)), rules.points());
  }

  @Test
  void onlyTheDaysOfNewRunsAreRecomputedAndTheResultEqualsAFullRebuild(SparkSession spark) {
    TableCatalog tables = new TableCatalog(SparkTestExtension.freshDir(spark, "fold").toString());
    FeatureRules rules = CustomerFeaturesTest.rules();
    ingest(
        spark,
        tables,
        line("C1", "O1", "2026-11-01", "10.00").run("r1"),
        line("C1", "O2", "2026-11-02", "20.00").run("r1").channel("app"),
        line("C2", "O3", "2026-11-02", "5.00").run("r1"));
    assertThat(DaysFold.refresh(spark, tables, rules)).isEqualTo(new DaysFold.Result(true, 2, 1));
    assertThatDataset(days(spark, tables)).isEqualTo(fromAllLines(spark, tables, rules));

    // A late line for 11-02 (a second order of C1 that day) and a new day.
    ingest(
        spark,
        tables,
        line("C1", "O4", "2026-11-02", "7.50").run("r2").brand("B2"),
        line("C3", "O5", "2026-11-03", "1.00").run("r2"));
    long before = DeltaIO.version(spark, tables.path(Table.CUSTOMER_DAYS));
    assertThat(DaysFold.refresh(spark, tables, rules)).isEqualTo(new DaysFold.Result(false, 2, 1));
    assertThatDataset(days(spark, tables)).isEqualTo(fromAllLines(spark, tables, rules));
    Row c1 = days(spark, tables).where("customer_id = 'C1' AND txn_date = DATE'2026-11-02'").head();
    assertThat(c1.getList(c1.fieldIndex(CustomerDaysColumns.ORDER_CHANNELS)))
        .containsExactly("app", "web");
    assertThat(DeltaIO.version(spark, tables.path(Table.CUSTOMER_DAYS))).isEqualTo(before + 1);

    // Nothing new: no commit. A lost fold record (crash after the days commit): same rows again.
    assertThat(DaysFold.refresh(spark, tables, rules)).isEqualTo(new DaysFold.Result(false, 0, 0));
    assertThat(DeltaIO.version(spark, tables.path(Table.CUSTOMER_DAYS))).isEqualTo(before + 1);
    spark.sql(
        "DELETE FROM delta.`" + tables.path(Table.FEATURE_FOLDS) + "` WHERE ingest_run_id = 'r2'");
    assertThat(DaysFold.refresh(spark, tables, rules)).isEqualTo(new DaysFold.Result(false, 2, 1));
    assertThatDataset(days(spark, tables)).isEqualTo(fromAllLines(spark, tables, rules));
  }

  @Test
  void otherPointsRulesOrTheRebuildSwitchRebuildEverything(SparkSession spark) {
    TableCatalog tables =
        new TableCatalog(SparkTestExtension.freshDir(spark, "fold-rules").toString());
    ingest(spark, tables, line("C1", "O1", "2026-11-01", "10.00").run("r1"));
    assertThat(DaysFold.refresh(spark, tables, CustomerFeaturesTest.rules()).rebuilt()).isTrue();
    assertThat(DaysFold.refresh(spark, tables, CustomerFeaturesTest.rules()).rebuilt()).isFalse();

    FeatureRules doubled = CustomerFeaturesTest.rules("clientele.value.points.rate = 2");
    assertThat(DaysFold.refresh(spark, tables, doubled)).isEqualTo(new DaysFold.Result(true, 1, 1));
    assertThat(days(spark, tables).head().<Long>getAs(CustomerDaysColumns.POINTS_PLUS))
        .isEqualTo(20L);
    assertThat(DaysFold.refresh(spark, tables, doubled).rebuilt()).isFalse();
    assertThat(
            DaysFold.refresh(
                    spark,
                    tables,
                    CustomerFeaturesTest.rules("clientele.features.rebuild-days = true"))
                .rebuilt())
        .isTrue();
  }
}
