package dev.clientele.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DuckDB reference on a hand-computed example, and its agreement check failing on one changed
 * score.
 */
class DuckReferenceTest {
  private static final DuckReference.Rules RULES =
      new DuckReference.Rules(
          LocalDate.parse("2026-11-21"),
          365,
          5,
          new BigDecimal("0.2"),
          new BigDecimal("0.3"),
          24,
          180,
          30);

  @TempDir Path dir;

  private DuckReference withTransactions() throws Exception {
    DuckReference duck = new DuckReference(1, dir.resolve("tmp").toString());
    duck.exec(
        "CREATE TABLE tx AS SELECT customer_id, order_id, CAST(txn_date AS DATE) AS txn_date, is_return,"
            + " CAST(amount AS DECIMAL(18,2)) AS amount FROM (VALUES"
            + " ('a', 'o1', '2026-11-20', false, 100),"
            + " ('b', 'o2', '2026-10-01', false, 50), ('b', 'o3', '2026-10-15', false, 50),"
            + " ('c', 'o4', '2025-01-01', false, 30),"
            + " ('d', 'o5', '2026-11-01', true, -20),"
            + " ('e', 'o6', '2026-06-01', false, 200), ('e', 'o7', '2026-06-05', true, -250),"
            + " (NULL, 'o8', '2026-11-01', false, 999), ('a', 'o9', '2026-11-22', false, 999)"
            + ") t(customer_id, order_id, txn_date, is_return, amount)");
    return duck;
  }

  @Test
  void loadTransactionsTypesTheRawColumnsAndSkipsLinesThatDoNotParse() throws Exception {
    Path raw = dir.resolve("raw");
    Files.createDirectories(raw.resolve("transactions"));
    Files.write(
        raw.resolve("transactions/2026-11-20.csv"),
        List.of(
            "order_id,line_no,customer_id,ts,product_id,brand,category,quantity,unit_price,discount,unit_cost,channel,store_id,original_order_id",
            "O1,1,C1,2026-11-20 10:00:00,P1,\"Tanaka, Castillo & Sons\",haircare,1,7.99,0.00,3.50,app,,",
            "O1,2,C1,2026-11-20 10:00:00,P2,Zento,bodycare,2,10.99,0.00,,app,,",
            "O2,x,C2,2026-11-20 11:00:00,P1,Zento,haircare,1,7.99,0.00,3.50,web,,"));
    try (DuckReference duck = new DuckReference(1, dir.resolve("tmp").toString())) {
      String parquet = dir.resolve("tx.parquet").toString();
      assertThat(duck.loadTransactions(raw.toString(), parquet)).isEqualTo(2);
      Path out = dir.resolve("tx.csv");
      duck.exec(
          "COPY (SELECT brand, txn_date, unit_cost, typeof(line_no), typeof(unit_price) FROM read_parquet('"
              + parquet
              + "') ORDER BY line_no) TO '"
              + out
              + "' (HEADER false, DELIMITER '|')");
      assertThat(Files.readAllLines(out))
          .containsExactly(
              "Tanaka, Castillo & Sons|2026-11-20|3.5000|INTEGER|DECIMAL(18,4)",
              "Zento|2026-11-20||INTEGER|DECIMAL(18,4)");
    }
  }

  @Test
  void scoresAndTiersFollowTheDocumentedRules() throws Exception {
    try (DuckReference duck = withTransactions()) {
      assertThat(duck.rfmAndTiers(RULES)).isEqualTo(5);
      Path out = dir.resolve("rfm.csv");
      duck.exec(
          "COPY (SELECT customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, value_tier"
              + " FROM duck_rfm ORDER BY customer_id) TO '"
              + out
              + "' (HEADER false)");
      // Scored: the active customers a, b, e (c bought, but not in the window: no scores; d never
      // bought). R cuts [15.4, 29.8, 64.2, 118.6] over recency 1, 37, 173; F cuts [1, 1, 1.2, 1.6]
      // widened to [1, 2, 3, 4]; M cuts [10, 70, 100, 100] widened to [10, 70, 100, 100.01];
      // spenders a and b tie on 100: a (smaller id) is the top 20%.
      assertThat(Files.readAllLines(out))
          .containsExactly(
              "a,1,1,100.00,5,1,3,high",
              "b,37,2,100.00,3,2,3,low",
              "c,689,0,0.00,,,,none",
              "d,,0,-20.00,,,,none",
              "e,173,1,-50.00,1,1,1,none");
    }
  }

