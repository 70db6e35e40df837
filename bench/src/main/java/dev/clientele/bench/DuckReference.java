package dev.clientele.bench;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The hand-written SQL a data engineer would use instead of Clientele, in DuckDB with the same
 * number of threads: a typed CSV → Parquet load of the raw files, and from the accepted (silver)
 * transactions the per-customer R, F, M values and 1..N scores, value tiers and the monthly
 * repurchase and churn rates, by the definitions of {@code docs/aggregates.md} and {@code
 * docs/kpis.md}, written independently of Clientele's Spark code so that agreement means something.
 *
 * <p>Definitions reproduced: lines up to as-of with a customer id; a purchase is a non-return line;
 * R = days from the last purchase day to as-of; F = orders (grouped by order id, dated by their
 * first line) with a non-return line whose date is within {@code windowDays} of as-of; M = net
 * amount (returns included) of lines in that window; scores over active customers (a purchase ever
 * and F &gt; 0; others get none): 1 + number of exact (linear interpolation) quantile cut points of
 * the active customers, rounded to 2 decimals and widened (each at least the one before + 1, or +
 * 0.01 for M), strictly below the value (R: strictly above); value tier over spenders (M &gt; 0)
 * ranked by M descending, customer id ascending: high when rank &lt;= ceil(highShare·n) or F &gt;=
 * highOrderCount, medium when rank &lt;= ceil((highShare + mediumShare)·n), else low; none for
 * non-spenders.
 */
final class DuckReference implements AutoCloseable {
  /** The rules the reference applies, bound from the same config Clientele runs with. */
  record Rules(
      LocalDate asOf,
      int windowDays,
      int scores,
      BigDecimal highShare,
      BigDecimal mediumShare,
      long highOrderCount,
      int churnHorizonDays,
      int repurchaseWindowDays) {}

  /**
   * The raw transaction files' columns with the types both references load them with (DuckDB here,
   * {@link SparkFloor} in Spark). Spark's SQL type names ({@code STRING}, {@code INT}, {@code
   * DECIMAL(18,4)}...) are DuckDB type names too.
   */
  static final StructType RAW_TRANSACTIONS =
      new StructType()
          .add("order_id", DataTypes.StringType)
          .add("line_no", DataTypes.IntegerType)
          .add("customer_id", DataTypes.StringType)
          .add("ts", DataTypes.TimestampType)
          .add("product_id", DataTypes.StringType)
          .add("brand", DataTypes.StringType)
          .add("category", DataTypes.StringType)
          .add("quantity", DataTypes.DoubleType)
          .add("unit_price", DataTypes.createDecimalType(18, 4))
          .add("discount", DataTypes.createDecimalType(18, 2))
          .add("unit_cost", DataTypes.createDecimalType(18, 4))
          .add("channel", DataTypes.StringType)
          .add("store_id", DataTypes.StringType)
          .add("original_order_id", DataTypes.StringType);

  private final Connection db;

  DuckReference(int threads, String tempDir) throws SQLException {
    db = DriverManager.getConnection("jdbc:duckdb:");
    exec("SET threads = " + threads);
    exec("SET temp_directory = '" + tempDir + "'");
    // Row order of a load does not matter; DuckDB writes Parquet faster and leaner without it.
    exec("SET preserve_insertion_order = false");
  }

  /**
   * Raw transactions CSV → one Parquet file, typed; lines that do not parse are skipped. Returns
   * rows written.
   */
  long loadTransactions(String rawDir, String parquet) throws SQLException {
    exec(
        "COPY (SELECT *, CAST(ts AS DATE) AS txn_date FROM read_csv('"
            + rawDir
            + "/transactions/*.csv', header = true, delim = ',', quote = '\"', escape = '\"',"
            + " timestampformat = '%Y-%m-%d %H:%M:%S', ignore_errors = true, columns = {"
            + columns(RAW_TRANSACTIONS)
            + "}))"
            + " TO '"
            + parquet
            + "' (FORMAT parquet)");
    return count("SELECT count(*) FROM read_parquet('" + parquet + "')");
  }

