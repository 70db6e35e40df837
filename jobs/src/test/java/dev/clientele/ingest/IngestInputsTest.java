package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.job.JobFailure;
import dev.clientele.common.table.Table;
import dev.clientele.testing.SparkTestExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * JSON, Parquet and gzip inputs, files rejected whole (truncated gzip, UTF-16), empty files, and
 * files known by their content.
 */
@ExtendWith(SparkTestExtension.class)
class IngestInputsTest {
  static final String[] DAY = {
    IngestFixture.TXN_HEADER,
    "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,2,10.00,1.00,5.00,store,S01,",
    "O2,1,C2,2026-11-20 11:00:00,P2,B1,bags,1,30.00,0,,web,,",
  };

  private static List<String> transactions(IngestFixture f) {
    return f
        .table(Table.TRANSACTIONS)
        .selectExpr("txn_id", "customer_id", "cast(ts as string)", "cast(amount as string)")
        .orderBy("txn_id")
        .collectAsList()
        .stream()
        .map(Row::toString)
        .toList();
  }

  private static String lastRun(IngestFixture f, String source) {
    Row r =
        f.table(Table.RUNS)
            .where("source = '" + source + "'")
            .orderBy(functions.col("started_at").desc())
            .first();
    return r.getAs("status")
        + " read="
        + r.getAs("records_read")
        + " accepted="
        + r.getAs("records_accepted")
        + " quarantined="
        + r.getAs("records_quarantined")
        + " duplicate="
        + r.getAs("records_duplicate");
  }

