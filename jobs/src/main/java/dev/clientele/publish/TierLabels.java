package dev.clientele.publish;

import static dev.clientele.publish.TierLabelsColumns.AS_OF;
import static dev.clientele.publish.TierLabelsColumns.CUSTOMER_ID;
import static dev.clientele.publish.TierLabelsColumns.DIMENSION;
import static dev.clientele.publish.TierLabelsColumns.LABEL;
import static dev.clientele.publish.TierLabelsColumns.REASON;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Turns the wide {@code customer_tiers} into the long label format ({@link TierLabelsColumns}): one
 * row per customer, as-of and dimension, the reason taken from {@code <dimension>_reason} when that
 * column exists, else {@value #NO_REASON_COLUMN}{@code <dimension>}.
 */
public final class TierLabels {
  public static final String REASON_SUFFIX = "_reason";

  /**
   * The reason of a dimension whose stage writes no {@code <dimension>_reason} column (e.g. a
   * cluster or CLV label added to publish.dimensions), so every tier_history row has one: {@code
   * no_reason_column:column=<dimension>} in the grammar of {@link dev.clientele.tiering.Reasons}.
   */
  static final String NO_REASON_COLUMN = "no_reason_column:column=";

  private TierLabels() {}

  public static Dataset<Row> toLong(Dataset<Row> customerTiers, List<String> dimensions) {
    return toLong(customerTiers, dimensions, List.of());
  }

  /**
   * {@link #toLong(Dataset, List)} that also carries the per-customer columns {@code keep} onto
   * every label row, so an aggregation by label needs no join back to the customers.
   */
  public static Dataset<Row> toLong(
      Dataset<Row> customerTiers, List<String> dimensions, List<String> keep) {
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
                            : "'" + NO_REASON_COLUMN + d + "'"))
            .collect(Collectors.joining(", "));
    List<Column> select = new ArrayList<>(List.of(col(AS_OF), col(CUSTOMER_ID)));
    for (String k : keep) select.add(col("`" + k + "`"));
    select.add(
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
    return customerTiers.select(select.toArray(Column[]::new));
  }

  /** Each dimension's label as a string column named {@code prefix} + the dimension's index. */
  static List<Column> labelsAs(List<String> dimensions, String prefix) {
    List<Column> labels = new ArrayList<>();
    for (int i = 0; i < dimensions.size(); i++) {
      labels.add(col("`" + dimensions.get(i) + "`").cast("string").as(prefix + i));
    }
    return labels;
  }

  /**
   * Unpivots the {@link #labelsAs} columns of two snapshots joined side by side into one row per
   * dimension: dimension, from_label, to_label.
   */
  static Column pairs(List<String> dimensions, String fromPrefix, String toPrefix) {
    StringBuilder stack = new StringBuilder("stack(" + dimensions.size());
    for (int i = 0; i < dimensions.size(); i++) {
      stack
          .append(", '")
          .append(dimensions.get(i).replace("'", "\\'"))
          .append("', ")
          .append(fromPrefix)
          .append(i)
          .append(", ")
          .append(toPrefix)
          .append(i);
    }
    stack.append(
        ") AS ("
            + DIMENSION
            + ", "
            + TierTransitions.FROM_LABEL
            + ", "
            + TierTransitions.TO_LABEL
            + ")");
    return expr(stack.toString());
  }
}
