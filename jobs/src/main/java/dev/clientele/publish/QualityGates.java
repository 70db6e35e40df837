package dev.clientele.publish;

import static dev.clientele.publish.TierLabelsColumns.DIMENSION;
import static dev.clientele.publish.TierLabelsColumns.LABEL;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Checks a candidate {@code customer_tiers} snapshot before anything is published: row count equals
 * the feature table's, one row per customer, no null label in any dimension, each label's share
 * within its configured bounds, no raw PII column, and no string value that looks like an e-mail
 * address or phone number (customer_id aside: it is the source's own key). Works on three small
 * aggregates (the row and PII counts, the distinct customers, then label counts per dimension),
 * never on per-customer rows at the driver.
 */
public final class QualityGates {
  /** Column names that would mean raw PII reached a published table. */
  public static final Set<String> PII_COLUMNS =
      Set.of("name", "first_name", "last_name", "full_name", "email", "phone", "mobile", "address");

  /** An e-mail address anywhere in a value. */
  static final String EMAIL = "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}";

  /**
   * A phone number anywhere in a value, conservatively (a false alarm blocks a publish): an
   * international number (+ and 8 to 15 digits), a North American one ((415) 555-0134,
   * 415-555-0134) or a mainland China mobile (11 digits from 13 to 19). Dates, times and amounts do
   * not match.
   */
  static final String PHONE =
      "(?<![0-9A-Za-z])\\+[1-9]([ ().-]?[0-9]){7,14}(?![0-9])"
          + "|(?<![0-9])\\(?[2-9][0-9]{2}\\)?[ .-][0-9]{3}[ .-][0-9]{4}(?![0-9])"
          + "|(?<![0-9])1[3-9][0-9]{9}(?![0-9])";

  /**
   * What every match of {@link #PHONE} contains, one branch per alternative: '+' and a digit from
   * 1; three digits, a separator and four digits; eleven digits. Without look-arounds it rejects a
   * value sooner, so it is tried first and the full pattern runs only on the values it finds.
   * Changing {@link #PHONE} means keeping this true of it (QualityGatesTest checks it on generated
   * strings).
   */
  static final String PHONE_HINT = "\\+[1-9]|[0-9]{3}[ .-][0-9]{4}|[0-9]{11}";

  private static final String NULL_LABEL = "\u0000null";

  /**
   * {@link #EMAIL} or {@link #PHONE} found in the value. An address needs an '@': a byte search for
   * it spares the e-mail pattern on every other value. That pattern's backtracking over the long
   * reason strings was most of this gate's cost: over 1,000,000 customers' 43 string columns it
   * added 50 s to a 20 s scan, the phone pattern 27 s, the '@' search 2 s. The phone pattern is
   * likewise tried only where {@link #PHONE_HINT} is found: the PII counts over those columns took
   * 30 to 37 s without it and 18 to 23 s with it (four runs each, alternated).
   */
  static Column looksLikePii(Column value) {
    return value
        .contains("@")
        .and(value.rlike(EMAIL))
        .or(value.rlike(PHONE_HINT).and(value.rlike(PHONE)));
  }

  private QualityGates() {}

  /** A share bound for one label of one dimension, e.g. value_tier.high within [0.05, 0.40]. */
  public record ShareBound(String dimension, String label, double min, double max) {}

  /**
   * @return human-readable failures; empty when every gate passes
   */
  public static List<String> check(
      Dataset<Row> customerTiers,
      long featureRows,
      List<String> dimensions,
      List<ShareBound> bounds) {
    List<String> failures = new ArrayList<>();
    for (String column : customerTiers.columns()) {
      if (PII_COLUMNS.contains(column.toLowerCase(Locale.ROOT))) {
        failures.add(
            "column '" + column + "' looks like raw PII; published tables hold only pseudonyms");
      }
    }
    List<String> missing =
        dimensions.stream()
            .filter(d -> !Arrays.asList(customerTiers.columns()).contains(d))
            .toList();
    if (!missing.isEmpty()) {
      failures.add("label columns missing from customer_tiers: " + missing);
      return failures;
    }
    List<String> scanned =
        Arrays.stream(customerTiers.schema().fields())
            .filter(f -> f.dataType() instanceof org.apache.spark.sql.types.StringType)
            .map(org.apache.spark.sql.types.StructField::name)
            .filter(c -> !c.equals(TierLabelsColumns.CUSTOMER_ID))
            .toList();
    List<Column> piiCounts = new ArrayList<>();
    for (String c : scanned) piiCounts.add(count_if(looksLikePii(col(c))));
    Row counts =
        customerTiers.agg(count(lit(1)).as("rows"), piiCounts.toArray(Column[]::new)).head();
    long rows = counts.getLong(0);
    // Apart from the PII counts: a distinct count among them would make Spark group every row by
    // customer with all the counts as state (570 MB per task at 1,000,000 customers) instead of
    // summing them.
    long customers =
        customerTiers.agg(count_distinct(col(TierLabelsColumns.CUSTOMER_ID))).head().getLong(0);
    for (int i = 0; i < scanned.size(); i++) {
      long found = counts.getLong(1 + i);
      if (found > 0) {
        failures.add(
            found
                + " values of column '"
                + scanned.get(i)
                + "' look like an e-mail address or phone number; published tables hold no raw"
                + " PII (map the source column as a *_hash column, pseudonymised at ingest)");
      }
    }
    if (rows != featureRows) {
      failures.add("customer_tiers has " + rows + " rows but customer_features has " + featureRows);
    }
    if (customers != rows) {
      failures.add("customer_tiers has " + (rows - customers) + " duplicate customer rows");
    }
    // label counts per dimension: at most a few hundred rows
    List<Row> labelCounts =
        TierLabels.toLong(customerTiers, dimensions)
            .groupBy(DIMENSION, LABEL)
            .count()
            .collectAsList();
    Map<String, Map<String, Long>> byDimension = new TreeMap<>();
    for (Row r : labelCounts) {
      byDimension
          .computeIfAbsent(r.getString(0), k -> new TreeMap<>())
          .put(r.isNullAt(1) ? NULL_LABEL : r.getString(1), r.getLong(2));
    }
    for (String dimension : dimensions) {
      Map<String, Long> labels = byDimension.getOrDefault(dimension, Map.of());
      Long nulls = labels.get(NULL_LABEL);
      if (nulls != null && nulls > 0) {
        failures.add(nulls + " customers have no " + dimension + " label");
      }
    }
    for (ShareBound bound : bounds) {
      Map<String, Long> labels = byDimension.getOrDefault(bound.dimension(), Map.of());
      long total = labels.values().stream().mapToLong(Long::longValue).sum();
      double share = total == 0 ? 0.0 : (double) labels.getOrDefault(bound.label(), 0L) / total;
      if (share < bound.min() || share > bound.max()) {
        failures.add(
            String.format(
                Locale.ROOT,
                "%s=%s share %.4f outside [%.4f, %.4f]",
                bound.dimension(),
                bound.label(),
                share,
                bound.min(),
                bound.max()));
      }
    }
    return failures;
  }
}
