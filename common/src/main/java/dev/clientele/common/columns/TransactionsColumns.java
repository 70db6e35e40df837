package dev.clientele.common.columns;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Silver {@code transactions}: one row per transaction line, canonical columns whatever the source
 * layout, partitioned by {@link #TXN_DATE}. Money is {@code decimal(18,2)} so sums are exact and
 * labels never depend on summation order.
 */
public final class TransactionsColumns {
  private TransactionsColumns() {}

  /** Unique line key: the mapping's txn_id, by default order_id ":" line_no. */
  public static final String TXN_ID = "txn_id";

  public static final String ORDER_ID = "order_id";
  public static final String LINE_NO = "line_no";
  public static final String CUSTOMER_ID = "customer_id";

  /** Event time, UTC. */
  public static final String TS = "ts";

  /** Calendar date of {@link #TS} in the source's time zone; the partition column. */
  public static final String TXN_DATE = "txn_date";

  /**
   * First day of {@link #TXN_DATE}'s month; present, and the partition column, only when {@code
   * clientele.ingest.partition-by = month}. Not part of {@link #SCHEMA}.
   */
  public static final String TXN_MONTH = "txn_month";

  public static final String PRODUCT_ID = "product_id";
  public static final String BRAND = "brand";
  public static final String CATEGORY = "category";

  /** Units; negative on a return line. */
  public static final String QUANTITY = "quantity";

  public static final String UNIT_PRICE = "unit_price";

  /** Discount granted on the line, in money, non-negative. */
  public static final String DISCOUNT = "discount";

  /** Net line amount after discount; negative on a return line. */
  public static final String AMOUNT = "amount";

  /** Unit cost when the source knows it, else null (margin tiers then say unknown). */
  public static final String UNIT_COST = "unit_cost";

  public static final String CURRENCY = "currency";
  public static final String CHANNEL = "channel";
  public static final String STORE_ID = "store_id";
  public static final String IS_RETURN = "is_return";

  /** The order a return line reverses, when the source says. */
  public static final String ORIGINAL_ORDER_ID = "original_order_id";

  /**
   * With clientele.ingest.reporting-currency set: the line's currency as delivered, its amount in
   * that currency, and the rate that converted its money columns (reporting-currency units per
   * unit, 1 for a line already in it). Null when no reporting currency is set.
   */
  public static final String ORIGINAL_CURRENCY = "original_currency";

  public static final String ORIGINAL_AMOUNT = "original_amount";
  public static final String FX_RATE = "fx_rate";

  public static final String SOURCE_FILE = "source_file";
  public static final String INGEST_RUN_ID = "ingest_run_id";

  /**
   * The columns silver transactions keeps file statistics on: the reads that skip files filter by
   * day or by the ingest runs that added lines (features' refresh of customer_days, kpi_monthly's
   * months to recompute). Statistics on every column were about a fifth of the time writing the
   * table took (23% of its profile samples at 20M lines) and served no read.
   */
  public static final java.util.List<String> STATS_COLUMNS =
      java.util.List.of(TXN_DATE, INGEST_RUN_ID);

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(TXN_ID, DataTypes.StringType, false),
            field(ORDER_ID, DataTypes.StringType, false),
            field(LINE_NO, DataTypes.IntegerType, true),
            field(CUSTOMER_ID, DataTypes.StringType, true),
            field(TS, DataTypes.TimestampType, false),
            field(TXN_DATE, DataTypes.DateType, false),
            field(PRODUCT_ID, DataTypes.StringType, true),
            field(BRAND, DataTypes.StringType, true),
            field(CATEGORY, DataTypes.StringType, true),
            field(QUANTITY, DataTypes.DoubleType, false),
            field(UNIT_PRICE, Money.PRICE, false),
            field(DISCOUNT, Money.AMOUNT, false),
            field(AMOUNT, Money.AMOUNT, false),
            field(UNIT_COST, Money.PRICE, true),
            field(CURRENCY, DataTypes.StringType, true),
            field(CHANNEL, DataTypes.StringType, true),
            field(STORE_ID, DataTypes.StringType, true),
            field(IS_RETURN, DataTypes.BooleanType, false),
            field(ORIGINAL_ORDER_ID, DataTypes.StringType, true),
            field(ORIGINAL_CURRENCY, DataTypes.StringType, true),
            field(ORIGINAL_AMOUNT, Money.AMOUNT, true),
            field(FX_RATE, Money.RATE, true),
            field(SOURCE_FILE, DataTypes.StringType, false),
            field(INGEST_RUN_ID, DataTypes.StringType, false),
          });

  static StructField field(
      String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
    return new StructField(name, type, nullable, Metadata.empty());
  }
}
