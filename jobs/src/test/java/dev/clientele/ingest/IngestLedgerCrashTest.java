package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.columns.LeaseColumns;
import dev.clientele.common.job.JobRunner;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.RunLog;
import dev.clientele.common.table.Table;
import dev.clientele.testing.SparkTestExtension;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.RowFactory;
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
    List<String> cleanCounts = f.runCounts("true");
    // The crash: the ledger rows and runs rows of the second run were never written.
    for (Table t : List.of(Table.INGEST_FILES, Table.RUNS)) {
      spark.sql("DELETE FROM delta.`" + f.catalog().path(t) + "` WHERE run_id = '" + lost + "'");
    }
    assertThat(f.table(Table.INGEST_FILES).count()).isEqualTo(3);
    f.ingest();

    assertThat(content(f)).isEqualTo(clean);
    assertThat(clean.get(Table.INGEST_FILES)).hasSize(6);
    assertThat(clean.values()).allSatisfy(rows -> assertThat(rows).isNotEmpty());
    assertThat(f.runCounts("true")).isEqualTo(cleanCounts);
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

  /**
   * #23 item 4: a run that stops after its ledger commit and before its runs rows (the ledger is
   * its last table commit) is found abandoned by the next writer, which writes the run's per-source
   * rows from the counts its ledger rows committed: the numbers the run would have recorded, read =
   * accepted + quarantined + duplicate.
   */
  @Test
  void countsOfARunStoppedAfterItsLedgerCommitAreRebuiltWhenItIsFoundAbandoned(SparkSession spark)
      throws Exception {
    IngestFixture f = new IngestFixture(spark, "runs-crash");
    f.write(
        "transactions",
        "2026-11-20.csv",
        IngestFixture.TXN_HEADER,
        "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,2,10.00,1.00,5.00,store,S01,",
        "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,2,10.00,1.00,5.00,store,S01,",
        "garbage");
    java.nio.file.Files.write(
        f.raw.resolve("transactions/2026-11-21.csv"),
        ("\uFEFF" + IngestFixture.TXN_HEADER + "\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
    f.write(
        "complaints",
        "complaints-1.csv",
        ComplaintVersionsTest.HEADER,
        "K1,C1,O1,2026-11-20 12:00:00,,quality,high");
    String stopped = f.ingest();
    List<String> recorded = f.runCounts("run_id = '" + stopped + "' AND status <> 'skipped'");
    assertThat(recorded)
        .containsExactly("[complaints,succeeded,1,1,0,0]", "[transactions,succeeded,4,1,2,1]");
    // The crash: no runs rows; its lease never released, its heartbeat long stopped.
    spark.sql(
        "DELETE FROM delta.`"
            + f.catalog().path(Table.RUNS)
            + "` WHERE run_id = '"
            + stopped
            + "'");
    DeltaIO.overwrite(
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    stopped,
                    "ingest",
                    Date.valueOf(IngestFixture.AS_OF),
                    "host-1",
                    Timestamp.from(Instant.parse("2026-11-21T02:00:00Z")),
                    Timestamp.from(Instant.parse("2026-11-21T02:00:05Z")),
                    null)),
            LeaseColumns.SCHEMA),
        f.catalog().path(Table.LEASE));

    int exit =
        JobRunner.run(
            "ingest",
            f::config,
            c -> new IngestJob(IngestConfig.from(c.at("clientele.ingest"), k -> null)),
            IngestFixture.AS_OF);

    assertThat(exit).isEqualTo(JobRunner.EXIT_OK);
    assertThat(f.runCounts("run_id = '" + stopped + "' AND source <> 'run'")).isEqualTo(recorded);
    assertThat(
            f
                .table(Table.RUNS)
                .where("run_id = '" + stopped + "'")
                .orderBy("source")
                .selectExpr("source", "job", "cast(as_of as string)", "started_at", "message")
                .collectAsList()
                .stream()
                .map(r -> r.mkString("|"))
                .toList())
        .containsExactly(
            "complaints|ingest|2026-11-21|2026-11-21 02:00:00.0|counts from ingest_files: the run"
                + " stopped after recording its 1 file(s)",
            "run|ingest|2026-11-21|2026-11-21 02:00:00.0|abandoned: its lease expired; found by run "
                + f.table(Table.RUNS)
                    .where("run_id <> '" + stopped + "' AND source = 'run'")
                    .first()
                    .getAs("run_id")
                + "; last heartbeat 2026-11-21T02:00:05Z; recorded before it stopped: nothing;"
                + " counts of complaints, transactions rebuilt from ingest_files",
            "transactions|ingest|2026-11-21|2026-11-21 02:00:00.0|counts from ingest_files: the run"
                + " stopped after recording its 2 file(s), 1 rejected whole");
    // The rerun itself read no new file.
    assertThat(f.runCounts("run_id <> '" + stopped + "' AND source <> 'run'"))
        .allSatisfy(row -> assertThat(row).endsWith(",skipped,0,0,0,0]"));
  }

  /** A ledger written before status and counts existed takes them: its rows are ingested files. */
  @Test
  void aLedgerOfAnOlderReleaseTakesTheNewColumns(SparkSession spark) {
    IngestFixture f = new IngestFixture(spark, "old-ledger");
    String path = f.catalog().path(Table.INGEST_FILES);
    spark
        .sql(
            "SELECT 'transactions' AS source, 'file:/in/a.csv' AS path, 10L AS size,"
                + " timestamp'2026-11-20 00:00:00' AS modification_time, 'xxh64xor:01' AS checksum,"
                + " 2L AS records, 'R0' AS run_id, timestamp'2026-11-20 01:00:00' AS ingested_at")
        .write()
        .format("delta")
        .save(path);
    FileLedger ledger = new FileLedger(spark, path);
    ledger.upgrade();
    ledger.upgrade(); // idempotent
    assertThat(
            f
                .table(Table.INGEST_FILES)
                .selectExpr("path", "status", "reason", "records", "records_accepted")
                .collectAsList()
                .stream()
                .map(r -> r.mkString("|"))
                .toList())
        .containsExactly("file:/in/a.csv|ingested|null|2|null");
    assertThat(ledger.knownContent(SourceKind.TRANSACTIONS))
        .isEqualTo(Map.of("10|xxh64xor:01", "file:/in/a.csv"));
    assertThat(RunLog.fromLedger(spark, f.catalog(), "R0", Instant.EPOCH)).isEmpty();
  }
}
