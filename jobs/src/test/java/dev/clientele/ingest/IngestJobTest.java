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

@ExtendWith(SparkTestExtension.class)
class IngestJobTest {
  static final String[] CUSTOMERS = {
    IngestFixture.CUSTOMER_HEADER,
    "C1,Ann Lee,ann@example.com,+44 1,1980-02-03,F,high,nurse,north,2024-01-01,2024-01-01",
    "C2,Bob Roe,bob@example.com,,1975-05-06,M,low,,south,2024-02-01,2024-02-01",
  };

  /** Line numbers in comments: header = 1. */
  static final String[] TRANSACTIONS = {
    IngestFixture.TXN_HEADER,
    "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,2,10.00,1.00,5.00,store,S01,", // 2 accepted
    "O2,1,C2,2026-11-20 11:00:00,P1,B1,shoes,-1,10.00,1.00,5.00,web,,O1", // 3 accepted return
    "this line,is,not a record", // 4 malformed
    "O3,1,,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,0,,web,,", // 5 missing customer
    "O4,1,C1,20/11/2026 10h,P1,B1,shoes,1,10.00,0,,web,,", // 6 bad time
    "O5,1,C1,2026-11-22 00:00:00,P1,B1,shoes,1,10.00,0,,web,,", // 7 one second past the as-of day
    "O6,1,C1,2026-11-21 23:59:59,P1,B1,shoes,1,10.00,0,,web,,", // 8 last second of it: accepted
    "O7,1,C1,2026-11-20 10:00:00,P1,B1,shoes,1,0.00,0,,web,,", // 9 zero price
    "O8,1,C9,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,0,,web,,", // 10 unknown customer
    "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,2,10.00,1.00,5.00,store,S01,", // 11 exact duplicate of
    // 2
    "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,3,10.00,1.00,5.00,store,S01,", // 12 conflict with 2
    ",1,C1,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,0,,web,,", // 13 no order id
    "O9,1,,not a time,P1,B1,shoes,1,-5.00,0,,web,,", // 14 three reasons
    "O10,1,C1,2026-11-20 10:00:00,P1,B1,shoes,abc,10.00,0,,web,,", // 15 quantity not a number
  };

  /** Points redemptions, in the same run (line numbers in comments: header = 1). */
  static final String[] REDEMPTIONS = {
    "redemption_id,customer_id,order_id,redeemed_at,points,reward",
    "R1,C1,O1,2026-11-20 10:05:00,100,voucher", // 2 accepted
    "R1,C1,O1,2026-11-20 10:05:00,100,voucher", // 3 exact duplicate of 2: skipped
    "R1,C1,O1,2026-11-20 10:05:00,150,voucher", // 4 conflict with 2
    "R2,C2,,2026-11-20 12:00:00,0,", // 5 no points spent
    "R3,C9,,2026-11-20 12:00:00,10,", // 6 unknown customer
    "R4,C2,,2026-11-21 09:00:00,40,gift", // 7 accepted
  };

