package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.config.ConfigError;
import dev.clientele.common.table.Table;
import dev.clientele.testing.SparkTestExtension;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Updates as updates: each delivery rule of a source with versions (complaints). */
@ExtendWith(SparkTestExtension.class)
class ComplaintVersionsTest {
  static final String HEADER =
      "complaint_id,customer_id,order_id,opened_at,resolved_at,category,severity";

  private static IngestFixture dayOne(SparkSession spark, String name) {
    IngestFixture f = new IngestFixture(spark, name);
    f.write(
        "transactions",
        "2026-11-19.csv",
        IngestFixture.TXN_HEADER,
        "O1,1,C1,2026-11-19 10:00:00,P1,B1,shoes,1,10.00,0,,web,,");
    f.write(
        "complaints",
        "complaints-2026-11-19.csv",
        HEADER,
        "K1,C1,O1,2026-11-19 12:00:00,,quality,high", // opened, resolved on day 2
        "K2,C1,O1,2026-11-19 13:00:00,2026-11-19 15:00:00,service,low", // resolved at once
        "K3,C1,O1,2026-11-19 14:00:00,,price,low"); // still open
    return f;
  }

  /** complaint_id, resolved_at, category of silver complaints. */
  private static List<String> complaints(IngestFixture f, Table table) {
    return f
        .table(table)
        .orderBy(
            table == Table.COMPLAINTS
                ? new org.apache.spark.sql.Column[] {functions.col("complaint_id")}
                : new org.apache.spark.sql.Column[] {
                  functions.col("complaint_id"), functions.col("valid_from")
                })
        .selectExpr(
            table == Table.COMPLAINTS
                ? new String[] {
                  "complaint_id", "cast(resolved_at as string)", "category", "severity"
                }
                : new String[] {
                  "complaint_id",
                  "cast(resolved_at as string)",
                  "category",
                  "cast(valid_from as string)",
                  "cast(valid_to as string)"
                })
        .collectAsList()
        .stream()
        .map(Row::toString)
        .toList();
  }

