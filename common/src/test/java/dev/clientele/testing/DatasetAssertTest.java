package dev.clientele.testing;

import static dev.clientele.testing.DatasetAssert.assertThatDataset;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class DatasetAssertTest {
  @Test
  void equalIgnoringRowOrderAndWithinTolerance(SparkSession spark) {
    assertThatDataset(spark.sql("SELECT * FROM VALUES (1, 0.1 + 0.2D), (2, 3.0D) AS t(id, x)"))
        .withTolerance(1e-9)
        .isEqualTo(spark.sql("SELECT * FROM VALUES (2, 3.0D), (1, 0.3D) AS t(id, x)"));
  }

  @Test
  void failureListsMissingAndUnexpectedRows(SparkSession spark) {
    assertThatThrownBy(
            () ->
                assertThatDataset(spark.sql("SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(id, s)"))
                    .isEqualTo(spark.sql("SELECT * FROM VALUES (1, 'a'), (3, 'c') AS t(id, s)")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Missing (expected, not found) 1:\n  [3, c]")
        .hasMessageContaining("Unexpected (found, not expected) 1:\n  [2, b]");
  }

  @Test
  void rowOrderAndSchemaAreCheckedWhenAsked(SparkSession spark) {
    assertThatThrownBy(
            () ->
                assertThatDataset(spark.sql("SELECT * FROM VALUES (1), (2) AS t(id)"))
                    .withRowOrder()
                    .isEqualTo(spark.sql("SELECT * FROM VALUES (2), (1) AS t(id)")))
        .hasMessageContaining("row 0: actual [1], expected [2]");
    assertThatThrownBy(
            () ->
                assertThatDataset(spark.sql("SELECT 1 AS id"))
                    .isEqualTo(spark.sql("SELECT 1 AS other")))
        .hasMessageContaining("column 0 is 'id', expected 'other'");
  }

  @Test
  void duplicatesCountAsSeparateRows(SparkSession spark) {
    assertThatThrownBy(
            () ->
                assertThatDataset(spark.sql("SELECT * FROM VALUES (1), (1) AS t(id)"))
                    .isEqualTo(spark.sql("SELECT * FROM VALUES (1) AS t(id)")))
        .hasMessageContaining("Unexpected (found, not expected) 1");
  }
}
