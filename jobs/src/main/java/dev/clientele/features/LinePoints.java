package dev.clientele.features;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.TransactionsColumns;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * Loyalty points earned by one transaction line under {@link PointsRules}; {@link CustomerDays}
 * sums them per customer and day inside the single scan of the lines.
 */
public final class LinePoints {
  private LinePoints() {}

  private static final DecimalType MULTIPLIER = DataTypes.createDecimalType(18, 6);

  /**
   * Points of one transaction line: {@code sign(amount) x floor(|amount| x rate x item multiplier x
   * event multiplier)}. The item multiplier is the product's if configured, else the category's,
   * else 1; the event multiplier is the largest of the bonus events covering the line's date, else
   * 1. A return line (negative amount) reverses points the same way, at its own date. Exact decimal
   * arithmetic, so the sum is the same however lines are grouped.
   */
  public static Column of(PointsRules rules) {
    Column amount = col(TransactionsColumns.AMOUNT);
    Column item =
        coalesce(
            lookup(rules.productMultipliers(), col(TransactionsColumns.PRODUCT_ID)),
            lookup(rules.categoryMultipliers(), col(TransactionsColumns.CATEGORY)),
            dec(BigDecimal.ONE));
    Column event = dec(BigDecimal.ONE);
    if (!rules.bonusEvents().isEmpty()) {
      List<Column> matches = new ArrayList<>();
      matches.add(dec(BigDecimal.ONE));
      for (PointsRules.BonusEvent e : rules.bonusEvents()) {
        matches.add(
            when(
                col(TransactionsColumns.TXN_DATE)
                    .between(lit(Date.valueOf(e.from())), lit(Date.valueOf(e.to()))),
                dec(e.multiplier())));
      }
      event = greatest(matches.toArray(Column[]::new));
    }
    Column points =
        floor(abs(amount).multiply(dec(rules.rate())).multiply(item).multiply(event))
            .cast(DataTypes.LongType);
    return when(amount.lt(0), points.unary_$minus()).otherwise(points);
  }

  private static Column dec(BigDecimal value) {
    return lit(value).cast(MULTIPLIER);
  }

  private static Column lookup(Map<String, BigDecimal> multipliers, Column key) {
    if (multipliers.isEmpty()) return lit(null).cast(MULTIPLIER);
    List<Column> kv = new ArrayList<>();
    multipliers.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              kv.add(lit(e.getKey()));
              kv.add(dec(e.getValue()));
            });
    return try_element_at(map(kv.toArray(Column[]::new)), key);
  }
}
