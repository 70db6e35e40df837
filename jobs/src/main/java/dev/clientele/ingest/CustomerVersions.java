package dev.clientele.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import dev.clientele.common.columns.CustomersColumns;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Records with versions over time (customers, complaints). {@link #latest} gives one row per key,
 * the version with the latest {@code valid_from} (the source's updated-at); {@link #history} gives
 * the SCD2 rows to upsert into the history table (one per key and version, {@code valid_to} = the
 * next version's start); {@link #derived} gives the customers known only from the transaction log.
 */
public final class CustomerVersions {
  private static final String FROM = SourceKind.VERSION;
  private static final String TO = CustomersColumns.VALID_TO;

  private CustomerVersions() {}

  /**
   * One row per customer of {@code versions} (accepted customer records), in {@link
   * CustomersColumns#SCHEMA}.
   */
  public static Dataset<Row> latest(Dataset<Row> versions) {
    return latest(versions, List.of(CustomersColumns.CUSTOMER_ID), CustomersColumns.SCHEMA);
  }

  /**
   * One row per key of {@code versions} (rows with {@code valid_from}), the latest, in {@code
   * schema}.
   */
  public static Dataset<Row> latest(Dataset<Row> versions, List<String> key, StructType schema) {
    return versions
        .withColumn(
            "__n", row_number().over(Window.partitionBy(cols(key)).orderBy(col(FROM).desc())))
        .where(col("__n").equalTo(1))
        .select(columns(schema));
  }

  /**
   * The history rows of every key that has a new version: existing versions and new ones, with
   * {@code valid_to} recomputed, in {@code historySchema} (the table's schema plus valid_from and
   * valid_to). Upserting them on (key, valid_from), updating only a changed valid_to, is a no-op
   * when repeated.
   */
  public static Dataset<Row> history(
      Dataset<Row> versions,
      Dataset<Row> existingHistory,
      List<String> key,
      StructType historySchema) {
    StructType withoutTo = withoutValidTo(historySchema);
    Dataset<Row> fresh = versions.select(columns(withoutTo));
    Dataset<Row> affected =
        existingHistory
            .join(fresh.select(cols(key)).distinct(), seq(key), "left_semi")
            .select(columns(withoutTo));
    List<String> identity = new java.util.ArrayList<>(key);
    identity.add(FROM);
    Dataset<Row> added = fresh.join(affected, seq(identity), "left_anti");
    return affected
        .unionByName(added)
        .withColumn(TO, lead(col(FROM), 1).over(Window.partitionBy(cols(key)).orderBy(FROM)))
        .select(columns(historySchema));
  }

  /** The customers' history rows: {@link #history} keyed by customer_id. */
  public static Dataset<Row> history(Dataset<Row> versions, Dataset<Row> existingHistory) {
    return history(
        versions,
        existingHistory,
        List.of(CustomersColumns.CUSTOMER_ID),
        CustomersColumns.HISTORY_SCHEMA);
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

  private static StructType withoutValidTo(StructType historySchema) {
    return new StructType(
        Arrays.stream(historySchema.fields())
            .filter(f -> !f.name().equals(TO))
            .toArray(StructField[]::new));
  }

  private static Column[] cols(List<String> names) {
    return names.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }

  private static scala.collection.immutable.Seq<String> seq(List<String> names) {
    return scala.jdk.javaapi.CollectionConverters.asScala(names).toList();
  }
}
