package dev.clientele.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_date;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.Money;
import dev.clientele.common.columns.TransactionsColumns;
import dev.clientele.common.config.Settings;
import dev.clientele.common.job.JobFailure;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Transactions in one reporting currency ({@code clientele.ingest.reporting-currency}): a line's
 * currency is its mapped currency, else its source's {@code currency}, else the reporting one. A
 * line in another currency is converted at the rate of its txn_date from the rates file (the latest
 * rate on or up to {@code rates.max-age-days} − 1 days before that date), or gets a reason: {@link
 * ValidationRules#UNKNOWN_CURRENCY} when the file never names the currency, {@link
 * ValidationRules#NO_RATE} when it has no rate for that date. Rules are checked on the amounts as
 * delivered; the money columns are converted after, and the line keeps its original currency,
 * amount and rate.
 *
 * <p>The rates become one row per currency and day they cover (a few thousand rows a year per
 * currency), broadcast and joined on (currency, txn_date): an equi-join the batch needs no shuffle
 * for.
 *
 * @param reporting ISO code of the reporting currency; null = amounts kept as delivered
 * @param ratesPath the rates CSV (currency,date,rate with a header), or null
 * @param maxAgeDays days a rate applies from its date (1 = its own day only)
 */
public record Currencies(String reporting, String ratesPath, int maxAgeDays) {
  /** The rate that converts the line (1 in the reporting currency), null when none. */
  static final String RATE = "__fx_rate";

  /** The line's currency problem, unknown_currency or no_rate, else null. */
  static final String REASON = "__fx_reason";

  private static final Pattern ISO_CODE = Pattern.compile("[A-Z]{3}");
  private static final StructType RATES_FILE =
      new StructType()
          .add("currency", DataTypes.StringType)
          .add("date", DataTypes.StringType)
          .add("rate", DataTypes.StringType);

  public static Currencies from(Settings ingest) {
    String reporting = ingest.optionalString("reporting-currency");
    if (reporting != null && !ISO_CODE.matcher(reporting).matches()) {
      throw ingest.error(
          "reporting-currency", "must be a three-letter ISO code such as \"EUR\", or null.");
    }
    String rates = ingest.optionalString("rates.path");
    if (rates != null && reporting == null) {
      throw ingest.error(
          "rates.path",
          "is set but clientele.ingest.reporting-currency is null: set the currency the rates"
              + " convert into, or remove the rates file.");
    }
    return new Currencies(reporting, rates, ingest.intBetween("rates.max-age-days", 1, 366));
  }

  /** No reporting currency: amounts are kept as delivered. */
  public boolean converts() {
    return reporting != null;
  }

  /**
   * The rates file as one row per (currency, day) it covers, with the rate; empty when there is no
   * file. A file that cannot be used fails the run before anything is read: every line would need
   * it.
   */
  public Dataset<Row> dailyRates(SparkSession spark) {
    StructType daily =
        new StructType()
            .add("__fx_currency", DataTypes.StringType)
            .add("__fx_day", DataTypes.DateType)
            .add(RATE, Money.RATE);
    if (ratesPath == null) return spark.createDataFrame(List.of(), daily);
    try {
      return checkedDaily(spark);
    } catch (JobFailure e) {
      throw e;
    } catch (Exception e) {
      throw new JobFailure(
          "The rates file "
              + ratesPath
              + " (clientele.ingest.rates.path) cannot be read as CSV with the header"
              + " currency,date,rate: "
              + e.getMessage());
    }
  }

  private Dataset<Row> checkedDaily(SparkSession spark) {
    Dataset<Row> rates =
        spark
            .read()
            .schema(RATES_FILE)
            .option("header", "true")
            .option("enforceSchema", "false")
            .csv(ratesPath)
            .select(
                upper(trim(col("currency"))).as("currency"),
                try_to_date(trim(col("date")), "yyyy-MM-dd").as("date"),
                trim(col("rate")).try_cast(Money.RATE).as("rate"),
                col("currency").as("__c"),
                col("date").as("__d"),
                col("rate").as("__r"));
    Column usable =
        coalesce(
            col("currency")
                .rlike("^[A-Z]{3}$")
                .and(col("date").isNotNull())
                .and(col("rate").gt(0))
                .and(col("currency").notEqual(reporting).or(col("rate").equalTo(1))),
            lit(false));
    List<Row> wrong = rates.where(not(usable)).limit(3).collectAsList();
    if (!wrong.isEmpty()) {
      throw new JobFailure(
          "The rates file "
              + ratesPath
              + " (clientele.ingest.rates.path) has rows that are not currency,date,rate with a"
              + " three-letter code, a yyyy-MM-dd date and a rate above 0 (and 1 for "
              + reporting
              + "), e.g. "
              + wrong.stream().map(r -> r.get(3) + "," + r.get(4) + "," + r.get(5)).toList()
              + ". Fix the file; nothing was ingested.");
    }
    List<Row> twice =
        rates
            .groupBy("currency", "date")
            .agg(count(lit(1)).as("n"))
            .where("n > 1")
            .limit(3)
            .collectAsList();
    if (!twice.isEmpty()) {
      throw new JobFailure(
          "The rates file "
              + ratesPath
              + " (clientele.ingest.rates.path) has two rates for "
              + twice.stream().map(r -> r.get(0) + " on " + r.get(1)).toList()
              + ". Keep one per currency and date; nothing was ingested.");
    }
    // A rate covers its date until the currency's next rate, at most max-age-days.
    Column next = lead(col("date"), 1).over(Window.partitionBy("currency").orderBy("date"));
    Column last = date_add(col("date"), maxAgeDays - 1);
    Column until = when(next.isNull(), last).otherwise(least(last, date_sub(next, 1)));
    return rates
        .withColumn("__until", until)
        .select(
            col("currency").as("__fx_currency"),
            explode(sequence(col("date"), col("__until"))).as("__fx_day"),
            col("rate").as(RATE))
        .localCheckpoint();
  }

  /**
   * Adds {@link #RATE} and {@link #REASON} to mapped transactions, from {@code dailyRates} (see
   * {@link #dailyRates}); {@code named} is every currency the rates file names. A line without a
   * date gets no currency reason: its timestamp has one already.
   */
  Dataset<Row> withRates(Dataset<Row> mapped, Dataset<Row> dailyRates, List<String> named) {
    Column currency = upper(trim(coalesce(col(TransactionsColumns.CURRENCY), lit(reporting))));
    Dataset<Row> lines = mapped.withColumn(TransactionsColumns.CURRENCY, currency);
    Dataset<Row> joined =
        lines.join(
            broadcast(dailyRates),
            col(TransactionsColumns.CURRENCY)
                .equalTo(col("__fx_currency"))
                .and(col(TransactionsColumns.TXN_DATE).equalTo(col("__fx_day"))),
            "left");
    Column inReporting = col(TransactionsColumns.CURRENCY).equalTo(reporting);
    return joined
        .withColumn(RATE, when(inReporting, lit(1).cast(Money.RATE)).otherwise(col(RATE)))
        .withColumn(
            REASON,
            when(inReporting.or(col(TransactionsColumns.TXN_DATE).isNull()), lit(null))
                .when(
                    not(col(TransactionsColumns.CURRENCY).isin(named.toArray())),
                    lit(ValidationRules.UNKNOWN_CURRENCY))
                .when(col(RATE).isNull(), lit(ValidationRules.NO_RATE))
                .cast(DataTypes.StringType))
        .drop("__fx_currency", "__fx_day");
  }

  /**
   * The money columns of checked transactions in the reporting currency, with the original
   * currency, amount and rate kept; without a reporting currency those three are null.
   */
  Dataset<Row> convert(Dataset<Row> checked) {
    if (!converts()) {
      return checked
          .withColumn(TransactionsColumns.ORIGINAL_CURRENCY, lit(null).cast(DataTypes.StringType))
          .withColumn(TransactionsColumns.ORIGINAL_AMOUNT, lit(null).cast(Money.AMOUNT))
          .withColumn(TransactionsColumns.FX_RATE, lit(null).cast(Money.RATE));
    }
    Column rate = col(RATE);
    return checked
        .withColumn(TransactionsColumns.ORIGINAL_CURRENCY, col(TransactionsColumns.CURRENCY))
        .withColumn(TransactionsColumns.ORIGINAL_AMOUNT, col(TransactionsColumns.AMOUNT))
        .withColumn(TransactionsColumns.FX_RATE, rate)
        .withColumn(TransactionsColumns.CURRENCY, lit(reporting))
        .withColumn(TransactionsColumns.UNIT_PRICE, times(TransactionsColumns.UNIT_PRICE, 4))
        .withColumn(TransactionsColumns.UNIT_COST, times(TransactionsColumns.UNIT_COST, 4))
        .withColumn(TransactionsColumns.DISCOUNT, times(TransactionsColumns.DISCOUNT, 2))
        .withColumn(TransactionsColumns.AMOUNT, times(TransactionsColumns.AMOUNT, 2))
        .drop(RATE, REASON);
  }

  /** A money column times the line's rate, rounded half up to its decimals. */
  private static Column times(String money, int decimals) {
    return round(col(money).multiply(col(RATE)), decimals)
        .cast(decimals == 4 ? Money.PRICE : Money.AMOUNT);
  }

  /** The currencies {@code dailyRates} has a rate for (a few dozen at most). */
  static List<String> named(Dataset<Row> dailyRates) {
    return dailyRates.select("__fx_currency").distinct().as(Encoders.STRING()).collectAsList();
  }
}
