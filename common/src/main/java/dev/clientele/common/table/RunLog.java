package dev.clientele.common.table;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.IngestFilesColumns;
import dev.clientele.common.columns.RunsColumns;
import dev.clientele.common.job.RunContext;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** Appends rows to the ops {@code runs} table: one per run and source or stage. */
public final class RunLog {
  private RunLog() {}

  /** The source of the row every run ends with (its outcome and exit code). */
  public static final String RUN_SOURCE = "run";

  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String SKIPPED = "skipped";

  /** A run found unfinished (its lease expired, or released by clientele unlock). */
  public static final String ABANDONED = "abandoned";

  /** One row of the runs table; counts may be null where they do not apply. */
  public record Entry(
      String source,
      String status,
      Long read,
      Long accepted,
      Long quarantined,
      Long duplicate,
      Instant startedAt,
      Instant finishedAt,
      String message,
      Map<String, Long> tableVersions,
      Integer exitCode,
      Long filtered) {

    /**
     * The {@link #RUN_SOURCE} row every run ends with: how it ended and its exit code (null for an
     * abandoned run).
     */
    public static Entry outcome(
        String status, Instant startedAt, Instant finishedAt, String message, Integer exitCode) {
      return new Entry(
          RUN_SOURCE,
          status,
          null,
          null,
          null,
          null,
          startedAt,
          finishedAt,
          message,
          null,
          exitCode,
          null);
    }

    /** A stage's row: the rows it wrote and the table versions (null when it failed). */
    public static Entry stage(
        String stage,
        String status,
        Long rows,
        Instant startedAt,
        String message,
        Map<String, Long> tableVersions) {
      return new Entry(
          stage, status, null, rows, null, null, startedAt, Instant.now(), message, tableVersions);
    }

    public Entry(
        String source,
        String status,
        Long read,
        Long accepted,
        Long quarantined,
        Long duplicate,
        Instant startedAt,
        Instant finishedAt,
        String message,
        Map<String, Long> tableVersions) {
      this(
          source,
          status,
          read,
          accepted,
          quarantined,
          duplicate,
          startedAt,
          finishedAt,
          message,
          tableVersions,
          null,
          null);
    }
  }

  /**
   * The per-source rows of an ingest run that stopped after its {@code ingest_files} commit and
   * before its {@code runs} rows: each source's counts are the sum of the run's ledger rows of that
   * source, which carry their file's counts in the ledger's own commit, so they are exactly what
   * the run would have recorded. Status succeeded (the ledger is committed after every table its
   * files feed), finished at the ledger commit; sources the run already has rows for, and ledger
   * rows written before the counts existed, give none. Empty when the run recorded no files.
   */
  public static List<Entry> fromLedger(
      SparkSession spark, TableCatalog tables, String runId, Instant startedAt) {
    String ledger = tables.path(Table.INGEST_FILES);
    if (!DeltaIO.exists(spark, ledger)) return List.of();
    Dataset<Row> files = DeltaIO.read(spark, ledger);
    if (!Arrays.asList(files.columns()).contains(IngestFilesColumns.RECORDS_ACCEPTED)) {
      return List.of();
    }
    Set<String> recorded = new HashSet<>();
    String runs = tables.path(Table.RUNS);
    if (DeltaIO.exists(spark, runs)) {
      for (Row r :
          DeltaIO.read(spark, runs)
              .where(col(RunsColumns.RUN_ID).equalTo(runId))
              .select(RunsColumns.SOURCE)
              .collectAsList()) {
        recorded.add(r.getString(0));
      }
    }
    // Ledger rows written before records_filtered existed have none.
    org.apache.spark.sql.Column filtered =
        Arrays.asList(files.columns()).contains(IngestFilesColumns.RECORDS_FILTERED)
            ? org.apache.spark.sql.functions.coalesce(
                col(IngestFilesColumns.RECORDS_FILTERED), lit(0L))
            : lit(0L);
    List<Entry> entries = new ArrayList<>();
    // One row per source and run: ledger rows are per file, a few per run.
    for (Row r :
        files
            .where(col(IngestFilesColumns.RUN_ID).equalTo(runId))
            .where(col(IngestFilesColumns.RECORDS_ACCEPTED).isNotNull())
            .groupBy(IngestFilesColumns.SOURCE)
            .agg(
                count(lit(1)),
                sum(IngestFilesColumns.RECORDS),
                sum(IngestFilesColumns.RECORDS_ACCEPTED),
                sum(IngestFilesColumns.RECORDS_QUARANTINED),
                sum(IngestFilesColumns.RECORDS_DUPLICATE),
                max(IngestFilesColumns.INGESTED_AT),
                sum(filtered),
                sum(
                    when(col(IngestFilesColumns.STATUS).equalTo(IngestFilesColumns.REJECTED), 1)
                        .otherwise(0)))
            .orderBy(IngestFilesColumns.SOURCE)
            .collectAsList()) {
      if (recorded.contains(r.getString(0))) continue;
      long rejected = r.getLong(8);
      entries.add(
          new Entry(
              r.getString(0),
              SUCCEEDED,
              r.getLong(2),
              r.getLong(3),
              r.getLong(4),
              r.getLong(5),
              startedAt,
              r.getTimestamp(6).toInstant(),
              "counts from ingest_files: the run stopped after recording its "
                  + r.getLong(1)
                  + " file(s)"
                  + (rejected == 0 ? "" : ", " + rejected + " rejected whole"),
              null,
              null,
              r.isNullAt(7) ? 0L : r.getLong(7)));
    }
    return entries;
  }

  public static void record(SparkSession spark, RunContext run, List<Entry> entries) {
    List<Row> rows =
        entries.stream()
            .map(
                e ->
                    RowFactory.create(
                        run.runId(),
                        run.job(),
                        run.asOf() == null ? null : Date.valueOf(run.asOf()),
                        e.source(),
                        e.status(),
                        e.read(),
                        e.accepted(),
                        e.quarantined(),
                        e.duplicate(),
                        Timestamp.from(e.startedAt()),
                        Timestamp.from(e.finishedAt()),
                        e.message(),
                        e.tableVersions() == null
                            ? null
                            : scala.jdk.javaapi.CollectionConverters.asScala(e.tableVersions()),
                        e.exitCode(),
                        e.filtered()))
            .toList();
    // mergeSchema: a runs table written by an older release gains exit_code and records_filtered
    // at its next run.
    spark
        .createDataFrame(rows, RunsColumns.SCHEMA)
        .write()
        .format("delta")
        .mode(org.apache.spark.sql.SaveMode.Append)
        .option("mergeSchema", "true")
        .save(run.tables().path(Table.RUNS));
  }
}
