package dev.clientele.common.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The exit-code contract for usage and config errors, checked without starting Spark. */
class JobRunnerTest {
  @Test
  void configErrorWhileBindingExitsTwoWithoutRunningTheJob() {
    AtomicBoolean ran = new AtomicBoolean();
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit =
          JobRunner.run(
              "segment",
              () -> ClienteleConfig.load(null, List.of(), List.of()),
              config -> {
                throw new ConfigError(
                    "clientele.segment.rfm.scores",
                    "conf/application.conf: 4",
                    "must be one of [3, 4, 5, 10], got 6.");
              },
              LocalDate.parse("2026-11-21"));
    } finally {
      System.setErr(original);
    }
    assertThat(exit).isEqualTo(JobRunner.EXIT_USAGE);
    assertThat(ran).isFalse();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "clientele segment: Config key 'clientele.segment.rfm.scores' (conf/application.conf: 4): must be one of [3, 4, 5, 10], got 6.\n");
  }

  @Test
  void unknownKeyWhileLoadingExitsTwo() {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit =
          JobRunner.run(
              "ingest",
              () -> ClienteleConfig.load(null, List.of(), List.of("warehose=/tmp/x")),
              config -> (spark, context) -> {},
              LocalDate.parse("2026-11-21"));
    } finally {
      System.setErr(original);
    }
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith(
            "clientele ingest: Config key 'clientele.warehose' (--set warehose: 1): unknown key. Did you mean 'clientele.warehouse'?");
  }
}
