package dev.clientele.common.columns;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/** Money types: exact decimals so aggregates are identical whatever the partitioning. */
public final class Money {
  private Money() {}

  /** Amounts and sums: two decimals. */
  public static final DecimalType AMOUNT = DataTypes.createDecimalType(18, 2);

  /** Unit prices and costs: four decimals. */
  public static final DecimalType PRICE = DataTypes.createDecimalType(18, 4);

  /** Exchange rates: reporting-currency units per unit of another currency, ten decimals. */
  public static final DecimalType RATE = DataTypes.createDecimalType(20, 10);
}
