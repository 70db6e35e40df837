package dev.clientele.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.clientele.common.columns.TransactionsColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Classifies validated records, one row per input record, into {@link #STATUS}: {@link #ACCEPTED}
 * (goes to silver), {@link #DUPLICATE} (the same key with the same content as a record already
 * accepted, in this batch or an earlier run: skipped), {@link #QUARANTINED} (has reasons; a key
 * taken by other content adds {@code duplicate_conflict}) or {@link #FILTERED} (outside the
 * source's filter, {@link RawRecords#FILTERED}: counted, kept nowhere, competing for no key). A
 * record is identified by its source's key, plus its version time in a kind with versions: a later
 * version of a known complaint or customer is a new record (accepted into history), not a conflict.
 * Within a batch the first record of a key by (file, line) wins. A record identical to a silver row
 * written by an interrupted run (a run not in the ledger) from the same key is accepted again, so
 * the rerun after a crash counts exactly as a clean run; the insert-only write then leaves that row
 * alone. A record read again from quarantine ({@link HeldRecords#REPLAYED}: held, or replayed by
 * {@code --replay-quarantine}) is classified like any record of the batch; for it a run is complete
 * once it committed its release, which comes after its ledger write.
 */
public final class Dedupe {
  public static final String STATUS = "__status";
  public static final String ACCEPTED = "accepted";
  public static final String DUPLICATE = "duplicate";
  public static final String QUARANTINED = "quarantined";
  public static final String FILTERED = "filtered";

  private static final String HASH = "__content_hash";

  /** Column of completedRuns: the run committed its ledger write. */
  public static final String BY_LEDGER = "by_ledger";

  /** Column of completedRuns: the run committed the release of records read again. */
  public static final String BY_RELEASE = "by_release";

  private Dedupe() {}

  /**
   * @param validated output of {@link ValidationRules}
   * @param identity the columns that identify a record ({@link SourceConfig#identity()}: the key,
   *     plus the version time of a versioned kind)
   * @param existing the kind's silver table (history for customers), possibly empty
   * @param completedRuns column {@code run_id} (first) of runs whose silver rows are complete, with
   *     booleans {@link #BY_LEDGER} (the run committed its ledger write) and {@link #BY_RELEASE}
   *     (it committed the release of records read again from quarantine): a replayed record counts
   *     only the release, since a run can crash between its ledger write and its release; any other
   *     record either
   * @param smallSide materialises a frame that is usually small (keys claimed twice, keys already
   *     in silver) and returns it ready to join, broadcast when it is small enough, so the batch
   *     itself is never shuffled
   */
  public static Dataset<Row> classify(
      Dataset<Row> validated,
      SourceKind kind,
      List<String> identity,
      Dataset<Row> existing,
      Dataset<Row> completedRuns,
      UnaryOperator<Dataset<Row>> smallSide) {
    Dataset<Row> frame = validated.withColumn(HASH, contentHash(kind));
    Column filtered =
        java.util.Arrays.asList(validated.columns()).contains(RawRecords.FILTERED)
            ? col(RawRecords.FILTERED)
            : lit(false);
    Column valid = size(col(ValidationRules.REASONS)).equalTo(0).and(not(filtered));
    Column position = struct(col(RawRecords.FILE), col(RawRecords.LINE));

    // Only valid records compete for a key; the first by (file, line) wins. Keys claimed more than
    // once in a batch are few: they are found by counting keys alone (a hash aggregation), and only
    // their records are ranked, instead of sorting the whole batch.
    Column[] contestedKey =
        identity.stream().map(k -> col(k).as("__c_" + k)).toArray(Column[]::new);
    Dataset<Row> claimedTwice =
        smallSide.apply(
            frame
                .where(valid)
                .groupBy(contestedKey)
                .agg(count(lit(1)).as("__claims"))
                .where(col("__claims").gt(1)));
    Dataset<Row> contested =
        smallSide.apply(
            frame
                .where(valid)
                .join(claimedTwice, keyEquals(identity, "__c_"), "left_semi")
                .groupBy(contestedKey)
                .agg(min(position).as("__first"), min_by(col(HASH), position).as("__winner_hash")));
    Dataset<Row> candidates =
        frame.where(valid).join(contested, keyEquals(identity, "__c_"), "left");

    // Keys this batch shares with silver: normally none, except after a re-delivery or a crash.
    List<Column> existingCols = new ArrayList<>();
    for (String k : identity) existingCols.add(col(k).as("__e_" + k));
    existingCols.add(contentHash(kind).as("__e_hash"));
    existingCols.add(col(TransactionsColumns.INGEST_RUN_ID).as("__e_run"));
    String runColumn = completedRuns.columns()[0];
    Dataset<Row> batchKeys =
        frame
            .where(valid)
            .select(identity.stream().map(k -> col(k).as("__b_" + k)).toArray(Column[]::new))
            .distinct();
    Dataset<Row> prior =
        smallSide.apply(
            existing
                .select(existingCols.toArray(Column[]::new))
                .join(batchKeys, keyEquals(identity, "__e_", "__b_"), "left_semi")
                .join(
                    completedRuns
                        .withColumnRenamed(BY_LEDGER, "__e_by_ledger")
                        .withColumnRenamed(BY_RELEASE, "__e_by_release"),
                    col("__e_run").equalTo(col(runColumn)),
                    "left")
                .drop(runColumn));
    Dataset<Row> compared = candidates.join(prior, keyEquals(identity, "__e_"), "left");

    Column first = col("__first");
    Column isFirst =
        first
            .isNull()
            .or(
                col(RawRecords.FILE)
                    .equalTo(first.getField(RawRecords.FILE))
                    .and(col(RawRecords.LINE).equalTo(first.getField(RawRecords.LINE))));
    Column winnerHash = coalesce(col("__winner_hash"), col(HASH));
    Column hasPrior = col("__e_hash").isNotNull();
    Column reference = when(hasPrior, col("__e_hash")).otherwise(winnerHash);
    Column replayed =
        java.util.Arrays.asList(validated.columns()).contains(HeldRecords.REPLAYED)
            ? col(HeldRecords.REPLAYED)
            : lit(false);
    Column byRelease = coalesce(col("__e_by_release"), lit(false));
    Column completed =
        when(replayed, byRelease)
            .otherwise(coalesce(col("__e_by_ledger"), lit(false)).or(byRelease));
    Column recovered =
        hasPrior.and(not(completed)).and(isFirst).and(col("__e_hash").equalTo(col(HASH)));
    Column status =
        when(col(HASH).notEqual(reference), lit(QUARANTINED))
            .when(recovered, lit(ACCEPTED))
            .when(hasPrior.or(not(isFirst)), lit(DUPLICATE))
            .otherwise(lit(ACCEPTED));
    Dataset<Row> classifiedValid =
        compared
            .withColumn(STATUS, status)
            .withColumn(
                ValidationRules.REASONS,
                when(
                        col(STATUS).equalTo(QUARANTINED),
                        array(lit(ValidationRules.DUPLICATE_CONFLICT)))
                    .otherwise(col(ValidationRules.REASONS)))
            .select(withStatus(frame.columns()));
    Dataset<Row> invalid =
        frame
            .where(not(valid))
            .withColumn(STATUS, when(filtered, lit(FILTERED)).otherwise(lit(QUARANTINED)));
    return classifiedValid.unionByName(invalid).drop(HASH);
  }

  /** key = prefix+key for every key column (the frame's own columns when {@code left} is empty). */
  private static Column keyEquals(List<String> identity, String right) {
    return keyEquals(identity, "", right);
  }

  private static Column keyEquals(List<String> identity, String left, String right) {
    Column on = null;
    for (String k : identity) {
      Column eq = col(left + k).equalTo(col(right + k));
      on = on == null ? eq : on.and(eq);
    }
    return on;
  }

  private static Column[] withStatus(String[] columns) {
    List<Column> out = new ArrayList<>();
    for (String c : columns) out.add(col(c));
    out.add(col(STATUS));
    return out.toArray(Column[]::new);
  }

  /** 64-bit hash of the record's content columns (bookkeeping columns excluded). */
  static Column contentHash(SourceKind kind) {
    return xxhash64(
        kind.contentColumns().stream()
            .map(org.apache.spark.sql.functions::col)
            .toArray(Column[]::new));
  }
}