  @Test
  void pinsEveryReasonCodeAndReconciles(SparkSession spark) {
    IngestFixture f = new IngestFixture(spark, "reasons");
    f.write("customers", "customers.csv", CUSTOMERS);
    f.write("transactions", "2026-11-20.csv", TRANSACTIONS);
    f.write("redemptions", "redemptions.csv", REDEMPTIONS);
    String runId = f.ingest();

    assertThat(f.quarantine("redemptions"))
        .containsExactly(
            "4 [duplicate_conflict]", "5 [out_of_range:points]", "6 [unknown_customer]");
    assertThat(
            f
                .table(Table.REDEMPTIONS)
                .selectExpr(
                    "redemption_id",
                    "customer_id",
                    "order_id",
                    "cast(redeemed_at as string)",
                    "points",
                    "reward",
                    "ingest_run_id = '" + runId + "'")
                .orderBy("redemption_id")
                .collectAsList()
                .stream()
                .map(Row::toString))
        .containsExactly(
            "[R1,C1,O1,2026-11-20 10:05:00,100,voucher,true]",
            "[R4,C2,null,2026-11-21 09:00:00,40,gift,true]");

    assertThat(f.quarantine("transactions"))
        .containsExactly(
            "4 [malformed_record]",
            "5 [missing_customer_id]",
            "6 [unparseable_timestamp]",
            "7 [future_timestamp]",
            "9 [non_positive_price]",
            "10 [unknown_customer]",
            "12 [duplicate_conflict]",
            "13 [missing_required:order_id]",
            "14 [missing_customer_id, unparseable_timestamp, non_positive_price]",
            "15 [bad_number]");
    Row malformed = f.table(Table.QUARANTINE).where("record_number = 4").first();
    assertThat(malformed.<String>getAs("raw")).isEqualTo("this line,is,not a record");
    assertThat(malformed.<String>getAs("source_file")).endsWith("transactions/2026-11-20.csv");
    assertThat(malformed.<String>getAs("run_id")).isEqualTo(runId);

    assertThat(
            f
                .table(Table.TRANSACTIONS)
                .selectExpr(
                    "txn_id",
                    "customer_id",
                    "cast(ts as string)",
                    "cast(txn_date as string)",
                    "quantity",
                    "cast(amount as string)",
                    "cast(discount as string)",
                    "is_return",
                    "original_order_id")
                .orderBy("txn_id")
                .collectAsList()
                .stream()
                .map(Row::toString))
        .containsExactly(
            "[O1:1,C1,2026-11-20 10:00:00,2026-11-20,2.0,19.00,1.00,false,null]",
            "[O2:1,C2,2026-11-20 11:00:00,2026-11-20,-1.0,-9.00,1.00,true,O1]",
            "[O6:1,C1,2026-11-21 23:59:59,2026-11-21,1.0,10.00,0.00,false,null]");

    List<Row> runs = f.table(Table.RUNS).orderBy("source").collectAsList();
    assertThat(
            runs.stream()
                .map(
                    r ->
                        r.getAs("source")
                            + " "
                            + r.getAs("status")
                            + " read="
                            + r.getAs("records_read")
                            + " accepted="
                            + r.getAs("records_accepted")
                            + " quarantined="
                            + r.getAs("records_quarantined")
                            + " duplicate="
                            + r.getAs("records_duplicate")))
        .containsExactly(
            "complaints skipped read=0 accepted=0 quarantined=0 duplicate=0",
            "contacts skipped read=0 accepted=0 quarantined=0 duplicate=0",
            "customers succeeded read=2 accepted=2 quarantined=0 duplicate=0",
            "redemptions succeeded read=6 accepted=2 quarantined=3 duplicate=1",
            "surveys skipped read=0 accepted=0 quarantined=0 duplicate=0",
            "transactions succeeded read=14 accepted=3 quarantined=10 duplicate=1");
    assertThat(f.table(Table.CUSTOMERS).where("is_derived").count()).isZero();
  }

  @Test
  void rejectRateOverTheCeilingFailsAfterQuarantineBeforeSilver(SparkSession spark) {
    IngestFixture f =
        new IngestFixture(spark, "ceiling").set("clientele.ingest.rules.max-reject-rate=0.5");
    f.write("customers", "customers.csv", CUSTOMERS);
    f.write("transactions", "2026-11-20.csv", TRANSACTIONS);

    assertThatThrownBy(f::ingest)
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith(
            "transactions rejected 9 of 13 records (69.23%, ceiling 50.00%; 1 held, not counted);"
                + " top reasons: "
                + "missing_customer_id 2, non_positive_price 2, unparseable_timestamp 2. "
                + "Quarantine is written");
    assertThat(f.quarantine("transactions")).hasSize(10);
    assertThat(f.exists(Table.TRANSACTIONS)).isFalse();
    assertThat(f.exists(Table.CUSTOMERS)).isFalse();
    assertThat(f.exists(Table.INGEST_FILES)).isFalse();
    assertThat(f.table(Table.RUNS).where("source = 'transactions'").first().<String>getAs("status"))
        .isEqualTo("failed");
  }

  @Test
  void aSourcesOwnCeilingIsTheOneThatFailsItAndTheMessageNamesIt(SparkSession spark) {
    IngestFixture f =
        new IngestFixture(spark, "source-ceiling")
            .set("clientele.ingest.sources.transactions.max-reject-rate=0.6");
    f.write("customers", "customers.csv", CUSTOMERS);
    f.write("transactions", "2026-11-20.csv", TRANSACTIONS);

    // The rules' ceiling is 1.0 (the fixture's), the source's 0.6: 71.43% fails.
    assertThatThrownBy(f::ingest)
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith(
            "transactions rejected 9 of 13 records (69.23%, ceiling 60.00%; 1 held, not counted)")
        .hasMessageEndingWith(
            "Fix the input or raise clientele.ingest.sources.transactions.max-reject-rate.");
    assertThat(f.exists(Table.TRANSACTIONS)).isFalse();

    f.set("clientele.ingest.sources.transactions.max-reject-rate=0.8");
    f.ingest();
    assertThat(f.table(Table.TRANSACTIONS).count()).isEqualTo(3);
  }

