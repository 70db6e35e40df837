package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;

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

/** JSON, Parquet and gzip inputs, a truncated gzip, and files known by their content. */
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

  @Test
  void gzipIsReadAndATruncatedGzipIsQuarantinedWhileTheOtherFilesAreIngested(SparkSession spark)
      throws IOException {
    IngestFixture f = new IngestFixture(spark, "gzip");
    Path dir = Files.createDirectories(f.raw.resolve("transactions"));
    Files.write(dir.resolve("2026-11-20.csv.gz"), gzip(DAY));
    byte[] whole =
        gzip(
            IngestFixture.TXN_HEADER,
            "O3,1,C1,2026-11-21 10:00:00,P1,B1,shoes,1,10.00,0,,web,,",
            "O4,1,C1,2026-11-21 10:00:00,P1,B1,shoes,1,10.00,0,,web,,");
    Files.write(dir.resolve("2026-11-21.csv.gz"), Arrays.copyOf(whole, whole.length - 12));
    f.ingest();

    assertThat(transactions(f))
        .containsExactly(
            "[O1:1,C1,2026-11-20 10:00:00,19.00]", "[O2:1,C2,2026-11-20 11:00:00,30.00]");
    Row corrupt = f.table(Table.QUARANTINE).first();
    assertThat(corrupt.<String>getAs("source_file")).endsWith("transactions/2026-11-21.csv.gz");
    assertThat(corrupt.<Long>getAs("record_number")).isZero();
    assertThat(corrupt.getList(corrupt.fieldIndex("reasons")))
        .containsExactly("corrupt_file: Unexpected end of input stream");
    assertThat(lastRun(f, "transactions"))
        .isEqualTo("succeeded read=2 accepted=2 quarantined=0 duplicate=0");
    // Both files are in the ledger: the truncated one is not read again until it is re-delivered.
    assertThat(
            f.table(Table.INGEST_FILES).orderBy("path").collectAsList().stream()
                .map(r -> r.<Long>getAs("records"))
                .toList())
        .containsExactly(2L, 0L);
    f.ingest();
    assertThat(f.table(Table.QUARANTINE).count()).isOne();

    // The complete file delivered again (another size) is read.
    Files.write(dir.resolve("2026-11-21.csv.gz"), whole);
    f.ingest();
    assertThat(transactions(f)).hasSize(4);
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
