package dev.clientele.publish;

import static dev.clientele.publish.TierLabelsColumns.DIMENSION;
import static dev.clientele.publish.TierLabelsColumns.LABEL;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Checks a candidate {@code customer_tiers} snapshot before anything is published: row count equals
 * the feature table's, one row per customer, no null label in any dimension, each label's share
 * within its configured bounds, and no raw PII column. Works on one small aggregate (label counts
 * per dimension), never on per-customer rows at the driver.
 */
public final class QualityGates {
  /** Column names that would mean raw PII reached a published table. */
  public static final Set<String> PII_COLUMNS =
      Set.of("name", "first_name", "last_name", "full_name", "email", "phone", "mobile", "address");

  private static final String NULL_LABEL = "\u0000null";

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
    Row counts =
        customerTiers
            .agg(
                count(lit(1)).as("rows"),
                org.apache
                    .spark
                    .sql
                    .functions
                    .count_distinct(col(TierLabelsColumns.CUSTOMER_ID))
                    .as("customers"))
            .head();
    long rows = counts.getLong(0);
    long customers = counts.getLong(1);
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
