package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.table.Table;
import dev.clientele.features.CustomerAttributes;
import dev.clientele.testing.SparkTestExtension;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The two inputs of audiences (#24): the contacts source, ingested with quarantine and reasons like
 * every source, and the customers' marketing_opt_out, parsed, quarantined when unreadable and
 * versioned in customer_history. One ingest run serves both.
 */
@ExtendWith(SparkTestExtension.class)
class ContactsAndOptOutTest {
  static final String HEADER = IngestFixture.CUSTOMER_HEADER + ",marketing_opt_out";
  static final String PEOPLE = "Ann Lee,ann@example.com,,1980-02-03,F,high,nurse,north,2024-01-01";

  /** Line numbers in comments: header = 1. */
  static final String[] CUSTOMERS = {
    HEADER,
    "C1," + PEOPLE + ",2024-01-01,", // 2 blank: not said
    "C2," + PEOPLE + ",2024-01-01,TRUE", // 3 true
    "C3," + PEOPLE + ",2024-01-01,no", // 4 false
    "C4," + PEOPLE + ",2024-01-01,Y", // 5 true
    "C5," + PEOPLE + ",2024-01-01,0", // 6 false
    "C6," + PEOPLE + ",2024-01-01,maybe", // 7 not a boolean
    // 8 C1 opts out from 2026-06-01 on: a later version
    "C1," + PEOPLE + ",2026-06-01 09:00:00,yes",
  };

  static final String[] CONTACTS = {
    "contact_id,customer_id,channel,campaign,sent_at",
    "K1,C1,email,newsletter,2026-11-01 08:00:00", // 2 accepted
    "K1,C1,email,newsletter,2026-11-01 08:00:00", // 3 exact duplicate of 2: skipped
    "K1,C1,sms,newsletter,2026-11-01 08:00:00", // 4 conflict with 2
    "K2,,email,newsletter,2026-11-01 08:00:00", // 5 no customer
    "K3,C2,email,newsletter,", // 6 no time
    "K4,C2,email,newsletter,1st of November", // 7 time that does not parse
    "K5,C2,email,newsletter,2026-11-22 00:00:01", // 8 one second into the future
    "K6,C9,email,newsletter,2026-11-01 08:00:00", // 9 unknown customer
    ",C2,email,newsletter,2026-11-01 08:00:00", // 10 no id
    "K7,C2,,,2026-11-21 23:59:59", // 11 accepted, channel and campaign not said
  };

  @Test
  void contactsAreQuarantinedWithReasonsAndOptOutsAreVersioned(SparkSession spark) {
    IngestFixture f = new IngestFixture(spark, "contacts-opt-out");
    f.write("customers", "customers.csv", CUSTOMERS);
    f.write(
        "transactions",
        "2026-11-20.csv",
        IngestFixture.TXN_HEADER,
        "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,0,,web,,");
    f.write("contacts", "contacts.csv", CONTACTS);
    String runId = f.ingest();

    // contacts
    assertThat(f.quarantine("contacts"))
        .containsExactly(
            "4 [duplicate_conflict]",
            "5 [missing_customer_id]",
            "6 [missing_required:sent_at]",
            "7 [unparseable_timestamp]",
            "8 [future_timestamp]",
            "9 [unknown_customer]",
            "10 [missing_required:contact_id]");
    assertThat(
            rows(
                f.table(Table.CONTACTS)
                    .selectExpr(
                        "contact_id",
                        "customer_id",
                        "channel",
                        "campaign",
                        "cast(sent_at as string)",
                        "ingest_run_id = '" + runId + "'")
                    .orderBy("contact_id")))
        .containsExactly(
            "[K1,C1,email,newsletter,2026-11-01 08:00:00,true]",
            "[K7,C2,null,null,2026-11-21 23:59:59,true]");

    // marketing_opt_out: parsed, the unreadable value quarantined under its column's name
    assertThat(f.quarantine("customers"))
        .containsExactly("7 [unparseable_value:marketing_opt_out]");
    assertThat(
            rows(
                f.table(Table.CUSTOMERS)
                    .selectExpr("customer_id", "marketing_opt_out")
                    .orderBy("customer_id")))
        .containsExactly("[C1,true]", "[C2,true]", "[C3,false]", "[C4,true]", "[C5,false]");
    assertThat(
            rows(
                f.table(Table.CUSTOMER_HISTORY)
                    .where("customer_id = 'C1'")
                    .selectExpr("cast(valid_from as string)", "marketing_opt_out")
                    .orderBy("valid_from")))
        .containsExactly("[2024-01-01 00:00:00,null]", "[2026-06-01 09:00:00,true]");
    // As of a date: the opt-out holds from its version's day on, not before.
    assertThat(optOutAsOf(f, "2026-05-31")).containsExactly("[C1,null]");
    assertThat(optOutAsOf(f, "2026-06-01")).containsExactly("[C1,true]");

    assertThat(runs(f))
        .containsExactly(
            "complaints skipped read=0 accepted=0 quarantined=0 duplicate=0",
            "contacts succeeded read=10 accepted=2 quarantined=7 duplicate=1",
            "customers succeeded read=7 accepted=6 quarantined=1 duplicate=0",
            "redemptions skipped read=0 accepted=0 quarantined=0 duplicate=0",
            "surveys skipped read=0 accepted=0 quarantined=0 duplicate=0",
            "transactions succeeded read=1 accepted=1 quarantined=0 duplicate=0");
  }

  private static List<String> optOutAsOf(IngestFixture f, String day) {
    return rows(
        CustomerAttributes.asOf(
                f.table(Table.CUSTOMERS), f.table(Table.CUSTOMER_HISTORY), LocalDate.parse(day))
            .where("customer_id = 'C1'")
            .select("customer_id", "marketing_opt_out"));
  }

  private static List<String> runs(IngestFixture f) {
    return f.table(Table.RUNS).orderBy("source").collectAsList().stream()
        .map(
            r ->
                r.getAs("source")
                    + " "
                    + r.getAs("status")
                    + " read="
                    + r.getAs("records_read")
                    + " accepted="
                    + r.getAs("records_accepted")
                    + " quarantined="
                    + r.getAs("records_quarantined")
                    + " duplicate="
                    + r.getAs("records_duplicate"))
        .toList();
  }

  private static List<String> rows(Dataset<Row> frame) {
    return frame.collectAsList().stream().map(Row::toString).toList();
  }
}