  /** read_csv's {@code columns} map: {@code 'name': 'TYPE', ...}. */
  private static String columns(StructType schema) {
    return java.util.Arrays.stream(schema.fields())
        .map(f -> "'" + f.name() + "': '" + f.dataType().sql() + "'")
        .collect(Collectors.joining(", "));
  }

  /** One small raw CSV source (customers, surveys, complaints) → Parquet, types detected. */
  void loadSmall(String csvGlob, String parquet) throws SQLException {
    exec(
        "COPY (SELECT * FROM read_csv('"
            + csvGlob
            + "', header = true)) TO '"
            + parquet
            + "' (FORMAT parquet)");
  }

  /** A view {@code tx} over Parquet files (Hive-style partition folders give txn_date). */
  void transactionsFrom(List<String> files) throws SQLException {
    String list = files.stream().map(f -> "'" + f + "'").collect(Collectors.joining(", "));
    exec(
        "CREATE OR REPLACE VIEW tx AS SELECT customer_id, order_id, txn_date, is_return, amount"
            + " FROM read_parquet(["
            + list
            + "], hive_partitioning = true)");
  }

  /**
   * Table {@code duck_rfm}: customer_id, recency_days, frequency, monetary, r/f/m_score,
   * value_tier. Returns rows.
   */
  long rfmAndTiers(Rules rules) throws SQLException {
    String asOf = "DATE '" + rules.asOf() + "'";
    String window = asOf + " - txn_date < " + rules.windowDays();
    StringBuilder probs = new StringBuilder();
    for (int i = 1; i < rules.scores(); i++)
      probs.append(i > 1 ? ", " : "").append((double) i / rules.scores());
    String q = "[" + probs + "]";
    String highN =
        "ceil(CAST(n AS DECIMAL(20,0)) * CAST('"
            + rules.highShare().toPlainString()
            + "' AS DECIMAL(10,6)))";
    String mediumN =
        "ceil(CAST(n AS DECIMAL(20,0)) * CAST('"
            + rules.highShare().add(rules.mediumShare()).toPlainString()
            + "' AS DECIMAL(10,6)))";
    String byOrders =
        rules.highOrderCount() > 0 ? " OR frequency >= " + rules.highOrderCount() : "";
    exec(
        "CREATE OR REPLACE TABLE duck_rfm AS\n"
            + "WITH lines AS (SELECT * FROM tx WHERE customer_id IS NOT NULL AND txn_date <= "
            + asOf
            + "),\n"
            // An order counts on each day of its purchase lines (docs/aggregates.md), as the
            // per-customer-day statistics of Clientele's features count it.
            + "orders AS (SELECT customer_id, txn_date, bool_or(NOT is_return) AS purchase\n"
            + "  FROM lines GROUP BY customer_id, order_id, txn_date),\n"
            + "order_counts AS (SELECT customer_id, count(*) FILTER (WHERE purchase AND "
            + window
            + ") AS frequency\n"
            + "  FROM orders GROUP BY customer_id),\n"
            + "spend AS (SELECT customer_id, max(txn_date) FILTER (WHERE NOT is_return) AS last_purchase,\n"
            + "  CAST(coalesce(sum(amount) FILTER (WHERE "
            + window
            + "), 0) AS DECIMAL(18,2)) AS monetary\n"
            + "  FROM lines GROUP BY customer_id),\n"
            + "base AS (SELECT s.customer_id, "
            + asOf
            + " - s.last_purchase AS recency_days, o.frequency, s.monetary,\n"
            + "  s.last_purchase IS NOT NULL AS buyer FROM spend s JOIN order_counts o USING (customer_id)),\n"
            + "scored AS (SELECT *, buyer AND frequency > 0 AS active FROM base),\n"
            + "raw_cuts AS (SELECT\n"
            + "  list_transform(quantile_cont(CAST(recency_days AS DOUBLE), "
            + q
            + "), lambda c: round(c, 2)) AS rc,\n"
            + "  list_transform(quantile_cont(CAST(frequency AS DOUBLE), "
            + q
            + "), lambda c: round(c, 2)) AS fc,\n"
            + "  list_transform(quantile_cont(CAST(monetary AS DOUBLE), "
            + q
            + "), lambda c: round(c, 2)) AS mc\n"
            + "  FROM scored WHERE active),\n"
            + "cuts AS (SELECT "
            + widened("rc", rules.scores() - 1, "1")
            + " AS rc, "
            + widened("fc", rules.scores() - 1, "1")
            + " AS fc, "
            + widened("mc", rules.scores() - 1, "0.01")
            + " AS mc FROM raw_cuts),\n"
            + "ranked AS (SELECT customer_id, row_number() OVER (ORDER BY monetary DESC, customer_id) AS value_rank,\n"
            + "  count(*) OVER () AS n FROM base WHERE monetary > 0)\n"
            + "SELECT b.customer_id, b.recency_days, b.frequency, b.monetary,\n"
            + "  CASE WHEN active THEN 1 + len(list_filter(rc, lambda c: c > CAST(b.recency_days AS DOUBLE))) END AS r_score,\n"
            + "  CASE WHEN active THEN 1 + len(list_filter(fc, lambda c: c < CAST(b.frequency AS DOUBLE))) END AS f_score,\n"
            + "  CASE WHEN active THEN 1 + len(list_filter(mc, lambda c: c < CAST(b.monetary AS DOUBLE))) END AS m_score,\n"
            + "  CASE WHEN r.value_rank IS NULL THEN 'none'\n"
            + "       WHEN r.value_rank <= "
            + highN
            + byOrders
            + " THEN 'high'\n"
            + "       WHEN r.value_rank <= "
            + mediumN
            + " THEN 'medium' ELSE 'low' END AS value_tier\n"
            + "FROM scored b CROSS JOIN cuts LEFT JOIN ranked r USING (customer_id)");
    return count("SELECT count(*) FROM duck_rfm");
  }

