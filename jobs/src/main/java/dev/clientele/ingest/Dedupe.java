package dev.clientele.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.clientele.common.columns.TransactionsColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Classifies validated records, one row per input record, into {@link #STATUS}: {@link #ACCEPTED}
 * (goes to silver), {@link #DUPLICATE} (the same key with the same content as a record already
 * accepted, in this batch or an earlier run: skipped) or {@link #QUARANTINED} (has reasons; a key
 * taken by other content adds {@code duplicate_conflict}). Within a batch the first record of a key
 * by (file, line) wins. A record identical to a silver row written by an interrupted run (a run not
 * in the ledger) from the same key is accepted again, so the rerun after a crash counts exactly as a
 * clean run; the insert-only write then leaves that row alone.
 */
public final class Dedupe {
  public static final String STATUS = "__status";
  public static final String ACCEPTED = "accepted";
  public static final String DUPLICATE = "duplicate";
  public static final String QUARANTINED = "quarantined";

  private static final String HASH = "__content_hash";

  private Dedupe() {}

  /**
   * @param validated output of {@link ValidationRules}
   * @param existing the kind's silver table (history for customers), possibly empty
   * @param completedRuns one column {@code run_id}: runs that finished their ledger write
   */
  public static Dataset<Row> classify(
      Dataset<Row> validated, SourceKind kind, Dataset<Row> existing, Dataset<Row> completedRuns) {
    Column[] key = kind.key.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    Dataset<Row> frame = validated.withColumn(HASH, contentHash(kind));
    Column valid = size(col(ValidationRules.REASONS)).equalTo(0);

    // Only valid records compete for a key; the first by (file, line) wins.
    WindowSpec byKey = Window.partitionBy(key).orderBy(col(RawRecords.FILE), col(RawRecords.LINE));
    Dataset<Row> candidates = frame.where(valid)
        .withColumn("__rank", row_number().over(byKey))
        .withColumn("__winner_hash", first(col(HASH)).over(byKey));

    List<Column> existingCols = new ArrayList<>();
    for (String k : kind.key) existingCols.add(col(k).as("__e_" + k));
    existingCols.add(contentHash(kind).as("__e_hash"));
    existingCols.add(col(TransactionsColumns.INGEST_RUN_ID).as("__e_run"));
    Dataset<Row> prior = existing.select(existingCols.toArray(Column[]::new))
        .join(completedRuns.withColumn("__e_completed", lit(true)),
            col("__e_run").equalTo(col(completedRuns.columns()[0])), "left")
        .drop(completedRuns.columns()[0]);
    Column joinOn = null;
    for (String k : kind.key) {
      Column eq = col(k).equalTo(col("__e_" + k));
      joinOn = joinOn == null ? eq : joinOn.and(eq);
    }
    Dataset<Row> compared = candidates.join(prior, joinOn, "left");
    Column hasPrior = col("__e_hash").isNotNull();
    Column reference = when(hasPrior, col("__e_hash")).otherwise(col("__winner_hash"));
    Column recovered = hasPrior.and(col("__e_completed").isNull()).and(col("__rank").equalTo(1))
        .and(col("__e_hash").equalTo(col(HASH)));
    Column status = when(col(HASH).notEqual(reference), lit(QUARANTINED))
        .when(recovered, lit(ACCEPTED))
        .when(hasPrior.or(col("__rank").gt(1)), lit(DUPLICATE))
        .otherwise(lit(ACCEPTED));
    Dataset<Row> classifiedValid = compared
        .withColumn(STATUS, status)
        .withColumn(ValidationRules.REASONS,
            when(col(STATUS).equalTo(QUARANTINED), array(lit(ValidationRules.DUPLICATE_CONFLICT)))
                .otherwise(col(ValidationRules.REASONS)))
        .select(withStatus(frame.columns()));
    Dataset<Row> invalid = frame.where(valid.unary_$bang()).withColumn(STATUS, lit(QUARANTINED));
    return classifiedValid.unionByName(invalid).drop(HASH);
  }

  private static Column[] withStatus(String[] columns) {
    List<Column> out = new ArrayList<>();
    for (String c : columns) out.add(col(c));
    out.add(col(STATUS));
    return out.toArray(Column[]::new);
  }

  /** 64-bit hash of the record's content columns (bookkeeping columns excluded). */
  static Column contentHash(SourceKind kind) {
    return xxhash64(kind.contentColumns().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
  }
}
