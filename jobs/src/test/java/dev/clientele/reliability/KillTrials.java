package dev.clientele.reliability;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import dev.clientele.cli.Clientele;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.fault.FaultInjection;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.sample.SampleConfig;
import dev.clientele.sample.SampleGenerator;
import dev.clientele.testing.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Kill trials (#23, docs/reliability.md): a pipeline run (ingest through publish) on a small
 * generated sample is halted with {@link Runtime#halt} at a chosen point ({@link FaultInjection}:
 * after the N-th Delta commit, or inside a task's write of the K-th data file), rerun as an
 * operator would, and every table is compared with a clean run's, ignoring run ids and times.
 *
 * <p>The halted run is a child JVM; the clean run and the reruns run in this JVM. The lease of the
 * halted run expires after {@value #LEASE_TTL_SECONDS} s, so the rerun takes it over and records
 * the halted run as abandoned.
 */
public final class KillTrials {
  static final LocalDate AS_OF = LocalDate.parse("2026-11-21");
  static final int LEASE_TTL_SECONDS = 5;

  /**
   * Columns that name a run or the wall-clock time of a write: they differ between any two runs.
   */
  static final Set<String> VOLATILE =
      Set.of(
          "run_id",
          "ingest_run_id",
          "ingested_at",
          "quarantined_at",
          "folded_at",
          "published_at",
          "started_at",
          "finished_at",
          "heartbeat_at",
          "released_at",
          "host");

  /** Bookkeeping of runs themselves, different by design after a halt: checked apart. */
  static final Set<Table> RUN_BOOKKEEPING = Set.of(Table.RUNS, Table.LEASE, Table.PUBLISHED);

  /** Where to halt: after a commit or inside a data file's write, counted from 1 in the run. */
  public record Point(String kind, long n) {
    static Point commit(long n) {
      return new Point("commit", n);
    }

    static Point dataFile(long n) {
      return new Point("data-file", n);
    }

    String property() {
      return kind.equals("commit") ? FaultInjection.AFTER_COMMIT : FaultInjection.IN_DATA_FILE;
    }

    @Override
    public String toString() {
      return (kind.equals("commit") ? "after commit " : "in data file ") + n;
    }
  }

  /**
   * One trial's outcome. {@code haltedAt}: the commit or file the halt came after (relative to the
   * warehouse); {@code differences}: tables that differ from the clean run, empty when none.
   */
  public record Trial(
      Point point, String haltedAt, int rerunExit, long abandoned, List<String> differences) {
    public boolean passed() {
      return rerunExit == 0 && abandoned == 1 && differences.isEmpty();
    }

    public String markdownRow(int number) {
      return "| "
          + number
          + " | "
          + point
          + " | `"
          + haltedAt
          + "` | "
          + (passed()
              ? "rerun exit 0, halted run abandoned, every table equal"
              : "FAILED: rerun exit "
                  + rerunExit
                  + ", abandoned rows "
                  + abandoned
                  + ", differences "
                  + differences)
          + " |";
    }
  }

  private final SparkSession spark;
  private final Path root;
  private final TableCatalog clean;

  /** Generates the sample under {@code root} and publishes it cleanly once. */
  public KillTrials(SparkSession spark, Path root) throws Exception {
    this.spark = spark;
    this.root = root;
    ClienteleConfig config = ClienteleConfig.load(null, List.of(), overrides("clean"));
    SampleGenerator.generate(SampleConfig.from(config.at("clientele.sample")));
    int exit = Clientele.commandLine().execute(pipelineArgs("clean").toArray(String[]::new));
    if (exit != 0) throw new IllegalStateException("the clean run exited " + exit);
    clean = catalog("clean");
  }

  List<String> overrides(String warehouse) {
    Path raw = root.resolve("raw");
    return List.of(
        "warehouse=\"" + root.resolve(warehouse) + "\"",
        "sample.output=\"" + raw + "\"",
        "sample.customers=60",
        "sample.transactions=1500",
        "sample.seed=7",
        "sample.days=250",
        "sample.end-date=\"" + AS_OF + "\"",
        "ingest.sources.transactions.path=\"" + raw.resolve("transactions") + "\"",
        "ingest.sources.customers.path=\"" + raw.resolve("customers") + "\"",
        "ingest.sources.surveys.path=\"" + raw.resolve("surveys") + "\"",
        "ingest.sources.complaints.path=\"" + raw.resolve("complaints") + "\"",
        "ingest.sources.contacts.path=\"" + raw.resolve("contacts") + "\"",
        "ingest.pii.dev-key-allowed=true",
        "pipeline.clusters=false",
        "pipeline.clv=false",
        "publish.report=false",
        "lease.ttl-seconds=" + LEASE_TTL_SECONDS,
        "lease.heartbeat-seconds=2",
        "spark.master=\"local[2]\"",
        "spark.shuffle-partitions=2");
  }

  private List<String> pipelineArgs(String warehouse) {
    List<String> args = new ArrayList<>(List.of("pipeline", "--as-of", AS_OF.toString()));
    for (String o : overrides(warehouse)) {
      args.add("--set");
      args.add(o);
    }
    return args;
  }

  private TableCatalog catalog(String warehouse) {
    return new TableCatalog(root.resolve(warehouse).toString());
  }

  /** Commit files the clean run wrote: one trial point per commit. */
  public long commits() {
    return count(
        root.resolve("clean"),
        p ->
            p.getFileName().toString().matches("\\d{20}\\.json")
                && !p.getParent()
                    .getParent()
                    .getFileName()
                    .toString()
                    .equals(Table.LEASE.tableName));
  }

  /** Data files the clean run wrote but the lease's (none is deleted before a VACUUM). */
  public long dataFiles() {
    return count(
        root.resolve("clean"),
        p ->
            p.getFileName().toString().endsWith(".parquet")
                && !p.toString().contains("/_delta_log/")
                && !p.getParent().getFileName().toString().equals(Table.LEASE.tableName));
  }

  private static long count(Path dir, java.util.function.Predicate<Path> which) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(which).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Halts a run at {@code point} in a fresh warehouse, reruns it, compares with the clean run. */
  public Trial run(Point point) throws Exception {
    String name = "trial-" + point.kind() + "-" + point.n();
    Path dir = Files.createDirectories(root.resolve(name + "-work"));
    Process child =
        ChildJvm.start(
            dir,
            Clientele.class.getName(),
            List.of("-D" + point.property() + "=" + point.n()),
            pipelineArgs(name),
            Map.of());
    int exit = child.waitFor();
    String log = Files.readString(dir.resolve("child.log"));
    String halted =
        log.lines()
            .filter(l -> l.startsWith("FAULT INJECTION"))
            .findFirst()
            .map(l -> where(l.substring(l.lastIndexOf(": ") + 2), root.resolve(name)))
            .orElse(null);
    if (exit != FaultInjection.HALT_STATUS || halted == null) {
      throw new IllegalStateException(
          point + ": the run was not halted (exit " + exit + "); log in " + dir);
    }
    Thread.sleep((LEASE_TTL_SECONDS + 1) * 1000L);
    int rerun = Clientele.commandLine().execute(pipelineArgs(name).toArray(String[]::new));
    TableCatalog trial = catalog(name);
    long abandoned =
        DeltaIO.read(spark, trial.path(Table.RUNS))
            .where(col("status").equalTo("abandoned"))
            .count();
    return new Trial(point, halted, rerun, abandoned, differences(trial));
  }

  /** "ops/runs v4" for a commit file, the path in the warehouse for a data file. */
  static String where(String path, Path warehouse) {
    String inWarehouse = path.replace("file:" + warehouse + "/", "");
    int log = inWarehouse.indexOf("/_delta_log/");
    if (log < 0) return inWarehouse;
    String file = inWarehouse.substring(log + "/_delta_log/".length());
    return inWarehouse.substring(0, log) + " v" + Long.parseLong(file.replace(".json", ""));
  }

  /**
   * Tables whose rows differ from the clean run's (without {@link #VOLATILE} columns), with the
   * counts of rows only on each side; the latest publish must have the same as-of.
   */
  List<String> differences(TableCatalog trial) {
    List<String> out = new ArrayList<>();
    for (Table t : Table.values()) {
      if (RUN_BOOKKEEPING.contains(t)) continue;
      boolean inClean = DeltaIO.exists(spark, clean.path(t));
      boolean inTrial = DeltaIO.exists(spark, trial.path(t));
      if (inClean != inTrial) {
        out.add(t.tableName + (inClean ? " missing" : " extra"));
        continue;
      }
      if (!inClean) continue;
      Dataset<Row> a = comparable(DeltaIO.read(spark, clean.path(t)));
      Dataset<Row> b = comparable(DeltaIO.read(spark, trial.path(t)));
      long onlyClean = a.exceptAll(b).count();
      long onlyTrial = b.exceptAll(a).count();
      if (onlyClean + onlyTrial > 0) {
        out.add(t.tableName + " (" + onlyClean + " rows only clean, " + onlyTrial + " only trial)");
      }
    }
    Dataset<Row> published = DeltaIO.read(spark, trial.path(Table.PUBLISHED));
    if (published.where(col("as_of").equalTo(java.sql.Date.valueOf(AS_OF))).isEmpty()) {
      out.add("published (no publish as of " + AS_OF + ")");
    }
    return out;
  }

  /** Each row as one JSON string of its non-volatile columns (maps compare as text). */
  private static Dataset<Row> comparable(Dataset<Row> table) {
    Column[] kept =
        Arrays.stream(table.columns())
            .filter(c -> !VOLATILE.contains(c))
            .map(c -> col("`" + c + "`"))
            .toArray(Column[]::new);
    return table.select(to_json(struct(kept)).as("row"));
  }
}