  @Test
  void secondRunOverTheSameFilesAddsNothingAndNewFilesAreIncremental(SparkSession spark) {
    IngestFixture f = new IngestFixture(spark, "twice");
    f.write("customers", "customers.csv", CUSTOMERS);
    f.write("transactions", "2026-11-20.csv", TRANSACTIONS);
    f.ingest();
    List<String> transactions = f.content(Table.TRANSACTIONS);
    List<String> quarantine = f.content(Table.QUARANTINE);
    List<String> customers = f.content(Table.CUSTOMERS);
    List<String> history = f.content(Table.CUSTOMER_HISTORY);
    long[] versions = {
      f.version(Table.TRANSACTIONS),
      f.version(Table.QUARANTINE),
      f.version(Table.CUSTOMERS),
      f.version(Table.CUSTOMER_HISTORY),
      f.version(Table.INGEST_FILES)
    };

    f.ingest();
    assertThat(
            new long[] {
              f.version(Table.TRANSACTIONS),
              f.version(Table.QUARANTINE),
              f.version(Table.CUSTOMERS),
              f.version(Table.CUSTOMER_HISTORY),
              f.version(Table.INGEST_FILES)
            })
        .containsExactly(versions);
    assertThat(f.content(Table.TRANSACTIONS)).isEqualTo(transactions);
    assertThat(f.content(Table.QUARANTINE)).isEqualTo(quarantine);
    assertThat(f.content(Table.CUSTOMERS)).isEqualTo(customers);
    assertThat(f.content(Table.CUSTOMER_HISTORY)).isEqualTo(history);

    // A new day's file: one new line, one exact copy of an earlier file's line, one conflict with
    // it;
    // and an attribute change of C1 (a later version).
    f.write(
        "transactions",
        "2026-11-21.csv",
        IngestFixture.TXN_HEADER,
        "O11,1,C2,2026-11-21 09:00:00,P2,B2,bags,1,30.00,0,,app,,",
        "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,2,10.00,1.00,5.00,store,S01,",
        "O2,1,C2,2026-11-20 11:00:00,P1,B1,shoes,-2,10.00,1.00,5.00,web,,O1");
    f.write(
        "customers",
        "customers-2.csv",
        IngestFixture.CUSTOMER_HEADER,
        "C1,Ann Lee,ann@new.example.com,+44 1,1980-02-03,F,high,doctor,west,2024-01-01,2026-06-01");
    f.ingest();
    assertThat(f.table(Table.TRANSACTIONS).count()).isEqualTo(4);
    assertThat(f.quarantine("transactions")).hasSize(11).contains("4 [duplicate_conflict]");
    Row last =
        f.table(Table.RUNS)
            .where("source = 'transactions'")
            .orderBy(org.apache.spark.sql.functions.col("started_at").desc())
            .first();
    assertThat(
            List.of(
                last.<Long>getAs("records_read"),
                last.<Long>getAs("records_accepted"),
                last.<Long>getAs("records_quarantined"),
                last.<Long>getAs("records_duplicate")))
        .containsExactly(3L, 1L, 1L, 1L);
    assertThat(f.table(Table.CUSTOMERS).where("customer_id = 'C1'").first().<String>getAs("region"))
        .isEqualTo("west");
    assertThat(
            f
                .table(Table.CUSTOMER_HISTORY)
                .where("customer_id = 'C1'")
                .orderBy("valid_from")
                .selectExpr("region", "cast(valid_from as string)", "cast(valid_to as string)")
                .collectAsList()
                .stream()
                .map(Row::toString))
        .containsExactly(
            "[north,2024-01-01 00:00:00,2026-06-01 00:00:00]", "[west,2026-06-01 00:00:00,null]");
    assertThat(f.table(Table.INGEST_FILES).count()).isEqualTo(4);
  }