  @Test
  void anOrderWithPurchaseLinesOnTwoDaysCountsOnEach() throws Exception {
    // docs/aggregates.md's rule, which Clientele's per-customer-day statistics follow. A held line
    // released by a later as-of can date an old order's line on a new day: 12 customers on the
    // 20M bench's incremental date, where a reference counting each order once disagreed.
    try (DuckReference duck = new DuckReference(1, dir.resolve("tmp").toString())) {
      duck.exec(
          "CREATE TABLE tx AS SELECT customer_id, order_id, CAST(txn_date AS DATE) AS txn_date, is_return,"
              + " CAST(amount AS DECIMAL(18,2)) AS amount FROM (VALUES"
              + " ('a', 'o1', '2026-05-30', false, 20), ('a', 'o1', '2026-11-20', false, 27),"
              + " ('a', 'o2', '2026-06-17', true, -20), ('a', 'o2', '2026-06-18', true, -1)"
              + ") t(customer_id, order_id, txn_date, is_return, amount)");
      duck.rfmAndTiers(RULES);
      Path out = dir.resolve("rfm.csv");
      duck.exec(
          "COPY (SELECT customer_id, recency_days, frequency, monetary FROM duck_rfm) TO '"
              + out
              + "' (HEADER false)");
      assertThat(Files.readAllLines(out)).containsExactly("a,1,2,26.00");
    }
  }

  @Test
  void oneChangedScoreIsADifferenceNamingTheCustomer() throws Exception {
    try (DuckReference duck = withTransactions()) {
      duck.rfmAndTiers(RULES);
      Files.createDirectories(dir.resolve("same"));
      Files.createDirectories(dir.resolve("changed"));
      String columns =
          "customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, value_tier";
      duck.exec(
          "COPY (SELECT "
              + columns
              + " FROM duck_rfm) TO '"
              + dir.resolve("same/p.parquet")
              + "' (FORMAT parquet)");
      duck.exec(
          "COPY (SELECT * REPLACE (CASE WHEN customer_id = 'b' THEN 4 ELSE r_score END AS r_score) FROM ("
              + "SELECT "
              + columns
              + " FROM duck_rfm)) TO '"
              + dir.resolve("changed/p.parquet")
              + "' (FORMAT parquet)");
      List<String> rows = new ArrayList<>();
      assertThat(duck.tierDifferences(dir.resolve("same").toString(), 10, rows)).isZero();
      assertThat(rows).isEmpty();
      assertThat(duck.tierDifferences(dir.resolve("changed").toString(), 10, rows)).isEqualTo(1);
      assertThat(rows)
          .containsExactly(
              "b clientele R4 F2 M3 low (r 37, f 2, m 100.00) | duckdb R3 F2 M3 low (r 37, f 2, m 100.00)");
    }
  }

  @Test
  void monthlyRepurchaseAndChurnFollowTheDocumentedRules() throws Exception {
    try (DuckReference duck = new DuckReference(1, dir.resolve("tmp").toString())) {
      // x buys 2026-05-10 and 2026-05-20 (repurchase within 30 days: counted in June, when the
      // window closes on 06-09), then nothing: churned at 2026-05-20 + 180 = 2026-11-16, in
      // November (the as-of month, ending on as-of 2026-11-21).
      // y buys once on 2026-10-25: not yet observable for repurchase (+30 > as-of).
      duck.exec(
          "CREATE TABLE tx AS SELECT customer_id, order_id, CAST(txn_date AS DATE) AS txn_date, is_return,"
              + " CAST(amount AS DECIMAL(18,2)) AS amount FROM (VALUES"
              + " ('x', 'o1', '2026-05-10', false, 10), ('x', 'o2', '2026-05-20', false, 10),"
              + " ('y', 'o3', '2026-10-25', false, 10)) t(customer_id, order_id, txn_date, is_return, amount)");
      assertThat(duck.monthlyKpis(RULES)).isEqualTo(7);
      {
        Path out = dir.resolve("kpi.csv");
        duck.exec("COPY (SELECT * FROM duck_kpi ORDER BY month) TO '" + out + "' (HEADER false)");
        assertThat(Files.readAllLines(out))
            .containsExactly(
                "2026-05-01,0,0,,0,0,",
                "2026-06-01,1,1,1.0,1,0,0.0",
                "2026-07-01,0,0,,1,0,0.0",
                "2026-08-01,0,0,,1,0,0.0",
                "2026-09-01,0,0,,1,0,0.0",
                "2026-10-01,0,0,,1,0,0.0",
                "2026-11-01,0,0,,2,1,0.5");
      }
    }
  }
}
