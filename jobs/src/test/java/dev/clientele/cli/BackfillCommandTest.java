package dev.clientele.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.pipeline.BackfillJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The backfill calendar and usage errors, checked without Spark. */
class BackfillCommandTest {
  static LocalDate d(String s) {
    return LocalDate.parse(s);
  }

  @Test
  void everyFirstOfAMonthFromTheFirstOnOrAfterFromUpToToInclusive() {
    assertThat(BackfillJob.dates(d("2026-01-15"), d("2026-04-01"), BackfillJob.Every.month))
        .containsExactly(d("2026-02-01"), d("2026-03-01"), d("2026-04-01"));
    assertThat(BackfillJob.dates(d("2026-01-01"), d("2026-01-01"), BackfillJob.Every.month))
        .containsExactly(d("2026-01-01"));
    assertThat(BackfillJob.dates(d("2025-12-01"), d("2026-01-31"), BackfillJob.Every.month))
        .containsExactly(d("2025-12-01"), d("2026-01-01"));
    assertThatThrownBy(
            () -> BackfillJob.dates(d("2026-05-02"), d("2026-05-31"), BackfillJob.Every.month))
        .hasMessage("no first day of a month between --from 2026-05-02 and --to 2026-05-31");
  }

  private record Result(int exit, String err) {}

  private static Result run(String... args) {
    CommandLine cli = Clientele.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int exit = cli.execute(args);
      return new Result(exit, err + captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(stderr);
    }
  }

  @Test
  void anEmptyCalendarAMissingFromAndAnUnknownPeriodAreUsageErrors() {
    Result empty = run("backfill", "--from", "2026-05-02", "--to", "2026-05-31");
    assertThat(empty.exit()).isEqualTo(2);
    assertThat(empty.err())
        .contains(
            "clientele backfill: no first day of a month between --from 2026-05-02 and --to 2026-05-31");
    Result noFrom = run("backfill", "--to", "2026-05-31");
    assertThat(noFrom.exit()).isEqualTo(2);
    assertThat(noFrom.err()).contains("Missing required option: '--from=DATE'");
    Result week = run("backfill", "--from", "2026-01-01", "--every", "week");
    assertThat(week.exit()).isEqualTo(2);
    assertThat(week.err()).contains("--every").contains("week");
  }
}
