package dev.clientele.features;

import dev.clientele.common.columns.FeaturesColumns;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Literal customer_features rows for segment and value tests; defaults are a quiet one-order buyer.
 */
public final class FeatureRows {
  public static final LocalDate AS_OF = LocalDate.parse("2026-11-21");

  private final Object[] v = new Object[FeaturesColumns.SCHEMA.fields().length];

  private FeatureRows(String id) {
    set(FeaturesColumns.AS_OF, Date.valueOf(AS_OF));
    set(FeaturesColumns.CUSTOMER_ID, id);
    set(FeaturesColumns.ORDER_COUNT, 1L);
    set(FeaturesColumns.LIFETIME_ORDER_COUNT, 1L);
    set(FeaturesColumns.PURCHASE_DAYS, 1L);
    set(FeaturesColumns.NET_SPEND, new BigDecimal("10.00"));
    set(FeaturesColumns.LIFETIME_NET_SPEND, new BigDecimal("10.00"));
    set(FeaturesColumns.AOV, new BigDecimal("10.00"));
    set(FeaturesColumns.SPEND_LAST_90D, new BigDecimal("0.00"));
    set(FeaturesColumns.SPEND_PREV_90D, new BigDecimal("0.00"));
    set(FeaturesColumns.ORDERS_LAST_90D, 0L);
    set(FeaturesColumns.ORDERS_PREV_90D, 0L);
    set(FeaturesColumns.CATEGORY_COUNT, 1L);
    set(FeaturesColumns.RETURN_AMOUNT, new BigDecimal("0.00"));
    set(FeaturesColumns.WAS_CHURNED_BEFORE, false);
    for (String a :
        List.of(
            FeaturesColumns.AGE_BAND,
            FeaturesColumns.GENDER,
            FeaturesColumns.INCOME_BAND,
            FeaturesColumns.OCCUPATION,
            FeaturesColumns.REGION)) {
      set(a, "unknown");
    }
    set(FeaturesColumns.IS_PROSPECT, false);
    set(FeaturesColumns.POINTS_EARNED, 10L);
    set(FeaturesColumns.POINTS_REVERSED, 0L);
    set(FeaturesColumns.POINTS_REDEEMED, 0L);
    set(FeaturesColumns.POINTS_EXPIRED, 0L);
    set(FeaturesColumns.POINTS_BALANCE, 10L);
    set(FeaturesColumns.POINTS_EXPIRY_DATE, Date.valueOf("2026-01-01"));
    recency(200);
  }

  /** A buyer whose only purchase was 200 days ago. */
  public static FeatureRows buyer(String id) {
    return new FeatureRows(id);
  }

  /** A customer who never bought. */
  public static FeatureRows prospect(String id) {
    FeatureRows r = new FeatureRows(id);
    r.set(FeaturesColumns.FIRST_PURCHASE_DATE, null);
    r.set(FeaturesColumns.LAST_PURCHASE_DATE, null);
    r.set(FeaturesColumns.RECENCY_DAYS, null);
    r.set(FeaturesColumns.AOV, null);
    r.set(FeaturesColumns.IS_PROSPECT, true);
    r.set(FeaturesColumns.POINTS_EARNED, 0L);
    r.set(FeaturesColumns.POINTS_BALANCE, 0L);
    return r.orders(0, 0).spend("0.00").lifetime("0.00");
  }

  public FeatureRows set(String column, Object value) {
    v[FeaturesColumns.SCHEMA.fieldIndex(column)] = value;
    return this;
  }

  /**
   * Last purchase this many days before as-of; also the first purchase unless {@link #firstAgo}.
   */
  public FeatureRows recency(int days) {
    set(FeaturesColumns.RECENCY_DAYS, days);
    set(FeaturesColumns.LAST_PURCHASE_DATE, Date.valueOf(AS_OF.minusDays(days)));
    set(FeaturesColumns.FIRST_PURCHASE_DATE, Date.valueOf(AS_OF.minusDays(days)));
    return this;
  }

  public FeatureRows firstAgo(int days) {
    return set(FeaturesColumns.FIRST_PURCHASE_DATE, Date.valueOf(AS_OF.minusDays(days)));
  }

  public FeatureRows orders(long window, long lifetime) {
    set(FeaturesColumns.ORDER_COUNT, window);
    return set(FeaturesColumns.LIFETIME_ORDER_COUNT, lifetime);
  }

  public FeatureRows spend(String net) {
    return set(FeaturesColumns.NET_SPEND, new BigDecimal(net));
  }

  public FeatureRows lifetime(String net) {
    return set(FeaturesColumns.LIFETIME_NET_SPEND, new BigDecimal(net));
  }

  public FeatureRows aov(String aov) {
    return set(FeaturesColumns.AOV, aov == null ? null : new BigDecimal(aov));
  }

  public FeatureRows margin(String margin) {
    return set(FeaturesColumns.MARGIN, margin == null ? null : new BigDecimal(margin));
  }

  public FeatureRows meanGap(Double days) {
    return set(FeaturesColumns.MEAN_GAP_DAYS, days);
  }

  public FeatureRows trend(String last, String prev) {
    set(FeaturesColumns.SPEND_LAST_90D, new BigDecimal(last));
    return set(FeaturesColumns.SPEND_PREV_90D, new BigDecimal(prev));
  }

  public FeatureRows reactivatedAgo(int days) {
    set(FeaturesColumns.WAS_CHURNED_BEFORE, true);
    return set(FeaturesColumns.REACTIVATED_ON, Date.valueOf(AS_OF.minusDays(days)));
  }

  public FeatureRows preference(Double brandShare, Double discountShare, long categories) {
    set(FeaturesColumns.TOP_BRAND_SHARE, brandShare);
    set(FeaturesColumns.TOP_BRAND, brandShare == null ? null : "B1");
    set(FeaturesColumns.DISCOUNT_SHARE, discountShare);
    return set(FeaturesColumns.CATEGORY_COUNT, categories);
  }

  public Row row() {
    return RowFactory.create(v.clone());
  }

  public static Dataset<Row> frame(SparkSession spark, FeatureRows... rows) {
    List<Row> out = new ArrayList<>();
    for (FeatureRows r : rows) out.add(r.row());
    return spark.createDataFrame(out, FeaturesColumns.SCHEMA);
  }

  public static Dataset<Row> frame(SparkSession spark, List<FeatureRows> rows) {
    return frame(spark, rows.toArray(FeatureRows[]::new));
  }
}
