package dev.clientele.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** generate-sample through the real CLI: exit codes and messages, no Spark. */
class GenerateSampleCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Clientele.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void misspeltKeyExitsTwoNamingTheKey() {
    assertThat(run("generate-sample", "--set", "sample.custmers=5")).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("clientele generate-sample: Config key 'clientele.sample.custmers'")
        .contains("unknown key. Did you mean 'clientele.sample.customers'?");
  }

  @Test
  void badShorthandValueExitsTwoNamingTheKey() {
    assertThat(run("generate-sample", "--dirty-share", "0.7", "--output", dir.toString()))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("'clientele.sample.dirty-share'")
        .contains("must be a number from 0.0 to 0.5, got 0.7.");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void asOfAndEndDateMustAgree() {
    assertThat(run("generate-sample", "--as-of", "2026-01-01", "--end-date", "2026-02-01"))
        .isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "clientele generate-sample: --as-of 2026-01-01 and --end-date 2026-02-01 disagree; give"
                + " one of them."
                + System.lineSeparator());
  }

  @Test
  void writesASmallSampleAndPrintsOneSummaryLine() throws IOException {
    Path output = dir.resolve("raw data");
    int exit =
        run(
            "generate-sample",
            "--output",
            output.toString(),
            "--customers",
            "40",
            "--transactions",
            "2000",
            "--days",
            "300",
            "--as-of",
            "2026-03-01",
            "--seed",
            "5");
    assertThat(err.toString()).isEmpty();
    assertThat(exit).isZero();
    assertThat(out.toString().lines()).hasSize(1);
    assertThat(out.toString())
        .startsWith("generate-sample: ")
        .contains(" in " + output + ": ")
        .contains("40 customers");
    try (Stream<Path> days = Files.list(output.resolve("transactions"))) {
      assertThat(days.map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> b))
          .contains("2026-02-28.csv");
    }
    assertThat(output.resolve("customers/customers.csv")).exists();
  }

  @Test
  void rootHelpListsGenerateSample() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("generate-sample");
  }
}
