package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.cli.Clientele;
import dev.clientele.common.config.ConfigError;
import dev.clientele.common.job.JobRunner;
import dev.clientele.common.table.Table;
import dev.clientele.testing.SparkTestExtension;
import io.delta.tables.DeltaTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * #18 item 8 {@code ingest --replay-quarantine [--reason R]}: after a mapping or rule is fixed, the
 * records quarantined for it are read again from their files through the current rules, each taken
 * exactly once, with counts that reconcile; one still failing stays with its new reasons.
 */
@ExtendWith(SparkTestExtension.class)
class ReplayQuarantineTest {
  private static final LocalDate D1 = LocalDate.of(2026, 11, 21);

  /** Line numbers in comments (header = 1); zero-price = quarantine by default. */
  private static final String[] ZERO_PRICES = {
    IngestFixture.TXN_HEADER,
    "O1,1,C1,2026-11-21 10:00:00,P1,B1,shoes,1,10.00,0,,web,,", // 2 accepted
    "O2,1,C1,2026-11-21 11:00:00,P1,B1,shoes,2,0.00,0,,web,,", // 3 zero price
    "O3,1,C1,2026-11-21 12:00:00,P1,B1,shoes,3,0.00,0,,web,,", // 4 zero price
    "O4,1,C1,2026-11-21 13:00:00,P1,B1,shoes,0,0.00,0,,web,,", // 5 zero price and quantity
    "O5,1,C1,2026-11-21 14:00:00,P1,B1,shoes,1.5,10.00,0,,web,,", // 6 bad quantity
  };

  private static final String ZERO_PRICE_ACCEPTED = "clientele.ingest.rules.zero-price=\"accept\"";

  private static QuarantineReplay replay(String... reasons) {
    return QuarantineReplay.of(List.of(reasons));
  }

  /**
   * Quarantine once the zero prices were replayed by {@code runId}: lines 3 and 4 released; line 5
   * still has a bad quantity, quarantined again with its new reasons, not released; line 6 (another
   * reason) not touched, or quarantined again as it was.
   */
  private static List<String> zeroPricesReleasedBy(String runId) {
    return List.of(
        "3 [non_positive_price] " + runId,
        "4 [non_positive_price] " + runId,
        "5 [bad_quantity] null",
        "6 [bad_quantity] null");
  }

  /** The zero-price file ingested as of D1, then zero prices accepted. */
  private static IngestFixture quarantinedThenFixed(SparkSession spark, String name) {
    IngestFixture f = new IngestFixture(spark, name);
    f.write("transactions", "2026-11-21.csv", ZERO_PRICES);
    String first = f.ingest(D1);
    assertThat(f.transactions()).containsExactly("O1:1 1 " + first);
    assertThat(f.quarantineReleases())
        .containsExactly(
            "3 [non_positive_price] null",
            "4 [non_positive_price] null",
            "5 [non_positive_price, bad_quantity] null",
            "6 [bad_quantity] null");
    assertThat(f.transactionCounts(first))
        .isEqualTo("[succeeded,5,1,4,0,0,top reasons: non_positive_price 3, bad_quantity 2]");
    return f.set(ZERO_PRICE_ACCEPTED);
  }

  @Test
  void aFixedRuleReplaysItsRejectsExactlyOnceAndTheCountsReconcile(SparkSession spark) {
    IngestFixture f = quarantinedThenFixed(spark, "replay");
    String first = f.table(Table.TRANSACTIONS).first().getAs("ingest_run_id");

    String replayed = f.ingest(D1, replay("non_positive_price"));

    // Lines 3 and 4 are in silver; 5 and 6 are not.
    assertThat(f.transactions())
        .containsExactly("O1:1 1 " + first, "O2:1 2 " + replayed, "O3:1 3 " + replayed);
    assertThat(f.quarantineReleases()).containsExactlyElementsOf(zeroPricesReleasedBy(replayed));
    // read 3 = accepted 2 + quarantined 1: the replayed records, counted in their new status.
    assertThat(f.transactionCounts(replayed))
        .isEqualTo(
            "[succeeded,3,2,1,0,0,replayed 3 quarantined record(s) (in read and in their status):"
                + " released 2, quarantined again 1; top reasons: bad_quantity 1]");
    // The ledger keeps the file's first delivery.
    assertThat(f.ledgerCounts()).containsExactly("[2026-11-21.csv,5,1,4,0,0]");

    // The same replay again: nothing is selected, nothing is written.
    long silverVersion = f.version(Table.TRANSACTIONS);
    long quarantineVersion = f.version(Table.QUARANTINE);
    String again = f.ingest(D1, replay("non_positive_price"));

    assertThat(f.version(Table.TRANSACTIONS)).isEqualTo(silverVersion);
    assertThat(f.version(Table.QUARANTINE)).isEqualTo(quarantineVersion);
    assertThat(f.table(Table.TRANSACTIONS).count()).isEqualTo(3);
    assertThat(f.transactionCounts(again)).isEqualTo("[skipped,0,0,0,0,0,no new files]");
  }

