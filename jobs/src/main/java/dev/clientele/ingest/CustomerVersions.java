package dev.clientele.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import dev.clientele.common.columns.CustomersColumns;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Customer attributes over time. {@link #latest} gives one row per customer, the version with the
 * latest {@code valid_from} (= updated_at); {@link #history} gives the SCD2 rows to upsert into
 * {@code customer_history} (one per customer and version, {@code valid_to} = the next version's
 * start); {@link #derived} gives the customers known only from the transaction log.
 */
public final class CustomerVersions {
  private CustomerVersions() {}

  /**
   * One row per customer of {@code versions} (accepted customer records), in {@link
   * CustomersColumns#SCHEMA}.
   */
  public static Dataset<Row> latest(Dataset<Row> versions) {
    return versions
        .withColumn(
            "__n",
            row_number()
                .over(
                    Window.partitionBy(CustomersColumns.CUSTOMER_ID)
                        .orderBy(col(CustomersColumns.VALID_FROM).desc())))
        .where(col("__n").equalTo(1))
        .select(columns(CustomersColumns.SCHEMA));
  }

  /**
   * The history rows of every customer that has a new version: existing versions and new ones, with
   * {@code valid_to} recomputed. Upserting them on (customer_id, valid_from), updating only a
   * changed valid_to, is a no-op when repeated.
   */
  public static Dataset<Row> history(Dataset<Row> versions, Dataset<Row> existingHistory) {
    Dataset<Row> fresh = versions.select(columns(historyWithoutValidTo()));
    Dataset<Row> affected =
        existingHistory
            .join(
                fresh.select(CustomersColumns.CUSTOMER_ID).distinct(),
                seq(CustomersColumns.CUSTOMER_ID),
                "left_semi")
            .select(columns(historyWithoutValidTo()));
    Dataset<Row> added =
        fresh.join(
            affected, seq(CustomersColumns.CUSTOMER_ID, CustomersColumns.VALID_FROM), "left_anti");
    return affected
        .unionByName(added)
        .withColumn(
            CustomersColumns.VALID_TO,
            lead(col(CustomersColumns.VALID_FROM), 1)
                .over(
                    Window.partitionBy(CustomersColumns.CUSTOMER_ID)
                        .orderBy(CustomersColumns.VALID_FROM)))
        .select(columns(CustomersColumns.HISTORY_SCHEMA));
  }

  /** Customers of accepted records with no attributes: is_derived = true. */
  public static Dataset<Row> derived(Dataset<Row> customerIds, String runId) {
    Dataset<Row> ids =
        customerIds
            .select(CustomersColumns.CUSTOMER_ID)
            .where(col(CustomersColumns.CUSTOMER_ID).isNotNull())
            .distinct();
    Column[] cols =
        Arrays.stream(CustomersColumns.SCHEMA.fields())
            .map(
                f ->
                    switch (f.name()) {
                      case CustomersColumns.CUSTOMER_ID -> col(f.name());
                      case CustomersColumns.IS_DERIVED -> lit(true).as(f.name());
                      case CustomersColumns.INGEST_RUN_ID -> lit(runId).as(f.name());
                      default -> lit(null).cast(f.dataType()).as(f.name());
                    })
            .toArray(Column[]::new);
    return ids.select(cols);
  }

  static Column[] columns(StructType schema) {
    return Arrays.stream(schema.fields())
        .map(f -> col(f.name()).cast(f.dataType()).as(f.name()))
        .toArray(Column[]::new);
  }

  private static StructType historyWithoutValidTo() {
    return new StructType(
        Arrays.stream(CustomersColumns.HISTORY_SCHEMA.fields())
            .filter(f -> !f.name().equals(CustomersColumns.VALID_TO))
            .toArray(StructField[]::new));
  }

  private static scala.collection.immutable.Seq<String> seq(String... names) {
    return scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(names)).toList();
  }
}
