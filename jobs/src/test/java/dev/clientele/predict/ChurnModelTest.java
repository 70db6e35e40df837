package dev.clientele.predict;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.clientele.testing.SparkTestExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The learned churn model: feature hygiene, closed-form probability and machine-readable reasons.
 */
@ExtendWith(SparkTestExtension.class)
class ChurnModelTest {
  static final PredictRules.Churn RULES =
      new PredictRules.Churn(
          PredictRules.LOGISTIC_REGRESSION, List.of(), List.of(), 0.01, 100, 0.5, 2);

  @Test
  void allNullAndConstantFeaturesAreDroppedByNameAndTheRestIsTrained(SparkSession spark) {
    StructType schema =
        new StructType()
            .add("recency_days", DataTypes.IntegerType)
            .add("flat", DataTypes.DoubleType)
            .add("empty", DataTypes.DoubleType)
            .add("label", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      // churned customers have been away longer, with some overlap
      boolean churned = i % 2 == 0;
      rows.add(
          RowFactory.create((churned ? 100 : 20) + (i % 7) * 15, 5.0, null, churned ? 1.0 : 0.0));
    }
    Dataset<Row> training = spark.createDataFrame(rows, schema);

    ChurnModel.Fitted m =
        ChurnModel.train(
            training, List.of("recency_days", "flat", "empty"), List.of(), RULES, "test");

    assertThat(m.trained()).isTrue();
    assertThat(m.dropped())
        .containsExactly(Map.entry("flat", "constant"), Map.entry("empty", "all null"));
    assertThat(m.features()).containsExactly("recency_days");
    assertThat(m.coefficients()[0]).isPositive();
    assertThat(m.rows()).isEqualTo(40);
    assertThat(m.positives()).isEqualTo(20);
  }

  @Test
  void aOneClassTrainingSetIsSkippedWithItsReason(SparkSession spark) {
    StructType schema =
        new StructType()
            .add("recency_days", DataTypes.IntegerType)
            .add("label", DataTypes.DoubleType);
    Dataset<Row> training =
        spark.createDataFrame(
            List.of(RowFactory.create(10, 0.0), RowFactory.create(30, 0.0)), schema);
    ChurnModel.Fitted m =
        ChurnModel.train(training, List.of("recency_days"), List.of(), RULES, "t");
    assertThat(m.trained()).isFalse();
    assertThat(m.skipped()).isEqualTo("no churned customer among the 2 training rows");
  }

  @Test
  void probabilityAndReasonsFollowTheCoefficientsOnStandardisedValues(SparkSession spark) {
    // z(recency) = (v − 10) / 5, z(orders) = (log(1 + v) − 1) / 0.5
    ChurnModel.Fitted m =
        new ChurnModel.Fitted(
            List.of("recency_days", "order_count"),
            List.of(false, true),
            new double[] {10, 1},
            new double[] {5, 0.5},
            -0.25,
            new double[] {0.5, -0.25},
            Map.of(),
            0,
            0,
            null);
    StructType schema =
        new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("recency_days", DataTypes.IntegerType)
            .add("order_count", DataTypes.LongType);
    Dataset<Row> rows =
        spark.createDataFrame(
            List.of(
                RowFactory.create("x", 20, (long) Math.round(Math.exp(2) - 1)), // z = 2, ≈ 2.0
                RowFactory.create("y", 10, null), // both at the mean: no reason
                RowFactory.create("z", 0, null)), // recency z = −2
            schema);
    List<Row> out =
        rows.select(
                col("customer_id"),
                ChurnModel.probability(m).as("p"),
                ChurnModel.reasons(m, 2).as("reasons"))
            .orderBy("customer_id")
            .collectAsList();

    // x: logit = −0.25 + 0.5·2 − 0.25·z_orders with z_orders = (log(7) − 1)/0.5 = 1.8918…
    double zOrders = (Math.log(7) - 1) / 0.5;
    double logit = -0.25 + 1.0 - 0.25 * zOrders;
    assertThat(out.get(0).getDouble(1)).isCloseTo(1 / (1 + Math.exp(-logit)), within(1e-6));
    assertThat(out.get(0).getString(2)).isEqualTo("recency_days:+1.00;order_count:-0.47");
    assertThat(out.get(1).getDouble(1)).isCloseTo(1 / (1 + Math.exp(0.25)), within(1e-6));
    assertThat(out.get(1).getString(2)).isEmpty();
    assertThat(out.get(2).getString(2)).isEqualTo("recency_days:-1.00");
  }
}
