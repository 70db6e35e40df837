package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.job.JobFailure;
import dev.clientele.common.table.Table;
import dev.clientele.testing.SparkTestExtension;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** #18 item 5: transactions in one reporting currency, converted at the rate of their date. */
@ExtendWith(SparkTestExtension.class)
class CurrenciesTest {
  private static final String HEADER = IngestFixture.TXN_HEADER + ",currency";

  private static IngestFixture euros(SparkSession spark, String name) {
    IngestFixture f = new IngestFixture(spark, name).set("clientele.ingest.reporting-currency=EUR");
    f.set("clientele.ingest.rates.path=\"" + f.raw.resolve("rates").resolve("rates.csv") + "\"");
    return f;
  }

  private static List<String> lines(IngestFixture f) {
    return f
        .table(Table.TRANSACTIONS)
        .orderBy("txn_id")
        .selectExpr(
            "txn_id",
            "currency",
            "unit_price",
            "discount",
            "amount",
            "unit_cost",
            "original_currency",
            "original_amount",
            "fx_rate")
        .collectAsList()
        .stream()
        .map(Row::toString)
        .toList();
  }

  @Test
  void aLineInAnotherCurrencyIsConvertedAtTheRateOfItsDateOrQuarantined(SparkSession spark) {
    IngestFixture f = euros(spark, "currencies");
    f.write(
        "rates",
        "rates.csv",
        "currency,date,rate",
        "USD,2026-11-18,0.9",
        "USD,2026-11-20,0.95",
        "GBP,2026-11-01,1.2");
    f.write(
        "transactions",
        "2026-11-21.csv",
        HEADER,
        "O1,1,C1,2026-11-20 10:00:00,P1,b,c,2,10.00,,4.00,web,S1,,EUR",
        // The rate of 11-18 covers 11-19; the discount is checked as delivered, then converted.
        "O2,1,C1,2026-11-19 10:00:00,P1,b,c,1,10.00,1.00,4.00,web,S1,,USD",
        "O3,1,C2,2026-11-20 10:00:00,P1,b,c,3,3.3333,,,web,S1,,USD",
        // Lower case and blanks are the same code; 11-21 takes 11-20's rate.
        "O4,1,C2,2026-11-21 10:00:00,P1,b,c,1,20.00,,,web,S1,, usd ",
        // No currency and none for the source: the reporting currency.
        "O5,1,C3,2026-11-21 10:00:00,P1,b,c,1,5.00,,,web,S1,,",
        "O6,1,C3,2026-11-21 10:00:00,P1,b,c,1,5.00,,,web,S1,,JPY",
        // GBP's only rate is 19 days old, more than max-age-days (7).
        "O7,1,C3,2026-11-20 10:00:00,P1,b,c,1,5.00,,,web,S1,,GBP",
        // Before USD's first rate.
        "O8,1,C3,2026-11-10 10:00:00,P1,b,c,1,5.00,,,web,S1,,USD",
        // A bad price keeps its own reason beside the currency's.
        "O9,1,C3,2026-11-20 10:00:00,P1,b,c,1,-5.00,,,web,S1,,JPY");

    f.ingest();

    assertThat(lines(f))
        .containsExactly(
            "[O1:1,EUR,10.0000,0.00,20.00,4.0000,EUR,20.00,1.0000000000]",
            "[O2:1,EUR,9.0000,0.90,8.10,3.6000,USD,9.00,0.9000000000]",
            "[O3:1,EUR,3.1666,0.00,9.50,null,USD,10.00,0.9500000000]",
            "[O4:1,EUR,19.0000,0.00,19.00,null,USD,20.00,0.9500000000]",
            "[O5:1,EUR,5.0000,0.00,5.00,null,EUR,5.00,1.0000000000]");
    assertThat(f.quarantine("transactions"))
        .containsExactly(
            "7 [unknown_currency]",
            "8 [no_rate]",
            "9 [no_rate]",
            "10 [non_positive_price, unknown_currency]");
    assertThat(f.runCounts("source = 'transactions'"))
        .containsExactly("[transactions,succeeded,9,5,4,0]");
  }

