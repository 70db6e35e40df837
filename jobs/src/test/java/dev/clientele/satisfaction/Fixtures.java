package dev.clientele.satisfaction;

import dev.clientele.common.columns.ComplaintsColumns;
import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.common.columns.Money;
import dev.clientele.common.columns.SurveysColumns;
import dev.clientele.common.columns.TransactionsColumns;
import dev.clientele.common.config.ClienteleConfig;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Literal rows with the canonical silver schemas, for the satisfaction tests. */
final class Fixtures {
  private Fixtures() {}

  /** The default rules from reference.conf, with optional overrides. */
  static SatisfactionRules rules(String... overrides) {
    return SatisfactionRules.from(
        ClienteleConfig.load(null, List.of(), List.of(overrides)).at("clientele.satisfaction"));
  }

  static Timestamp ts(String text) {
    return Timestamp.valueOf(text.length() == 10 ? text + " 12:00:00" : text);
  }

  static Date date(String text) {
    return Date.valueOf(LocalDate.parse(text));
  }

  static Row survey(String id, String customer, String answeredAt, Integer csat, Integer nps) {
    return RowFactory.create(id, customer, null, ts(answeredAt), csat, nps, "run-1");
  }

  static Dataset<Row> surveys(SparkSession spark, Row... rows) {
    return spark.createDataFrame(List.of(rows), SurveysColumns.SCHEMA);
  }

  static Row complaint(
      String id, String customer, String openedAt, String resolvedAt, String category) {
    return RowFactory.create(
        id,
        customer,
        null,
        ts(openedAt),
        resolvedAt == null ? null : ts(resolvedAt),
        category,
        "low",
        "run-1");
  }

  static Dataset<Row> complaints(SparkSession spark, Row... rows) {
    return spark.createDataFrame(List.of(rows), ComplaintsColumns.SCHEMA);
  }

  /** One transaction line: a purchase of 10.00, or a return of −10.00. */
  static Row line(String order, String customer, String day, boolean isReturn) {
    BigDecimal amount = new BigDecimal(isReturn ? "-10.00" : "10.00");
    return RowFactory.create(
        order + ":1",
        order,
        1,
        customer,
        ts(day),
        date(day),
        "P1",
        "B1",
        "cat",
        isReturn ? -1.0 : 1.0,
        new BigDecimal("10.0000"),
        new BigDecimal("0.00"),
        amount,
        null,
        "EUR",
        "web",
        null,
        isReturn,
        isReturn ? "O-orig" : null,
        null,
        null,
        null,
        "f.csv",
        "run-1");
  }

  /** customer_days of some lines, as the features stage keeps them (default points rules). */
  static Dataset<Row> days(Dataset<Row> transactions) {
    return dev.clientele.features.CustomerDays.compute(
        transactions,
        dev.clientele.features.PointsRules.from(
            dev.clientele.common.config.ClienteleConfig.load(null, List.of(), List.of())
                .at("clientele.value.points")));
  }

  static Dataset<Row> transactions(SparkSession spark, Row... rows) {
    return spark.createDataFrame(List.of(rows), TransactionsColumns.SCHEMA);
  }

  /** The feature columns the satisfaction job reads, with plausible types. */
  static final StructType FEATURES =
      new StructType(
          new StructField[] {
            f(FeaturesColumns.CUSTOMER_ID, DataTypes.StringType),
            f(FeaturesColumns.AS_OF, DataTypes.DateType),
            f(FeaturesColumns.ORDER_COUNT, DataTypes.LongType),
            f(FeaturesColumns.RECENCY_DAYS, DataTypes.IntegerType),
            f(FeaturesColumns.MEAN_GAP_DAYS, DataTypes.DoubleType),
            f(FeaturesColumns.LAST_PURCHASE_DATE, DataTypes.DateType),
            f(FeaturesColumns.SPEND_LAST_90D, Money.AMOUNT),
            f(FeaturesColumns.SPEND_PREV_90D, Money.AMOUNT),
            f(FeaturesColumns.ORDERS_LAST_90D, DataTypes.LongType),
            f(FeaturesColumns.ORDERS_PREV_90D, DataTypes.LongType),
            f(FeaturesColumns.IS_PROSPECT, DataTypes.BooleanType),
            f(FeaturesColumns.REGION, DataTypes.StringType),
            f(FeaturesColumns.NET_SPEND, Money.AMOUNT),
          });

  /**
   * A feature row as of {@code asOf}: recency null makes a prospect; last purchase date derives
   * from recency.
   */
  static Row feature(
      String customer,
      LocalDate asOf,
      long orders,
      Integer recency,
      Double meanGap,
      String spendLast,
      String spendPrev,
      long ordersLast,
      long ordersPrev) {
    return RowFactory.create(
        customer,
        Date.valueOf(asOf),
        orders,
        recency,
        meanGap,
        recency == null ? null : Date.valueOf(asOf.minusDays(recency)),
        new BigDecimal(spendLast),
        new BigDecimal(spendPrev),
        ordersLast,
        ordersPrev,
        recency == null,
        "north",
        new BigDecimal(spendLast));
  }

  static Dataset<Row> features(SparkSession spark, Row... rows) {
    return spark.createDataFrame(List.of(rows), FEATURES);
  }

  static final StructType LABELS =
      new StructType(
          new StructField[] {
            f("customer_id", DataTypes.StringType),
            f("dimension", DataTypes.StringType),
            f("label", DataTypes.StringType)
          });

  static Row label(String customer, String dimension, String label) {
    return RowFactory.create(customer, dimension, label);
  }

  static Dataset<Row> labels(SparkSession spark, Row... rows) {
    return spark.createDataFrame(List.of(rows), LABELS);
  }

  private static StructField f(String name, org.apache.spark.sql.types.DataType type) {
    return new StructField(name, type, true, Metadata.empty());
  }
}
