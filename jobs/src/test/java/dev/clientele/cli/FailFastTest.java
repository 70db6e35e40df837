package dev.clientele.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #23 item 9: missing inputs, an unusable warehouse and a bad master URL exit 2 before Spark
 * starts, naming the path and the key, with no stack trace.
 */
class FailFastTest {
  @TempDir Path tmp;

  private record Result(int exit, String err, long millis) {}

  private static Result run(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    long start = System.nanoTime();
    try {
      int exit = Clientele.commandLine().execute(args);
      return new Result(
          exit, err.toString(StandardCharsets.UTF_8), (System.nanoTime() - start) / 1_000_000);
    } finally {
      System.setErr(original);
    }
  }

  @Test
  void aMissingRequiredInputPathExitsTwoNamingItAndTheKey() {
    Path missing = tmp.resolve("no-such-folder");
    for (String job : new String[] {"ingest", "pipeline"}) {
      Result r =
          run(
              job,
              "--set",
              "warehouse=" + tmp.resolve("wh"),
              "--set",
              "ingest.pii.dev-key-allowed=true",
              "--set",
              "ingest.sources.transactions.path=\"" + missing + "\"");
      assertThat(r.exit()).isEqualTo(2);
      assertThat(r.err())
          .isEqualTo(
              "clientele "
                  + job
                  + ": Config key 'clientele.ingest.sources.transactions.path': no transactions"
                  + " files at "
                  + missing
                  + " (no such file or folder). Point it at the folder of the transactions files,"
                  + " or pass --input transactions=PATH.\n");
      // In a second, Spark never started.
      assertThat(r.millis()).isLessThan(10_000);
    }
  }

  @Test
  void anEmptyRequiredFolderAlsoExitsTwo() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Files.writeString(empty.resolve("_SUCCESS"), "");
    Result r =
        run(
            "ingest",
            "--set",
            "warehouse=" + tmp.resolve("wh"),
            "--set",
            "ingest.pii.dev-key-allowed=true",
            "--input",
            "transactions=" + empty);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains(": no transactions files at " + empty + ". Point it at the folder");
  }

  @Test
  void aWarehouseThatCannotBeWrittenExitsTwoNamingTheKey() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Result r = run("features", "--as-of", "2026-11-21", "--set", "warehouse=" + file + "/wh");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "clientele features: Config key 'clientele.warehouse' (--set warehouse: 1): "
                + file
                + " is a file, not a folder. Point clientele.warehouse (or --set warehouse=DIR)"
                + " at a folder you can write.\n");
  }

  @Test
  void aBadMasterUrlExitsTwoNamingTheKey() {
    Result r =
        run(
            "features",
            "--as-of",
            "2026-11-21",
            "--set",
            "warehouse=" + tmp.resolve("wh"),
            "--set",
            "spark.master=locl[2]");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "clientele features: Config key 'clientele.spark.master' (--set spark.master):"
                + " 'locl[2]' is not a Spark master URL: use local[*], local[N], spark://HOST:PORT,"
                + " yarn, k8s://https://HOST:PORT, or \"\" to take spark-submit's --master.\n");
  }

  @Test
  void everyMasterUrlFormSparkTakesPasses() {
    for (String master :
        new String[] {
          "local",
          "local[*]",
          "local[4]",
          "local[4,2]",
          "local-cluster[2,1,1024]",
          "spark://host:7077",
          "spark://h1:7077,h2:7077",
          "yarn",
          "k8s://https://h:6443",
          ""
        }) {
      dev.clientele.common.spark.SparkSessions.checkMaster(
          dev.clientele.common.config.ClienteleConfig.load(
                  null, java.util.List.of(), java.util.List.of("spark.master=\"" + master + "\""))
              .at("clientele.spark"));
    }
  }
}
