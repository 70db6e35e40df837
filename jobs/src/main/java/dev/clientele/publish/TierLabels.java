package dev.clientele.publish;

import static dev.clientele.publish.TierLabelsColumns.AS_OF;
import static dev.clientele.publish.TierLabelsColumns.CUSTOMER_ID;
import static dev.clientele.publish.TierLabelsColumns.DIMENSION;
import static dev.clientele.publish.TierLabelsColumns.LABEL;
import static dev.clientele.publish.TierLabelsColumns.REASON;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Turns the wide {@code customer_tiers} into the long label format ({@link TierLabelsColumns}):
 * one row per customer, as-of and dimension, the reason taken from {@code <dimension>_reason}
 * when that column exists.
 */
public final class TierLabels {
  public static final String REASON_SUFFIX = "_reason";

  private TierLabels() {}

  public static Dataset<Row> toLong(Dataset<Row> customerTiers, List<String> dimensions) {
    Set<String> columns = new HashSet<>(Arrays.asList(customerTiers.columns()));
    String pairs =
        dimensions.stream()
            .map(
                d ->
                    "'"
                        + d
                        + "', CAST(`"
                        + d
                        + "` AS STRING), "
                        + (columns.contains(d + REASON_SUFFIX)
                            ? "CAST(`" + d + REASON_SUFFIX + "` AS STRING)"
                            : "CAST(NULL AS STRING)"))
            .collect(Collectors.joining(", "));
    return customerTiers
        .select(
            col(AS_OF),
            col(CUSTOMER_ID),
            expr(
                "stack("
                    + dimensions.size()
                    + ", "
                    + pairs
                    + ") AS ("
                    + DIMENSION
                    + ", "
                    + LABEL
                    + ", "
                    + REASON
                    + ")"));
  }
}
