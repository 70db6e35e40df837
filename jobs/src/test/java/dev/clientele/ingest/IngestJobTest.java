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
    "O5,1,C1,2026-11-22 00:00:01,P1,B1,shoes,1,10.00,0,,web,,", // 7 one second into the future
    "O6,1,C1,2026-11-22 00:00:00,P1,B1,shoes,1,10.00,0,,web,,", // 8 end of as-of day: accepted
    "O7,1,C1,2026-11-20 10:00:00,P1,B1,shoes,1,0.00,0,,web,,", // 9 zero price
    "O8,1,C9,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,0,,web,,", // 10 unknown customer
    "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,2,10.00,1.00,5.00,store,S01,", // 11 exact duplicate of 2
    "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,3,10.00,1.00,5.00,store,S01,", // 12 conflict with 2
    ",1,C1,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,0,,web,,", // 13 no order id
    "O9,1,,not a time,P1,B1,shoes,1,-5.00,0,,web,,", // 14 three reasons
    "O10,1,C1,2026-11-20 10:00:00,P1,B1,shoes,abc,10.00,0,,web,,", // 15 quantity not a number
  };

  @Test
  void pinsEveryReasonCodeAndReconciles(SparkSession spark) {
    IngestFixture f = new IngestFixture(spark, "reasons");
    f.write("customers", "customers.csv", CUSTOMERS);
    f.write("transactions", "2026-11-20.csv", TRANSACTIONS);
    String runId = f.ingest();

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
            "15 [unparseable_value:quantity]");
    Row malformed = f.table(Table.QUARANTINE).where("record_number = 4").first();
    assertThat(malformed.<String>getAs("raw")).isEqualTo("this line,is,not a record");
    assertThat(malformed.<String>getAs("source_file")).endsWith("transactions/2026-11-20.csv");
    assertThat(malformed.<String>getAs("run_id")).isEqualTo(runId);

    assertThat(
            f.table(Table.TRANSACTIONS)
                .selectExpr("txn_id", "customer_id", "cast(ts as string)", "cast(txn_date as string)",
                    "quantity", "cast(amount as string)", "cast(discount as string)", "is_return", "original_order_id")
                .orderBy("txn_id")
                .collectAsList()
                .stream()
                .map(Row::toString))
        .containsExactly(
            "[O1:1,C1,2026-11-20 10:00:00,2026-11-20,2.0,19.00,1.00,false,null]",
            "[O2:1,C2,2026-11-20 11:00:00,2026-11-20,-1.0,-9.00,1.00,true,O1]",
            "[O6:1,C1,2026-11-22 00:00:00,2026-11-22,1.0,10.00,0.00,false,null]");

    List<Row> runs = f.table(Table.RUNS).orderBy("source").collectAsList();
    assertThat(runs.stream().map(r -> r.getAs("source") + " " + r.getAs("status") + " read=" + r.getAs("records_read")
            + " accepted=" + r.getAs("records_accepted") + " quarantined=" + r.getAs("records_quarantined")
            + " duplicate=" + r.getAs("records_duplicate")))
        .containsExactly(
            "complaints skipped read=0 accepted=0 quarantined=0 duplicate=0",
            "customers succeeded read=2 accepted=2 quarantined=0 duplicate=0",
            "surveys skipped read=0 accepted=0 quarantined=0 duplicate=0",
            "transactions succeeded read=14 accepted=3 quarantined=10 duplicate=1");
    assertThat(f.table(Table.CUSTOMERS).where("is_derived").count()).isZero();
  }

  @Test
  void rejectRateOverTheCeilingFailsAfterQuarantineBeforeSilver(SparkSession spark) {
    IngestFixture f = new IngestFixture(spark, "ceiling").set("clientele.ingest.rules.max-reject-rate=0.5");
    f.write("customers", "customers.csv", CUSTOMERS);
    f.write("transactions", "2026-11-20.csv", TRANSACTIONS);

    assertThatThrownBy(f::ingest)
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith(
            "transactions rejected 10 of 14 records (71.43%, ceiling 50.00%); top reasons: "
                + "missing_customer_id 2, non_positive_price 2, unparseable_timestamp 2. "
                + "Quarantine is written");
    assertThat(f.quarantine("transactions")).hasSize(10);
    assertThat(f.exists(Table.TRANSACTIONS)).isFalse();
    assertThat(f.exists(Table.CUSTOMERS)).isFalse();
    assertThat(f.exists(Table.INGEST_FILES)).isFalse();
    assertThat(f.table(Table.RUNS).where("source = 'transactions'").first().<String>getAs("status")).isEqualTo("failed");
  }
}