  /**
   * The widening rule of docs/aggregates.md written out for {@code count} cuts: cut i becomes the
   * largest of cut j + (i − j)·unit over j ≤ i (each cut at least the widened one before it plus
   * one unit), rounded to 2 decimals.
   */
  static String widened(String cuts, int count, String unit) {
    StringBuilder list = new StringBuilder("[");
    for (int i = 1; i <= count; i++) {
      if (i > 1) list.append(", ");
      list.append("round(greatest(").append(cuts).append("[").append(i).append("]");
      for (int j = 1; j < i; j++) {
        list.append(", ")
            .append(cuts)
            .append('[')
            .append(j)
            .append("] + ")
            .append(i - j)
            .append(" * ")
            .append(unit);
      }
      list.append("), 2)");
    }
    return list.append(']').toString();
  }

  /**
   * Table {@code duck_kpi}: one row per month from the first purchase month to the as-of month with
   * repurchase_base, repurchasers, repurchase_rate, churn_base, churned_customers, churn_rate, by
   * the definitions of {@code docs/kpis.md} (rates rounded to 4 decimals, null on an empty base).
   */
  long monthlyKpis(Rules rules) throws SQLException {
    String asOf = "DATE '" + rules.asOf() + "'";
    String asOfMonth = "DATE '" + rules.asOf().withDayOfMonth(1) + "'";
    int h = rules.churnHorizonDays();
    int w = rules.repurchaseWindowDays();
    exec(
        "CREATE OR REPLACE TABLE duck_kpi AS\n"
            + "WITH days AS (SELECT DISTINCT customer_id, txn_date AS d FROM tx\n"
            + "  WHERE NOT is_return AND customer_id IS NOT NULL AND txn_date <= "
            + asOf
            + "),\n"
            // Each purchase day with the customer's next one: the last purchase on or before e is
            // the d with d <= e < next.
            + "spells AS (SELECT customer_id, d, lead(d) OVER (PARTITION BY customer_id ORDER BY d) AS next_d,\n"
            + "  CAST(date_trunc('month', d) AS DATE) AS month FROM days),\n"
            + "months AS (SELECT CAST(m AS DATE) AS month, CAST(m - INTERVAL 1 DAY AS DATE) AS e_prev,\n"
            + "  CASE WHEN CAST(m AS DATE) = "
            + asOfMonth
            + " THEN "
            + asOf
            + " ELSE CAST(m + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) END AS e\n"
            + "  FROM generate_series((SELECT CAST(min(month) AS TIMESTAMP) FROM spells), CAST("
            + asOfMonth
            + " AS TIMESTAMP), INTERVAL 1 MONTH) t(m)),\n"
            + "firsts AS (SELECT customer_id, month, min(d) AS f, arg_min(next_d, d) AS next_after_f FROM spells GROUP BY customer_id, month),\n"
            // A window counts in the month it closes (f + W), once closed by as-of.
            + "repurchase AS (SELECT CAST(date_trunc('month', f + "
            + w
            + ") AS DATE) AS month, count(*) AS repurchase_base,\n"
            + "  count(*) FILTER (WHERE next_after_f <= f + "
            + w
            + ") AS repurchasers\n"
            + "  FROM firsts WHERE f + "
            + w
            + " <= "
            + asOf
            + " GROUP BY 1),\n"
            // In the base of month m: last purchase by e(m-1) is d, and not churned then (e(m-1) <
            // d + H).
            + "churn AS (SELECT m.month, count(*) AS churn_base,\n"
            + "  count(*) FILTER (WHERE (s.next_d IS NULL OR s.next_d > m.e) AND s.d + "
            + h
            + " <= m.e) AS churned_customers\n"
            + "  FROM spells s JOIN months m ON m.e_prev >= s.d AND m.e_prev < coalesce(s.next_d, DATE '9999-12-31')\n"
            + "    AND m.e_prev < s.d + "
            + h
            + " GROUP BY m.month)\n"
            + "SELECT m.month, coalesce(r.repurchase_base, 0) AS repurchase_base, coalesce(r.repurchasers, 0) AS repurchasers,\n"
            + "  CASE WHEN coalesce(r.repurchase_base, 0) > 0 THEN round(r.repurchasers / r.repurchase_base, 4) END AS repurchase_rate,\n"
            + "  coalesce(c.churn_base, 0) AS churn_base, coalesce(c.churned_customers, 0) AS churned_customers,\n"
            + "  CASE WHEN coalesce(c.churn_base, 0) > 0 THEN round(c.churned_customers / c.churn_base, 4) END AS churn_rate\n"
            + "FROM months m LEFT JOIN repurchase r USING (month) LEFT JOIN churn c USING (month)");
    return count("SELECT count(*) FROM duck_kpi");
  }

