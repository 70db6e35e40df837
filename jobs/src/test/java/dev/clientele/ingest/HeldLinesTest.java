package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.testing.SparkTestExtension;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * #18 item 8 "nothing lost to time": a line dated after its run's as-of is held in quarantine and
 * taken, exactly once, by the first ingest whose as-of reaches it, with counts that reconcile.
 */
@ExtendWith(SparkTestExtension.class)
class HeldLinesTest {
  private static final LocalDate D1 = LocalDate.of(2026, 11, 21);
  private static final LocalDate D2 = LocalDate.of(2026, 11, 22);
  private static final LocalDate D3 = LocalDate.of(2026, 11, 23);

  /** Delivered on D1; line numbers in comments (header = 1). */
  private static final String[] DAY_ONE = {
    IngestFixture.TXN_HEADER,
    "O1,1,C1,2026-11-21 10:00:00,P1,B1,shoes,1,10.00,0,,web,,", // 2 accepted
    "O2,1,C1,2026-11-22 09:00:00,P1,B1,shoes,2,10.00,0,,web,,", // 3 held until D2
    "O3,1,C1,2026-11-23 09:00:00,P1,B1,shoes,3,10.00,0,,web,,", // 4 held until D3
    "O4,1,C1,2026-11-22 09:00:00,P1,B1,shoes,1,-5.00,0,,web,,", // 5 early and bad: a reject
  };

  private static IngestFixture dayOne(SparkSession spark, String name) {
    // 1 reject of the 2 records in scope is 50%, not over: the 2 held lines are not rejects.
    IngestFixture f =
        new IngestFixture(spark, name).set("clientele.ingest.rules.max-reject-rate=0.5");
    f.write("transactions", "2026-11-21.csv", DAY_ONE);
    return f;
  }

  private static List<String> quarantine(IngestFixture f) {
    return f.quarantineReleases();
  }

  private static List<String> silver(IngestFixture f) {
    return f.transactions();
  }

  private static String counts(IngestFixture f, String runId) {
    return f.transactionCounts(runId);
  }

  private static List<String> ledger(IngestFixture f) {
    return f.ledgerCounts();
  }

  @Test
  void aLineDatedAfterTheAsOfIsHeldAndTakenOnceByTheRunWhoseAsOfReachesIt(SparkSession spark) {
    IngestFixture f = dayOne(spark, "held");

    String first = f.ingest(D1);

    assertThat(quarantine(f))
        .containsExactly(
            "3 [future_timestamp] null",
            "4 [future_timestamp] null",
            "5 [future_timestamp, non_positive_price] null");
    assertThat(silver(f)).containsExactly("O1:1 1 " + first);
    // A file is read again only once a held record in it may be due: two days early at most.
    assertThat(
            f
                .table(Table.QUARANTINE)
                .orderBy("record_number")
                .selectExpr("held_until")
                .collectAsList()
                .stream()
                .map(r -> String.valueOf(r.get(0)))
                .toList())
        .containsExactly("2026-11-20", "2026-11-21", "null");
    String quarantinePath = f.catalog().path(Table.QUARANTINE);
    assertThat(
            HeldRecords.files(
                spark,
                quarantinePath,
                SourceKind.TRANSACTIONS,
                QuarantineReplay.OFF,
                LocalDate.of(2026, 11, 19)))
        .isEmpty();
    assertThat(
            HeldRecords.files(
                spark,
                quarantinePath,
                SourceKind.TRANSACTIONS,
                QuarantineReplay.OFF,
                LocalDate.of(2026, 11, 20)))
        .singleElement()
        .extracting(HeldRecords.HeldFile::records)
        .isEqualTo(1L);
    assertThat(ledger(f)).containsExactly("[2026-11-21.csv,4,1,3,0,0]");
    assertThat(counts(f, first))
        .isEqualTo(
            "[succeeded,4,1,3,0,0,held 2 record(s) dated after the as-of; top reasons:"
                + " future_timestamp 3, non_positive_price 1]");

    // D2: no new file; the line dated D2 is read again and accepted, the one dated D3 waits.
    String second = f.ingest(D2);

    assertThat(silver(f)).containsExactly("O1:1 1 " + first, "O2:1 2 " + second);
    assertThat(quarantine(f))
        .containsExactly(
            "3 [future_timestamp] " + second,
            "4 [future_timestamp] null",
            "5 [future_timestamp, non_positive_price] null");
    assertThat(counts(f, second))
        .isEqualTo("[succeeded,1,1,0,0,0,released 1 held record(s) (in read and in their status)]");
    // The ledger keeps the file's first delivery: its counts do not change.
    assertThat(ledger(f)).containsExactly("[2026-11-21.csv,4,1,3,0,0]");

    // A rerun as of D2 changes nothing.
    long silverVersion = f.version(Table.TRANSACTIONS);
    long quarantineVersion = f.version(Table.QUARANTINE);
    String rerun = f.ingest(D2);

    assertThat(f.version(Table.TRANSACTIONS)).isEqualTo(silverVersion);
    assertThat(f.version(Table.QUARANTINE)).isEqualTo(quarantineVersion);
    assertThat(silver(f)).containsExactly("O1:1 1 " + first, "O2:1 2 " + second);
    assertThat(counts(f, rerun)).isEqualTo("[skipped,0,0,0,0,0,no new files]");
  }

