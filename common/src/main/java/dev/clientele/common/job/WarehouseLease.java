package dev.clientele.common.job;

import static dev.clientele.common.columns.LeaseColumns.AS_OF;
import static dev.clientele.common.columns.LeaseColumns.HEARTBEAT_AT;
import static dev.clientele.common.columns.LeaseColumns.HOST;
import static dev.clientele.common.columns.LeaseColumns.JOB;
import static dev.clientele.common.columns.LeaseColumns.RELEASED_AT;
import static dev.clientele.common.columns.LeaseColumns.RUN_ID;
import static dev.clientele.common.columns.LeaseColumns.STARTED_AT;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.clientele.common.columns.LeaseColumns;
import dev.clientele.common.columns.RunsColumns;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.RunLog;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import io.delta.exceptions.DeltaConcurrentModificationException;
import io.delta.tables.DeltaTable;
import java.net.InetAddress;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer at a time per warehouse. The lease is the single row of the ops table {@code lease},
 * taken by a Delta MERGE whose condition reads that row: of two runs racing for it, Delta's
 * optimistic concurrency lets exactly one commit, so the lease holds wherever Delta's commits are
 * atomic (local disk, HDFS, object stores with a Delta log store), with no lock file. The holder
 * renews its heartbeat every {@code heartbeat-seconds}; a lease whose heartbeat is older than
 * {@code ttl-seconds} belongs to a killed run, and the next run takes it over and records that run
 * as {@code abandoned} in {@code runs}. Readers (sql, export, BI tools) take no lease.
 */
