package dev.clientele.common.job;

import dev.clientele.common.columns.TierCutpointsColumns;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.RunLog;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Stage} on its own (its subcommand, or the pipeline with {@code
 * clientele.pipeline.keep-stage-tables}): checks its inputs, replaces the as-of snapshot of its
 * table and its slice of {@code tier_cutpoints}, counts what it wrote, and records a {@code runs}
 * row under the stage's name whether it succeeded or failed.
 */
public final class StageRunner implements ClienteleJob {
  private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);

  private final Stage stage;

  public StageRunner(Stage stage) {
    this.stage = stage;
  }

  public Stage stage() {
    return stage;
  }

  @Override
  public void run(SparkSession spark, RunContext run) {
    Instant started = Instant.now();
    try {
      Map<String, Long> versions;
      long rows;
      String note;
      boolean skipped;
      try (Stage.Output out = stage.apply(run, inputs(spark, run, stage))) {
        versions = write(spark, run, stage, out);
        rows = DeltaIO.readSnapshot(spark, run.tables().path(stage.output()), run.asOf()).count();
        note = out.note();
        skipped = out.skipped();
      }
      LOG.info(
          "Stage '{}' wrote {} rows to {} as of {}",
          stage.name(),
          rows,
          stage.output().tableName,
          run.asOf());
      RunLog.record(
          spark,
          run,
          List.of(
              RunLog.Entry.stage(
                  stage.name(),
                  skipped ? RunLog.SKIPPED : RunLog.SUCCEEDED,
                  rows,
                  started,
                  note == null ? "wrote " + rows + " rows to " + stage.output().tableName : note,
                  versions)));
    } catch (RuntimeException e) {
      RunLog.record(
          spark,
          run,
          List.of(
              RunLog.Entry.stage(
                  stage.name(), RunLog.FAILED, null, started, e.getMessage(), null)));
      throw e;
    }
  }

  /**
   * The as-of snapshot of every input of {@code stage}: a {@link JobFailure} naming what to run
   * first when a required one has no rows for the date, an empty frame for an absent optional one.
   */
  public static Map<Table, Dataset<Row>> inputs(SparkSession spark, RunContext run, Stage stage) {
    Map<Table, Dataset<Row>> inputs = new LinkedHashMap<>();
    for (Table table : stage.inputs()) inputs.put(table, required(spark, run, table));
    inputs.putAll(optionalInputs(spark, run, stage));
    return inputs;
  }

  /** The as-of snapshot of each optional input of {@code stage}, empty when it does not exist. */
  public static Map<Table, Dataset<Row>> optionalInputs(
      SparkSession spark, RunContext run, Stage stage) {
    Map<Table, Dataset<Row>> inputs = new LinkedHashMap<>();
    stage
        .optionalInputs()
        .forEach(
            (table, schema) -> {
              String path = run.tables().path(table);
              if (!DeltaIO.exists(spark, path)) {
                LOG.info(
                    "Table {} does not exist (no source configured): read as empty.",
                    table.tableName);
              }
              inputs.put(table, DeltaIO.readOrEmpty(spark, path, schema));
            });
    return inputs;
  }

  /**
   * The as-of snapshot of {@code table}, or the one message every stage gives when it is missing:
   * the table, the date, where it was looked for and the command that writes it.
   */
  public static Dataset<Row> required(SparkSession spark, RunContext run, Table table) {
    TableCatalog tables = run.tables();
    String path = tables.path(table);
    LocalDate asOf = run.asOf();
    Dataset<Row> snapshot =
        DeltaIO.exists(spark, path) ? DeltaIO.readSnapshot(spark, path, asOf) : null;
    if (snapshot == null || snapshot.isEmpty()) {
      throw new JobFailure(
          table.tableName
              + " has no snapshot for as-of "
              + asOf
              + " at "
              + path
              + "; run 'clientele "
              + table.writtenBy()
              + " --as-of "
              + asOf
              + "' first.");
    }
    return snapshot;
  }

  /** Replaces the stage's snapshot and cut-point slice; the Delta versions written. */
  private static Map<String, Long> write(
      SparkSession spark, RunContext run, Stage stage, Stage.Output out) {
    String path = run.tables().path(stage.output());
    DeltaIO.replaceSnapshot(out.labels(), path, run.asOf());
    Map<String, Long> versions = new LinkedHashMap<>();
    versions.put(stage.output().tableName, DeltaIO.version(spark, path));
    if (out.cutpoints() != null) {
      String cuts = run.tables().path(Table.TIER_CUTPOINTS);
      DeltaIO.replaceSnapshotSlice(
          out.cutpoints(), cuts, run.asOf(), TierCutpointsColumns.DIMENSION, stage.cutDimensions());
      versions.put(Table.TIER_CUTPOINTS.tableName, DeltaIO.version(spark, cuts));
    }
    return versions;
  }
}
