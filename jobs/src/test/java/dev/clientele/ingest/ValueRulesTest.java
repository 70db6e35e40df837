package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.table.Table;
import dev.clientele.testing.SparkTestExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The value rules of #23 (bad_number, bad_quantity, bad_discount, negative_cost, unknown_channel,
 * implausible_timestamp, bad_encoding) and the as-of boundary in the source's time zone: one line
 * per reason and each rule's edges, with the exact reasons of every line.
 */
@ExtendWith(SparkTestExtension.class)
class ValueRulesTest {
  private static final String T = "O%d,1,C1,%s,P1,B1,shoes,%s,%s,%s,%s,%s,,";
  private static final String DAY = "2026-11-20 10:00:00";

  /** A transaction line: quantity, unit_price, discount, unit_cost, channel at a given time. */
  private static String line(int order, String ts, String q, String price, String disc) {
    return line(order, ts, q, price, disc, "", "web");
  }

  private static String line(
      int order, String ts, String q, String price, String disc, String cost, String channel) {
    return String.format(T, order, ts, q, price, disc, cost, channel);
  }

  @Test
  void eachValueRuleHasItsReasonAndItsEdges(SparkSession spark) {
    IngestFixture f =
        new IngestFixture(spark, "value-rules")
            .set("clientele.ingest.rules.channels=[store, web, app]");
    Path file =
        f.write(
            "transactions",
            "2026-11-20.csv",
            IngestFixture.TXN_HEADER,
            line(2, DAY, "1", "10.00", "0"), // 2 valid
            line(3, DAY, "1", "10.00", "x"), // 3 discount not a number: never 0
            line(4, DAY, "x", "10.00", "0"), // 4 quantity not a number
            line(5, DAY, "NaN", "10.00", "0"), // 5 a double parses NaN: still no number
            line(6, DAY, "Infinity", "10.00", "0"), // 6 nor Infinity
            line(7, DAY, "1.5", "10.00", "0"), // 7 not whole
            line(8, DAY, "0", "10.00", "0"), // 8 zero
            line(9, DAY, "999999999", "1.00", "0"), // 9 far above max-quantity
            line(10, DAY, "10000", "1.00", "0"), // 10 max-quantity itself
            line(11, DAY, "10001", "1.00", "0"), // 11 max-quantity + 1
            line(12, DAY, "-10000", "1.00", "0"), // 12 a return of max-quantity
            line(13, DAY, "-2", "10.00", "1.00"), // 13 a return with its discount given back
            line(14, DAY, "1", "10.00", "-0.01"), // 14 negative discount
            line(15, DAY, "1", "10.00", "10.00"), // 15 discount = the line's price: a free line
            line(16, DAY, "1", "10.00", "10.01"), // 16 price + 0.01
            line(17, DAY, "3", "1.15", "3.45"), // 17 = 3 x 1.15 exactly (3.4499999... as double)
            line(18, DAY, "-3", "1.15", "3.46"), // 18 a return's discount: against |quantity|
            line(19, DAY, "1", "10.00", "0", "-0.01", "web"), // 19 negative cost
            line(20, DAY, "1", "10.00", "0", "0", "web"), // 20 zero cost
            line(21, DAY, "1", "10.00", "0", "", "WEB"), // 21 channels are case-sensitive
            line(22, DAY, "1", "10.00", "0", "", "fax"), // 22 not in the list
            line(23, DAY, "1", "10.00", "0", "", ""), // 23 no channel: not unknown
            line(24, "1900-01-01 00:00:00", "1", "10.00", "0"), // 24 placeholder year
            line(25, "1970-01-01 00:00:00", "1", "10.00", "0"), // 25 epoch 0
            line(26, "1999-12-31 23:59:59", "1", "10.00", "0"), // 26 the day before earliest
            line(27, "2000-01-01 00:00:00", "1", "10.00", "0"), // 27 earliest-date itself
            line(28, DAY, "1", "abc", "0"), // 28 other columns keep unparseable_value
            line(29, DAY, "1", "10.00", ""), // 29 empty discount = no discount
            line(30, "1970-01-01 00:00:00", "1.5", "10.00", "-1", "-2", "fax"), // 30 all at once
            line(31, DAY, "x", "10.00", "y")); // 31 both numbers bad: one reason
    assertThat(
            ValidationRulesTest.reasonsByLine(
                spark,
                ValidationRulesTest.checked(spark, f, SourceKind.TRANSACTIONS, file),
                SourceKind.TRANSACTIONS))
        .containsExactly(
            "2 []",
            "3 [bad_number]",
            "4 [bad_number]",
            "5 [bad_number]",
            "6 [bad_number]",
            "7 [bad_quantity]",
            "8 [bad_quantity]",
            "9 [bad_quantity]",
            "10 []",
            "11 [bad_quantity]",
            "12 []",
            "13 []",
            "14 [bad_discount]",
            "15 []",
            "16 [bad_discount]",
            "17 []",
            "18 [bad_discount]",
            "19 [negative_cost]",
            "20 []",
            "21 [unknown_channel]",
            "22 [unknown_channel]",
            "23 []",
            "24 [implausible_timestamp]",
            "25 [implausible_timestamp]",
            "26 [implausible_timestamp]",
            "27 []",
            "28 [unparseable_value:unit_price]",
            "29 []",
            "30 [implausible_timestamp, bad_quantity, bad_discount, negative_cost, unknown_channel]",
            "31 [bad_number]");
  }