  @Test
  void aReasonFilterLeavesRowsWithOtherReasonsAlone(SparkSession spark) {
    IngestFixture f = new IngestFixture(spark, "replay-filter");
    f.write(
        "transactions",
        "2026-11-21.csv",
        IngestFixture.TXN_HEADER,
        "O1,1,C1,2026-11-21 10:00:00,P1,B1,shoes,1,10.00,0,,web,,", // 2 accepted
        "O2,1,C1,2026-11-21 11:00:00,P1,B1,shoes,2,0.00,0,,web,,", // 3 zero price
        "O3,1,C1,2026-11-21 12:00:00,P1,B1,shoes,20000,10.00,0,,web,,", // 4 over max-quantity
        "O4,1,C1,2026-11-21 13:00:00,P1,B1,shoes,20000,0.00,0,,web,,"); // 5 both
    String first = f.ingest(D1);
    // Both rules fixed, but only bad_quantity is replayed: a row with it among others is taken.
    f.set(ZERO_PRICE_ACCEPTED).set("clientele.ingest.rules.max-quantity=100000");

    String byQuantity = f.ingest(D1, replay("bad_quantity"));

    assertThat(f.transactions())
        .containsExactly("O1:1 1 " + first, "O3:1 20000 " + byQuantity, "O4:1 20000 " + byQuantity);
    assertThat(f.quarantineReleases())
        .containsExactly(
            "3 [non_positive_price] null",
            "4 [bad_quantity] " + byQuantity,
            "5 [non_positive_price, bad_quantity] " + byQuantity);
    assertThat(f.transactionCounts(byQuantity))
        .isEqualTo(
            "[succeeded,2,2,0,0,0,replayed 2 quarantined record(s) (in read and in their status):"
                + " released 2, quarantined again 0]");

    String byPrice = f.ingest(D1, replay("non_positive_price"));

    assertThat(f.quarantineReleases())
        .containsExactly(
            "3 [non_positive_price] " + byPrice,
            "4 [bad_quantity] " + byQuantity,
            "5 [non_positive_price, bad_quantity] " + byQuantity);
    assertThat(f.table(Table.TRANSACTIONS).count()).isEqualTo(4);
  }

  @Test
  void withoutAReasonEveryRejectIsReadAgainAndOneStillFailingStaysForALaterReplay(
      SparkSession spark) {
    IngestFixture f = quarantinedThenFixed(spark, "replay-all");

    String replayed = f.ingest(D1, replay());

    assertThat(f.quarantineReleases()).containsExactlyElementsOf(zeroPricesReleasedBy(replayed));
    assertThat(f.transactionCounts(replayed))
        .isEqualTo(
            "[succeeded,4,2,2,0,0,replayed 4 quarantined record(s) (in read and in their status):"
                + " released 2, quarantined again 2; top reasons: bad_quantity 2]");

    // Every reject is read again by every replay until it passes: here the two bad quantities.
    // They were rejects already: a replay never fails on the reject ceiling because of them.
    f.set("clientele.ingest.rules.max-reject-rate=0.0");
    String again = f.ingest(D1, replay());

    assertThat(f.table(Table.TRANSACTIONS).count()).isEqualTo(3);
    assertThat(f.quarantineReleases()).containsExactlyElementsOf(zeroPricesReleasedBy(replayed));
    assertThat(f.transactionCounts(again))
        .isEqualTo(
            "[succeeded,2,0,2,0,0,replayed 2 quarantined record(s) (in read and in their status):"
                + " released 0, quarantined again 2; top reasons: bad_quantity 2]");
  }

