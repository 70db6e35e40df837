package dev.clientele.common.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.RunLog;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.testing.SparkTestExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class WarehouseLeaseTest {
  static final Duration TTL = Duration.ofSeconds(120);
  static final Duration BEAT = Duration.ofSeconds(30);
  static final LocalDate AS_OF = LocalDate.parse("2026-11-21");

  static RunContext run(TableCatalog tables, String runId, String job) {
    return new RunContext(
        runId, job, AS_OF, ClienteleConfig.load(null, List.of(), List.of()), tables);
  }

  static TableCatalog fresh(SparkSession spark, String name) {
    return new TableCatalog(SparkTestExtension.freshDir(spark, name).toString());
  }

  @Test
  void aSecondWriterIsRefusedNamingTheHolderUntilTheFirstReleases(SparkSession spark)
      throws Exception {
    TableCatalog tables = fresh(spark, "lease");
    WarehouseLease first =
        WarehouseLease.acquire(spark, run(tables, "run-A", "pipeline"), TTL, BEAT);

    assertThatThrownBy(
            () -> WarehouseLease.acquire(spark, run(tables, "run-B", "ingest"), TTL, BEAT))
        .isInstanceOf(WarehouseLease.HeldException.class)
        .hasMessageStartingWith("run run-A (pipeline, as-of 2026-11-21, host ")
        .hasMessageContaining(
            ") holds the warehouse "
                + tables.warehouse()
                + ". Wait for it to finish; if it was killed, its lease expires 120 s after its"
                + " last heartbeat (")
        .hasMessageEndingWith("), or release it now with: clientele unlock --run run-A");

    first.close();
    try (WarehouseLease second =
        WarehouseLease.acquire(spark, run(tables, "run-B", "ingest"), TTL, BEAT)) {
      assertThat(WarehouseLease.current(spark, tables).orElseThrow().runId()).isEqualTo("run-B");
    }
    assertThat(WarehouseLease.current(spark, tables).orElseThrow().releasedAt()).isNotNull();
    // A released lease is no abandoned run.
    assertThat(DeltaIO.exists(spark, tables.path(Table.RUNS))).isFalse();
  }

  @Test
  void ofTwoRunsRacingForAFreshWarehouseExactlyOneWins(SparkSession spark) throws Exception {
    TableCatalog tables = fresh(spark, "race");
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<WarehouseLease>> tries = new ArrayList<>();
    for (String id : List.of("run-1", "run-2")) {
      Callable<WarehouseLease> attempt =
          () -> {
            go.await();
            try {
              return WarehouseLease.acquire(spark, run(tables, id, "pipeline"), TTL, BEAT);
            } catch (WarehouseLease.HeldException e) {
              return null;
            }
          };
      tries.add(pool.submit(attempt));
    }
    go.countDown();
    List<WarehouseLease> won = new ArrayList<>();
    for (Future<WarehouseLease> t : tries) {
      if (t.get() != null) won.add(t.get());
    }
    pool.shutdown();
    assertThat(won).hasSize(1);
    String holder = WarehouseLease.current(spark, tables).orElseThrow().runId();
    assertThat(holder).isIn("run-1", "run-2");
    won.get(0).close();
  }

  @Test
  void anExpiredLeaseIsTakenOverAndItsRunRecordedAsAbandoned(SparkSession spark) throws Exception {
    TableCatalog tables = fresh(spark, "expired");
    RunContext killed = run(tables, "run-killed", "pipeline");
    WarehouseLease.acquire(spark, killed, TTL, BEAT); // never closed: the run "was killed"
    Instant before = Instant.now();
    RunLog.record(
        spark,
        killed,
        List.of(
            new RunLog.Entry(
                "transactions", "succeeded", 5L, 5L, 0L, 0L, before, before, null, null)));
    Thread.sleep(1_100);

    // With a one-second ttl, the killed run's heartbeat (taken at its start) has expired.
    try (WarehouseLease next =
        WarehouseLease.acquire(
            spark, run(tables, "run-next", "ingest"), Duration.ofSeconds(1), BEAT)) {
      assertThat(WarehouseLease.current(spark, tables).orElseThrow().runId()).isEqualTo("run-next");
    }
    assertThat(
            DeltaIO.read(spark, tables.path(Table.RUNS))
                .where("source = 'run'")
                .selectExpr("run_id", "job", "status", "exit_code")
                .collectAsList()
                .toString())
        .isEqualTo("[[run-killed,pipeline,abandoned,null]]");
    assertThat(
            DeltaIO.read(spark, tables.path(Table.RUNS))
                .where("source = 'run'")
                .first()
                .<String>getAs("message"))
        .startsWith("abandoned: its lease expired; found by run run-next; last heartbeat ")
        .endsWith("; recorded before it stopped: transactions=succeeded");
  }

  @Test
  void unlockReleasesALiveLeaseAndRecordsTheRunAsAbandoned(SparkSession spark) throws Exception {
    TableCatalog tables = fresh(spark, "unlock");
    WarehouseLease.acquire(spark, run(tables, "run-stuck", "backfill"), TTL, BEAT);
    RunContext operator = run(tables, "run-op", "unlock");

    assertThat(WarehouseLease.unlock(spark, operator, "run-other")).isEmpty();
    assertThat(WarehouseLease.unlock(spark, operator, "run-stuck").orElseThrow().job())
        .isEqualTo("backfill");

    try (WarehouseLease next =
        WarehouseLease.acquire(spark, run(tables, "run-next", "ingest"), TTL, BEAT)) {
      assertThat(WarehouseLease.current(spark, tables).orElseThrow().runId()).isEqualTo("run-next");
    }
    assertThat(
            DeltaIO.read(spark, tables.path(Table.RUNS))
                .selectExpr("run_id", "job", "source", "status")
                .collectAsList()
                .toString())
        .isEqualTo("[[run-stuck,backfill,run,abandoned]]");
  }
}