  /**
   * Without a channel list any channel is accepted; max-quantity and earliest-date are settings.
   */
  @Test
  void theLimitsAreSettings(SparkSession spark) {
    IngestFixture f =
        new IngestFixture(spark, "value-rules-settings")
            .set("clientele.ingest.rules.max-quantity=5")
            .set("clientele.ingest.rules.earliest-date=\"2026-01-01\"");
    Path file =
        f.write(
            "transactions",
            "2026-11-20.csv",
            IngestFixture.TXN_HEADER,
            line(2, DAY, "5", "1.00", "0", "", "fax"), // 2 max, any channel
            line(3, DAY, "-6", "1.00", "0"), // 3 above max
            line(4, "2025-12-31 23:59:59", "1", "1.00", "0"), // 4 before earliest
            line(5, "2026-01-01 00:00:00", "1", "1.00", "0")); // 5 earliest
    assertThat(
            ValidationRulesTest.reasonsByLine(
                spark,
                ValidationRulesTest.checked(spark, f, SourceKind.TRANSACTIONS, file),
                SourceKind.TRANSACTIONS))
        .containsExactly("2 []", "3 [bad_quantity]", "4 [implausible_timestamp]", "5 []");
  }

  /**
   * The as-of day ends at 24:00 in the source's time zone, not in UTC: 23:59:59 local is the last
   * accepted second, one second later is future_timestamp (also for a value with its own offset),
   * and earliest-date starts at 00:00 local.
   */
  @Test
  void theAsOfBoundaryIsExactInTheSourcesTimeZone(SparkSession spark) {
    IngestFixture f =
        new IngestFixture(spark, "value-rules-zone")
            .set("clientele.ingest.sources.transactions.time-zone=\"America/New_York\"");
    Path file =
        f.write(
            "transactions",
            "2026-11-21.csv",
            IngestFixture.TXN_HEADER,
            line(2, "2026-11-21 23:59:59", "1", "1.00", "0"), // 2 last second of the as-of day
            line(3, "2026-11-22 00:00:00", "1", "1.00", "0"), // 3 one second past it
            line(4, "2026-11-22T04:59:59Z", "1", "1.00", "0"), // 4 = 23:59:59 in New York
            line(5, "2026-11-22T05:00:00Z", "1", "1.00", "0"), // 5 = 00:00:00 on the 22nd there
            line(6, "2000-01-01 00:00:00", "1", "1.00", "0"), // 6 earliest-date, local
            line(7, "2000-01-01T04:59:59Z", "1", "1.00", "0")); // 7 = 23:59:59 on 1999-12-31
    assertThat(
            ValidationRulesTest.reasonsByLine(
                spark,
                ValidationRulesTest.checked(spark, f, SourceKind.TRANSACTIONS, file),
                SourceKind.TRANSACTIONS))
        .containsExactly(
            "2 []",
            "3 [future_timestamp]",
            "4 []",
            "5 [future_timestamp]",
            "6 []",
            "7 [implausible_timestamp]");

    // The tolerance moves the boundary by whole minutes, still in local time.
    IngestFixture tolerant =
        new IngestFixture(spark, "value-rules-tolerance")
            .set("clientele.ingest.sources.transactions.time-zone=\"Asia/Tokyo\"")
            .set("clientele.ingest.rules.future-timestamp-tolerance-minutes=60");
    Path tokyo =
        tolerant.write(
            "transactions",
            "2026-11-21.csv",
            IngestFixture.TXN_HEADER,
            line(2, "2026-11-22 00:59:59", "1", "1.00", "0"),
            line(3, "2026-11-22 01:00:00", "1", "1.00", "0"));
    assertThat(
            ValidationRulesTest.reasonsByLine(
                spark,
                ValidationRulesTest.checked(spark, tolerant, SourceKind.TRANSACTIONS, tokyo),
                SourceKind.TRANSACTIONS))
        .containsExactly("2 []", "3 [future_timestamp]");
  }