  @Test
  void withoutAReportingCurrencyAmountsAreKeptAsDelivered(SparkSession spark) {
    IngestFixture f = new IngestFixture(spark, "no-currency");
    f.write(
        "transactions",
        "2026-11-21.csv",
        HEADER,
        "O1,1,C1,2026-11-20 10:00:00,P1,b,c,2,10.00,,,web,S1,,USD");

    f.ingest();

    assertThat(f.quarantine("transactions")).isEmpty();
    assertThat(lines(f)).containsExactly("[O1:1,USD,10.0000,0.00,20.00,null,null,null,null]");
  }

  @Test
  void aRatesFileThatCannotBeUsedFailsBeforeAnythingIsIngested(SparkSession spark) {
    IngestFixture f = euros(spark, "bad-rates");
    f.write(
        "transactions",
        "2026-11-21.csv",
        HEADER,
        "O1,1,C1,2026-11-20 10:00:00,P1,b,c,2,10.00,,,web,S1,,USD");
    f.write(
        "rates", "rates.csv", "currency,date,rate", "USD,2026-11-18,0.9", "USD,20.11.2026,0.95");

    assertThatThrownBy(f::ingest)
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "The rates file "
                + f.raw.resolve("rates").resolve("rates.csv")
                + " (clientele.ingest.rates.path) has rows that are not currency,date,rate with a"
                + " three-letter code, a yyyy-MM-dd date and a rate above 0 (and 1 for EUR), e.g."
                + " [USD,20.11.2026,0.95]. Fix the file; nothing was ingested.");

    f.write(
        "rates", "rates.csv", "currency,date,rate", "USD,2026-11-18,0.9", "usd,2026-11-18,0.95");
    assertThatThrownBy(f::ingest)
        .isInstanceOf(JobFailure.class)
        .hasMessageEndingWith(
            "(clientele.ingest.rates.path) has two rates for [USD on 2026-11-18]. Keep one per"
                + " currency and date; nothing was ingested.");
    assertThat(f.exists(Table.TRANSACTIONS)).isFalse();
    assertThat(f.exists(Table.QUARANTINE)).isFalse();
  }

  /**
   * A transactions table written before the currency columns (partitioned by txn_month) takes them
   * at the next ingest; its rows read them as null.
   */
  @Test
  void aTransactionsTableFromBeforeTheCurrencyColumnsTakesThem(SparkSession spark) {
    IngestFixture f = new IngestFixture(spark, "currency-upgrade");
    f.write(
        "transactions",
        "2026-11-20.csv",
        HEADER,
        "O1,1,C1,2026-11-20 10:00:00,P1,b,c,2,10.00,,,web,S1,,USD");
    f.ingest();
    String path = f.catalog().path(Table.TRANSACTIONS);
    f.table(Table.TRANSACTIONS)
        .drop("original_currency", "original_amount", "fx_rate")
        .write()
        .format("delta")
        .mode("overwrite")
        .option("overwriteSchema", "true")
        .partitionBy("txn_month")
        .save(path);
    f.write(
        "transactions",
        "2026-11-21.csv",
        HEADER,
        "O2,1,C1,2026-11-21 10:00:00,P1,b,c,1,5.00,,,web,S1,,EUR");

    f.set("clientele.ingest.reporting-currency=EUR");
    f.set("clientele.ingest.rates.path=\"" + f.raw.resolve("rates").resolve("rates.csv") + "\"");
    f.write("rates", "rates.csv", "currency,date,rate", "USD,2026-11-20,0.9");
    f.ingest();

    assertThat(lines(f))
        .containsExactly(
            "[O1:1,USD,10.0000,0.00,20.00,null,null,null,null]",
            "[O2:1,EUR,5.0000,0.00,5.00,null,EUR,5.00,1.0000000000]");
  }
}
