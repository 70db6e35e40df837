package dev.clientele.common.table;

import dev.clientele.common.columns.RunsColumns;
import dev.clientele.common.job.RunContext;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
      Integer exitCode) {

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
          null);
    }
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
                        e.exitCode()))
            .toList();
    // mergeSchema: a runs table written by an older release gains exit_code at its next run.
    spark
        .createDataFrame(rows, RunsColumns.SCHEMA)
        .write()
        .format("delta")
        .mode(org.apache.spark.sql.SaveMode.Append)
        .option("mergeSchema", "true")
        .save(run.tables().path(Table.RUNS));
  }
}