  private static String lastRun(IngestFixture f) {
    Row r =
        f.table(Table.RUNS)
            .where("source = 'complaints'")
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

  @Test
  void aComplaintOpenedOnDayOneAndResolvedOnDayTwoShowsResolvedWithoutQuarantine(
      SparkSession spark) {
    IngestFixture f =
        dayOne(spark, "complaint-resolved").set("clientele.ingest.rules.max-reject-rate=0.05");
    f.ingest();
    assertThat(complaints(f, Table.COMPLAINTS))
        .containsExactly(
            "[K1,null,quality,high]",
            "[K2,2026-11-19 15:00:00,service,low]",
            "[K3,null,price,low]");

    f.write(
        "complaints",
        "complaints-2026-11-20.csv",
        HEADER,
        "K1,C1,O1,2026-11-19 12:00:00,2026-11-20 09:30:00,quality,high", // the update
        "K2,C1,O1,2026-11-19 13:00:00,2026-11-19 15:00:00,service,low", // exact re-delivery
        "K3,C1,O1,2026-11-19 14:00:00,,price,low"); // exact re-delivery of the open complaint
    String dayTwo = f.ingest(); // the 5% ceiling holds: nothing is quarantined

    assertThat(complaints(f, Table.COMPLAINTS))
        .containsExactly(
            "[K1,2026-11-20 09:30:00,quality,high]",
            "[K2,2026-11-19 15:00:00,service,low]",
            "[K3,null,price,low]");
    assertThat(complaints(f, Table.COMPLAINT_HISTORY))
        .containsExactly(
            "[K1,null,quality,2026-11-19 12:00:00,2026-11-20 09:30:00]",
            "[K1,2026-11-20 09:30:00,quality,2026-11-20 09:30:00,null]",
            "[K2,2026-11-19 15:00:00,service,2026-11-19 15:00:00,null]",
            "[K3,null,price,2026-11-19 14:00:00,null]");
    assertThat(f.exists(Table.QUARANTINE) ? f.quarantine("complaints") : List.of()).isEmpty();
    assertThat(lastRun(f)).isEqualTo("succeeded read=3 accepted=1 quarantined=0 duplicate=2");
    // The current version carries the run that delivered it.
    assertThat(
            f.table(Table.COMPLAINTS)
                .where("complaint_id = 'K1'")
                .first()
                .<String>getAs("ingest_run_id"))
        .isEqualTo(dayTwo);
  }

  @Test
  void anOlderVersionIsKeptInHistoryAndARealConflictIsStillQuarantined(SparkSession spark) {
    IngestFixture f = dayOne(spark, "complaint-conflict");
    f.ingest();
    f.write(
        "complaints",
        "complaints-2026-11-20.csv",
        HEADER,
        // K2's earlier, open version arrives late: history gains it, the current stays resolved.
        "K2,C1,O1,2026-11-19 13:00:00,,service,low",
        // K3: the same version time (still open) with other content: a real conflict with silver.
        "K3,C1,O1,2026-11-19 14:00:00,,delivery,low",
        // K4 twice in one file with one version time and different severities: the first wins.
        "K4,C1,O1,2026-11-20 08:00:00,,quality,low",
        "K4,C1,O1,2026-11-20 08:00:00,,quality,high",
        // K5 opened and resolved in one file: both versions, the resolved one current.
        "K5,C1,O1,2026-11-20 08:00:00,2026-11-20 10:00:00,price,low",
        "K5,C1,O1,2026-11-20 08:00:00,,price,low");
    f.ingest();

    assertThat(f.quarantine("complaints"))
        .containsExactly("3 [duplicate_conflict]", "5 [duplicate_conflict]");
    assertThat(lastRun(f)).isEqualTo("succeeded read=6 accepted=4 quarantined=2 duplicate=0");
    assertThat(complaints(f, Table.COMPLAINTS))
        .containsExactly(
            "[K1,null,quality,high]",
            "[K2,2026-11-19 15:00:00,service,low]",
            "[K3,null,price,low]",
            "[K4,null,quality,low]",
            "[K5,2026-11-20 10:00:00,price,low]");
    assertThat(complaints(f, Table.COMPLAINT_HISTORY))
        .containsExactly(
            "[K1,null,quality,2026-11-19 12:00:00,null]",
            "[K2,null,service,2026-11-19 13:00:00,2026-11-19 15:00:00]",
            "[K2,2026-11-19 15:00:00,service,2026-11-19 15:00:00,null]",
            "[K3,null,price,2026-11-19 14:00:00,null]",
            "[K4,null,quality,2026-11-20 08:00:00,null]",
            "[K5,null,price,2026-11-20 08:00:00,2026-11-20 10:00:00]",
            "[K5,2026-11-20 10:00:00,price,2026-11-20 10:00:00,null]");

    // A rerun over the same files changes nothing.
    long[] versions = {f.version(Table.COMPLAINTS), f.version(Table.COMPLAINT_HISTORY)};
    f.ingest();
    assertThat(new long[] {f.version(Table.COMPLAINTS), f.version(Table.COMPLAINT_HISTORY)})
        .containsExactly(versions);
  }

  @Test
  void versionsAreDeclaredPerSourceAndOnlyWhereTheyAreKept(SparkSession spark) {
    IngestFixture f = new IngestFixture(spark, "complaint-config");
    assertThat(f.ingestConfig().sources().get(SourceKind.COMPLAINTS).identity())
        .containsExactly("complaint_id", "valid_from");
    assertThat(f.ingestConfig().sources().get(SourceKind.TRANSACTIONS).identity())
        .containsExactly("txn_id");
    assertThatThrownBy(
            () ->
                new IngestFixture(spark, "complaint-config-2")
                    .set("clientele.ingest.sources.surveys.updated-at=answered_at")
                    .ingestConfig())
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("clientele.ingest.sources.surveys.updated-at")
        .hasMessageEndingWith(
            "must be null: surveys records have no versions (only customers and complaints do);"
                + " the same key with other content is a duplicate_conflict.");
    assertThatThrownBy(
            () ->
                new IngestFixture(spark, "complaint-config-3")
                    .set("clientele.ingest.sources.complaints.updated-at=null")
                    .ingestConfig())
        .isInstanceOf(ConfigError.class)
        .hasMessageEndingWith(
            "must give the version time of a complaints record (a SQL expression over its"
                + " canonical columns): the latest version wins.");
    assertThatThrownBy(
            () ->
                new IngestFixture(spark, "complaint-config-4")
                    .set("clientele.ingest.sources.complaints.key=[ticket]")
                    .ingestConfig())
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("must list canonical columns of complaints from [category,");
  }
}
