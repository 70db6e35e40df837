package dev.clientele.features;

import dev.clientele.common.columns.CustomersColumns;
import dev.clientele.common.columns.TransactionsColumns;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** Literal silver transactions and customers with exactly the canonical schemas, for tests. */
public final class Fixtures {
  private Fixtures() {}

  /**
   * A transaction line builder; defaults: one unit, no discount, cost unknown, web, not a return.
   */
  public static final class Line {
    String customer;
    String order;
    int lineNo = 1;
    LocalDate date;
    String product = "P1";
    String brand = "B1";
    String category = "C1";
    double quantity = 1;
    BigDecimal discount = BigDecimal.ZERO;
    BigDecimal amount;
    BigDecimal unitCost;
    String channel = "web";
    boolean isReturn;
    String run = "run-1";

    public Line product(String p) {
      product = p;
      return this;
    }

    public Line brand(String b) {
      brand = b;
      return this;
    }

    public Line category(String c) {
      category = c;
      return this;
    }

    public Line quantity(double q) {
      quantity = q;
      return this;
    }

    public Line discount(String d) {
      discount = new BigDecimal(d);
      return this;
    }

    public Line cost(String c) {
      unitCost = c == null ? null : new BigDecimal(c);
      return this;
    }

    public Line channel(String c) {
      channel = c;
      return this;
    }

    public Line lineNo(int n) {
      lineNo = n;
      return this;
    }

    public Line run(String r) {
      run = r;
      return this;
    }

    /** A return of this many money units, as a negative line in its own order. */
    public Line asReturn() {
      isReturn = true;
      amount = amount.negate();
      quantity = -Math.abs(quantity);
      return this;
    }

    Row row() {
      BigDecimal unitPrice =
          amount
              .add(isReturn ? discount.negate() : discount)
              .abs()
              .divide(BigDecimal.valueOf(Math.abs(quantity)), 4, java.math.RoundingMode.HALF_UP);
      return RowFactory.create(
          order + ":" + lineNo,
          order,
          lineNo,
          customer,
          Timestamp.valueOf(date.atTime(12, 0)),
          Date.valueOf(date),
          product,
          brand,
          category,
          quantity,
          unitPrice,
          discount,
          amount.setScale(2),
          unitCost == null ? null : unitCost.setScale(4),
          "EUR",
          channel,
          null,
          isReturn,
          null,
          null,
          null,
          null,
          "test.csv",
          run);
    }
  }

  /** A sale line of {@code amount} (net, after discount). */
  public static Line line(String customer, String order, String date, String amount) {
    Line l = new Line();
    l.customer = customer;
    l.order = order;
    l.date = LocalDate.parse(date);
    l.amount = new BigDecimal(amount);
    return l;
  }

  public static Dataset<Row> transactions(SparkSession spark, Line... lines) {
    List<Row> rows = new ArrayList<>();
    for (Line l : lines) rows.add(l.row());
    return spark.createDataFrame(rows, TransactionsColumns.SCHEMA);
  }

  public static Dataset<Row> transactions(SparkSession spark, List<Line> lines) {
    return transactions(spark, lines.toArray(Line[]::new));
  }

  /** A customer row; birthDate and signup may be null. */
  public static Row customer(String id, String birthDate, String gender, String signup) {
    return RowFactory.create(
        id,
        "h-name",
        "h-mail",
        "h-phone",
        birthDate == null ? null : Date.valueOf(birthDate),
        gender,
        "high",
        "engineer",
        "north",
        signup == null ? null : Date.valueOf(signup),
        null,
        null,
        false,
        "run-1");
  }

  public static Dataset<Row> customers(SparkSession spark, Row... rows) {
    return spark.createDataFrame(List.of(rows), CustomersColumns.SCHEMA);
  }

  public static Dataset<Row> customers(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, CustomersColumns.SCHEMA);
  }
}