  @Test
  void aReleasedLineCompetesForItsKeyWithTheNewFilesOfItsRun(SparkSession spark) {
    IngestFixture f = dayOne(spark, "held-dedupe");
    String first = f.ingest(D1);
    // D3 delivers O3 again, and O2 with other content: the held lines came first (earlier file).
    f.write(
        "transactions",
        "2026-11-23.csv",
        IngestFixture.TXN_HEADER,
        "O3,1,C1,2026-11-23 09:00:00,P1,B1,shoes,3,10.00,0,,web,,", // 2 same as held line 4
        "O2,1,C1,2026-11-22 09:00:00,P1,B1,shoes,9,10.00,0,,web,,"); // 3 conflicts with line 3

    String third = f.ingest(D3);

    assertThat(silver(f)).containsExactly("O1:1 1 " + first, "O2:1 2 " + third, "O3:1 3 " + third);
    assertThat(quarantine(f))
        .containsExactly(
            "3 [future_timestamp] " + third,
            "4 [future_timestamp] " + third,
            "5 [future_timestamp, non_positive_price] null",
            "3 [duplicate_conflict] null");
    // read 4 = the new file's 2 (1 duplicate, 1 conflict) + 2 released, both accepted.
    assertThat(counts(f, third))
        .isEqualTo(
            "[succeeded,4,2,1,1,0,released 2 held record(s) (in read and in their status);"
                + " top reasons: duplicate_conflict 1]");
    assertThat(ledger(f))
        .containsExactly("[2026-11-21.csv,4,1,3,0,0]", "[2026-11-23.csv,2,0,1,1,0]");
  }

  @Test
  void aRunThatWroteSilverButCrashedBeforeItsReleaseIsRepeatedExactly(SparkSession spark) {
    IngestFixture f = dayOne(spark, "held-crash");
    String first = f.ingest(D1);
    String second = f.ingest(D2);
    // The crash: silver has O2 from the second run, whose release never committed.
    DeltaIO.update(
        spark,
        f.catalog().path(Table.QUARANTINE),
        "released_run_id IS NOT NULL",
        Map.of("released_run_id", "NULL"));

    String rerun = f.ingest(D2);

    assertThat(silver(f)).containsExactly("O1:1 1 " + first, "O2:1 2 " + second);
    assertThat(quarantine(f))
        .containsExactly(
            "3 [future_timestamp] " + rerun,
            "4 [future_timestamp] null",
            "5 [future_timestamp, non_positive_price] null");
    // Counted as the clean run counted it: accepted, not a duplicate of the crashed run's row.
    assertThat(counts(f, rerun))
        .isEqualTo("[succeeded,1,1,0,0,0,released 1 held record(s) (in read and in their status)]");
  }

  @Test
  void aHeldLineWhoseFileIsGoneStaysHeld(SparkSession spark) throws Exception {
    IngestFixture f = dayOne(spark, "held-gone");
    f.ingest(D1);
    java.nio.file.Files.delete(f.raw.resolve("transactions").resolve("2026-11-21.csv"));
    f.write("transactions", "2026-11-22.csv", IngestFixture.TXN_HEADER);

    String second = f.ingest(D2);

    assertThat(quarantine(f))
        .containsExactly(
            "3 [future_timestamp] null",
            "4 [future_timestamp] null",
            "5 [future_timestamp, non_positive_price] null");
    assertThat(counts(f, second)).isEqualTo("[succeeded,0,0,0,0,0,null]");
  }
}
