package dev.clientele.segment;

import static dev.clientele.tiering.Reasons.p;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.CustomerSegmentsColumns;
import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.tiering.Reasons;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Purchase preference class, one row per customer: <b>brand-loyal</b> (top brand's share of window
 * gross spend &gt;= brand-loyal-share), <b>price-sensitive</b> (discount share &gt;=
 * price-sensitive-share), <b>category-explorer</b> (distinct categories &gt;= explorer-categories),
 * first passing class in the configured precedence; <b>none</b> when no bar is passed or the
 * customer has fewer than min-orders orders in the window. A missing share never passes. Reason
 * codes: brand_loyal, price_sensitive, category_explorer, few_orders, no_bar.
 */
public final class PreferenceClasses {
  private PreferenceClasses() {}

  public static final List<String> CLASSES =
      List.of("brand-loyal", "price-sensitive", "category-explorer");

  public static Dataset<Row> label(Dataset<Row> features, SegmentRules.PreferenceRules p) {
    Column orders = col(FeaturesColumns.ORDER_COUNT);
    Column brandShare = col(FeaturesColumns.TOP_BRAND_SHARE);
    Column discountShare = col(FeaturesColumns.DISCOUNT_SHARE);
    Column categories = col(FeaturesColumns.CATEGORY_COUNT);
    Column label = lit("none");
    Column reason =
        Reasons.of(
            "no_bar",
            p(
                "top_brand_share",
                Reasons.cmp(
                    Reasons.fixed(coalesce(brandShare, lit(0.0)), 4),
                    "<",
                    Reasons.fixed(lit(p.brandLoyalShare()), 2))),
            p(
                "discount_share",
                Reasons.cmp(
                    Reasons.fixed(coalesce(discountShare, lit(0.0)), 4),
                    "<",
                    Reasons.fixed(lit(p.priceSensitiveShare()), 2))),
            p("category_count", Reasons.cmp(categories, "<", lit(p.explorerCategories()))));
    List<String> order = p.precedence();
    for (int i = order.size() - 1; i >= 0; i--) {
      String cls = order.get(i);
      Column passes;
      Column why;
      switch (cls) {
        case "brand-loyal" -> {
          passes = brandShare.geq(p.brandLoyalShare());
          why =
              Reasons.of(
                  "brand_loyal",
                  p(
                      "top_brand_share",
                      Reasons.cmp(
                          Reasons.fixed(brandShare, 4),
                          ">=",
                          Reasons.fixed(lit(p.brandLoyalShare()), 2))),
                  p("brand", col(FeaturesColumns.TOP_BRAND)));
        }
        case "price-sensitive" -> {
          passes = discountShare.geq(p.priceSensitiveShare());
          why =
              Reasons.of(
                  "price_sensitive",
                  p(
                      "discount_share",
                      Reasons.cmp(
                          Reasons.fixed(discountShare, 4),
                          ">=",
                          Reasons.fixed(lit(p.priceSensitiveShare()), 2))));
        }
        case "category-explorer" -> {
          passes = categories.geq(p.explorerCategories());
          why =
              Reasons.of(
                  "category_explorer",
                  p("category_count", Reasons.cmp(categories, ">=", lit(p.explorerCategories()))));
        }
        default -> throw new IllegalArgumentException("unknown preference class " + cls);
      }
      passes = coalesce(passes, lit(false));
      label = when(passes, lit(cls)).otherwise(label);
      reason = when(passes, why).otherwise(reason);
    }
    Column few = orders.lt(p.minOrders());
    return features
        .withColumn(
            CustomerSegmentsColumns.PREFERENCE_CLASS, when(few, lit("none")).otherwise(label))
        .withColumn(
            CustomerSegmentsColumns.PREFERENCE_CLASS_REASON,
            when(
                    few,
                    Reasons.of(
                        "few_orders",
                        p("order_count", Reasons.cmp(orders, "<", lit(p.minOrders())))))
                .otherwise(reason));
  }
}