  @Test
  void withoutCustomerFilesCustomersAreDerivedFromTheLogAndPiiIsPseudonymised(SparkSession spark) {
    IngestFixture f = new IngestFixture(spark, "derived");
    f.write(
        "transactions",
        "2026-11-20.csv",
        IngestFixture.TXN_HEADER,
        "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,2,10.00,1.00,5.00,store,S01,",
        "O8,1,C9,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,0,,web,,");
    f.ingest();
    assertThat(
            f
                .table(Table.CUSTOMERS)
                .selectExpr("customer_id", "is_derived", "region")
                .orderBy("customer_id")
                .collectAsList()
                .stream()
                .map(Row::toString))
        .containsExactly("[C1,true,null]", "[C9,true,null]");
    assertThat(f.exists(Table.QUARANTINE)).isTrue();
    assertThat(f.table(Table.QUARANTINE).count()).isZero();

    // Now customer files arrive: C1's attributes replace its derived row; PII only as pseudonyms.
    f.write(
        "customers",
        "customers.csv",
        IngestFixture.CUSTOMER_HEADER,
        "C1,Ann Lee,ann@example.com,+44 1,1980-02-03,F,high,nurse,north,2024-01-01,2024-01-01",
        "C3,Cy Doe,cy@example.com,,not-a-date,M,low,,south,2024-01-01,2024-01-01",
        "C4,broken \"quote,x");
    f.ingest();
    Row c1 = f.table(Table.CUSTOMERS).where("customer_id = 'C1'").first();
    assertThat(c1.<Boolean>getAs("is_derived")).isFalse();
    assertThat(c1.<String>getAs("email_hash"))
        .isEqualTo(PseudonymizerTest.hmacHex(PiiKey.DEV_KEY, "ann@example.com"));
    assertThat(
            f.table(Table.CUSTOMERS)
                .where("customer_id = 'C9'")
                .first()
                .<Boolean>getAs("is_derived"))
        .isTrue();
    assertThat(f.quarantine("customers"))
        .containsExactly("3 [unparseable_timestamp]", "4 [malformed_record]");
    List<Row> raws =
        f.table(Table.QUARANTINE)
            .where("source = 'customers'")
            .orderBy("record_number")
            .collectAsList();
    assertThat(raws.get(0).<String>getAs("raw"))
        .doesNotContain("Cy Doe", "cy@example.com")
        .contains("\"name\":\"" + PseudonymizerTest.hmacHex(PiiKey.DEV_KEY, "Cy Doe") + "\"")
        .contains("\"birth_date\":\"not-a-date\"");
    assertThat(raws.get(1).<String>getAs("raw")).isNull();
  }

  @Test
  void onlineRetailExampleMapsCancellationsMissingAndFloatCustomerIds(SparkSession spark) {
    IngestFixture f = new IngestFixture(spark, "retail");
    f.confFiles.add(java.nio.file.Path.of("../conf/examples/online-retail.conf"));
    f.overrides.removeIf(
        o -> o.startsWith("clientele.ingest.sources.") && !o.contains(".transactions."));
    f.write(
        "transactions",
        "online_retail.csv",
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
        "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom",
        "536365,71053,\"SET 7 BABUSHKA NESTING BOXES, RED\",2,12/1/2010 8:26,3.39,17850,United Kingdom",
        "C536379,D,Discount,-1,12/1/2010 9:41,27.50,14527.0,United Kingdom",
        "536414,22139,,56,12/1/2010 11:52,0,,United Kingdom",
        "536544,21773,DECORATIVE ROSE BATHROOM BOTTLE,1,12/1/2010 14:32,2.51,,United Kingdom",
        "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom");
    f.ingest();
    assertThat(
            f
                .table(Table.TRANSACTIONS)
                .selectExpr(
                    "txn_id",
                    "order_id",
                    "customer_id",
                    "cast(ts as string)",
                    "cast(txn_date as string)",
                    "product_id",
                    "quantity",
                    "cast(unit_price as string)",
                    "cast(amount as string)",
                    "is_return",
                    "currency")
                .orderBy("txn_id")
                .collectAsList()
                .stream()
                .map(Row::toString))
        .containsExactly(
            "[536365:71053:2:3.39,536365,17850,2010-12-01 08:26:00,2010-12-01,71053,2.0,3.3900,6.78,false,GBP]",
            "[536365:85123A:6:2.55,536365,17850,2010-12-01 08:26:00,2010-12-01,85123A,6.0,2.5500,15.30,false,GBP]",
            "[C536379:D:-1:27.50,C536379,14527,2010-12-01 09:41:00,2010-12-01,D,-1.0,27.5000,-27.50,true,GBP]");
    assertThat(f.quarantine("transactions"))
        .containsExactly("5 [missing_customer_id, non_positive_price]", "6 [missing_customer_id]");
    assertThat(
            f
                .table(Table.CUSTOMERS)
                .selectExpr("customer_id", "is_derived")
                .orderBy("customer_id")
                .collectAsList()
                .stream()
                .map(Row::toString))
        .containsExactly("[14527,true]", "[17850,true]");
    Row run = f.table(Table.RUNS).where("source = 'transactions'").first();
    assertThat(
            List.of(
                run.<Long>getAs("records_read"),
                run.<Long>getAs("records_accepted"),
                run.<Long>getAs("records_quarantined"),
                run.<Long>getAs("records_duplicate")))
        .containsExactly(6L, 3L, 2L, 1L);
  }
}
