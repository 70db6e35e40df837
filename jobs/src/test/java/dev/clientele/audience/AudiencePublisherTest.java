package dev.clientele.audience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.columns.CustomerDaysColumns;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.testing.SparkTestExtension;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The publish refuses a rule that is not a boolean over customer_tiers before writing anything, and
 * keeps a measured result as it was when later dates are published.
 */
@ExtendWith(SparkTestExtension.class)
class AudiencePublisherTest {
  static AudienceRules rule(String rule) {
    return new AudienceRules(
        0.1,
        "s",
        1,
        3,
        30,
        30,
        List.of(new AudienceRules.Definition("x", rule, List.of(), 1, null, false, List.of())));
  }

  @Test
  void aNonBooleanRuleFailsNamingTheAudience(SparkSession spark) {
    Dataset<Row> tiers =
        spark.sql("SELECT 'c1' AS customer_id, CAST(12.5 AS DECIMAL(18,2)) AS net_spend");
    assertThatCode(() -> AudiencePublisher.check(tiers, rule("net_spend > 10")))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> AudiencePublisher.check(tiers, rule("net_spend + 1")))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "audience 'x' (clientele.audiences.definitions): its rule 'net_spend + 1' is"
                + " decimal(19,2), not a boolean condition.");
  }

  @Test
  void aMeasuredResultIsKeptWhenALaterDateIsPublished(SparkSession spark) {
    TableCatalog tables =
        new TableCatalog(SparkTestExtension.freshDir(spark, "results").toString());
    DeltaIO.overwrite(
        spark.sql(
            "SELECT DATE'2026-10-01' AS as_of, 'x' AS audience, id AS customer_id,"
                + " CASE WHEN id = 'h1' THEN 'holdout' ELSE 'selected' END AS status,"
                + " CAST(NULL AS STRING) AS reason FROM VALUES ('s1'), ('s2'), ('h1') AS t(id)"),
        tables.path(Table.AUDIENCE_MEMBERS),
        AudienceColumns.AS_OF);
    writeDays(spark, tables, "('s1', DATE'2026-10-05', 40.00)");
    AudienceRules rules = rule("net_spend > 10");

    new AudiencePublisher(spark, tables, rules, LocalDate.parse("2026-10-31")).publishResults();
    String atClose = results(spark, tables);
    assertThat(atClose).isEqualTo("[[2026-10-01,x,2026-10-31,2,1,0.5,20.0]]");

    // A late purchase in the window arrives; the next publish leaves the closed result alone.
    writeDays(spark, tables, "('s1', DATE'2026-10-05', 40.00), ('s2', DATE'2026-10-20', 60.00)");
    new AudiencePublisher(spark, tables, rules, LocalDate.parse("2026-11-01")).publishResults();
    assertThat(results(spark, tables)).isEqualTo(atClose);
    // A rerun of the date that measured it measures it again, from what is there now.
    new AudiencePublisher(spark, tables, rules, LocalDate.parse("2026-10-31")).publishResults();
    assertThat(results(spark, tables)).isEqualTo("[[2026-10-01,x,2026-10-31,2,1,1.0,50.0]]");
  }

  private static void writeDays(SparkSession spark, TableCatalog tables, String values) {
    Dataset<Row> days =
        spark.sql(
            "SELECT customer_id, txn_date, trunc(txn_date, 'month') AS month, true AS purchase,"
                + " CAST(net AS DECIMAL(18,2)) AS net FROM VALUES "
                + values
                + " AS t(customer_id, txn_date, net)");
    for (org.apache.spark.sql.types.StructField f : CustomerDaysColumns.SCHEMA.fields()) {
      if (!java.util.Arrays.asList(days.columns()).contains(f.name())) {
        days =
            days.withColumn(f.name(), org.apache.spark.sql.functions.lit(null).cast(f.dataType()));
      }
    }
    DeltaIO.overwrite(
        days.select(
            java.util.Arrays.stream(CustomerDaysColumns.SCHEMA.fieldNames())
                .map(org.apache.spark.sql.functions::col)
                .toArray(org.apache.spark.sql.Column[]::new)),
        tables.path(Table.CUSTOMER_DAYS));
  }

  private static String results(SparkSession spark, TableCatalog tables) {
    return DeltaIO.read(spark, tables.path(Table.AUDIENCE_RESULTS))
        .selectExpr(
            "as_of",
            "audience",
            "measured_as_of",
            "selected_customers",
            "holdout_customers",
            "selected_repurchase_rate",
            "selected_spend_per_customer")
        .collectAsList()
        .toString();
  }
}
