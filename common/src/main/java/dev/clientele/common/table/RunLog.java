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
      Map<String, Long> tableVersions) {}

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
                            : scala.jdk.javaapi.CollectionConverters.asScala(e.tableVersions())))
            .toList();
    DeltaIO.append(spark.createDataFrame(rows, RunsColumns.SCHEMA), run.tables().path(Table.RUNS));
  }
}
