package dev.clientele.publish;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.clientele.common.columns.CustomerSegmentsColumns;
import dev.clientele.common.columns.CustomerTiersColumns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Assembles {@code customer_tiers}: one row per customer of the feature snapshot with every label,
 * score and reason of the aggregate stages, joined on customer_id. The first frame that has a
 * column name provides it, so the RFM values of the segment stage are not repeated by the value
 * stage. Left joins keep every customer; a stage that skipped someone (CLV for prospects) leaves
 * nulls there. The segment stage's {@code frequency} and {@code monetary} (its copies of the RFM
 * inputs) are not published: they equal {@code order_count} and {@code net_spend}, which BI users
 * find under those names, the same as in {@code customer_features} and {@code customer_values}.
 */
public final class CustomerTiers {
  static final String CUSTOMER_ID = TierLabelsColumns.CUSTOMER_ID;

  /** Stage columns left out of customer_tiers because another column holds the same value. */
  static final Set<String> DUPLICATES =
      Set.of(CustomerSegmentsColumns.FREQUENCY, CustomerSegmentsColumns.MONETARY);

  private CustomerTiers() {}

  /**
   * Every frame holds the one as-of of the run (a snapshot, or a stage over it), so the joins are
   * on customer_id alone: joined on (as_of, customer_id) too, Spark shuffled by both, and a stage
   * whose as_of is a literal (satisfaction) by customer_id alone, which shuffled the frame joined
   * so far once more (50 columns, 455 MB at 1,000,000 customers). The quality gates' duplicate
   * check would show a stage that held two dates.
   *
   * @param base the customers and the columns to lead with (features: attribute bands)
   * @param stages per-customer outputs of the aggregate stages, in column order
   */
  public static Dataset<Row> assemble(Dataset<Row> base, List<Dataset<Row>> stages) {
    Set<String> taken = new LinkedHashSet<>(Arrays.asList(base.columns()));
    Dataset<Row> joined = base.alias("base");
    List<Column> select = new ArrayList<>();
    for (String c : base.columns()) select.add(col("base.`" + c + "`"));
    int i = 0;
    for (Dataset<Row> stage : stages) {
      String alias = "s" + i++;
      List<String> fresh = new ArrayList<>();
      for (String c : stage.columns()) {
        if (!DUPLICATES.contains(c) && taken.add(c)) fresh.add(c);
      }
      if (fresh.isEmpty()) continue;
      List<Column> keep = new ArrayList<>();
      keep.add(col(CUSTOMER_ID));
      for (String c : fresh) keep.add(col("`" + c + "`"));
      Dataset<Row> slim = stage.select(keep.toArray(Column[]::new)).alias(alias);
      joined =
          joined.join(
              slim, col("base." + CUSTOMER_ID).equalTo(col(alias + "." + CUSTOMER_ID)), "left");
      for (String c : fresh) select.add(col(alias + ".`" + c + "`"));
    }
    return joined.select(select.toArray(Column[]::new));
  }

  /**
   * {@code tiers} in the declared shape of {@link CustomerTiersColumns#SCHEMA}: its columns in that
   * order and type, null where no stage produced one (clusters or CLV switched off). A column the
   * schema does not declare is refused: the published shape changes only on purpose.
   */
  public static Dataset<Row> conform(Dataset<Row> tiers) {
    Set<String> present = new LinkedHashSet<>(Arrays.asList(tiers.columns()));
    List<String> undeclared = new ArrayList<>(present);
    undeclared.removeAll(Arrays.asList(CustomerTiersColumns.SCHEMA.fieldNames()));
    if (!undeclared.isEmpty()) {
      throw new IllegalStateException(
          "customer_tiers does not declare "
              + undeclared
              + ": add them to CustomerTiersColumns.SCHEMA and GoldDocs.CUSTOMER_TIERS");
    }
    return tiers.select(
        Arrays.stream(CustomerTiersColumns.SCHEMA.fields())
            .map(
                f ->
                    (present.contains(f.name()) ? col("`" + f.name() + "`") : lit(null))
                        .cast(f.dataType())
                        .as(f.name()))
            .toArray(Column[]::new));
  }
}
