package dev.clientele.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.testing.SparkTestExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local floor loads the days before the as-of, then only the new day, and the small sources.
 */
@ExtendWith(SparkTestExtension.class)
class LocalFloorTest {
  private static final String HEADER =
      "order_id,line_no,customer_id,ts,product_id,brand,category,quantity,unit_price,discount,unit_cost,channel,store_id,original_order_id";

  @TempDir Path dir;

  @Test
  void loadsTheDaysBeforeTheAsOfThenTheNewDayAndTheLatestVersions(SparkSession spark)
      throws Exception {
    Path raw = dir.resolve("raw");
    day(raw, "2026-11-19", "O1,1,C1,2026-11-19 10:00:00,P1,Zento,haircare,2,10.00,1.00,4.00,app,,");
    day(
        raw,
        "2026-11-20",
        "O2,1,C1,2026-11-20 10:00:00,P1,Zento,haircare,-1,10.00,0.00,4.00,app,,");
    day(raw, "2026-11-21", "O3,1,C2,2026-11-21 10:00:00,P1,Zento,haircare,1,10.00,0.00,4.00,app,,");
    write(
        raw.resolve("customers/customers.csv"),
        "customer_id,name,gender,income_band,region,updated_at",
        "C1,Ann,F,low,north,2025-01-01 00:00:00",
        "C1,Ann,F,low,south,2026-01-01 00:00:00",
        "C2,Bo,M,mid,east,2025-01-01 00:00:00");
    write(
        raw.resolve("surveys/surveys.csv"),
        "survey_id,customer_id,order_id,answered_at,csat,nps",
        "V1,C1,O1,2026-11-19 12:00:00,4,9");
    write(
        raw.resolve("complaints/complaints.csv"),
        "complaint_id,customer_id,order_id,opened_at,resolved_at,category,severity",
        "K1,C1,O1,2026-11-19 13:00:00,,service,low");
    write(
        raw.resolve("complaints/complaints-updates.csv"),
        "complaint_id,customer_id,order_id,opened_at,resolved_at,category,severity",
        "K1,C1,O1,2026-11-19 13:00:00,2026-11-20 09:00:00,service,low");
    Path silver = dir.resolve("silver");

    SparkFloor.Silver first =
        LocalFloor.load(spark, raw, silver, null, LocalDate.parse("2026-11-20"));
    assertThat(orders(spark, first.transactions())).containsExactly("O1|false|19.00");
    SparkFloor.Silver next =
        LocalFloor.load(
            spark, raw, silver, LocalDate.parse("2026-11-20"), LocalDate.parse("2026-11-21"));

    // The day of the as-of (2026-11-21) is not loaded; the return's amount is negative.
    assertThat(orders(spark, next.transactions()))
        .containsExactly("O1|false|19.00", "O2|true|-10.00");
    assertThat(rows(spark, next.customers())).containsExactly("C1|F|low|south", "C2|M|mid|east");
    assertThat(rows(spark, next.surveys())).containsExactly("C1|2026-11-19 12:00:00.0|4|9");
    assertThat(rows(spark, next.complaints()))
        .containsExactly("C1|2026-11-19 13:00:00.0|2026-11-20 09:00:00.0");
  }

  private static void day(Path raw, String date, String line) throws Exception {
    write(raw.resolve("transactions/" + date + ".csv"), HEADER, line);
  }

  private static void write(Path file, String... lines) throws Exception {
    Files.createDirectories(file.getParent());
    Files.write(file, List.of(lines));
  }

  private static List<String> orders(SparkSession spark, String table) {
    return spark
        .read()
        .format("delta")
        .load(table)
        .select("order_id", "is_return", "amount")
        .orderBy("order_id")
        .collectAsList()
        .stream()
        .map(r -> r.mkString("|"))
        .toList();
  }

  private static List<String> rows(SparkSession spark, String table) {
    return spark.read().format("delta").load(table).orderBy("customer_id").collectAsList().stream()
        .map(Row::toString)
        .map(s -> s.substring(1, s.length() - 1).replace(',', '|'))
        .toList();
  }
}
