package dev.clientele.bench;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_append;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.format_number;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.ntile;
import static org.apache.spark.sql.functions.percent_rank;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.clientele.ingest.IngestRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plainest Spark jobs for the things the DuckDB reference times and for the essential work of
 * ingest, of features to gold and of a daily refresh, run in the bench's own Spark application:
 * what Spark itself costs on this machine for a part of Clientele's work. They are lower bounds,
 * not alternatives: each does less than Clientele (and the first and third less than DuckDB).
 *
 * <ul>
 *   <li>{@link #csvToParquet}: the raw CSV files to Parquet with Spark's CSV reader, transactions
 *       with the DuckDB reference's explicit types (malformed lines dropped), the small sources as
 *       strings (no type detection).
 *   <li>{@link #essentialIngest}: the raw transaction files checked, looked up and deduplicated
 *       into a silver and a quarantine Delta table: what any ingest of them must do at least.
 *   <li>{@link #rfmValues}: per customer the R, F and M values of {@link DuckReference} (no scores,
 *       no tiers) from the same silver Parquet files, written nowhere.
 *   <li>{@link #essentialGold}: from the silver Delta tables, each customer's facts, scores and
 *       labels with reasons, and the four gold tables every publish writes: what features, the
 *       aggregate stages and publish must do at least.
 *   <li>{@link #essentialRefresh}: the same for the next date from a per-customer state ({@link
 *       #essentialState}) and the new lines: what a daily refresh in proportion to the new data
 *       plus one pass over the customers must do at least.
 * </ul>
 */
final class SparkFloor {
  private static final Logger LOG = LoggerFactory.getLogger(SparkFloor.class);

  /** The column a CSV line that cannot be split into fields is kept in, whole. */
  private static final String MALFORMED = "_malformed";

  private SparkFloor() {}

  /**
   * {@code raw/transactions/*.csv} to {@code out/transactions} and each small source folder present
   * ({@code customers}, {@code surveys}, {@code complaints}) to {@code out/<source>}, as Parquet.
   * Returns the transaction rows written (counted from the Parquet files, after the timed part).
   */
  static long csvToParquet(SparkSession spark, Path raw, Path out) {
    typedTransactions(spark, raw.resolve("transactions").toString())
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
   * Transaction CSV files (or folders) read by Spark's CSV reader with the DuckDB reference's
   * explicit types, malformed lines dropped.
   */
  static Dataset<Row> typedTransactions(SparkSession spark, String... paths) {
    return spark
        .read()
        .schema(DuckReference.RAW_TRANSACTIONS)
        .option("header", "true")
        .option("mode", "DROPMALFORMED")
        .option("timestampFormat", "yyyy-MM-dd HH:mm:ss")
        .csv(paths);
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

  /**
   * What {@link #essentialIngest} wrote: lines in silver and in quarantine, exact copies left out.
   */
  record Ingested(long silver, long quarantined, long duplicates) {}

  /**
   * The plainest Spark job doing the essential work of ingesting {@code raw/transactions/*.csv}:
   * Spark's CSV reader (all fields as text, a line with the wrong number of fields kept as
   * malformed), each line typed and checked by the per-line rules of {@code rules} (timestamps
   * {@code yyyy-MM-dd HH:mm:ss} in UTC, future after {@code asOf}), its customer looked up among
   * the ids of {@code raw/customers} (broadcast), and lines with the same order and line number
   * found: an exact copy is dropped, different content quarantines every version. Valid lines go to
   * a Delta table by month ({@code out/essential_silver}), rejected ones with their file, text (the
   * fields joined again; a malformed line as read) and reasons to another ({@code
   * out/essential_quarantine}), each written from the same lazy plan (no cache). Not done, though
   * Clientele does it: line numbers, pseudonymisation, currencies, held lines, versions against
   * earlier runs, the file ledger, the run log and the other sources. The rules are written here in
   * plain Spark, not taken from Clientele's {@code ValidationRules}, so the floor measures Spark
   * and not Clientele's design. {@link #essentialCounts} reads back what it wrote.
   */
  static void essentialIngest(
      SparkSession spark, Path raw, Path out, IngestRules rules, LocalDate asOf) {
    StructType text = new StructType();
    for (StructField f : DuckReference.RAW_TRANSACTIONS.fields()) {
      text = text.add(f.name(), DataTypes.StringType);
    }
    String[] fields = text.fieldNames();
    Dataset<Row> lines =
        spark
            .read()
            .schema(text.add(MALFORMED, DataTypes.StringType))
            .option("header", "true")
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", MALFORMED)
            .csv(raw.resolve("transactions").toString())
            .withColumn("source_file", col("_metadata.file_path"));
    Column ts = try_to_timestamp(col("ts"), lit("yyyy-MM-dd HH:mm:ss"));
    Column quantity = col("quantity").try_cast("double");
    Column price = col("unit_price").try_cast("decimal(18,4)");
    Column discount = coalesce(col("discount").try_cast("decimal(18,2)"), lit(0));
    Column cost = col("unit_cost").try_cast("decimal(18,4)");
    Timestamp future = Timestamp.from(rules.futureCutoff(asOf, ZoneOffset.UTC));
    Timestamp earliest = Timestamp.from(rules.earliestTime(ZoneOffset.UTC));
    Column checks =
        array_compact(
            array(
                when(col("customer_id").isNull(), lit("missing_customer_id")),
                when(ts.isNull(), lit("unparseable_timestamp")),
                when(ts.geq(lit(future)), lit("future_timestamp")),
                when(ts.lt(lit(earliest)), lit("implausible_timestamp")),
                when(
                    rules.quarantineZeroPrice() ? price.leq(0) : price.lt(0),
                    lit("non_positive_price")),
                when(
                    col("quantity")
                        .isNotNull()
                        .and(quantity.isNull())
                        .or(
                            col("discount")
                                .isNotNull()
                                .and(col("discount").try_cast("decimal(18,2)").isNull())),
                    lit("bad_number")),
                when(
                    quantity
                        .notEqual(floor(quantity))
                        .or(quantity.equalTo(0))
                        .or(abs(quantity).gt(rules.maxQuantity())),
                    lit("bad_quantity")),
                when(
                    discount
                        .lt(0)
                        .or(
                            price
                                .geq(0)
                                .and(
                                    discount.gt(
                                        abs(quantity).cast("decimal(18,4)").multiply(price)))),
                    lit("bad_discount")),
                when(cost.lt(0), lit("negative_cost")),
                rules.channels().isEmpty()
                    ? lit(null).cast("string")
                    : when(
                        not(col("channel").isin(rules.channels().toArray())),
                        lit("unknown_channel"))));
    Dataset<Row> checked =
        lines.select(
            col("source_file"),
            coalesce(
                    col(MALFORMED),
                    concat_ws(
                        ",",
                        Arrays.stream(fields)
                            .map(f -> coalesce(col(f), lit("")))
                            .toArray(Column[]::new)))
                .as("raw_text"),
            col("order_id"),
            col("line_no").try_cast("int").as("line_no"),
            col("customer_id"),
            ts.as("ts"),
            col("product_id"),
            col("brand"),
            col("category"),
            quantity.as("quantity"),
            price.as("unit_price"),
            discount.as("discount"),
            cost.as("unit_cost"),
            col("channel"),
            col("store_id"),
            col("original_order_id"),
            when(col(MALFORMED).isNotNull(), array(lit("malformed_record")))
                .otherwise(checks)
                .as("reasons"));
    Dataset<Row> known =
        spark
            .read()
            .option("header", "true")
            .csv(raw.resolve("customers").toString())
            .select(col("customer_id").as("known_id"))
            .distinct();
    Dataset<Row> looked =
        checked
            .join(broadcast(known), col("customer_id").equalTo(col("known_id")), "left")
            .withColumn(
                "reasons",
                when(
                        col("known_id").isNull().and(col("customer_id").isNotNull()),
                        array_append(col("reasons"), lit("unknown_customer")))
                    .otherwise(col("reasons")))
            .drop("known_id");
    // One ordering for both windows, so the lines are sorted once.
    WindowSpec copies = Window.partitionBy("order_id", "line_no").orderBy("source_file");
    WindowSpec sameLine =
        copies.rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing());
    // The typed values of a line: copies in two files are the same line.
    Column content = xxhash64(Arrays.stream(fields).map(f -> col(f)).toArray(Column[]::new));
    Dataset<Row> classified =
        looked
            .withColumn("content", content)
            .withColumn(
                "conflict",
                col("order_id")
                    .isNotNull()
                    .and(min("content").over(sameLine).notEqual(max("content").over(sameLine))))
            .withColumn("copy", row_number().over(copies))
            .withColumn(
                "reasons",
                when(col("conflict"), array_append(col("reasons"), lit("duplicate_conflict")))
                    .otherwise(col("reasons")));
    Column valid = size(col("reasons")).equalTo(0);
    classified
        .where(valid.and(col("copy").equalTo(1).or(col("order_id").isNull())))
        .drop("raw_text", "reasons", "content", "conflict", "copy")
        .withColumn("txn_month", trunc(col("ts"), "month"))
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .partitionBy("txn_month")
        .save(out.resolve("essential_silver").toString());
    classified
        .where(not(valid))
        .select(col("source_file"), col("raw_text"), col("reasons"))
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(out.resolve("essential_quarantine").toString());
  }

  /** The counts of what {@link #essentialIngest} wrote, read back (apart from its timing). */
  static Ingested essentialCounts(SparkSession spark, Path raw, Path out) {
    long silver =
        spark.read().format("delta").load(out.resolve("essential_silver").toString()).count();
    long quarantined =
        spark.read().format("delta").load(out.resolve("essential_quarantine").toString()).count();
    long read =
        spark.read().option("header", "true").csv(raw.resolve("transactions").toString()).count();
    return new Ingested(silver, quarantined, read - silver - quarantined);
  }

  /** Silver Delta tables the essential gold work reads. */
  record Silver(String transactions, String customers, String surveys, String complaints) {}

  /** The labels the essential gold work gives each customer, each with a {@code _reason} column. */
  static final List<String> GOLD_LABELS =
      List.of(
          "rfm_segment",
          "value_tier",
          "activity",
          "lifecycle",
          "membership",
          "preference",
          "churn_risk");

  /**
   * The plainest Spark job doing the essential work of features, the segment, value and
   * satisfaction stages and publish for {@code asOf}, from the silver Delta tables: per customer
   * (every customer of {@code customers}) the facts of the lines dated up to {@code asOf} (recency,
   * orders and spend in the last {@code windowDays}, lifetime spend, margin, first purchase,
   * discount share, returns, top brand's share of spend, categories), survey and complaint figures;
   * R, F and M quintile scores and a spend rank by global windows (ties by customer id); the {@link
   * #GOLD_LABELS} each with its reason; then {@code customer_tiers} (one row per customer, by
   * as_of), {@code segment_summary} (customers, revenue, CSAT, NPS and churn share per label),
   * {@code tier_history} (a current interval per customer and label) and {@code kpi_monthly}
   * (buyers, repeat buyers and revenue per month and label) as Delta tables under {@code out}.
   * Distinct orders, brands and categories are counted by aggregating per order and per (customer,
   * brand, category) first: the cheapest of the designs timed (docs/benchmarks.md). The lines are
   * read three times (orders, brands and categories, KPIs), as a plain job does. Not done, though
   * Clientele does it: quality gates, transitions, audiences, points, CLV, clusters, attribute
   * bands, complaint handling times, month-start labels for the KPIs, retention.
   */
  static void essentialGold(
      SparkSession spark, Silver silver, Path out, LocalDate asOf, int windowDays) {
    Column day = lit(Date.valueOf(asOf));
    Dataset<Row> lines = lines(spark, silver).where(col("txn_date").leq(day));
    Dataset<Row> facts =
        customerFacts(orders(lines, day, windowDays), day, windowDays)
            .join(brandFigures(brandCategory(lines)), "customer_id", "left");
    Dataset<Row> byLabel =
        publishTiers(spark, goldLabels(features(spark, silver, facts, day), day), out, asOf);
    byLabel
        .select(
            col("customer_id"),
            col("dimension"),
            col("label"),
            col("reason"),
            day.as("valid_from"),
            lit(null).cast("date").as("valid_to"),
            lit(true).as("is_current"))
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .partitionBy("is_current")
        .save(out.resolve("tier_history").toString());
    monthlyKpis(lines, byLabel)
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(out.resolve("kpi_monthly").toString());
  }

  /**
   * The state a daily refresh ({@link #essentialRefresh}) carries from one date to the next, as of
   * {@code asOf}: each customer's {@link #customerFacts} and {@link #brandFigures} ({@code
   * state/facts}) and spend per (customer, brand, category) ({@code state/brand_category}), from
   * the lines dated up to {@code asOf}. Built once, as a first full run would.
   */
  static void essentialState(
      SparkSession spark, Silver silver, Path state, LocalDate asOf, int windowDays) {
    Column day = lit(Date.valueOf(asOf));
    Dataset<Row> lines = lines(spark, silver).where(col("txn_date").leq(day));
    Dataset<Row> spend = brandCategory(lines);
    customerFacts(orders(lines, day, windowDays), day, windowDays)
        .join(brandFigures(spend), "customer_id", "left")
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(state.resolve("facts").toString());
    spend
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(state.resolve("brand_category").toString());
  }

  /**
   * The plainest daily refresh doing what {@link #essentialGold} does for {@code asOf}, in
   * proportion to the new lines plus one pass over the customers: the facts of {@code state} (as of
   * {@code from}, from {@link #essentialState} or an earlier refresh) move on by the lines dated in
   * ({@code from}, {@code asOf}], less the window's figures of the lines that leave the window
   * (dated in ({@code from} − window, {@code asOf} − window]; the month partitions of both ranges
   * are the only lines read); the new lines' spend per brand and category is appended to the
   * state's, and the brand figures of the customers who have new lines are computed again from
   * theirs (everyone else's stay). Then every customer is labelled as {@link #essentialGold}
   * labels; {@code customer_tiers} and {@code segment_summary} get the date's snapshot, {@code
   * tier_history} closes the intervals whose label changed and opens the new ones (a label that
   * stays keeps its interval), and {@code kpi_monthly} recomputes the months from {@code from}'s
   * next day to {@code asOf}'s (by the current labels, as {@link #essentialGold} does; a closed
   * month keeps its rows). The gold tables under {@code out} must hold {@code from}'s publish.
   * Orders are assumed to fall on one date, as every source here has them (one timestamp per
   * order): the window drops whole orders. Surveys and complaints, small, are aggregated again. The
   * step from {@code from} to {@code asOf} must be shorter than the window, so that no new line
   * leaves it at once.
   */
  static void essentialRefresh(
      SparkSession spark,
      Silver silver,
      Path state,
      Path out,
      LocalDate from,
      LocalDate asOf,
      int windowDays) {
    if (!from.isBefore(asOf) || !asOf.minusDays(windowDays).isBefore(from)) {
      throw new IllegalArgumentException(
          "essentialRefresh moves "
              + from
              + " on to a later date within the "
              + windowDays
              + "-day window; got "
              + asOf);
    }
    Column day = lit(Date.valueOf(asOf));
    Column previousDay = lit(Date.valueOf(from));
    Dataset<Row> fresh =
        between(lines(spark, silver), from.plusDays(1), asOf)
            .where(col("txn_date").gt(previousDay).and(col("txn_date").leq(day)));
    Dataset<Row> leaving =
        between(lines(spark, silver), from.minusDays(windowDays - 1), asOf.minusDays(windowDays))
            .where(
                col("txn_date")
                    .gt(date_sub(previousDay, windowDays))
                    .and(col("txn_date").leq(date_sub(day, windowDays))));
    Dataset<Row> added = customerFacts(orders(fresh, day, windowDays), day, windowDays);
    Dataset<Row> dropped =
        customerFacts(orders(leaving, previousDay, windowDays), previousDay, windowDays)
            .select(
                col("customer_id"),
                col("frequency").as("frequency_out"),
                col("monetary").as("monetary_out"),
                col("margin").as("margin_out"));
    // Spend rows are appended, not summed into the old ones: a customer's brand figures are
    // computed from all its rows, and only for the customers with new lines.
    long started = System.nanoTime();
    String spendPath = state.resolve("brand_category").toString();
    brandCategory(fresh).write().format("delta").mode(SaveMode.Append).save(spendPath);
    Dataset<Row> touched = fresh.select("customer_id").distinct();
    Dataset<Row> brands =
        brandFigures(
                spark
                    .read()
                    .format("delta")
                    .load(spendPath)
                    .join(touched, "customer_id", "left_semi"))
            .withColumn("touched", lit(true))
            .alias("b");
    String factsPath = state.resolve("facts").toString();
    Dataset<Row> previous = spark.read().format("delta").load(factsPath);
    List<Column> moved = new ArrayList<>();
    moved.add(col("customer_id"));
    for (StructField f : previous.schema().fields()) {
      String c = f.name();
      Column was = col("p." + c), now = col("n." + c);
      Column value =
          switch (c) {
            case "customer_id" -> null;
            case "last_purchase" -> greatest(was, now);
            case "first_purchase" -> least(was, now);
            case "frequency", "monetary", "margin" ->
                plus(was, now).minus(coalesce(col(c + "_out"), lit(0)));
            case "top_brand_share", "categories" ->
                when(col("b.touched"), col("b." + c)).otherwise(was);
            default -> plus(was, now);
          };
      if (value != null) moved.add(value.cast(f.dataType()).as(c));
    }
    previous
        .alias("p")
        .join(added.alias("n"), "customer_id", "full_outer")
        .join(dropped, "customer_id", "left")
        .join(brands, "customer_id", "left")
        .select(moved.toArray(Column[]::new))
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(factsPath);
    started = logStep("spend appended, facts and brand figures moved on", started);

    Dataset<Row> facts = spark.read().format("delta").load(factsPath);
    Dataset<Row> byLabel =
        publishTiers(spark, goldLabels(features(spark, silver, facts, day), day), out, asOf);
    started = logStep("customer_tiers and segment_summary written", started);

    String historyPath = out.resolve("tier_history").toString();
    Dataset<Row> current =
        spark.read().format("delta").load(historyPath).where(col("is_current")).alias("c");
    Dataset<Row> next = byLabel.select("customer_id", "dimension", "label", "reason").alias("n");
    Dataset<Row> paired =
        current.join(next, new String[] {"customer_id", "dimension"}, "full_outer");
    Column kept = col("c.label").eqNullSafe(col("n.label")).and(col("c.label").isNotNull());
    // Closed first: the current partition they are read from is replaced next.
    paired
        .where(col("c.label").isNotNull().and(not(kept)))
        .select(
            col("customer_id"),
            col("dimension"),
            col("c.label").as("label"),
            col("c.reason").as("reason"),
            col("c.valid_from").as("valid_from"),
            day.as("valid_to"),
            lit(false).as("is_current"))
        .write()
        .format("delta")
        .mode(SaveMode.Append)
        .save(historyPath);
    paired
        .where(col("n.label").isNotNull())
        .select(
            col("customer_id"),
            col("dimension"),
            col("n.label").as("label"),
            when(kept, col("c.reason")).otherwise(col("n.reason")).as("reason"),
            when(kept, col("c.valid_from")).otherwise(day).as("valid_from"),
            lit(null).cast("date").as("valid_to"),
            lit(true).as("is_current"))
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .option("replaceWhere", "is_current = true")
        .save(historyPath);
    started = logStep("tier_history moved on", started);

    LocalDate firstMonth = from.plusDays(1).withDayOfMonth(1);
    monthlyKpis(
            between(lines(spark, silver), firstMonth, asOf).where(col("txn_date").leq(day)),
            byLabel)
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .option("replaceWhere", "txn_month >= DATE'" + firstMonth + "'")
        .save(out.resolve("kpi_monthly").toString());
    logStep("kpi_monthly from " + firstMonth, started);
  }

  /** Logs how long a step of the refresh took; returns now, the next step's start. */
  private static long logStep(String step, long startedNanos) {
    long now = System.nanoTime();
    LOG.info(
        "Essential refresh: {} in {} s",
        step,
        String.format(java.util.Locale.ROOT, "%.1f", (now - startedNanos) / 1e9));
    return now;
  }

  /** Silver transaction lines that have a customer. */
  private static Dataset<Row> lines(SparkSession spark, Silver silver) {
    return spark
        .read()
        .format("delta")
        .load(silver.transactions())
        .where(col("customer_id").isNotNull());
  }

  /** The lines of the month partitions holding {@code first} to {@code last}. */
  private static Dataset<Row> between(Dataset<Row> lines, LocalDate first, LocalDate last) {
    return lines.where(
        col("txn_month")
            .between(
                lit(Date.valueOf(first.withDayOfMonth(1))),
                lit(Date.valueOf(last.withDayOfMonth(1)))));
  }

  /**
   * Per (customer, order) of {@code lines}: its date and figures, the window ending at {@code day}.
   */
  private static Dataset<Row> orders(Dataset<Row> lines, Column day, int windowDays) {
    Column inWindow = datediff(day, col("txn_date")).lt(windowDays);
    Column purchase = not(col("is_return"));
    return lines
        .groupBy("customer_id", "order_id")
        .agg(
            min("txn_date").as("order_date"),
            max(purchase).as("is_purchase"),
            max(when(purchase, col("txn_date"))).as("last_purchase"),
            coalesce(sum(when(inWindow, col("amount"))), lit(0)).as("window_spend"),
            sum("amount").as("spend"),
            coalesce(
                    sum(
                        when(
                            inWindow,
                            col("amount").minus(col("quantity").multiply(col("unit_cost"))))),
                    lit(0))
                .as("margin"),
            count(lit(1)).as("lines"),
            count(when(col("discount").gt(0), 1)).as("discounted"),
            count(when(col("is_return"), 1)).as("returns"));
  }

  /**
   * Per customer of {@code orders}: the facts that add up over disjoint sets of orders (counts,
   * sums, the first and last purchase), the window's ending at {@code day}.
   */
  private static Dataset<Row> customerFacts(Dataset<Row> orders, Column day, int windowDays) {
    Column purchaseInWindow =
        col("is_purchase").and(datediff(day, col("order_date")).lt(windowDays));
    return orders
        .groupBy("customer_id")
        .agg(
            max("last_purchase").as("last_purchase"),
            min(when(col("is_purchase"), col("order_date"))).as("first_purchase"),
            count(when(purchaseInWindow, 1)).as("frequency"),
            sum("window_spend").as("monetary"),
            sum("spend").as("lifetime_spend"),
            sum("margin").as("margin"),
            count(lit(1)).as("orders"),
            sum("discounted").as("discounted"),
            sum("lines").as("lines"),
            sum("returns").as("returns"));
  }

  /** Spend per (customer, brand, category) of {@code lines}. */
  private static Dataset<Row> brandCategory(Dataset<Row> lines) {
    return lines.groupBy("customer_id", "brand", "category").agg(sum("amount").as("spend"));
  }

  /**
   * Per customer of {@code spend} (rows of spend per customer, brand and category; a key may have
   * several): the top brand's share of the spend and the number of categories.
   */
  private static Dataset<Row> brandFigures(Dataset<Row> spend) {
    Dataset<Row> brands =
        spend
            .groupBy("customer_id", "brand")
            .agg(sum("spend").as("spend"))
            .groupBy("customer_id")
            .agg(try_divide(max("spend"), sum("spend")).as("top_brand_share"));
    Dataset<Row> categories =
        spend
            .groupBy("customer_id", "category")
            .agg(count(lit(1)))
            .groupBy("customer_id")
            .agg(count(lit(1)).as("categories"));
    return brands.join(categories, "customer_id");
  }

  /**
   * Every customer of silver customers with {@code facts} (with {@link #brandFigures}) and the
   * survey and complaint figures up to {@code day}.
   */
  private static Dataset<Row> features(
      SparkSession spark, Silver silver, Dataset<Row> facts, Column day) {
    Column nextDay = date_add(day, 1);
    Dataset<Row> surveys =
        spark
            .read()
            .format("delta")
            .load(silver.surveys())
            .where(col("answered_at").lt(nextDay))
            .groupBy("customer_id")
            .agg(avg("csat").as("csat"), avg("nps").as("nps"));
    Dataset<Row> complaints =
        spark
            .read()
            .format("delta")
            .load(silver.complaints())
            .where(col("opened_at").lt(nextDay))
            .groupBy("customer_id")
            .agg(
                count(lit(1)).as("complaints"),
                count(when(col("resolved_at").isNull(), 1)).as("open_complaints"));
    return spark
        .read()
        .format("delta")
        .load(silver.customers())
        .select("customer_id", "gender", "income_band", "region")
        .join(facts, "customer_id", "left")
        .join(surveys, "customer_id", "left")
        .join(complaints, "customer_id", "left")
        .withColumn("discount_share", col("discounted").divide(col("lines")))
        .withColumn("recency_days", datediff(day, col("last_purchase")));
  }

  /**
   * Writes {@code tiers} as {@code asOf}'s snapshot of {@code customer_tiers} and its {@code
   * segment_summary}; returns the published snapshot one row per customer and label.
   */
  private static Dataset<Row> publishTiers(
      SparkSession spark, Dataset<Row> tiers, Path out, LocalDate asOf) {
    Column day = lit(Date.valueOf(asOf));
    String asOfFilter = "as_of = '" + asOf + "'";
    tiers
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .option("replaceWhere", asOfFilter)
        .partitionBy("as_of")
        .save(out.resolve("customer_tiers").toString());
    Dataset<Row> published =
        spark
            .read()
            .format("delta")
            .load(out.resolve("customer_tiers").toString())
            .where(col("as_of").equalTo(day));
    List<Column> labels = new ArrayList<>();
    for (String label : GOLD_LABELS) {
      labels.add(
          struct(
              lit(label).as("dimension"),
              col(label).as("label"),
              col(label + "_reason").as("reason")));
    }
    Dataset<Row> byLabel =
        published
            .select(
                col("customer_id"),
                col("monetary"),
                col("csat"),
                col("nps"),
                col("churn_risk").as("risk"),
                explode(array(labels.toArray(Column[]::new))).as("l"))
            .select("customer_id", "monetary", "csat", "nps", "risk", "l.*");
    byLabel
        .groupBy("dimension", "label")
        .agg(
            count(lit(1)).as("customers"),
            sum("monetary").as("revenue"),
            avg("csat").as("csat"),
            avg("nps").as("nps"),
            avg(when(col("risk").equalTo("high"), 1).otherwise(0)).as("churn_share"))
        .withColumn("as_of", day)
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .option("replaceWhere", asOfFilter)
        .partitionBy("as_of")
        .save(out.resolve("segment_summary").toString());
    return byLabel;
  }

  /** Buyers, repeat buyers and revenue per month of {@code lines} and label of {@code byLabel}. */
  private static Dataset<Row> monthlyKpis(Dataset<Row> lines, Dataset<Row> byLabel) {
    return lines
        .where(not(col("is_return")))
        .groupBy("customer_id", "txn_month")
        .agg(count_distinct(col("order_id")).as("orders"), sum("amount").as("spend"))
        .join(byLabel.select("customer_id", "dimension", "label"), "customer_id")
        .groupBy("txn_month", "dimension", "label")
        .agg(
            count(lit(1)).as("buyers"),
            count(when(col("orders").geq(2), 1)).as("repeat_buyers"),
            sum("spend").as("revenue"));
  }

  private static Column plus(Column a, Column b) {
    return coalesce(a, lit(0)).plus(coalesce(b, lit(0)));
  }

  /**
   * Each customer's R, F and M quintile scores (1 = longest ago or least), spend rank and {@link
   * #GOLD_LABELS} with reasons, from the essential features; the thresholds are the design's
   * (membership at 1,000 / 5,000 / 20,000 of lifetime spend, top 20% of spend high).
   */
  static Dataset<Row> goldLabels(Dataset<Row> features, Column day) {
    Column r = col("r_score"), f = col("f_score"), recency = col("recency_days");
    return features
        .withColumn(
            "r_score",
            ntile(5).over(Window.orderBy(recency.desc_nulls_first(), col("customer_id"))))
        .withColumn("f_score", ntile(5).over(Window.orderBy("frequency", "customer_id")))
        .withColumn("m_score", ntile(5).over(Window.orderBy("monetary", "customer_id")))
        .withColumn(
            "spend_rank",
            percent_rank()
                .over(Window.orderBy(col("monetary").desc_nulls_last(), col("customer_id"))))
        .withColumn(
            "rfm_segment",
            when(r.geq(4).and(f.geq(4)), "champions")
                .when(r.geq(4), "promising")
                .when(f.geq(4), "at_risk")
                .when(r.leq(2).and(f.leq(2)), "hibernating")
                .otherwise("needs_attention"))
        .withColumn(
            "rfm_segment_reason",
            concat_ws(";", lit("r"), r, lit("f"), f, lit("m"), col("m_score")))
        .withColumn(
            "value_tier",
            when(col("spend_rank").leq(0.2), "high")
                .when(col("spend_rank").leq(0.5), "medium")
                .otherwise("low"))
        .withColumn(
            "value_tier_reason",
            concat_ws(";", lit("spend_rank"), format_number(col("spend_rank"), 4)))
        .withColumn(
            "activity",
            when(recency.isNull(), "none")
                .when(recency.lt(90), "active")
                .when(recency.lt(365), "dormant")
                .otherwise("lost"))
        .withColumn("activity_reason", concat_ws(";", lit("recency_days"), recency))
        .withColumn(
            "lifecycle",
            when(col("first_purchase").isNull(), "prospect")
                .when(datediff(day, col("first_purchase")).lt(90), "new")
                .when(recency.geq(365), "churned")
                .when(recency.geq(120), "declining")
                .when(col("orders").geq(6), "stable")
                .otherwise("developing"))
        .withColumn(
            "lifecycle_reason",
            concat_ws(
                ";",
                lit("first_purchase"),
                col("first_purchase"),
                lit("recency_days"),
                recency,
                lit("orders"),
                col("orders")))
        .withColumn(
            "membership",
            when(col("lifetime_spend").geq(20000), "diamond")
                .when(col("lifetime_spend").geq(5000), "gold")
                .when(col("lifetime_spend").geq(1000), "silver")
                .otherwise("regular"))
        .withColumn(
            "membership_reason", concat_ws(";", lit("lifetime_spend"), col("lifetime_spend")))
        .withColumn(
            "preference",
            when(col("top_brand_share").geq(0.6), "brand_loyal")
                .when(col("discount_share").geq(0.5), "price_sensitive")
                .when(col("categories").geq(5), "feature_seeking")
                .otherwise("none"))
        .withColumn(
            "preference_reason",
            concat_ws(
                ";",
                lit("top_brand_share"),
                format_number(col("top_brand_share"), 3),
                lit("discount_share"),
                format_number(col("discount_share"), 3),
                lit("categories"),
                col("categories")))
        .withColumn(
            "churn_risk",
            when(recency.geq(180).or(col("open_complaints").gt(0)).or(col("csat").lt(3)), "high")
                .otherwise("low"))
        .withColumn(
            "churn_risk_reason",
            concat_ws(
                ";",
                lit("recency_days"),
                recency,
                lit("open_complaints"),
                col("open_complaints"),
                lit("csat"),
                col("csat")))
        .withColumn("as_of", day);
  }
}
