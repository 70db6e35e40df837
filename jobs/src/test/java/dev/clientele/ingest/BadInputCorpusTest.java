package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.table.Table;
import dev.clientele.testing.SparkTestExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * #23's bad-input corpus, generated here: one transaction line per reason code of ingest (and an
 * accepted line, an exact duplicate), and one file per way a whole file goes wrong (truncated gzip,
 * UTF-16, 0 bytes, Latin-1 in a UTF-8 source). One ingest; every line gets exactly its reason,
 * every file its ledger row, and read = accepted + quarantined + duplicate per source.
 */
@ExtendWith(SparkTestExtension.class)
class BadInputCorpusTest {
  /** Each line of the main file with the reasons it must get (empty: accepted). */
  static final Map<String, String> LINES = new LinkedHashMap<>();

  static {
    LINES.put("O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,2,10.00,1.00,5.00,store,S01,", "");
    LINES.put("this line,is,not a record", "[malformed_record]");
    LINES.put("O2,1,,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,0,,web,,", "[missing_customer_id]");
    LINES.put("O3,1,C1,20/11/2026 10h,P1,B1,shoes,1,10.00,0,,web,,", "[unparseable_timestamp]");
    LINES.put("O4,1,C1,2026-11-22 00:00:00,P1,B1,shoes,1,10.00,0,,web,,", "[future_timestamp]");
    LINES.put("O5,1,C1,2026-11-20 10:00:00,P1,B1,shoes,1,-5.00,0,,web,,", "[non_positive_price]");
    LINES.put("O6,1,C9,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,0,,web,,", "[unknown_customer]");
    LINES.put(
        "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,3,10.00,1.00,5.00,store,S01,",
        "[duplicate_conflict]");
    LINES.put(
        ",1,C1,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,0,,web,,", "[missing_required:order_id]");
    LINES.put("O7,1,C1,2026-11-20 10:00:00,P1,B1,shoes,abc,10.00,0,,web,,", "[bad_number]");
    LINES.put("O8,1,C1,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,x,,web,,", "[bad_number]");
    LINES.put("O9,1,C1,2026-11-20 10:00:00,P1,B1,shoes,1.5,10.00,0,,web,,", "[bad_quantity]");
    LINES.put("O10,1,C1,2026-11-20 10:00:00,P1,B1,shoes,0,10.00,0,,web,,", "[bad_quantity]");
    LINES.put(
        "O11,1,C1,2026-11-20 10:00:00,P1,B1,shoes,999999999,10.00,0,,web,,", "[bad_quantity]");
    LINES.put("O12,1,C1,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,-1.00,,web,,", "[bad_discount]");
    LINES.put("O13,1,C1,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,10.01,,web,,", "[bad_discount]");
    LINES.put("O14,1,C1,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,0,-1.00,web,,", "[negative_cost]");
    LINES.put("O15,1,C1,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,0,,fax,,", "[unknown_channel]");
    LINES.put(
        "O16,1,C1,1900-01-01 10:00:00,P1,B1,shoes,1,10.00,0,,web,,", "[implausible_timestamp]");
    LINES.put(
        "O17,1,C1,1970-01-01 00:00:00,P1,B1,shoes,1,10.00,0,,web,,", "[implausible_timestamp]");
  }

  /**
   * The exact duplicate of the first line: counted as a duplicate, neither kept nor quarantined.
   */
  static final String EXACT_DUPLICATE =
      "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,2,10.00,1.00,5.00,store,S01,";