public final class WarehouseLease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WarehouseLease.class);

  /** The run holding (or last holding) the warehouse, as its lease row says. */
  public record Holder(
      String runId,
      String job,
      LocalDate asOf,
      String host,
      Instant startedAt,
      Instant heartbeatAt,
      Instant releasedAt) {

    /** "run R (pipeline, as-of 2026-11-21, host h, started 2026-...Z)". */
    public String describe() {
      return String.format(
          "run %s (%s, as-of %s, host %s, started %s)", runId, job, asOf, host, startedAt);
    }
  }

  /** Another run holds the warehouse: the run exits {@link JobRunner#EXIT_LEASE_HELD}. */
  public static final class HeldException extends Exception {
    public final Holder holder;

    HeldException(Holder holder, String warehouse, Duration ttl) {
      super(
          holder.describe()
              + " holds the warehouse "
              + warehouse
              + ". Wait for it to finish; if it was killed, its lease expires "
              + ttl.toSeconds()
              + " s after its last heartbeat ("
              + holder.heartbeatAt
              + "), or release it now with: clientele unlock --run "
              + holder.runId);
      this.holder = holder;
    }
  }

  private final SparkSession spark;
  private final RunContext run;
  private final ScheduledExecutorService heartbeat;

  private WarehouseLease(SparkSession spark, RunContext run, Duration every) {
    this.spark = spark;
    this.run = run;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "clientele-lease-heartbeat");
              t.setDaemon(true);
              return t;
            });
    long seconds = Math.max(1, every.toSeconds());
    heartbeat.scheduleAtFixedRate(this::beat, seconds, seconds, TimeUnit.SECONDS);
  }

  /**
   * Takes the warehouse for {@code run}, or throws {@link HeldException} naming the live holder. A
   * holder whose heartbeat is older than {@code ttl} and that never released is taken over and
   * recorded as abandoned.
   */
  public static WarehouseLease acquire(
      SparkSession spark, RunContext run, Duration ttl, Duration heartbeatEvery)
      throws HeldException {
    String path = run.tables().path(Table.LEASE);
    Instant now = Instant.now();
    createIfAbsent(spark, path, now);
    Optional<Holder> before = current(spark, path);
    Row mine = row(run, host(), now);
    Timestamp expired = Timestamp.from(now.minus(ttl));
    try {
      DeltaTable.forPath(spark, path)
          .as("t")
          .merge(spark.createDataFrame(List.of(mine), LeaseColumns.SCHEMA).as("s"), "true")
          .whenMatched(
              col("t." + RELEASED_AT).isNotNull().or(col("t." + HEARTBEAT_AT).lt(lit(expired))))
          .updateAll()
          .execute();
    } catch (DeltaConcurrentModificationException raced) {
      // Another run committed the lease row between our snapshot and our commit: it won.
      LOG.debug("Lost the race for the warehouse lease", raced);
    }
    Holder holder = current(spark, path).orElseThrow();
    if (!holder.runId().equals(run.runId())) {
      throw new HeldException(holder, run.tables().warehouse(), ttl);
    }
    before
        .filter(b -> b.releasedAt() == null && !b.runId().equals(run.runId()))
        .ifPresent(dead -> recordAbandoned(spark, run, dead, "its lease expired"));
    LOG.info("Run {} holds the warehouse {}", run.runId(), run.tables().warehouse());
    return new WarehouseLease(spark, run, heartbeatEvery);
  }

  /** The lease row, if the table exists. */
  public static Optional<Holder> current(SparkSession spark, TableCatalog tables) {
    String path = tables.path(Table.LEASE);
    return DeltaIO.exists(spark, path) ? current(spark, path) : Optional.empty();
  }

  /**
   * Releases the lease of {@code runId} on an operator's word ({@code clientele unlock}) and
   * records that run as abandoned; returns the holder released, or empty when {@code runId} holds
   * nothing.
   */
  public static Optional<Holder> unlock(SparkSession spark, RunContext by, String runId) {
    Optional<Holder> holder =
        current(spark, by.tables()).filter(h -> h.runId().equals(runId) && h.releasedAt() == null);
    holder.ifPresent(
        h -> {
          release(spark, by.tables().path(Table.LEASE), runId);
          recordAbandoned(spark, by, h, "released by clientele unlock");
        });
    return holder;
  }

  @Override
  public void close() {
    // A heartbeat under way is let finish: interrupting it mid-commit made Spark log its write as
    // aborted (an ERROR and a stack trace after a run that succeeded), and its UPDATE would race
    // the release's.
    heartbeat.shutdown();
    boolean interrupted = false;
    try {
      if (!heartbeat.awaitTermination(2, TimeUnit.MINUTES)) heartbeat.shutdownNow();
    } catch (InterruptedException e) {
      heartbeat.shutdownNow();
      interrupted = true;
    }
    release(spark, run.tables().path(Table.LEASE), run.runId());
    LOG.info("Run {} released the warehouse", run.runId());
    if (interrupted) Thread.currentThread().interrupt();
  }

  private void beat() {
    try {
      DeltaTable.forPath(spark, run.tables().path(Table.LEASE))
          .update(
              col(RUN_ID).equalTo(run.runId()).and(col(RELEASED_AT).isNull()),
              Map.of(HEARTBEAT_AT, lit(Timestamp.from(Instant.now()))));
    } catch (RuntimeException e) {
      LOG.warn("Run {} could not renew its warehouse lease: {}", run.runId(), e.toString());
    }
  }

  private static void release(SparkSession spark, String path, String runId) {
    DeltaTable.forPath(spark, path)
        .update(
            col(RUN_ID).equalTo(runId).and(col(RELEASED_AT).isNull()),
            Map.of(RELEASED_AT, lit(Timestamp.from(Instant.now()))));
  }

  // The table starts with a released placeholder row, so that the first MERGE has a row to read:
  // two MERGEs into an empty table would both insert and neither would conflict.
  private static void createIfAbsent(SparkSession spark, String path, Instant now) {
    if (DeltaIO.exists(spark, path)) {
      return;
    }
    Row placeholder =
        RowFactory.create(
            "none",
            "none",
            null,
            null,
            Timestamp.from(now),
            Timestamp.from(now),
            Timestamp.from(now));
    try {
      DeltaIO.create(spark.createDataFrame(List.of(placeholder), LeaseColumns.SCHEMA), path);
    } catch (RuntimeException raced) {
      if (!DeltaIO.exists(spark, path)) {
        throw raced;
      }
    }
  }

  private static Optional<Holder> current(SparkSession spark, String path) {
    // One row: the lease table holds nothing per customer.
    List<Row> rows = DeltaIO.read(spark, path).collectAsList();
    return rows.stream().findFirst().map(WarehouseLease::holder);
  }

  private static Holder holder(Row r) {
    Date asOf = r.getAs(AS_OF);
    Timestamp released = r.getAs(RELEASED_AT);
    return new Holder(
        r.getAs(RUN_ID),
        r.getAs(JOB),
        asOf == null ? null : asOf.toLocalDate(),
        r.getAs(HOST),
        r.<Timestamp>getAs(STARTED_AT).toInstant(),
        r.<Timestamp>getAs(HEARTBEAT_AT).toInstant(),
        released == null ? null : released.toInstant());
  }

  private static Row row(RunContext run, String host, Instant now) {
    return RowFactory.create(
        run.runId(),
        run.job(),
        run.asOf() == null ? null : Date.valueOf(run.asOf()),
        host,
        Timestamp.from(now),
        Timestamp.from(now),
        null);
  }

  /**
   * One {@code runs} row for a run that stopped without finishing (status abandoned, exit code
   * null), naming what it had recorded as committed; with it, for an ingest that stopped after its
   * ledger commit, the per-source rows it did not write, rebuilt from the ledger ({@link
   * RunLog#fromLedger}).
   */
  private static void recordAbandoned(SparkSession spark, RunContext by, Holder dead, String why) {
    String committed =
        DeltaIO.exists(spark, by.tables().path(Table.RUNS))
            ? DeltaIO.read(spark, by.tables().path(Table.RUNS))
                .where(col(RunsColumns.RUN_ID).equalTo(dead.runId()))
                .select(RunsColumns.SOURCE, RunsColumns.STATUS)
                .orderBy(RunsColumns.STARTED_AT, RunsColumns.SOURCE)
                .collectAsList()
                .stream()
                .map(r -> r.getString(0) + "=" + r.getString(1))
                .collect(Collectors.joining(", "))
            : "";
    // An ingest stopped after its ledger commit: its per-source rows, from the ledger's counts.
    List<RunLog.Entry> rebuilt =
        RunLog.fromLedger(spark, by.tables(), dead.runId(), dead.startedAt());
    String message =
        String.format(
            "abandoned: %s; found by run %s; last heartbeat %s; recorded before it stopped: %s%s",
            why,
            by.runId(),
            dead.heartbeatAt(),
            committed.isEmpty() ? "nothing" : committed,
            rebuilt.isEmpty()
                ? ""
                : "; counts of "
                    + rebuilt.stream().map(RunLog.Entry::source).collect(Collectors.joining(", "))
                    + " rebuilt from ingest_files");
    LOG.warn("Run {} ({}) {}", dead.runId(), dead.job(), message);
    RunContext deadRun =
        new RunContext(dead.runId(), dead.job(), dead.asOf(), by.config(), by.tables());
    List<RunLog.Entry> entries = new java.util.ArrayList<>(rebuilt);
    entries.add(
        RunLog.Entry.outcome(RunLog.ABANDONED, dead.startedAt(), Instant.now(), message, null));
    // One commit: the rebuilt rows and the abandoned row appear together or not at all.
    RunLog.record(spark, deadRun, entries);
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
