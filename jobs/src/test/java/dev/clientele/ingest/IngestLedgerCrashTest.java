package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.table.Table;
import dev.clientele.testing.SparkTestExtension;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A crash after every silver table is written and before the ledger is: the ledger write is
 * ingest's last table commit but the runs rows, so the state it leaves is a complete run without
 * its ingest_files and runs rows. The rerun must give exactly the tables and counts of a clean run
 * (the same tables just before the crash is simulated), versions of customers and complaints
 * included.
 */
@ExtendWith(SparkTestExtension.class)
class IngestLedgerCrashTest {
  private static void dayOne(IngestFixture f) {
    f.write("customers", "customers.csv", IngestJobTest.CUSTOMERS);
    f.write("transactions", "2026-11-20.csv", IngestJobTest.TRANSACTIONS);
    f.write(
        "complaints",
        "complaints-1.csv",
        ComplaintVersionsTest.HEADER,
        "K1,C1,O1,2026-11-20 12:00:00,,quality,high",
        "K2,C2,O2,2026-11-20 13:00:00,,service,low");
  }

  private static void dayTwo(IngestFixture f) {
    f.write(
        "transactions",
        "2026-11-21.csv",
        IngestFixture.TXN_HEADER,
        "O11,1,C2,2026-11-21 09:00:00,P2,B2,bags,1,30.00,0,,app,,",
        "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,2,10.00,1.00,5.00,store,S01,",
        "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,9,10.00,1.00,5.00,store,S01,");
    f.write(
        "customers",
        "customers-2.csv",
        IngestFixture.CUSTOMER_HEADER,
        "C1,Ann Lee,ann@new.example.com,+44 1,1980-02-03,F,high,doctor,west,2024-01-01,2026-06-01");
    f.write(
        "complaints",
        "complaints-2.csv",
        ComplaintVersionsTest.HEADER,
        "K1,C1,O1,2026-11-20 12:00:00,2026-11-21 08:00:00,quality,high",
        "K2,C2,O2,2026-11-20 13:00:00,,service,high");
  }

  @Test
  void rerunAfterACrashBetweenSilverAndLedgerEqualsACleanRun(SparkSession spark) {
    IngestFixture f = new IngestFixture(spark, "ledger-crash");
    dayOne(f);
    f.ingest();
    dayTwo(f);
    String lost = f.ingest();
    // What a clean run of the two days leaves, before the crash is simulated on the same tables.
    Map<Table, List<String>> clean = content(f);
    List<String> cleanCounts = counts(f);
    // The crash: the ledger rows and runs rows of the second run were never written.
    for (Table t : List.of(Table.INGEST_FILES, Table.RUNS)) {
      spark.sql("DELETE FROM delta.`" + f.catalog().path(t) + "` WHERE run_id = '" + lost + "'");
    }
    assertThat(f.table(Table.INGEST_FILES).count()).isEqualTo(3);
    f.ingest();

    assertThat(content(f)).isEqualTo(clean);
    assertThat(clean.get(Table.INGEST_FILES)).hasSize(6);
    assertThat(clean.values()).allSatisfy(rows -> assertThat(rows).isNotEmpty());
    assertThat(counts(f)).isEqualTo(cleanCounts);
    assertThat(cleanCounts)
        .containsExactly(
            "[complaints,succeeded,2,1,1,0]",
            "[complaints,succeeded,2,2,0,0]",
            "[contacts,skipped,0,0,0,0]",
            "[contacts,skipped,0,0,0,0]",
            "[customers,succeeded,1,1,0,0]",
            "[customers,succeeded,2,2,0,0]",
            "[redemptions,skipped,0,0,0,0]",
            "[redemptions,skipped,0,0,0,0]",
            "[surveys,skipped,0,0,0,0]",
            "[surveys,skipped,0,0,0,0]",
            "[transactions,succeeded,14,3,10,1]",
            "[transactions,succeeded,3,1,1,1]");
  }

  /** Every table ingest writes but runs, without the columns a rerun writes anew. */
  private static Map<Table, List<String>> content(IngestFixture f) {
    Map<Table, List<String>> out = new LinkedHashMap<>();
    for (Table t :
        List.of(
            Table.TRANSACTIONS,
            Table.CUSTOMERS,
            Table.CUSTOMER_HISTORY,
            Table.COMPLAINTS,
            Table.COMPLAINT_HISTORY)) {
      out.put(t, f.content(t, "ingest_run_id"));
    }
    out.put(Table.QUARANTINE, f.content(Table.QUARANTINE, "run_id", "quarantined_at"));
    out.put(Table.INGEST_FILES, f.content(Table.INGEST_FILES, "run_id", "ingested_at"));
    return out;
  }

  private static List<String> counts(IngestFixture f) {
    return f
        .table(Table.RUNS)
        .selectExpr(
            "source",
            "status",
            "records_read",
            "records_accepted",
            "records_quarantined",
            "records_duplicate")
        .collectAsList()
        .stream()
        .map(Row::toString)
        .sorted()
        .toList();
  }
}
