package dev.clientele.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incremental refresh's new day: which lines it takes from a tiny sample and how it rewrites
 * them.
 */
class NextDayDeliveryTest {
  private static final String HEADER =
      "order_id,line_no,customer_id,ts,product_id,brand,category,quantity,unit_price,discount,unit_cost,channel,store_id,original_order_id";

  @TempDir Path dir;

  @Test
  void takesTheLatestValidOrdersMovesThemToTheNewDayAndGivesThemNewIds() throws Exception {
    Path raw = dir.resolve("raw");
    write(
        raw.resolve("customers/customers.csv"),
        "customer_id,name",
        "C0000001,Ann",
        "C0000002,\"Bo, Jr\"");
    write(
        raw.resolve("transactions/2026-11-19.csv"),
        HEADER,
        "O000000001,1,C0000001,2026-11-19 10:00:00,P00001,Luba,grocery,1,2.00,0.00,1.00,web,,",
        "O000000002,1,C0000002,2026-11-19 09:00:00,P00002,\"Castillo, Tanaka & Sons\",skincare,2,3.00,0.50,1.00,store,S001,");
    write(
        raw.resolve("transactions/2026-11-20.csv"),
        HEADER,
        "O000000003,1,C0000001,2026-11-20 08:00:00,P00003,Noia,fragrance,1,47.99,0.00,30.19,app,,",
        "O000000003,2,C0000001,2026-11-20 08:00:00,P00004,Noia,fragrance,1,-47.99,0.00,30.19,app,,", // negative price
        "O000000003,3,C0000001,2026-11-20 08:00:00,P00005,Vorin,skincare,1,30.00,0.00,12.19,app,,",
        "O000000003,1,C0000001,2026-11-20 08:00:00,P00003,Noia,fragrance,2,47.99,0.00,30.19,app,,", // conflicting duplicate
        "O000000004,1,C0009999,2026-11-20 08:10:00,P00003,Noia,fragrance,1,47.99,0.00,30.19,app,,", // unknown customer
        "O000000005,1,,2026-11-20 08:20:00,P00003,Noia,fragrance,1,47.99,0.00,30.19,app,,", // no
        // customer
        "O000000006,1,C0000002,2026-11-20 25:61:00,P00003,Noia,fragrance,1,47.99,0.00,30.19,app,,", // bad time
        "O000000007,1,C0000002,2027-01-05 12:00:00,P00003,Noia,fragrance,1,47.99,0.00,30.19,app,,", // future
        "NULL",
        "O000000008,1,C0000002,2026-11-20 07:30:00,P00002,\"Castillo, Tanaka & Sons\",skincare,-1,3.00,0.25,1.00,store,S001,O000000002");
    Path target = dir.resolve("work/transactions");
    assertThat(NextDayDelivery.mirror(raw.resolve("transactions"), target)).isEqualTo(2);

    // 12 data lines: a third is 4 lines, so the 3 valid ones of the 20th and the last order of the
    // 19th.
    NextDayDelivery.Delivery d =
        NextDayDelivery.write(
            raw.resolve("transactions"),
            raw.resolve("customers"),
            target,
            LocalDate.parse("2026-11-22"),
            1.0 / 3);

    assertThat(Files.readAllLines(target.resolve("2026-11-22.csv")))
        .containsExactly(
            HEADER,
            "O000000009,1,C0000002,2026-11-22 07:30:00,P00002,\"Castillo, Tanaka & Sons\",skincare,-1,3.00,0.25,1.00,store,S001,O000000002",
            "O000000010,1,C0000001,2026-11-22 08:00:00,P00003,Noia,fragrance,1,47.99,0.00,30.19,app,,",
            "O000000010,2,C0000001,2026-11-22 08:00:00,P00005,Vorin,skincare,1,30.00,0.00,12.19,app,,",
            "O000000011,1,C0000002,2026-11-22 09:00:00,P00002,\"Castillo, Tanaka & Sons\",skincare,2,3.00,0.50,1.00,store,S001,");
    assertThat(d)
        .isEqualTo(
            new NextDayDelivery.Delivery(
                target.resolve("2026-11-22.csv"),
                4,
                3,
                12,
                LocalDate.parse("2026-11-19"),
                LocalDate.parse("2026-11-20")));
    // The raw folder is untouched: the new day exists only among the links.
    try (Stream<Path> files = Files.list(raw.resolve("transactions"))) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted())
          .containsExactly("2026-11-19.csv", "2026-11-20.csv");
    }
  }

  private static void write(Path file, String... lines) throws Exception {
    Files.createDirectories(file.getParent());
    Files.write(file, List.of(lines));
  }
}
