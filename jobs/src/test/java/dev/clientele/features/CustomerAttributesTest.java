package dev.clientele.features;

import static dev.clientele.features.Fixtures.line;
import static dev.clientele.testing.DatasetAssert.assertThatDataset;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.columns.CustomersColumns;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.testing.SparkTestExtension;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class CustomerAttributesTest {
  static final LocalDate MAY_31 = LocalDate.parse("2026-05-31");

  /**
   * A version of customer {@code id} living in {@code region} from {@code from} until {@code to}.
   */
  static Row version(String id, String region, String income, String from, String to) {
    return RowFactory.create(
        id,
        "h-name",
        "h-mail",
        "h-phone",
        Date.valueOf("1980-01-01"),
        "F",
        income,
        "engineer",
        region,
        Date.valueOf("2025-01-01"),
        Timestamp.valueOf(from),
        null,
        false,
        "run-" + from.substring(0, 10),
        Timestamp.valueOf(from),
        to == null ? null : Timestamp.valueOf(to));
  }

  /** The customers row of a history row (its first SCHEMA.size() columns). */
  static Row latest(Row version) {
    Object[] values = new Object[CustomersColumns.SCHEMA.size()];
    for (int i = 0; i < values.length; i++) values[i] = version.get(i);
    return RowFactory.create(values);
  }

  static Dataset<Row> history(SparkSession spark, Row... rows) {
    return spark.createDataFrame(List.of(rows), CustomersColumns.HISTORY_SCHEMA);
  }

  static Dataset<Row> customers(SparkSession spark, Row... rows) {
    return spark.createDataFrame(List.of(rows), CustomersColumns.SCHEMA);
  }

  static final Row C1_NORTH = version("C1", "north", "low", "2026-01-01 10:00:00", null);
  static final Row C1_NORTH_CLOSED =
      version("C1", "north", "low", "2026-01-01 10:00:00", "2026-06-01 00:00:00");
  static final Row C1_SOUTH = version("C1", "south", "high", "2026-06-01 00:00:00", null);
  // Known only from 2026-07-01 on.
  static final Row C3 = version("C3", "east", "mid", "2026-07-01 08:00:00", null);
  static final Row C2_DERIVED =
      RowFactory.create(
          "C2", null, null, null, null, null, null, null, null, null, null, null, true, "run-0");

  @Test
  void theVersionInEffectAtTheEndOfTheDayAndCustomersWithoutVersionsAsTheyAre(SparkSession spark) {
    Dataset<Row> history = history(spark, C1_NORTH_CLOSED, C1_SOUTH, C3);
    Dataset<Row> customers = customers(spark, latest(C1_SOUTH), C2_DERIVED, latest(C3));
    assertThatDataset(
            CustomerAttributes.asOf(customers, history, MAY_31)
                .select(CustomersColumns.CUSTOMER_ID, CustomersColumns.REGION))
        .containsExactlyRows(List.of(List.of("C1", "north"), java.util.Arrays.asList("C2", null)));
    // valid_to 06-01 00:00: the new version holds from that day on.
    assertThatDataset(
            CustomerAttributes.asOf(customers, history, LocalDate.parse("2026-06-01"))
                .select(CustomersColumns.CUSTOMER_ID, CustomersColumns.REGION))
        .containsExactlyRows(List.of(List.of("C1", "south"), java.util.Arrays.asList("C2", null)));
    // C3's first version starts on 07-01 at 08:00: known at the end of that day.
    assertThat(
            CustomerAttributes.asOf(customers, history, LocalDate.parse("2026-07-01"))
                .where(col(CustomersColumns.CUSTOMER_ID).equalTo("C3"))
                .count())
        .isEqualTo(1);
    assertThat(CustomerAttributes.asOf(customers, history, MAY_31).schema())
        .isEqualTo(CustomersColumns.SCHEMA);
  }

  /**
   * Features for 05-31 computed before C1 moved (one version) and again after its new version and
   * C3 arrived are identical, attributes and all; features for a later date use the new version.
   */
  @Test
  void aRerunForAPastDateGivesTheSameFeaturesAfterNewerVersionsArrived(SparkSession spark) {
    Dataset<Row> lines =
        Fixtures.transactions(
            spark,
            line("C1", "O1", "2026-03-01", "50.00"),
            line("C1", "O2", "2026-07-10", "80.00"),
            line("C2", "O3", "2026-05-02", "20.00"));
    FeatureRules rules =
        FeatureRules.from(ClienteleConfig.load(null, List.of(), List.of()).at("clientele"));
    Dataset<Row> before =
        CustomerFeatures.compute(
            lines,
            CustomerAttributes.asOf(
                customers(spark, latest(C1_NORTH), C2_DERIVED), history(spark, C1_NORTH), MAY_31),
            MAY_31,
            rules);
    Dataset<Row> after =
        CustomerFeatures.compute(
            lines,
            CustomerAttributes.asOf(
                customers(spark, latest(C1_SOUTH), C2_DERIVED, latest(C3)),
                history(spark, C1_NORTH_CLOSED, C1_SOUTH, C3),
                MAY_31),
            MAY_31,
            rules);
    assertThatDataset(after).isEqualTo(before);
    assertThatDataset(before.select("customer_id", "region", "income_band"))
        .containsExactlyRows(
            List.of(List.of("C1", "north", "low"), List.of("C2", "unknown", "unknown")));
    LocalDate july = LocalDate.parse("2026-07-31");
    assertThatDataset(
            CustomerFeatures.compute(
                    lines,
                    CustomerAttributes.asOf(
                        customers(spark, latest(C1_SOUTH), C2_DERIVED, latest(C3)),
                        history(spark, C1_NORTH_CLOSED, C1_SOUTH, C3),
                        july),
                    july,
                    rules)
                .select("customer_id", "region", "income_band"))
        .containsExactlyRows(
            List.of(
                List.of("C1", "south", "high"),
                List.of("C2", "unknown", "unknown"),
                List.of("C3", "east", "mid")));
  }
}
