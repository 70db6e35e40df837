package dev.clientele.publish;

import static dev.clientele.testing.DatasetAssert.assertThatDataset;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.columns.CustomerTiersColumns;
import dev.clientele.testing.SparkTestExtension;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class CustomerTiersTest {
  static Dataset<Row> assembled(SparkSession spark) {
    return CustomerTiers.assemble(
        spark.sql(
            "SELECT * FROM VALUES (DATE'2026-11-21', 'c1', '25-34') AS t(as_of, customer_id, age_band)"),
        List.of(
            spark.sql(
                "SELECT * FROM VALUES (DATE'2026-11-21', 'c1', 4, 3L, 'x') AS t(as_of, customer_id,"
                    + " r_score, frequency, value_tier)"),
            spark.sql(
                "SELECT * FROM VALUES (DATE'2026-11-21', 'c1', 'low') AS t(as_of, customer_id,"
                    + " value_tier)")));
  }

  private static List<String> columns(StructType schema) {
    return Arrays.stream(schema.fields()).map(f -> f.name() + " " + f.dataType().sql()).toList();
  }

  @Test
  void conformsToTheDeclaredSchemaWithNullsWhereNoStageRan(SparkSession spark) {
    Dataset<Row> tiers = CustomerTiers.conform(assembled(spark));

    assertThat(columns(tiers.schema())).isEqualTo(columns(CustomerTiersColumns.SCHEMA)).hasSize(80);
    // The first stage with a column provides it; the segment stage's copy of F is not published.
    assertThatDataset(
            tiers.select(
                "customer_id", "age_band", "r_score", "value_tier", "order_count", "clv_h"))
        .containsExactlyRows(List.of(Arrays.asList("c1", "25-34", 4, "x", null, null)));
  }

  /**
   * Each frame is shuffled once by customer and the joined frame never again, though a stage's
   * as_of may be a literal (satisfaction's is): joined on (as_of, customer_id), that stage was
   * joined by customer_id alone and the frame joined so far shuffled a second time (five exchanges
   * for the four frames here that add columns).
   */
  @Test
  void eachFrameIsShuffledOnceByCustomer(SparkSession spark) {
    Dataset<Row> literalAsOf =
        spark
            .sql("SELECT * FROM VALUES ('c1', 0.5D) AS t(customer_id, churn_risk)")
            .withColumn("as_of", lit(java.sql.Date.valueOf("2026-11-21")));
    Dataset<Row> tiers =
        CustomerTiers.assemble(
            assembled(spark),
            List.of(
                spark.sql(
                    "SELECT * FROM VALUES (DATE'2026-11-21', 'c1', 'loyal') AS t(as_of,"
                        + " customer_id, rfm_segment)"),
                literalAsOf));
    String plan = Plans.withoutAutoBroadcasts(spark, tiers);

    assertThat(plan.split("Exchange hashpartitioning\\(customer_id#\\d+, ", -1)).hasSize(5);
    assertThat(plan.split("Exchange ", -1)).hasSize(5);
    assertThatDataset(tiers.select("customer_id", "value_tier", "rfm_segment", "churn_risk"))
        .containsExactlyRows(List.of(Arrays.asList("c1", "x", "loyal", 0.5)));
  }

  @Test
  void aColumnTheSchemaDoesNotDeclareIsRefused(SparkSession spark) {
    assertThatThrownBy(
            () -> CustomerTiers.conform(assembled(spark).withColumn("shoe_size", lit(42))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "customer_tiers does not declare [shoe_size]: add them to CustomerTiersColumns.SCHEMA"
                + " and GoldDocs.CUSTOMER_TIERS");
  }
}
