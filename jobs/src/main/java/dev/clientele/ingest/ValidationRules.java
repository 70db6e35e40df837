package dev.clientele.ingest;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.CustomersColumns;
import dev.clientele.common.columns.Money;
import dev.clientele.common.columns.RedemptionsColumns;
import dev.clientele.common.columns.SurveysColumns;
import dev.clientele.common.columns.TransactionsColumns;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Every validation rule of ingest, in one place: adds {@link #REASONS}, the array of reason codes
 * of a mapped record (empty = valid), one row per input record. A record may carry several codes; a
 * record that could not be split into fields carries only {@link #MALFORMED_RECORD}. Returns and
 * cancellations (negative quantities) are valid records.
 */
public final class ValidationRules {
  /** Reason codes of the current record; empty when it is valid. */
  public static final String REASONS = "__reasons";

  /** Wrong number of fields, unbalanced quotes, not a JSON object. */
  public static final String MALFORMED_RECORD = "malformed_record";

  /** No customer id (transactions: when rules.missing-customer-id = quarantine). */
  public static final String MISSING_CUSTOMER_ID = "missing_customer_id";

  /** A timestamp or date that does not parse with the source's format. */
  public static final String UNPARSEABLE_TIMESTAMP = "unparseable_timestamp";

  /**
   * The event time is at or after the start of the day after the as-of day, in the source's time
   * zone, plus the tolerance (see {@link IngestRules#futureCutoff}).
   */
  public static final String FUTURE_TIMESTAMP = "future_timestamp";

  /**
   * Transactions: unit_price is negative, or zero unless rules.zero-price = accept (returns have
   * negative quantity, not price).
   */
  public static final String NON_POSITIVE_PRICE = "non_positive_price";

  /**
   * Transactions: quantity or discount is present but not a number ("x", "1,5", NaN, Infinity); it
   * is never read as 0. Replaces unparseable_value:quantity and unparseable_value:discount.
   */
  public static final String BAD_NUMBER = "bad_number";

  /**
   * Transactions: quantity is not a whole number (1.5), is zero, or its absolute value is above
   * rules.max-quantity. Negative whole numbers are returns and valid.
   */
  public static final String BAD_QUANTITY = "bad_quantity";

  /**
   * Transactions: discount (a money amount for the whole line) is negative, or above the line's
   * gross price unit_price × |quantity| (a discount equal to it, a free line, is valid).
   */
  public static final String BAD_DISCOUNT = "bad_discount";

  /** Transactions: unit_cost is negative (zero is a valid cost). */
  public static final String NEGATIVE_COST = "negative_cost";

  /** Transactions: the channel is not in rules.channels (only when that list is not empty). */
  public static final String UNKNOWN_CHANNEL = "unknown_channel";

  /**
   * The event time is before the start of rules.earliest-date in the source's time zone (a 1900 or
   * 1970 placeholder date).
   */
  public static final String IMPLAUSIBLE_TIMESTAMP = "implausible_timestamp";

  /**
   * The record's text holds bytes that are invalid in the source's encoding, or U+FFFD, the
   * replacement character a decoder puts for them (see {@link RawRecords#BAD_ENCODING}): the record
   * is never stored as mojibake.
   */
  public static final String BAD_ENCODING = "bad_encoding";

  /**
   * Transactions, with a reporting currency: the line's currency is neither it nor named by the
   * rates file (see {@link Currencies}).
   */
  public static final String UNKNOWN_CURRENCY = "unknown_currency";

  /**
   * Transactions, with a reporting currency: the rates file names the line's currency but has no
   * rate for its txn_date (none on that day or in the rates.max-age-days before it).
   */
  public static final String NO_RATE = "no_rate";

  /** The customer id is not in the customer source (when rules.unknown-customer = quarantine). */
  public static final String UNKNOWN_CUSTOMER = "unknown_customer";

  /** The record's key was already taken by a record with other content. Set by {@link Dedupe}. */
  public static final String DUPLICATE_CONFLICT = "duplicate_conflict";

  /**
   * Customers, complaints: the source's updated-at gives no version time (and nothing else is wrong
   * with the record).
   */
  public static final String MISSING_VERSION = "missing_version";

  /**
   * Prefix: a file that cannot be read to its end (a truncated gzip), with the problem; its
   * quarantine row has record number 0 and no raw text.
   */
  public static final String CORRUPT_FILE = "corrupt_file: ";

  /**
   * Prefix: a file whose first bytes show another encoding than the source's (a UTF-16 byte order
   * mark, NUL bytes), rejected whole like {@link #CORRUPT_FILE}.
   */
  public static final String WRONG_ENCODING = "wrong_encoding: ";

  /** Prefix: a required column is empty, e.g. missing_required:ts. */
  public static final String MISSING_REQUIRED = "missing_required:";

  /**
   * Prefix: a non-time value does not parse as its type, e.g. unparseable_value:unit_price (not for
   * a transaction's quantity and discount: those are {@link #BAD_NUMBER}).
   */
  public static final String UNPARSEABLE_VALUE = "unparseable_value:";

  /**
   * Prefix: a value outside its allowed range, e.g. out_of_range:csat (1–5), out_of_range:nps
   * (0–10) or out_of_range:points (a redemption's points must be positive).
   */
  public static final String OUT_OF_RANGE = "out_of_range:";

  /** The whole reason codes a record can have (the column families aside). */
  static final List<String> RECORD_REASONS =
      List.of(
          MALFORMED_RECORD,
          BAD_ENCODING,
          UNPARSEABLE_TIMESTAMP,
          MISSING_CUSTOMER_ID,
          FUTURE_TIMESTAMP,
          IMPLAUSIBLE_TIMESTAMP,
          NON_POSITIVE_PRICE,
          BAD_NUMBER,
          BAD_QUANTITY,
          BAD_DISCOUNT,
          NEGATIVE_COST,
          UNKNOWN_CHANNEL,
          UNKNOWN_CURRENCY,
          NO_RATE,
          MISSING_VERSION,
          DUPLICATE_CONFLICT,
          UNKNOWN_CUSTOMER);

  /** The prefixes of a record's reasons that name a column, e.g. missing_required:ts. */
  static final List<String> COLUMN_REASONS =
      List.of(MISSING_REQUIRED, UNPARSEABLE_VALUE, OUT_OF_RANGE);

  /** The prefixes of a whole file's reasons (its quarantine row has record number 0). */
  static final List<String> FILE_REASONS = List.of(CORRUPT_FILE, WRONG_ENCODING);

  private static final String UNKNOWN = "__unknown_customer";
  private static final String DERIVED_ONLY = "__derived_only";
  private static final String CHECKED = "__checked";

  /** The transaction columns whose unparseable text is {@link #BAD_NUMBER}. */
  private static final List<String> NUMBERS =
      List.of(TransactionsColumns.QUANTITY, TransactionsColumns.DISCOUNT);

  private ValidationRules() {}

  /**
   * Every rule but the unknown-customer one, which needs the batch's customer ids first: adds
   * {@link #REASONS} as if the customer were known, and drops the mapping's raw input columns, so
   * the result is what a batch caches (narrower than the mapped frame). {@link
   * #withUnknownCustomers} then completes the reasons.
   *
   * @param mapped the output of {@link ColumnMapping} for {@code src}
   * @param asOf event times after this day in the source's time zone are in the future
   */
  public static Dataset<Row> check(
      Dataset<Row> mapped, SourceConfig src, IngestRules rules, LocalDate asOf) {
    SourceKind kind = src.kind();
    List<Column> checks = new ArrayList<>();
    checks.add(when(col(RawRecords.BAD_ENCODING), lit(BAD_ENCODING)));
    List<String> present = Arrays.asList(mapped.columns());
    for (StructField f : kind.mappedFields()) {
      String c = f.name();
      String in = ColumnMapping.INPUT_PREFIX + c;
      boolean isTime =
          f.dataType().sameType(DataTypes.TimestampType)
              || f.dataType().sameType(DataTypes.DateType);
      boolean badNumber = kind == SourceKind.TRANSACTIONS && NUMBERS.contains(c);
      if (present.contains(in) && !badNumber) {
        Column unparseable = col(in).isNotNull().and(col(c).isNull());
        checks.add(when(unparseable, lit(isTime ? UNPARSEABLE_TIMESTAMP : UNPARSEABLE_VALUE + c)));
      }
      if (c.equals(CustomersColumns.CUSTOMER_ID)) {
        boolean required = !f.nullable() || rules.quarantineMissingCustomerId();
        if (required)
          checks.add(
              when(col(c).isNull().and(inputMissing(present, in)), lit(MISSING_CUSTOMER_ID)));
      } else if (!f.nullable() && (present.contains(in) || !ColumnMapping.DERIVED.contains(c))) {
        checks.add(when(col(c).isNull().and(inputMissing(present, in)), lit(MISSING_REQUIRED + c)));
      }
    }
    if (kind.eventTime != null) {
      Column time = col(kind.eventTime);
      Timestamp future = Timestamp.from(rules.futureCutoff(asOf, src.timeZone()));
      checks.add(when(time.geq(lit(future)), lit(FUTURE_TIMESTAMP)));
      Timestamp earliest = Timestamp.from(rules.earliestTime(src.timeZone()));
      checks.add(when(time.lt(lit(earliest)), lit(IMPLAUSIBLE_TIMESTAMP)));
    }
    if (kind == SourceKind.TRANSACTIONS) checks.addAll(transactionValues(present, rules));
    if (present.contains(Currencies.REASON)) checks.add(col(Currencies.REASON));
    if (kind == SourceKind.SURVEYS) {
      checks.add(
          when(
              col(SurveysColumns.CSAT).lt(1).or(col(SurveysColumns.CSAT).gt(5)),
              lit(OUT_OF_RANGE + SurveysColumns.CSAT)));
      checks.add(
          when(
              col(SurveysColumns.NPS).lt(0).or(col(SurveysColumns.NPS).gt(10)),
              lit(OUT_OF_RANGE + SurveysColumns.NPS)));
    }
    if (kind == SourceKind.REDEMPTIONS) {
      // A redemption spends points: zero or fewer is not one (a reversal is not a redemption).
      checks.add(
          when(
              col(RedemptionsColumns.POINTS).leq(0),
              lit(OUT_OF_RANGE + RedemptionsColumns.POINTS)));
    }
    // The checks' reasons as a column of their own, built once per record: array_compact is
    // evaluated
    // outside generated code, and the expressions below refer to the reasons several times.
    Column reasons = col(CHECKED);
    // A derived column (txn_id from order_id, amount from quantity and price) empty only because an
    // input already has a reason needs no reason of its own.
    Column withDerived = derivedMissing(kind, present, reasons);
    // Likewise a version time that is null only because its inputs already have a reason.
    Column withVersion =
        kind.versioned()
            ? when(
                    col(SourceKind.VERSION).isNull().and(size(withDerived).equalTo(0)),
                    array(lit(MISSING_VERSION)))
                .otherwise(withDerived)
            : withDerived;
    Dataset<Row> out =
        mapped
            .withColumn(CHECKED, array_compact(array(checks.toArray(Column[]::new))))
            .drop(RawRecords.BAD_ENCODING)
            .withColumn(
                REASONS,
                when(col(RawRecords.CORRUPT).isNotNull(), array(lit(MALFORMED_RECORD)))
                    .otherwise(withVersion))
            // Whether the only reason is a missing derived column: unknown_customer replaces it.
            .withColumn(
                DERIVED_ONLY,
                col(RawRecords.CORRUPT)
                    .isNull()
                    .and(size(reasons).equalTo(0))
                    .and(size(withDerived).gt(0)))
            .drop(CHECKED);
    for (String c : out.columns()) if (c.startsWith(ColumnMapping.INPUT_PREFIX)) out = out.drop(c);
    return out;
  }

  /**
   * Completes {@link #REASONS} of a frame from {@link #check} with {@link #UNKNOWN_CUSTOMER},
   * appended after the other reasons of a record that could be split into fields.
   *
   * @param knownCustomers one column {@code customer_id} of every known customer, or null to skip
   *     the unknown-customer rule (no customer source, or rules.unknown-customer = accept)
   * @param smallSide materialises the batch's unknown customer ids (usually few) and returns them
   *     ready to join, broadcast when small enough, so the batch itself is never shuffled
   */
  public static Dataset<Row> withUnknownCustomers(
      Dataset<Row> checked,
      SourceKind kind,
      Dataset<Row> knownCustomers,
      UnaryOperator<Dataset<Row>> smallSide) {
    if (knownCustomers == null || kind == SourceKind.CUSTOMERS) return checked.drop(DERIVED_ONLY);
    Dataset<Row> ids =
        checked
            .select(col(CustomersColumns.CUSTOMER_ID).as("__unknown_id"))
            .where(col("__unknown_id").isNotNull())
            .distinct();
    Dataset<Row> unknown =
        smallSide.apply(
            ids.join(
                    knownCustomers,
                    ids.col("__unknown_id")
                        .equalTo(knownCustomers.col(CustomersColumns.CUSTOMER_ID)),
                    "left_anti")
                .withColumn(UNKNOWN, lit(true)));
    Column others =
        when(col(DERIVED_ONLY), array().cast(DataTypes.createArrayType(DataTypes.StringType)))
            .otherwise(col(REASONS));
    return checked
        .join(unknown, col(CustomersColumns.CUSTOMER_ID).equalTo(col("__unknown_id")), "left")
        .withColumn(
            REASONS,
            when(
                    col(UNKNOWN).isNotNull().and(col(RawRecords.CORRUPT).isNull()),
                    concat(others, array(lit(UNKNOWN_CUSTOMER))))
                .otherwise(col(REASONS)))
        .drop("__unknown_id", UNKNOWN, DERIVED_ONLY);
  }

  /** The value rules of a transaction line, each a reason or null. */
  private static List<Column> transactionValues(List<String> present, IngestRules rules) {
    List<Column> checks = new ArrayList<>();
    Column price = col(TransactionsColumns.UNIT_PRICE);
    Column quantity = col(TransactionsColumns.QUANTITY);
    Column discount = col(TransactionsColumns.DISCOUNT);
    checks.add(
        when(rules.quarantineZeroPrice() ? price.leq(0) : price.lt(0), lit(NON_POSITIVE_PRICE)));
    // Text that is present but is no number; a double also parses "NaN" and "Infinity".
    Column notFinite = isnan(quantity).or(abs(quantity).equalTo(Double.POSITIVE_INFINITY));
    Column badNumber = lit(false);
    for (String c : NUMBERS) {
      String in = ColumnMapping.INPUT_PREFIX + c;
      if (!present.contains(in)) continue;
      Column notNumber = col(c).isNull();
      if (c.equals(TransactionsColumns.QUANTITY)) notNumber = notNumber.or(notFinite);
      badNumber = badNumber.or(col(in).isNotNull().and(notNumber));
    }
    checks.add(when(badNumber, lit(BAD_NUMBER)));
    checks.add(
        when(
            notFinite
                .unary_$bang()
                .and(
                    quantity
                        .notEqual(floor(quantity))
                        .or(quantity.equalTo(0))
                        .or(abs(quantity).gt(rules.maxQuantity()))),
            lit(BAD_QUANTITY)));
    // The discount is for the whole line: at most its gross price, in exact decimals (a double
    // product such as 1.15 × 3 = 3.4499999999999997 would reject a discount of exactly 3.45). A
    // negative price has its own reason and no line price to compare with.
    Column linePrice = abs(quantity).cast(Money.PRICE).multiply(price);
    checks.add(
        when(discount.lt(0).or(price.geq(0).and(discount.gt(linePrice))), lit(BAD_DISCOUNT)));
    checks.add(when(col(TransactionsColumns.UNIT_COST).lt(0), lit(NEGATIVE_COST)));
    if (!rules.channels().isEmpty()) {
      Column channel = col(TransactionsColumns.CHANNEL);
      checks.add(
          when(
              channel.isNotNull().and(channel.isin(rules.channels().toArray()).unary_$bang()),
              lit(UNKNOWN_CHANNEL)));
    }
    return checks;
  }

  /** True when the column had no input text (missing) rather than text that did not parse. */
  private static Column inputMissing(List<String> present, String inCol) {
    return present.contains(inCol) ? col(inCol).isNull() : lit(true);
  }

  private static Column derivedMissing(SourceKind kind, List<String> present, Column reasons) {
    Column result = reasons;
    for (StructField f : kind.mappedFields()) {
      String c = f.name();
      if (f.nullable()
          || present.contains(ColumnMapping.INPUT_PREFIX + c)
          || !ColumnMapping.DERIVED.contains(c)) continue;
      // Not from input: derived by a default. Report only when nothing else explains it.
      result =
          when(col(c).isNull().and(size(reasons).equalTo(0)), array(lit(MISSING_REQUIRED + c)))
              .otherwise(result);
    }
    return result;
  }
}