  /**
   * Customers whose r/f/m score or value tier differs between {@code duck_rfm} and Clientele's
   * published tiers in {@code clienteleParquet} (customer_id, r_score, f_score, m_score,
   * value_tier); a customer DuckDB never saw must have no scores and tier none. Returns the number
   * of differing customers and fills {@code firstRows} with up to {@code limit} of them.
   */
  long tierDifferences(String clienteleParquet, int limit, List<String> firstRows)
      throws SQLException {
    String diff =
        "FROM read_parquet('"
            + clienteleParquet
            + "/*.parquet') c FULL JOIN duck_rfm d USING (customer_id)\n"
            + "WHERE c.customer_id IS NULL OR c.r_score IS DISTINCT FROM d.r_score OR c.f_score IS DISTINCT FROM d.f_score\n"
            + "  OR c.m_score IS DISTINCT FROM d.m_score OR c.value_tier IS DISTINCT FROM coalesce(d.value_tier, 'none')";
    long n = count("SELECT count(*) " + diff);
    rows(
        "SELECT customer_id, 'clientele R' || coalesce(CAST(c.r_score AS VARCHAR), '-') || ' F' || coalesce(CAST(c.f_score AS VARCHAR), '-')"
            + " || ' M' || coalesce(CAST(c.m_score AS VARCHAR), '-') || ' ' || coalesce(c.value_tier, '-')"
            + " || ' (r ' || coalesce(CAST(c.recency_days AS VARCHAR), '-') || ', f ' || coalesce(CAST(c.frequency AS VARCHAR), '-')"
            + " || ', m ' || coalesce(CAST(c.monetary AS VARCHAR), '-') || ')'"
            + " || ' | duckdb R' || coalesce(CAST(d.r_score AS VARCHAR), '-') || ' F' || coalesce(CAST(d.f_score AS VARCHAR), '-')"
            + " || ' M' || coalesce(CAST(d.m_score AS VARCHAR), '-') || ' ' || coalesce(d.value_tier, '-')"
            + " || ' (r ' || coalesce(CAST(d.recency_days AS VARCHAR), '-') || ', f ' || coalesce(CAST(d.frequency AS VARCHAR), '-')"
            + " || ', m ' || coalesce(CAST(d.monetary AS VARCHAR), '-') || ')' "
            + diff
            + " ORDER BY customer_id LIMIT "
            + limit,
        firstRows);
    return n;
  }