  static byte[] gzip(String... lines) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      for (String l : lines) gz.write((l + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  @Test
  void jsonLinesAreMappedAndAMalformedLineIsQuarantinedWithItsNumber(SparkSession spark) {
    IngestFixture f =
        new IngestFixture(spark, "json")
            .set("clientele.ingest.sources.transactions.format=json")
            .set(
                "clientele.ingest.sources.transactions.columns=[order_id, line_no, customer_id, ts,"
                    + " product_id, quantity, unit_price]");
    f.write(
        "transactions",
        "2026-11-20.json",
        "{\"order_id\":\"O1\",\"line_no\":1,\"customer_id\":\"C1\",\"ts\":\"2026-11-20 10:00:00\","
            + "\"product_id\":\"P1\",\"quantity\":2,\"unit_price\":\"10.00\"}",
        "not json",
        "{\"order_id\":\"O2\",\"line_no\":1,\"customer_id\":\"C2\",\"ts\":\"2026-11-20T11:00:00Z\","
            + "\"product_id\":\"P2\",\"quantity\":1,\"unit_price\":30}");
    f.ingest();
    assertThat(transactions(f))
        .containsExactly(
            "[O1:1,C1,2026-11-20 10:00:00,20.00]", "[O2:1,C2,2026-11-20 11:00:00,30.00]");
    assertThat(f.quarantine("transactions")).containsExactly("2 [malformed_record]");
    assertThat(lastRun(f, "transactions"))
        .isEqualTo("succeeded read=3 accepted=2 quarantined=1 duplicate=0");
  }

  @Test
  void zeroPriceIsAcceptedByRuleAndANegativePriceIsAlwaysQuarantined(SparkSession spark) {
    IngestFixture f =
        new IngestFixture(spark, "zero-price").set("clientele.ingest.rules.zero-price=accept");
    f.write(
        "transactions",
        "2026-11-20.csv",
        IngestFixture.TXN_HEADER,
        "O1,1,C1,2026-11-20 10:00:00,P1,B1,gift,1,0.00,0,,web,,",
        "O2,1,C1,2026-11-20 10:00:00,P1,B1,shoes,1,-0.01,0,,web,,");
    f.ingest();
    assertThat(transactions(f)).containsExactly("[O1:1,C1,2026-11-20 10:00:00,0.00]");
    assertThat(f.quarantine("transactions")).containsExactly("3 [non_positive_price]");
  }

  @Test
  void parquetRowsAreNumberedAndTyped(SparkSession spark) {
    IngestFixture f =
        new IngestFixture(spark, "parquet")
            .set("clientele.ingest.sources.transactions.format=parquet");
    spark
        .sql(
            "SELECT * FROM VALUES ('O1', 1, 'C1', timestamp'2026-11-20 10:00:00', 'P1', 2, 10.0D),"
                + " ('O2', 1, 'C2', timestamp'2026-11-20 11:00:00', 'P2', 1, -5.0D)"
                + " AS t(order_id, line_no, customer_id, ts, product_id, quantity, unit_price)")
        .coalesce(1)
        .write()
        .parquet(f.raw.resolve("transactions").toString());
    f.ingest();
    assertThat(transactions(f)).containsExactly("[O1:1,C1,2026-11-20 10:00:00,20.00]");
    assertThat(f.quarantine("transactions")).containsExactly("2 [non_positive_price]");
    assertThat(f.table(Table.QUARANTINE).first().<String>getAs("raw"))
        .isEqualTo(
            "{\"order_id\":\"O2\",\"line_no\":1,\"customer_id\":\"C2\",\"ts\":\"2026-11-20T11:00:00.000Z\","
                + "\"product_id\":\"P2\",\"quantity\":1,\"unit_price\":-5.0}");
  }

  /**
   * #23 item 5 for Parquet: a file cut short and a file that is not Parquet fail Spark's read of
   * the batch; each is rejected whole and the good file is ingested.
   */
  @Test
  void aDamagedParquetFileIsRejectedAlone(SparkSession spark) throws IOException {
    IngestFixture f =
        new IngestFixture(spark, "parquet-bad")
            .set("clientele.ingest.sources.transactions.format=parquet");
    Path dir = f.raw.resolve("transactions");
    spark
        .sql(
            "SELECT 'O1' AS order_id, 1 AS line_no, 'C1' AS customer_id,"
                + " timestamp'2026-11-20 10:00:00' AS ts, 'P1' AS product_id, 2 AS quantity,"
                + " 10.0D AS unit_price")
        .coalesce(1)
        .write()
        .parquet(dir.toString());
    Path good;
    try (var files = Files.list(dir)) {
      good = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(good);
    Files.move(good, dir.resolve("a-good.parquet"));
    Files.write(dir.resolve("b-cut.parquet"), Arrays.copyOf(bytes, bytes.length - 20));
    Files.writeString(dir.resolve("c-text.parquet"), "order_id,line_no\nO9,1\n");

    f.ingest();

    assertThat(transactions(f)).containsExactly("[O1:1,C1,2026-11-20 10:00:00,20.00]");
    // The cut file's last four bytes are whatever its footer had there: not pinned.
    assertThat(
            ledger(f).stream().map(r -> r.replaceAll("found \\[-?\\d+(, -?\\d+)*]", "found [..]")))
        .containsExactly(
            "a-good.parquet ingested null 1 1 0 0",
            "b-cut.parquet rejected corrupt_file: is not a Parquet file. Expected magic number at"
                + " tail, but found [..] 1 0 1 0",
            "c-text.parquet rejected corrupt_file: is not a Parquet file. Expected magic number at"
                + " tail, but found [..] 1 0 1 0");
    // "9,1\n", the text file's last four bytes.
    assertThat(ledger(f).get(2)).contains("but found [57, 44, 49, 10]");
  }

  /** The CDNOW example (conf/examples/cdnow.conf) over the given transaction lines. */
  private static IngestFixture cdnow(SparkSession spark, String name) {
    IngestFixture f = new IngestFixture(spark, name);
    f.confFiles.add(Path.of("../conf/examples/cdnow.conf"));
    f.overrides.removeIf(
        o -> o.startsWith("clientele.ingest.sources.") && !o.contains(".transactions."));
    return f;
  }

  private static List<String> cdnowLines(IngestFixture f) {
    return f
        .table(Table.TRANSACTIONS)
        .orderBy("txn_id")
        .selectExpr(
            "txn_id",
            "customer_id",
            "cast(ts as string)",
            "quantity",
            "cast(unit_price as string)",
            "cast(amount as string)")
        .collectAsList()
        .stream()
        .map(Row::toString)
        .toList();
  }

  /**
   * #18 item 7: a whitespace-aligned log without line numbers (the CDNOW example), where identical
   * lines are two purchases told apart by _record_number, and a free item is accepted by rule.
   */
  @Test
  void aWhitespaceAlignedLogIsSplitAtRunsOfBlanks(SparkSession spark) {
    IngestFixture f = cdnow(spark, "cdnow");
    f.write(
        "transactions",
        "CDNOW_master.txt",
        "00001 19970101  1  11.77",
        "00002 19970112  1  12.00",
        "00002 19970112  5  77.00",
        "00002 19970112  5  77.00",
        "00003 19970102  2   0.00",
        "00004 19970103  1",
        "\t00005   19970104\t3   30.00  ");

    f.ingest();

    assertThat(cdnowLines(f))
        .containsExactly(
            "[00001-19970101:1,00001,1997-01-01 00:00:00,1.0,11.7700,11.77]",
            "[00002-19970112:2,00002,1997-01-12 00:00:00,1.0,12.0000,12.00]",
            "[00002-19970112:3,00002,1997-01-12 00:00:00,5.0,15.4000,77.00]",
            "[00002-19970112:4,00002,1997-01-12 00:00:00,5.0,15.4000,77.00]",
            "[00003-19970102:5,00003,1997-01-02 00:00:00,2.0,0.0000,0.00]",
            "[00005-19970104:7,00005,1997-01-04 00:00:00,3.0,10.0000,30.00]");
    assertThat(f.quarantine("transactions")).containsExactly("6 [malformed_record]");
  }

  /**
   * #18 item 7: fixed-width fields by character position, the header split the same way and checked
   * against columns; a line short of its last field or longer than the layout is malformed.
   */
  @Test
  void aFixedWidthFileIsSplitAtItsPositions(SparkSession spark) {
    IngestFixture f =
        cdnow(spark, "fixed")
            .set("clientele.ingest.sources.transactions.layout=fixed-width")
            .set("clientele.ingest.sources.transactions.widths=[8, 8, 3, 8]")
            .set("clientele.ingest.sources.transactions.header=true");
    f.write(
        "transactions",
        "fixed.txt",
        "customerday     cds dollars",
        "0000000119970101  1   11.77",
        "0000000219970112  1",
        "0000000319970113  2   20.00X",
        "0000000419970114  1    5.00   ");

    f.ingest();

    assertThat(cdnowLines(f))
        .containsExactly(
            "[00000001-19970101:2,00000001,1997-01-01 00:00:00,1.0,11.7700,11.77]",
            "[00000004-19970114:5,00000004,1997-01-14 00:00:00,1.0,5.0000,5.00]");
    assertThat(f.quarantine("transactions"))
        .containsExactly("3 [malformed_record]", "4 [malformed_record]");
  }

  /** The checksum a rejected file is recorded with: the delivery, "unread:size:mtime". */
  private static String delivery(Path file) throws IOException {
    return "unread:" + Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis();
  }

  /** ingest_files as "file status reason records accepted quarantined duplicate", by path. */
  private static List<String> ledger(IngestFixture f) {
    return f
        .table(Table.INGEST_FILES)
        .orderBy("path")
        .selectExpr(
            "substring_index(path, '/', -1)",
            "status",
            "reason",
            "records",
            "records_accepted",
            "records_quarantined",
            "records_duplicate")
        .collectAsList()
        .stream()
        .map(r -> r.mkString(" "))
        .toList();
  }

  /**
   * #23 item 5, in one ingest: beside a good gzip file, a truncated gzip and a UTF-16 file in a
   * UTF-8 source are rejected whole (ledger, quarantine, counts), a 0-byte and a header-only file
   * are recorded with 0 records, and the good file is ingested; the reject ceiling still applies.
   */
  @Test
  void aBadFileIsOneFilesProblem(SparkSession spark) throws IOException {
    IngestFixture f = new IngestFixture(spark, "bad-files");
    Path dir = Files.createDirectories(f.raw.resolve("transactions"));
    Files.write(dir.resolve("2026-11-20.csv.gz"), gzip(DAY));
    byte[] whole =
        gzip(
            IngestFixture.TXN_HEADER,
            "O3,1,C1,2026-11-21 10:00:00,P1,B1,shoes,1,10.00,0,,web,,",
            "O4,1,C1,2026-11-21 10:00:00,P1,B1,shoes,1,10.00,0,,web,,");
    Path truncated = dir.resolve("2026-11-21.csv.gz");
    Files.write(truncated, Arrays.copyOf(whole, whole.length - 12));
    Files.write(
        dir.resolve("2026-11-22.csv"),
        ("\uFEFF" + String.join("\n", DAY) + "\n").getBytes(StandardCharsets.UTF_16LE));
    Files.write(dir.resolve("empty.csv"), new byte[0]);
    f.write("transactions", "header-only.csv", IngestFixture.TXN_HEADER);

    // Two rejected files of four records read: over a 40% ceiling, the run fails before silver.
    f.overrides.removeIf(o -> o.startsWith("clientele.ingest.rules.max-reject-rate"));
    f.set("clientele.ingest.rules.max-reject-rate=0.4");
    assertThatThrownBy(f::ingest)
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith(
            "transactions rejected 2 of 4 records (50.00%, ceiling 40.00%); top reasons:"
                + " corrupt_file 1, wrong_encoding 1.");
    assertThat(f.exists(Table.TRANSACTIONS)).isFalse();
    assertThat(f.exists(Table.INGEST_FILES)).isFalse();
    f.set("clientele.ingest.rules.max-reject-rate=1.0");
    f.ingest();

    assertThat(transactions(f))
        .containsExactly(
            "[O1:1,C1,2026-11-20 10:00:00,19.00]", "[O2:1,C2,2026-11-20 11:00:00,30.00]");
    assertThat(ledger(f))
        .containsExactly(
            "2026-11-20.csv.gz ingested null 2 2 0 0",
            "2026-11-21.csv.gz rejected corrupt_file: Unexpected end of input stream 1 0 1 0",
            "2026-11-22.csv rejected wrong_encoding: UTF-16 byte order mark in a UTF-8 source 1 0 1 0",
            "empty.csv ingested null 0 0 0 0",
            "header-only.csv ingested null 0 0 0 0");
    // One row per rejected file, record number 0, no raw text; the failed run's rows are the same
    // rows (keyed by the delivery), not added twice.
    assertThat(
            f
                .table(Table.QUARANTINE)
                .orderBy("source_file")
                .selectExpr(
                    "substring_index(source_file, '/', -1)",
                    "record_number",
                    "raw",
                    "array_join(reasons, '|')",
                    "file_checksum")
                .collectAsList()
                .stream()
                .map(r -> r.mkString(" "))
                .toList())
        .containsExactly(
            "2026-11-21.csv.gz 0 null corrupt_file: Unexpected end of input stream "
                + delivery(truncated),
            "2026-11-22.csv 0 null wrong_encoding: UTF-16 byte order mark in a UTF-8 source "
                + delivery(dir.resolve("2026-11-22.csv")));
    assertThat(lastRun(f, "transactions"))
        .isEqualTo("succeeded read=4 accepted=2 quarantined=2 duplicate=0");
    assertThat(
            f.table(Table.RUNS)
                .where("source = 'transactions' AND status = 'succeeded'")
                .first()
                .<String>getAs("message"))
        .isEqualTo(
            "2 file(s) rejected whole (see ingest_files): corrupt_file 1, wrong_encoding 1;"
                + " top reasons: corrupt_file 1, wrong_encoding 1");

    // The rerun: every file is in the ledger, none is read, no table but runs changes.
    List<Long> versions =
        List.of(
            f.version(Table.TRANSACTIONS),
            f.version(Table.QUARANTINE),
            f.version(Table.INGEST_FILES));
    f.ingest();
    assertThat(lastRun(f, "transactions"))
        .isEqualTo("skipped read=0 accepted=0 quarantined=0 duplicate=0");
    assertThat(
            List.of(
                f.version(Table.TRANSACTIONS),
                f.version(Table.QUARANTINE),
                f.version(Table.INGEST_FILES)))
        .isEqualTo(versions);

    // The complete file delivered again (another size) is read as new.
    Files.write(truncated, whole);
    f.ingest();
    assertThat(transactions(f)).hasSize(4);
    assertThat(lastRun(f, "transactions"))
        .isEqualTo("succeeded read=2 accepted=2 quarantined=0 duplicate=0");
    assertThat(f.table(Table.QUARANTINE).count()).isEqualTo(2);
  }

  @Test
  void aMovedOrRenamedFileIsNotReadTwiceAndAFileChangedInPlaceIsNewContent(SparkSession spark)
      throws IOException {
    IngestFixture f = new IngestFixture(spark, "moved");
    Path first = f.write("transactions", "2026-11-20.csv", DAY);
    f.ingest();
    long silver = f.version(Table.TRANSACTIONS);

    // The landing folder's file renamed (a new path and modification time, the same bytes).
    Path renamed = first.resolveSibling("export-2026-11-20.csv");
    Files.move(first, renamed);
    Files.setLastModifiedTime(renamed, FileTime.fromMillis(1_700_000_000_000L));
    f.ingest();
    assertThat(lastRun(f, "transactions"))
        .isEqualTo("succeeded read=2 accepted=0 quarantined=0 duplicate=2");
    assertThat(f.version(Table.TRANSACTIONS)).isEqualTo(silver);
    assertThat(f.table(Table.INGEST_FILES).count()).isEqualTo(2);
    f.ingest(); // now known by path: not even read
    assertThat(f.table(Table.RUNS).where("source = 'transactions'").count()).isEqualTo(3);
    assertThat(lastRun(f, "transactions"))
        .isEqualTo("skipped read=0 accepted=0 quarantined=0 duplicate=0");

    // Changed in place: one line kept, one changed, one added.
    Files.writeString(
        renamed,
        String.join(
                "\n",
                IngestFixture.TXN_HEADER,
                "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,2,10.00,1.00,5.00,store,S01,",
                "O2,1,C2,2026-11-20 11:00:00,P2,B1,bags,3,30.00,0,,web,,",
                "O5,1,C2,2026-11-20 12:00:00,P2,B1,bags,1,30.00,0,,web,,")
            + "\n");
    f.ingest();
    assertThat(lastRun(f, "transactions"))
        .isEqualTo("succeeded read=3 accepted=1 quarantined=1 duplicate=1");
    assertThat(f.quarantine("transactions")).containsExactly("3 [duplicate_conflict]");
    assertThat(transactions(f))
        .containsExactly(
            "[O1:1,C1,2026-11-20 10:00:00,19.00]",
            "[O2:1,C2,2026-11-20 11:00:00,30.00]",
            "[O5:1,C2,2026-11-20 12:00:00,30.00]");

    // Delivered once more under the same name: line 3 (O2, still conflicting) is quarantined again
    // and recorded beside the earlier delivery's line 3, since the content differs (#23 item 6;
    // keyed by file and line alone, it was silently dropped), and quarantine reconciles with runs.
    Files.writeString(
        renamed,
        String.join(
                "\n",
                IngestFixture.TXN_HEADER,
                "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,2,10.00,1.00,5.00,store,S01,",
                "O2,1,C2,2026-11-20 11:00:00,P2,B1,bags,3,30.00,0,,web,,",
                "O6,1,C2,2026-11-20 13:00:00,P2,B1,bags,1,-30.00,0,,web,,")
            + "\n");
    f.ingest();
    assertThat(lastRun(f, "transactions"))
        .isEqualTo("succeeded read=3 accepted=0 quarantined=2 duplicate=1");
    assertThat(f.quarantine("transactions"))
        .containsExactly(
            "3 [duplicate_conflict]", "3 [duplicate_conflict]", "4 [non_positive_price]");
    assertThat(
            f.table(Table.RUNS)
                .where("source = 'transactions'")
                .agg(org.apache.spark.sql.functions.sum("records_quarantined"))
                .first()
                .getLong(0))
        .isEqualTo(f.table(Table.QUARANTINE).where("source = 'transactions'").count());
  }
}