  /**
   * Bytes invalid in the declared encoding: a Latin-1 é (0xE9) in a UTF-8 or US-ASCII source is
   * bad_encoding, as is a U+FFFD in the file; a real UTF-8 é, or 0xE9 declared ISO-8859-1, is valid
   * and stored as é. Through the whole ingest: nothing of a bad line reaches silver.
   */
  @Test
  void bytesInvalidInTheEncodingAreBadEncodingNeverMojibake(SparkSession spark) throws IOException {
    byte[] latin1 = {'C', 'a', 'f', (byte) 0xE9};
    IngestFixture f = new IngestFixture(spark, "value-rules-encoding");
    writeBytes(
        f,
        "2026-11-20.csv",
        text(IngestFixture.TXN_HEADER + "\n"),
        text("O2,1,C1," + DAY + ",P1,Café,shoes,1,10.00,0,,web,,\n"), // 2 UTF-8 é: valid
        text("O3,1,C1," + DAY + ",P1,"),
        latin1,
        text(",shoes,1,10.00,0,,web,,\n"), // 3 Latin-1 é in UTF-8
        text("O4,1,C1," + DAY + ",P1,Caf\uFFFD,shoes,1,10.00,0,,web,,\n"), // 4 U+FFFD itself
        text("O5,1,C1," + DAY + ",P1,B1,shoes,1,10.00,x,,web,,\n")); // 5 bad_number
    f.ingest();
    assertThat(f.quarantine("transactions"))
        .containsExactly("3 [bad_encoding]", "4 [bad_encoding]", "5 [bad_number]");
    List<Row> silver = f.table(Table.TRANSACTIONS).collectAsList();
    assertThat(silver).hasSize(1);
    assertThat(silver.get(0).<String>getAs("brand")).isEqualTo("Café");
    assertThat(f.table(Table.TRANSACTIONS).columns()).doesNotContain(RawRecords.BAD_ENCODING);

    for (String encoding : List.of("US-ASCII", "ISO-8859-1")) {
      IngestFixture g =
          new IngestFixture(spark, "value-rules-" + encoding)
              .set("clientele.ingest.sources.transactions.encoding=\"" + encoding + "\"");
      Path file =
          writeBytes(
              g,
              "2026-11-20.csv",
              text(IngestFixture.TXN_HEADER + "\n"),
              text("O2,1,C1," + DAY + ",P1,"),
              latin1,
              text(",shoes,1,10.00,0,,web,,\n"),
              text("O3,1,C1," + DAY + ",P1,B1,shoes,1,10.00,0,,web,,\n"));
      List<Row> checked =
          ValidationRulesTest.checked(spark, g, SourceKind.TRANSACTIONS, file)
              .orderBy(RawRecords.LINE)
              .collectAsList();
      assertThat(
              checked.stream()
                  .map(r -> r.getAs("brand") + " " + r.getList(r.fieldIndex("__reasons")))
                  .toList())
          .as(encoding)
          .containsExactly(
              encoding.equals("US-ASCII") ? "Caf\uFFFD [bad_encoding]" : "Café []", "B1 []");
    }
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Path writeBytes(IngestFixture f, String name, byte[]... parts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.write(p);
    Path path = f.raw.resolve("transactions").resolve(name);
    Files.createDirectories(path.getParent());
    Files.write(path, out.toByteArray());
    return path;
  }
}
