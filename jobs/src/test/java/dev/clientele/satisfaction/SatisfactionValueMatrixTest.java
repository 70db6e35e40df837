package dev.clientele.satisfaction;

import static dev.clientele.testing.DatasetAssert.assertThatDataset;

import dev.clientele.common.columns.Money;
import dev.clientele.testing.SparkTestExtension;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class SatisfactionValueMatrixTest {
  static final StructType LABELS =
      new StructType(
          new StructField[] {
            new StructField("customer_id", DataTypes.StringType, false, Metadata.empty()),
            new StructField("value_tier", DataTypes.StringType, true, Metadata.empty()),
            new StructField("satisfaction_band", DataTypes.StringType, true, Metadata.empty()),
            new StructField("churn_flag", DataTypes.BooleanType, true, Metadata.empty()),
            new StructField("net_spend", Money.AMOUNT, true, Metadata.empty()),
          });

  static Row c(String id, String tier, String band, boolean flag, String spend) {
    return RowFactory.create(id, tier, band, flag, new BigDecimal(spend));
  }

  @Test
  void everyTierBandCellWithCountsSharesRevenueAndThePriorityCell(SparkSession spark) {
    Dataset<Row> labels =
        spark.createDataFrame(
            List.of(
                c("1", "high", "dissatisfied", true, "900.10"),
                c("2", "high", "dissatisfied", false, "500.00"),
                c("3", "high", "satisfied", false, "700.00"),
                c("4", "low", "neutral", true, "10.05"),
                c("5", "low", null, false, "5.00")),
            LABELS);
    Dataset<Row> cells = SatisfactionValueMatrix.cells(labels, Fixtures.rules().matrix());
    assertThatDataset(cells)
        .containsExactlyRows(
            List.of(
                Arrays.asList(
                    "satisfaction_x_value",
                    "high|satisfied",
                    "high",
                    "satisfied",
                    1,
                    0.2,
                    700.00,
                    0,
                    false),
                Arrays.asList(
                    "satisfaction_x_value",
                    "high|neutral",
                    "high",
                    "neutral",
                    0,
                    0.0,
                    0.0,
                    0,
                    false),
                Arrays.asList(
                    "satisfaction_x_value",
                    "high|dissatisfied",
                    "high",
                    "dissatisfied",
                    2,
                    0.4,
                    1400.10,
                    1,
                    true),
                Arrays.asList(
                    "satisfaction_x_value",
                    "high|unknown",
                    "high",
                    "unknown",
                    0,
                    0.0,
                    0.0,
                    0,
                    false),
                Arrays.asList(
                    "satisfaction_x_value",
                    "low|satisfied",
                    "low",
                    "satisfied",
                    0,
                    0.0,
                    0.0,
                    0,
                    false),
                Arrays.asList(
                    "satisfaction_x_value",
                    "low|neutral",
                    "low",
                    "neutral",
                    1,
                    0.2,
                    10.05,
                    1,
                    false),
                Arrays.asList(
                    "satisfaction_x_value",
                    "low|dissatisfied",
                    "low",
                    "dissatisfied",
                    0,
                    0.0,
                    0.0,
                    0,
                    false),
                Arrays.asList(
                    "satisfaction_x_value",
                    "low|unknown",
                    "low",
                    "unknown",
                    1,
                    0.2,
                    5.00,
                    0,
                    false)));
  }
}
