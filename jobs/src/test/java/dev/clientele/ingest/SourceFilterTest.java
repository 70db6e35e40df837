package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.config.ConfigError;
import dev.clientele.common.table.Table;
import dev.clientele.testing.SparkTestExtension;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * #18 item 8: a source's filter keeps the records it is about; the rest are counted as filtered,
 * kept nowhere, and read = accepted + quarantined + duplicate + filtered per file and per run.
 */
@ExtendWith(SparkTestExtension.class)
class SourceFilterTest {
  private static final String HEADER =
      "complaint_id,customer_id,order_id,opened_at,resolved_at,category,severity,type";

  private static IngestFixture mixedFeed(SparkSession spark, String name) {
    IngestFixture f =
        new IngestFixture(spark, name)
            .set("clientele.ingest.sources.complaints.filter=\"type = 'complaint'\"");
    f.write(
        "transactions",
        "2026-11-19.csv",
        IngestFixture.TXN_HEADER,
        "O1,1,C1,2026-11-19 10:00:00,P1,B1,shoes,1,10.00,0,,web,,");
    return f;
  }

  private static List<String> ledger(IngestFixture f) {
    return f
        .table(Table.INGEST_FILES)
        .where("source = 'complaints'")
        .selectExpr(
            "records",
            "records_accepted",
            "records_quarantined",
            "records_duplicate",
            "records_filtered")
        .collectAsList()
        .stream()
        .map(Row::toString)
        .toList();
  }

  @Test
  void recordsOutsideTheFilterAreCountedAsFilteredAndKeptNowhere(SparkSession spark) {
    IngestFixture f = mixedFeed(spark, "filter");
    f.write(
        "complaints",
        "reviews-2026-11-19.csv",
        HEADER,
        "K1,C1,O1,2026-11-19 12:00:00,,quality,high,complaint",
        "R1,C1,O1,2026-11-19 12:30:00,,,,review",
        // Outside the filter, so its bad date is no reason to quarantine it.
        "R2,C1,O1,not a time,,,,review",
        "K2,C1,O1,not a time,,service,low,complaint",
        // A malformed line cannot be judged by the filter: quarantined.
        "K3,C1,\"O1",
        // Outside the filter although its key is K1's: it competes for no key.
        "K1,C1,O1,2026-11-19 12:00:00,,price,low,survey");

    f.ingest();

    assertThat(f.table(Table.COMPLAINTS).selectExpr("complaint_id", "category").collectAsList())
        .extracting(Row::toString)
        .containsExactly("[K1,quality]");
    assertThat(f.quarantine("complaints"))
        .containsExactly("5 [unparseable_timestamp]", "6 [malformed_record]");
    assertThat(ledger(f)).containsExactly("[6,1,2,0,3]");
    Row run =
        f.table(Table.RUNS)
            .where("source = 'complaints'")
            .selectExpr(
                "records_read",
                "records_accepted",
                "records_quarantined",
                "records_duplicate",
                "records_filtered")
            .first();
    assertThat(run.toString()).isEqualTo("[6,1,2,0,3]");
    // Other sources have no filter: 0 filtered.
    assertThat(
            f.table(Table.RUNS)
                .where("source = 'transactions'")
                .selectExpr("records_read", "records_filtered")
                .first()
                .toString())
        .isEqualTo("[1,0]");
  }

  @Test
  void aFilterNamingNoColumnOfTheFilesIsAConfigError(SparkSession spark) {
    IngestFixture f =
        mixedFeed(spark, "filter-bad")
            .set("clientele.ingest.sources.complaints.filter=\"kind = 1\"");
    f.write("complaints", "c.csv", HEADER, "K1,C1,O1,2026-11-19 12:00:00,,quality,high,complaint");

    assertThatThrownBy(f::ingest)
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith(
            "Config key 'clientele.ingest.sources.complaints.filter': cannot be evaluated over the"
                + " columns of the complaints files (complaint_id, customer_id, order_id,"
                + " opened_at, resolved_at, category, severity, type): ")
        .hasMessageContaining("`kind`");
    assertThat(f.exists(Table.COMPLAINTS)).isFalse();
  }
}
