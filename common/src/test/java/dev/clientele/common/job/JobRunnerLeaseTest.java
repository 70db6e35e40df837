package dev.clientele.common.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.testing.SparkTestExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Through the runner: the lease, the exit code 3, and the run row every run ends with. */
@ExtendWith(SparkTestExtension.class)
class JobRunnerLeaseTest {
  static final LocalDate AS_OF = LocalDate.parse("2026-11-21");

  record Outcome(int exit, String err) {}

  static Outcome run(String warehouse, String job, boolean writes, ClienteleJob body) {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int exit =
          JobRunner.run(
              job,
              () -> ClienteleConfig.load(null, List.of(), List.of("warehouse=" + warehouse)),
              config -> body,
              AS_OF,
              writes);
      return new Outcome(exit, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  @Test
  void writersWaitForTheLeaseReadersDoNotAndEveryRunEndsWithItsRow(SparkSession spark)
      throws Exception {
    TableCatalog tables = new TableCatalog(SparkTestExtension.freshDir(spark, "runner").toString());
    AtomicInteger ran = new AtomicInteger();
    WarehouseLease holder =
        WarehouseLease.acquire(
            spark,
            new RunContext(
                "run-H",
                "pipeline",
                AS_OF,
                ClienteleConfig.load(null, List.of(), List.of()),
                tables),
            Duration.ofSeconds(120),
            Duration.ofSeconds(30));

    Outcome refused = run(tables.warehouse(), "ingest", true, (s, c) -> ran.incrementAndGet());
    assertThat(refused.exit()).isEqualTo(JobRunner.EXIT_LEASE_HELD);
    assertThat(refused.err()).startsWith("clientele ingest: run run-H (pipeline, as-of 2026-11-21");
    Outcome reader = run(tables.warehouse(), "export", false, (s, c) -> ran.incrementAndGet());
    assertThat(reader.exit()).isEqualTo(JobRunner.EXIT_OK);
    assertThat(ran).hasValue(1);

    holder.close();
    assertThat(run(tables.warehouse(), "ingest", true, (s, c) -> ran.incrementAndGet()).exit())
        .isEqualTo(JobRunner.EXIT_OK);
    Outcome failed =
        run(
            tables.warehouse(),
            "segment",
            true,
            (s, c) -> {
              throw new JobFailure("customer_features has no snapshot for 2026-11-21");
            });
    assertThat(failed.exit()).isEqualTo(JobRunner.EXIT_FAILED);

    assertThat(
            DeltaIO.read(spark, tables.path(Table.RUNS))
                .where("source = 'run'")
                .orderBy("started_at")
                .selectExpr("job", "status", "exit_code", "message")
                .collectAsList()
                .stream()
                .map(r -> r.mkString("|"))
                .toList())
        .containsExactly(
            "ingest|failed|3|" + refused.err().substring("clientele ingest: ".length()).strip(),
            "ingest|succeeded|0|null",
            "segment|failed|1|customer_features has no snapshot for 2026-11-21");
    // Every writer let go: the next one gets the warehouse.
    assertThat(WarehouseLease.current(spark, tables).orElseThrow().releasedAt()).isNotNull();
    assertThat(spark.sparkContext().isStopped()).isFalse();
  }
}
