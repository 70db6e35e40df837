package dev.clientele.common.job;

import dev.clientele.common.table.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * One per-customer stage over the as-of snapshots of its input tables: what it reads, what it
 * writes, and the transform between them. {@link StageRunner} does the I/O every stage shares (the
 * required-input check, the snapshot write, the count, the {@code runs} row), and the pipeline
 * composes the transforms of every stage into the one plan that publish writes.
 *
 * <p>{@link #apply} is lazy and pure, apart from a stage that fits a model: it fits in {@code
 * apply} and records the fit there (clusters, CLV), so that its labels are the fitted model's.
 */
public interface Stage {
  /** Its subcommand and its job name in {@code runs}. */
  String name();

  /** Tables whose as-of snapshot must exist and hold rows; the run fails naming what to run. */
  List<Table> inputs();

  /** Tables read when they exist and as empty (of this schema) when no source fills them. */
  default Map<Table, StructType> optionalInputs() {
    return Map.of();
  }

  /** Its per-customer table: one row per customer, as_of and customer_id first. */
  Table output();

  /** The {@code tier_cutpoints} dimensions it replaces, one slice; empty when it has none. */
  default List<String> cutDimensions() {
    return List.of();
  }

  /**
   * Its labels and cut points from the inputs' as-of snapshots.
   *
   * @param inputs every table of {@link #inputs} and {@link #optionalInputs}, as of the run's date
   */
  Output apply(RunContext run, Map<Table, Dataset<Row>> inputs);

  /**
   * What a stage produces: its labels, its cut points (null when it has none), a note for the
   * {@code runs} row (null for none), whether it skipped its work (CLV with too few repeat buyers),
   * and the frames it persisted so that labels and cut points share one computation, released with
   * {@link #close} once both are written.
   */
  record Output(
      Dataset<Row> labels,
      Dataset<Row> cutpoints,
      String note,
      boolean skipped,
      List<Dataset<Row>> persisted)
      implements AutoCloseable {

    public static Output of(Dataset<Row> labels) {
      return new Output(labels, null, null, false, List.of());
    }

    public Output withCutpoints(Dataset<Row> cuts) {
      return new Output(labels, cuts, note, skipped, persisted);
    }

    public Output withNote(String text) {
      return new Output(labels, cutpoints, text, skipped, persisted);
    }

    public Output skipped(String reason) {
      return new Output(labels, cutpoints, reason, true, persisted);
    }

    /** Adds a frame this output's labels or cut points were built on, persisted by the stage. */
    public Output releasing(Dataset<Row> frame) {
      List<Dataset<Row>> all = new ArrayList<>(persisted);
      all.add(frame);
      return new Output(labels, cutpoints, note, skipped, List.copyOf(all));
    }

    @Override
    public void close() {
      persisted.forEach(Dataset::unpersist);
    }
  }
}
