package dev.clientele.predict;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.clientele.testing.SparkTestExtension;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each metric on a small example computed by hand (the worked example of docs/predictions.md). */
@ExtendWith(SparkTestExtension.class)
class PredictionMetricsTest {
  static final StructType SCORED =
      new StructType()
          .add("customer_id", DataTypes.StringType)
          .add("score", DataTypes.DoubleType)
          .add("flag", DataTypes.BooleanType)
          .add("label", DataTypes.DoubleType);

  /**
   * Ten customers, four churned (a, b, e, h); b ties c at 0.8 and g ties h at 0.2; a, b, c flagged.
   */
  static Dataset<Row> scored(SparkSession spark) {
    Object[][] rows = {
      {"a", 0.9, true, 1.0},
      {"b", 0.8, true, 1.0},
      {"c", 0.8, true, 0.0},
      {"d", 0.6, false, 0.0},
      {"e", 0.5, false, 1.0},
      {"f", 0.3, false, 0.0},
      {"g", 0.2, false, 0.0},
      {"h", 0.2, false, 1.0},
      {"i", 0.1, false, 0.0},
      {"j", 0.05, false, 0.0},
    };
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) out.add(RowFactory.create(r));
    return spark.createDataFrame(out, SCORED);
  }

  @Test
  void churnMetricsMatchTheHandComputedExample(SparkSession spark) {
    Dataset<Row> ranked = PredictionMetrics.ranked(scored(spark), "score", "customer_id");
    PredictionMetrics.Classification m =
        PredictionMetrics.classification(ranked, "score", "score", "flag", "label");

    assertThat(m.customers()).isEqualTo(10);
    assertThat(m.positives()).isEqualTo(4);
    // Pairs (churned, not churned) ordered right: a 6, b 5 + ½ (tie with c), e 4, h 2 + ½ (tie
    // with g) = 18 of 4 × 6 = 24.
    assertThat(m.auc()).isCloseTo(0.75, within(1e-12));
    // Top decile = a alone (1 of 1 churned) against 4 of 10 overall.
    assertThat(m.topDecileLift()).isCloseTo(2.5, within(1e-12));
    assertThat(m.precision()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m.recall()).isCloseTo(0.5, within(1e-12));
    // (.01 + .04 + .64 + .36 + .25 + .09 + .04 + .64 + .01 + .0025) / 10
    assertThat(m.brier()).isCloseTo(0.20825, within(1e-12));
  }

  @Test
  void positionsBreakTiesByCustomerIdWhateverThePartitioning(SparkSession spark) {
    for (int partitions : new int[] {1, 3}) {
      Dataset<Row> ranked =
          PredictionMetrics.ranked(scored(spark).repartition(partitions), "score", "customer_id");
      List<String> order = new ArrayList<>();
      for (Row r :
          ranked.orderBy(col("position")).select("customer_id", "decile").collectAsList()) {
        order.add(r.getString(0) + r.getInt(1));
      }
      assertThat(order)
          .containsExactly("a1", "b2", "c3", "d4", "e5", "f6", "g7", "h8", "i9", "j10");
    }
  }

  @Test
  void oneClassLeavesAucAndLiftUndefined(SparkSession spark) {
    Dataset<Row> noChurn =
        scored(spark).withColumn("label", org.apache.spark.sql.functions.lit(0.0));
    PredictionMetrics.Classification m =
        PredictionMetrics.classification(
            PredictionMetrics.ranked(noChurn, "score", "customer_id"),
            "score",
            "score",
            "flag",
            "label");
    assertThat(m.auc()).isNull();
    assertThat(m.topDecileLift()).isNull();
    assertThat(m.recall()).isNull();
    assertThat(m.precision()).isEqualTo(0.0);
  }

  @Test
  void regressionMetricsMatchTheHandComputedExample(SparkSession spark) {
    StructType schema =
        new StructType().add("predicted", DataTypes.DoubleType).add("actual", DataTypes.DoubleType);
    Dataset<Row> rows =
        spark.createDataFrame(
            List.of(
                RowFactory.create(2.0, 1.0),
                RowFactory.create(0.0, 0.0),
                RowFactory.create(1.5, 3.0)),
            schema);
    PredictionMetrics.Regression m = PredictionMetrics.regression(rows, "predicted", "actual");
    // errors 1, 0, −1.5
    assertThat(m.mae()).isCloseTo(2.5 / 3, within(1e-12));
    assertThat(m.rmse()).isCloseTo(Math.sqrt(3.25 / 3), within(1e-12));
    assertThat(m.totalPredicted()).isEqualTo(3.5);
    assertThat(m.totalActual()).isEqualTo(4.0);
    assertThat(m.totalError()).isCloseTo(0.125, within(1e-12));
  }
}
