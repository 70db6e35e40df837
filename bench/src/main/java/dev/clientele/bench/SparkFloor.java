package dev.clientele.bench;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The plainest Spark jobs for the two things the DuckDB reference times, run in the bench's own
 * Spark application: what Spark itself costs on this machine before any of Clientele's work
 * (validation, quarantine, dedupe, pseudonymisation, Delta, labels with reasons). They are lower
 * bounds, not alternatives: each does less than both Clientele and DuckDB.
 *
 * <ul>
 *   <li>{@link #csvToParquet}: the raw CSV files to Parquet with Spark's CSV reader, transactions
 *       with the DuckDB reference's explicit types (malformed lines dropped), the small sources as
 *       strings (no type detection).
 *   <li>{@link #rfmValues}: per customer the R, F and M values of {@link DuckReference} (no scores,
 *       no tiers) from the same silver Parquet files, written nowhere.
 * </ul>
 */
final class SparkFloor {
  private SparkFloor() {}

  /**
   * {@code raw/transactions/*.csv} to {@code out/transactions} and each small source folder present
   * ({@code customers}, {@code surveys}, {@code complaints}) to {@code out/<source>}, as Parquet.
   * Returns the transaction rows written (counted from the Parquet files, after the timed part).
   */
  static long csvToParquet(SparkSession spark, Path raw, Path out) {
    Dataset<Row> lines =
        spark
            .read()
            .schema(DuckReference.RAW_TRANSACTIONS)
            .option("header", "true")
            .option("mode", "DROPMALFORMED")
            .option("timestampFormat", "yyyy-MM-dd HH:mm:ss")
            .csv(raw.resolve("transactions").toString());
    lines
        .withColumn("txn_date", to_date(col("ts")))
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(out.resolve("transactions").toString());
    for (String source : List.of("customers", "surveys", "complaints")) {
      if (!Files.isDirectory(raw.resolve(source))) continue;
      spark
          .read()
          .option("header", "true")
          .csv(raw.resolve(source).toString())
          .write()
          .mode(SaveMode.Overwrite)
          .parquet(out.resolve(source).toString());
    }
    return spark.read().parquet(out.resolve("transactions").toString()).count();
  }

  /**
   * Per customer with a line up to {@code asOf}: recency_days (days since the last purchase line's
   * date), frequency (orders, dated by their first line, with a purchase line within {@code
   * windowDays}) and monetary (net amount of the window's lines), from silver transactions Parquet
   * files under {@code table} (partition folders give txn_date).
   */
  static Dataset<Row> rfmValues(
      SparkSession spark, String table, List<String> files, LocalDate asOf, int windowDays) {
    Column asOfDate = lit(Date.valueOf(asOf));
    Dataset<Row> lines =
        spark
            .read()
            .option("basePath", table)
            .parquet(files.toArray(String[]::new))
            .where(col("customer_id").isNotNull().and(col("txn_date").leq(asOfDate)));
    Column purchase = not(col("is_return"));
    Dataset<Row> frequency =
        lines
            .groupBy(col("customer_id"), col("order_id"))
            .agg(min(col("txn_date")).as("d"), max(purchase).as("purchase"))
            .groupBy(col("customer_id").as("cid"))
            .agg(
                count(
                        when(
                            col("purchase").and(datediff(asOfDate, col("d")).lt(windowDays)),
                            lit(1)))
                    .as("frequency"));
    Dataset<Row> spend =
        lines
            .groupBy(col("customer_id"))
            .agg(
                max(when(purchase, col("txn_date"))).as("last_purchase"),
                coalesce(
                        sum(
                            when(
                                datediff(asOfDate, col("txn_date")).lt(windowDays), col("amount"))),
                        lit(0))
                    .as("monetary"));
    return spend
        .join(frequency, spend.col("customer_id").equalTo(frequency.col("cid")))
        .select(
            col("customer_id"),
            datediff(asOfDate, col("last_purchase")).as("recency_days"),
            col("frequency"),
            col("monetary"));
  }
}
