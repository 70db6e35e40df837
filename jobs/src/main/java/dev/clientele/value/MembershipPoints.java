package dev.clientele.value;

import static dev.clientele.tiering.Reasons.p;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.CustomerValuesColumns;
import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.common.columns.Money;
import dev.clientele.tiering.Reasons;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Membership tier and loyalty points, one row per customer. The tier is the highest configured tier
 * whose {@code min-spend} the customer's lifetime net spend reaches (the lowest tier, min-spend 0,
 * holds everyone else, including negative spend); its discount is carried as metadata, with the
 * next tier and the spend still missing. Points come from the features table, where each
 * transaction line earned {@link dev.clientele.features.LinePoints#of} inside the single scan.
 */
public final class MembershipPoints {
  private MembershipPoints() {}

  /**
   * Adds {@code membership_tier}, its reason, discount, next tier and spend to it, and the points
   * columns, to rows of {@code customer_features}.
   */
  public static Dataset<Row> label(Dataset<Row> features, MembershipRules rules) {
    Column spend = col(FeaturesColumns.LIFETIME_NET_SPEND);
    Column shown = spend.cast(DataTypes.DoubleType); // format_string wants a double, not a decimal
    List<MembershipRules.Tier> tiers = rules.tiers(); // ascending min-spend, first is 0
    Column tier = lit(tiers.get(0).name());
    Column discount = lit(tiers.get(0).discount());
    Column spendText = Reasons.fixed(shown, 2);
    Column reason =
        tiers.size() == 1
            ? Reasons.of("single_tier", p("spend", spendText))
            : Reasons.of(
                "below_next",
                p("spend", Reasons.cmp(spendText, "<", lit(plain(tiers.get(1).minSpend())))),
                p("next", tiers.get(1).name()));
    Column next =
        tiers.size() > 1 ? lit(tiers.get(1).name()) : lit(null).cast(DataTypes.StringType);
    Column nextMin =
        tiers.size() > 1
            ? lit(tiers.get(1).minSpend()).cast(Money.AMOUNT)
            : lit(null).cast(Money.AMOUNT);
    for (int i = 1; i < tiers.size(); i++) {
      MembershipRules.Tier t = tiers.get(i);
      Column reached = spend.geq(lit(t.minSpend()));
      tier = when(reached, lit(t.name())).otherwise(tier);
      discount = when(reached, lit(t.discount())).otherwise(discount);
      reason =
          when(
                  reached,
                  Reasons.of(
                      "at_threshold",
                      p("spend", Reasons.cmp(spendText, ">=", lit(plain(t.minSpend()))))))
              .otherwise(reason);
      boolean top = i == tiers.size() - 1;
      next =
          when(reached, top ? lit(null).cast(DataTypes.StringType) : lit(tiers.get(i + 1).name()))
              .otherwise(next);
      nextMin =
          when(reached, (top ? lit(null) : lit(tiers.get(i + 1).minSpend())).cast(Money.AMOUNT))
              .otherwise(nextMin);
    }
    return features
        .withColumn(CustomerValuesColumns.MEMBERSHIP_TIER, tier)
        .withColumn(CustomerValuesColumns.MEMBERSHIP_TIER_REASON, reason)
        .withColumn(CustomerValuesColumns.MEMBERSHIP_DISCOUNT, discount.cast(DataTypes.DoubleType))
        .withColumn(CustomerValuesColumns.NEXT_MEMBERSHIP_TIER, next)
        .withColumn(
            CustomerValuesColumns.SPEND_TO_NEXT_TIER, nextMin.minus(spend).cast(Money.AMOUNT));
  }

  /** A threshold as written in config: 1000, 1500.5. */
  private static String plain(java.math.BigDecimal amount) {
    return amount.stripTrailingZeros().toPlainString();
  }
}