  /**
   * Months whose overall repurchase or churn figures differ from Clientele's kpi_monthly rows in
   * {@code clienteleParquet}.
   */
  long kpiDifferences(String clienteleParquet, List<String> firstRows) throws SQLException {
    // Months before the first purchase (surveys or complaints only) have empty bases in Clientele.
    String diff =
        "FROM read_parquet('"
            + clienteleParquet
            + "/*.parquet') c FULL JOIN duck_kpi d USING (month)\n"
            + "WHERE coalesce(c.repurchase_base, 0) <> coalesce(d.repurchase_base, 0)"
            + " OR coalesce(c.repurchasers, 0) <> coalesce(d.repurchasers, 0)"
            + " OR c.repurchase_rate IS DISTINCT FROM d.repurchase_rate"
            + " OR coalesce(c.churn_base, 0) <> coalesce(d.churn_base, 0)"
            + " OR coalesce(c.churned_customers, 0) <> coalesce(d.churned_customers, 0)"
            + " OR c.churn_rate IS DISTINCT FROM d.churn_rate";
    long n = count("SELECT count(*) " + diff);
    rows(
        "SELECT CAST(month AS VARCHAR) || ': clientele repurchase ' || coalesce(CAST(c.repurchasers AS VARCHAR), '-') || '/'"
            + " || coalesce(CAST(c.repurchase_base AS VARCHAR), '-') || ' churn ' || coalesce(CAST(c.churned_customers AS VARCHAR), '-')"
            + " || '/' || coalesce(CAST(c.churn_base AS VARCHAR), '-') || ' | duckdb repurchase '"
            + " || coalesce(CAST(d.repurchasers AS VARCHAR), '-') || '/' || coalesce(CAST(d.repurchase_base AS VARCHAR), '-')"
            + " || ' churn ' || coalesce(CAST(d.churned_customers AS VARCHAR), '-') || '/' || coalesce(CAST(d.churn_base AS VARCHAR), '-') "
            + diff
            + " ORDER BY month LIMIT 12",
        firstRows);
    return n;
  }

  /** Months compared with a non-empty base (so "agree" is not vacuous). */
  long kpiMonthsWithData() throws SQLException {
    return count("SELECT count(*) FROM duck_kpi WHERE repurchase_base > 0 OR churn_base > 0");
  }

  void exec(String sql) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute(sql);
    }
  }

  private long count(String sql) throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void rows(String sql, List<String> out) throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next())
        out.add(
            rs.getString(1) + (rs.getMetaData().getColumnCount() > 1 ? " " + rs.getString(2) : ""));
    }
  }

  @Override
  public void close() throws SQLException {
    db.close();
  }
}
