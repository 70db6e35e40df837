package dev.clientele.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI's usage contract, checked without Spark. */
class ClienteleCliTest {
  private record Result(int exit, String out, String err) {}

  private static Result run(String... args) {
    CommandLine cli = Clientele.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void helpListsTheSubcommands() {
    Result r = run("--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: clientele").contains("Commands:");
    for (String sub : Clientele.commandLine().getSubcommands().keySet()) {
      assertThat(r.out()).contains("  " + sub);
    }
  }

  @Test
  void unknownSubcommandIsAUsageError() {
    Result r = run("segmnt");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Unmatched argument at index 0: 'segmnt'");
  }

  @Test
  void noSubcommandIsAUsageError() {
    Result r = run();
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Missing subcommand.");
  }
}
