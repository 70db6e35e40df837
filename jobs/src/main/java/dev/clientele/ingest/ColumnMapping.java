package dev.clientele.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_utc_timestamp;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.ComplaintsColumns;
import dev.clientele.common.columns.CustomersColumns;
import dev.clientele.common.columns.Money;
import dev.clientele.common.columns.TransactionsColumns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Maps a source's records ({@link RawRecords}) to its canonical columns, typed, one row per input
 * record. Each canonical column is its mapping expression, else the source column of the same name,
 * else a default (txn_id = order_id:line_no, an empty discount = 0, is_return = quantity &lt; 0,
 * amount = quantity × unit_price − discount with the discount negated on returns, currency = the
 * source's). Text is converted with try_* functions only, timestamps in the source's time zone, so
 * a value that does not parse becomes null, never an error; the text each converted column came
 * from is kept as {@code __in_<column>} so {@link ValidationRules} can tell "missing" from
 * "unparseable". {@code *_hash} columns get the keyed pseudonym of their input and keep no text.
 *
 * <p>Mapping expressions are user SQL, which under ANSI mode could throw on a bad value (an
 * implicit cast in {@code Quantity * UnitPrice}); the job builds this plan with ANSI off (see
 * {@link IngestJob}) so such values become null too.
 */
public final class ColumnMapping {
  /** Prefix of the text a typed canonical column was converted from. */
  public static final String INPUT_PREFIX = "__in_";

  private static final String HASH_SUFFIX = "_hash";

  /**
   * A column mapping expressions may use beside the source's own: the record's number in its file,
   * as quarantine's record_number has it (line for CSV and JSON, header = line 1; row from 1 for
   * Parquet). It keeps identical lines of a layout without line numbers apart.
   */
  public static final String RECORD_NUMBER = "_record_number";

  /** Columns computed from other columns when the source does not give them. */
  static final java.util.Set<String> DERIVED =
      java.util.Set.of(
          TransactionsColumns.TXN_ID,
          TransactionsColumns.AMOUNT,
          TransactionsColumns.DISCOUNT,
          TransactionsColumns.IS_RETURN);

  private ColumnMapping() {}

  public static Dataset<Row> apply(Dataset<Row> records, SourceConfig src, Pseudonymizer pii) {
    SourceKind kind = src.kind();
    records = records.withColumn(RECORD_NUMBER, col(RawRecords.LINE));
    List<String> sourceColumns = RawRecords.sourceColumns(records);
    Map<String, Column> inputs = new LinkedHashMap<>();
    for (StructField f : kind.mappedFields()) {
      Column in = input(f.name(), src, sourceColumns);
      if (in != null) inputs.put(f.name(), in);
    }
    checkEvaluable(records, src, inputs);

    // Stage 1: the mapped input values, under their canonical names' input columns.
    List<Column> stage1 = new ArrayList<>();
    for (String c : records.columns()) if (c.startsWith("__")) stage1.add(col(c));
    for (Map.Entry<String, Column> e : inputs.entrySet())
      stage1.add(e.getValue().as(INPUT_PREFIX + e.getKey()));
    Dataset<Row> in = records.select(stage1.toArray(Column[]::new));

    // Stage 2: typed canonical columns.
    List<Column> stage2 = new ArrayList<>();
    for (String c : in.columns()) {
      boolean hashInput = c.startsWith(INPUT_PREFIX) && c.endsWith(HASH_SUFFIX);
      if (!hashInput) stage2.add(col(c));
    }
    for (StructField f : kind.mappedFields()) {
      String inCol = INPUT_PREFIX + f.name();
      Column typed;
      if (!inputs.containsKey(f.name())) {
        typed = lit(null).cast(f.dataType());
      } else if (f.name().endsWith(HASH_SUFFIX)) {
        typed = pii.hmacSha256(col(inCol));
      } else {
        typed = typed(col(inCol), in.schema().apply(inCol).dataType(), f.dataType(), src);
      }
      stage2.add(typed.as(f.name()));
    }
    Dataset<Row> typed = in.select(stage2.toArray(Column[]::new));
    // Input text of hashed columns is gone; keep the inputs that stay for validation as text.
    for (String c : typed.columns()) {
      if (c.startsWith(INPUT_PREFIX))
        typed = typed.withColumn(c, nullif(trim(col(c).cast("string")), lit("")));
    }
    return withDefaults(typed, src, inputs.keySet());
  }

  /**
   * The input of a canonical column: its mapping, the same-named source column (for x_hash: x), or
   * null.
   */
  private static Column input(String canonical, SourceConfig src, List<String> sourceColumns) {
    String mapped = src.mapping().get(canonical);
    if (mapped != null) return expr(mapped);
    String same =
        canonical.endsWith(HASH_SUFFIX)
            ? canonical.substring(0, canonical.length() - HASH_SUFFIX.length())
            : canonical;
    return sourceColumns.contains(same) ? col(RawRecords.quoted(same)) : null;
  }

  private static void checkEvaluable(
      Dataset<Row> records, SourceConfig src, Map<String, Column> inputs) {
    for (Map.Entry<String, Column> e : inputs.entrySet()) {
      try {
        records.select(e.getValue());
      } catch (Exception ex) {
        if (!(ex instanceof AnalysisException analysis)) throw ex;
        throw src.mappingError(
            e.getKey(),
            "cannot be evaluated over the source's columns "
                + RawRecords.sourceColumns(records)
                + ": "
                + analysis.getSimpleMessage());
      }
    }
  }

  private static Column typed(Column in, DataType inType, DataType target, SourceConfig src) {
    if (inType.sameType(target)) return in;
    String zone = src.timeZone().getId();
    if (target.sameType(DataTypes.TimestampType)) {
      if (inType.sameType(DataTypes.DateType)) return to_utc_timestamp(in.cast(target), zone);
      return timestamp(trim(in.cast("string")), src.timestampFormats(), zone);
    }
    if (target.sameType(DataTypes.DateType)) {
      if (inType.sameType(DataTypes.TimestampType)) return to_date(in);
      Column text = trim(in.cast("string"));
      if (src.dateFormats().isEmpty()) return to_date(try_to_timestamp(text));
      return to_date(
          coalesce(
              src.dateFormats().stream()
                  .map(p -> try_to_timestamp(text, lit(p)))
                  .toArray(Column[]::new)));
    }
    if (target.sameType(DataTypes.StringType)) return nullif(trim(in.cast("string")), lit(""));
    if (target.sameType(DataTypes.BooleanType)) {
      Column text = lower(trim(in.cast("string")));
      return when(text.isin("true", "t", "yes", "y", "1"), true)
          .when(text.isin("false", "f", "no", "n", "0"), false);
    }
    // Numbers: through text, so "17850.0" and " 3 " parse; decimals round half-up to their scale.
    return trim(in.cast("string")).try_cast(target);
  }

  /**
   * A text timestamp: the first of the patterns that parses it (ISO forms when there are none). A
   * value that carries its own offset ({@code 2017-09-10 03:27:54+00:00}, or any value read by a
   * pattern with an offset field) keeps it; only a value without one is local time in {@code zone}.
   * Built-in functions only: a coalesce of try_to_timestamp.
   */
  static Column timestamp(Column text, List<String> patterns, String zone) {
    if (patterns.isEmpty()) {
      Column parsed = try_to_timestamp(text);
      return when(text.rlike(OWN_OFFSET), parsed).otherwise(to_utc_timestamp(parsed, zone));
    }
    List<Column> tries = new ArrayList<>();
    for (String p : patterns) {
      Column parsed = try_to_timestamp(text, lit(p));
      tries.add(SourceConfig.readsOffset(p) ? parsed : to_utc_timestamp(parsed, zone));
    }
    return coalesce(tries.toArray(Column[]::new));
  }

  /**
   * An ISO timestamp's own offset after its time of day: Z, +hh, +hhmm or +hh:mm (or -); a date's
   * "-21" is not one.
   */
  static final String OWN_OFFSET =
      "(?i)[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]*)?)? ?(z|[+-][0-9]{2}(:?[0-9]{2})?)$";

  private static Dataset<Row> withDefaults(
      Dataset<Row> frame, SourceConfig src, java.util.Set<String> mapped) {
    switch (src.kind()) {
      case TRANSACTIONS -> {
        Column quantity = col(TransactionsColumns.QUANTITY);
        if (!mapped.contains(TransactionsColumns.TXN_ID)) {
          frame =
              frame.withColumn(
                  TransactionsColumns.TXN_ID,
                  when(
                      col(TransactionsColumns.ORDER_ID).isNotNull(),
                      concat_ws(
                          ":",
                          col(TransactionsColumns.ORDER_ID),
                          col(TransactionsColumns.LINE_NO).cast("string"))));
        }
        // An empty (or absent) discount cell means no discount; text that is no number stays null
        // for ValidationRules (bad_number), never 0.
        String discountIn = INPUT_PREFIX + TransactionsColumns.DISCOUNT;
        if (Arrays.asList(frame.columns()).contains(discountIn)) {
          frame =
              frame.withColumn(
                  TransactionsColumns.DISCOUNT,
                  when(col(discountIn).isNull(), lit(0).cast(Money.AMOUNT))
                      .otherwise(col(TransactionsColumns.DISCOUNT)));
        } else {
          frame = frame.withColumn(TransactionsColumns.DISCOUNT, lit(0).cast(Money.AMOUNT));
        }
        frame =
            frame.withColumn(
                TransactionsColumns.IS_RETURN,
                coalesce(col(TransactionsColumns.IS_RETURN), quantity.lt(0)));
        if (!mapped.contains(TransactionsColumns.AMOUNT)) {
          // The source's discount is non-negative; on a return it is given back, so it is negated
          // too.
          Column gross = quantity.cast(Money.PRICE).multiply(col(TransactionsColumns.UNIT_PRICE));
          Column discount =
              when(quantity.lt(0), col(TransactionsColumns.DISCOUNT).multiply(-1))
                  .otherwise(col(TransactionsColumns.DISCOUNT));
          frame =
              frame.withColumn(
                  TransactionsColumns.AMOUNT,
                  round(gross.minus(discount), 2).try_cast(Money.AMOUNT));
        }
        // The calendar date in the source's time zone.
        frame =
            frame.withColumn(
                TransactionsColumns.TXN_DATE,
                to_date(
                    org.apache.spark.sql.functions.from_utc_timestamp(
                        col(TransactionsColumns.TS), src.timeZone().getId())));
        if (src.currency() != null) {
          frame =
              frame.withColumn(
                  TransactionsColumns.CURRENCY,
                  coalesce(col(TransactionsColumns.CURRENCY), lit(src.currency())));
        }
      }
      case CUSTOMERS -> frame = frame.withColumn(CustomersColumns.IS_DERIVED, lit(false));
      case COMPLAINTS -> {
        Column category = lower(col(ComplaintsColumns.CATEGORY));
        frame =
            frame
                .withColumn(
                    ComplaintsColumns.CATEGORY,
                    when(category.isin("quality", "service", "price", "delivery"), category)
                        .when(category.isNotNull(), lit("other")))
                .withColumn(ComplaintsColumns.SEVERITY, lower(col(ComplaintsColumns.SEVERITY)));
      }
      default -> {}
    }
    return withVersion(frame, src);
  }

  /** Adds {@link SourceKind#VERSION}, the source's updated-at over the canonical columns. */
  private static Dataset<Row> withVersion(Dataset<Row> frame, SourceConfig src) {
    if (src.updatedAt() == null) return frame;
    return evaluated(
        src,
        "updated-at",
        "the canonical columns of " + src.kind().sourceName,
        () ->
            frame.withColumn(
                SourceKind.VERSION, expr(src.updatedAt()).cast(DataTypes.TimestampType)));
  }

  /**
   * The plan of a source's SQL setting ({@code key} under its source), or a config error naming the
   * key and {@code over} (what the SQL may refer to) when Spark cannot resolve it.
   */
  static Dataset<Row> evaluated(
      SourceConfig src, String key, String over, java.util.function.Supplier<Dataset<Row>> plan) {
    try {
      return plan.get();
    } catch (Exception ex) {
      if (!(ex instanceof AnalysisException e)) throw ex;
      throw new dev.clientele.common.config.ConfigError(
          "clientele.ingest.sources." + src.kind().sourceName + "." + key,
          null,
          "cannot be evaluated over " + over + ": " + e.getSimpleMessage());
    }
  }
}
