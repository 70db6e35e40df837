package dev.clientele.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trunc;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The plainest Spark process doing one pipeline run's essential work on run-local's sample, the
 * floor of issue 19's "run-local's two pipeline runs ≤ 60 s" (scripts/local-floor.sh runs it once
 * per as-of date, each in a JVM of its own, as run-local runs {@code clientele pipeline} twice). It
 * loads the transaction day files dated from {@code --after} (every earlier file when absent, and
 * the table is then rewritten) to the day before {@code --as-of} into a silver Delta table by
 * month, the customers (their latest version, without PII), surveys and complaints (an update
 * resolving one counted once) into theirs, then does {@link SparkFloor#essentialGold} for the as-of
 * date. Nothing is checked, deduplicated or quarantined. Prints its seconds since the JVM started.
 *
 * <pre>
 * LocalFloor --raw DIR --warehouse DIR --as-of DATE [--after DATE]
 * </pre>
 */
public final class LocalFloor {
  private LocalFloor() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) opt.put(args[i], args[i + 1]);
    if (!opt.keySet().containsAll(List.of("--raw", "--warehouse", "--as-of"))) {
      System.err.println("usage: LocalFloor --raw DIR --warehouse DIR --as-of DATE [--after DATE]");
      System.exit(2);
    }
    Path raw = Path.of(opt.get("--raw"));
    Path warehouse = Path.of(opt.get("--warehouse"));
    LocalDate asOf = LocalDate.parse(opt.get("--as-of"));
    LocalDate after = opt.containsKey("--after") ? LocalDate.parse(opt.get("--after")) : null;
    SparkSession spark =
        SparkSession.builder()
            .master("local[*]")
            .appName("local-floor")
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config(
                "spark.sql.catalog.spark_catalog",
                "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            // Clientele's small-data settings: few shuffle partitions, one task per Delta log job.
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.databricks.delta.snapshotPartitions", "1")
            .getOrCreate();
    double session = sinceStart();
    SparkFloor.Silver silver = load(spark, raw, warehouse.resolve("silver"), after, asOf);
    double loaded = sinceStart();
    SparkFloor.essentialGold(spark, silver, warehouse.resolve("gold"), asOf, 365);
    double done = sinceStart();
    spark.stop();
    System.out.printf(
        Locale.ROOT,
        "LocalFloor as-of %s: %.1f s since the JVM started (session %.1f, load %.1f, gold %.1f)%n",
        asOf,
        done,
        session,
        loaded - session,
        done - loaded);
  }

  /**
   * The transaction files named {@code yyyy-MM-dd.csv} dated in [{@code after}, {@code asOf}) to
   * {@code silver/transactions} (appended; overwritten when {@code after} is null), the customers,
   * surveys and complaints to theirs (overwritten), typed, as Delta tables.
   */
  static SparkFloor.Silver load(
      SparkSession spark, Path raw, Path silver, LocalDate after, LocalDate asOf)
      throws IOException {
    List<String> days;
    try (Stream<Path> files = Files.list(raw.resolve("transactions"))) {
      days =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.matches("\\d{4}-\\d{2}-\\d{2}\\.csv"))
              .filter(
                  n -> {
                    LocalDate d = LocalDate.parse(n.substring(0, 10));
                    return d.isBefore(asOf) && (after == null || !d.isBefore(after));
                  })
              .sorted()
              .map(n -> raw.resolve("transactions").resolve(n).toString())
              .toList();
    }
    String transactions = silver.resolve("transactions").toString();
    SparkFloor.typedTransactions(spark, days.toArray(String[]::new))
        .withColumn("is_return", col("quantity").lt(0))
        .withColumn(
            "amount",
            col("quantity")
                .cast("decimal(18,4)")
                .multiply(col("unit_price"))
                .minus(col("discount"))
                .cast("decimal(18,2)"))
        .withColumn("txn_date", to_date(col("ts")))
        .withColumn("txn_month", trunc(col("ts"), "month"))
        .write()
        .format("delta")
        .mode(after == null ? SaveMode.Overwrite : SaveMode.Append)
        .partitionBy("txn_month")
        .save(transactions);
    String customers = silver.resolve("customers").toString();
    spark
        .read()
        .option("header", "true")
        .csv(raw.resolve("customers").toString())
        .groupBy("customer_id")
        .agg(
            max_by(col("gender"), col("updated_at")).as("gender"),
            max_by(col("income_band"), col("updated_at")).as("income_band"),
            max_by(col("region"), col("updated_at")).as("region"))
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(customers);
    String surveys = silver.resolve("surveys").toString();
    spark
        .read()
        .option("header", "true")
        .csv(raw.resolve("surveys").toString())
        .select(
            col("customer_id"),
            col("answered_at").cast("timestamp").as("answered_at"),
            col("csat").cast("int").as("csat"),
            col("nps").cast("int").as("nps"))
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(surveys);
    String complaints = silver.resolve("complaints").toString();
    spark
        .read()
        .option("header", "true")
        .csv(raw.resolve("complaints").toString())
        .groupBy("complaint_id", "customer_id")
        .agg(
            min(col("opened_at").cast("timestamp")).as("opened_at"),
            max(col("resolved_at").cast("timestamp")).as("resolved_at"))
        .drop("complaint_id")
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(complaints);
    return new SparkFloor.Silver(transactions, customers, surveys, complaints);
  }

  private static double sinceStart() {
    return (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime())
        / 1000.0;
  }
}