  @Test
  void aReplayThatWroteSilverButCrashedBeforeItsReleaseIsRepeatedExactly(SparkSession spark) {
    IngestFixture f = quarantinedThenFixed(spark, "replay-crash");
    String first = f.table(Table.TRANSACTIONS).first().getAs("ingest_run_id");
    String replayed = f.ingest(D1, replay("non_positive_price"));
    // The crash: silver has O2 and O3 from the replay, whose release (its last quarantine commit)
    // never happened.
    String quarantine = f.catalog().path(Table.QUARANTINE);
    DeltaTable.forPath(spark, quarantine).restoreToVersion(f.version(Table.QUARANTINE) - 1);

    String rerun = f.ingest(D1, replay("non_positive_price"));

    assertThat(f.transactions())
        .containsExactly("O1:1 1 " + first, "O2:1 2 " + replayed, "O3:1 3 " + replayed);
    assertThat(f.quarantineReleases()).containsExactlyElementsOf(zeroPricesReleasedBy(rerun));
    // Counted as the clean run counted it: accepted, not duplicates of the crashed run's rows.
    assertThat(f.transactionCounts(rerun)).isEqualTo(f.transactionCounts(replayed));
  }

  @Test
  void aReplayedLineWhoseFileIsGoneStaysInQuarantine(SparkSession spark) throws Exception {
    IngestFixture f = quarantinedThenFixed(spark, "replay-gone");
    java.nio.file.Files.delete(f.raw.resolve("transactions").resolve("2026-11-21.csv"));
    f.write("transactions", "2026-11-22.csv", IngestFixture.TXN_HEADER);

    String replayed = f.ingest(D1, replay("non_positive_price"));

    assertThat(f.quarantineReleases())
        .containsExactly(
            "3 [non_positive_price] null",
            "4 [non_positive_price] null",
            "5 [non_positive_price, bad_quantity] null",
            "6 [bad_quantity] null");
    assertThat(f.transactionCounts(replayed)).isEqualTo("[succeeded,0,0,0,0,0,null]");
  }

  @Test
  void reasonsAreCheckedAgainstTheKnownOnes() {
    assertThat(replay().reasons()).isEmpty();
    assertThat(replay("non_positive_price,bad_quantity", "missing_required").reasons())
        .containsExactly("non_positive_price", "bad_quantity", "missing_required:");
    assertThat(replay("missing_required:ts").reasons()).containsExactly("missing_required:ts");
    assertThatThrownBy(() -> replay("zero_price"))
        .isInstanceOf(ConfigError.class)
        .hasMessage(
            "--reason 'zero_price' is not a quarantine reason; a replay takes "
                + QuarantineReplay.replayable()
                + " (one or more, repeated or comma-separated), or no --reason for every one.");
    assertThatThrownBy(() -> replay("corrupt_file"))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("--reason corrupt_file is the reason of a file rejected whole");
  }

  @Test
  void anUnknownReasonExitsTwoBeforeSparkNamingTheReplayableOnes() {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit;
    int withoutReplay;
    try {
      exit =
          Clientele.commandLine()
              .execute(
                  "ingest", "--replay-quarantine", "--reason", "non_positive_price,zero_price");
      withoutReplay = Clientele.commandLine().execute("ingest", "--reason", "non_positive_price");
    } finally {
      System.setErr(original);
    }
    assertThat(exit).isEqualTo(JobRunner.EXIT_USAGE);
    assertThat(withoutReplay).isEqualTo(JobRunner.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "clientele ingest: --reason 'zero_price' is not a quarantine reason; a replay takes"
                + " malformed_record, bad_encoding, unparseable_timestamp, missing_customer_id,"
                + " future_timestamp, implausible_timestamp, non_positive_price, bad_number,"
                + " bad_quantity, bad_discount, negative_cost, unknown_channel, unknown_currency,"
                + " no_rate, missing_version, duplicate_conflict, unknown_customer,"
                + " missing_required[:COLUMN], unparseable_value[:COLUMN], out_of_range[:COLUMN]"
                + " (one or more, repeated or comma-separated), or no --reason for every one.\n"
                + "clientele ingest: --reason only applies with --replay-quarantine.\n");
  }
}