  @Test
  void everyLineGetsItsReasonEveryFileItsLedgerRowAndTheCountsReconcile(SparkSession spark)
      throws Exception {
    IngestFixture f =
        new IngestFixture(spark, "corpus").set("clientele.ingest.rules.channels=[store, web]");
    f.write("customers", "customers.csv", IngestJobTest.CUSTOMERS);
    List<String> main = new ArrayList<>(List.of(IngestFixture.TXN_HEADER));
    main.addAll(LINES.keySet());
    main.add(EXACT_DUPLICATE);
    f.write("transactions", "2026-11-20.csv", main.toArray(String[]::new));
    Path dir = f.raw.resolve("transactions");
    // é as the single Latin-1 byte 0xE9: not UTF-8, never stored as mojibake.
    ByteArrayOutputStream latin1 = new ByteArrayOutputStream();
    latin1.write((IngestFixture.TXN_HEADER + "\n").getBytes(StandardCharsets.UTF_8));
    latin1.write(
        "O18,1,C1,2026-11-20 10:00:00,P1,Caf\u00e9,shoes,1,10.00,0,,web,,\n"
            .getBytes(StandardCharsets.ISO_8859_1));
    Files.write(dir.resolve("2026-11-19-latin1.csv"), latin1.toByteArray());
    byte[] gz = IngestInputsTest.gzip(IngestFixture.TXN_HEADER, LINES.keySet().iterator().next());
    Files.write(dir.resolve("2026-11-18.csv.gz"), Arrays.copyOf(gz, gz.length - 12));
    Files.write(
        dir.resolve("2026-11-17-utf16.csv"),
        ("\uFEFF" + IngestFixture.TXN_HEADER + "\n").getBytes(StandardCharsets.UTF_16LE));
    Files.write(dir.resolve("2026-11-16-empty.csv"), new byte[0]);

    f.ingest();

    List<String> expected = new ArrayList<>();
    int line = 1;
    for (String reasons : LINES.values()) {
      line++;
      if (!reasons.isEmpty()) expected.add("2026-11-20.csv " + line + " " + reasons);
    }
    expected.add("2026-11-19-latin1.csv 2 [bad_encoding]");
    expected.add("2026-11-18.csv.gz 0 [corrupt_file: ...]");
    expected.add(
        "2026-11-17-utf16.csv 0 [wrong_encoding: UTF-16 byte order mark in a UTF-8 source]");
    assertThat(
            f.table(Table.QUARANTINE).where("source = 'transactions'").collectAsList().stream()
                .map(BadInputCorpusTest::quarantineRow)
                .sorted()
                .toList())
        .containsExactlyElementsOf(expected.stream().sorted().toList());

    // Only the first line is kept, with its values as delivered.
    assertThat(
            f.table(Table.TRANSACTIONS)
                .selectExpr("txn_id", "quantity", "cast(discount as string)")
                .collectAsList()
                .toString())
        .isEqualTo("[[O1:1,2.0,1.00]]");

    assertThat(
            f
                .table(Table.INGEST_FILES)
                .where("source = 'transactions'")
                .selectExpr(
                    "substring_index(path, '/', -1)",
                    "status",
                    "records",
                    "records_accepted",
                    "records_quarantined",
                    "records_duplicate")
                .collectAsList()
                .stream()
                .map(Row::toString)
                .sorted()
                .toList())
        .containsExactly(
            "[2026-11-16-empty.csv,ingested,0,0,0,0]",
            "[2026-11-17-utf16.csv,rejected,1,0,1,0]",
            "[2026-11-18.csv.gz,rejected,1,0,1,0]",
            "[2026-11-19-latin1.csv,ingested,1,0,1,0]",
            "[2026-11-20.csv,ingested,21,1,19,1]");

    // read = accepted + quarantined + duplicate, and quarantine holds every quarantined record.
    assertThat(f.runCounts("source = 'transactions'"))
        .containsExactly("[transactions,succeeded,24,1,22,1]");
    assertThat(f.table(Table.QUARANTINE).where("source = 'transactions'").count()).isEqualTo(22);
  }

  /** "file record [reasons]", a corrupt file's decoder message shortened to "...". */
  private static String quarantineRow(Row r) {
    String file = r.<String>getAs("source_file");
    String reasons = r.getList(r.fieldIndex("reasons")).toString();
    if (reasons.startsWith("[corrupt_file: ")) reasons = "[corrupt_file: ...]";
    return file.substring(file.lastIndexOf('/') + 1)
        + " "
        + r.getAs("record_number")
        + " "
        + reasons;
  }
}
