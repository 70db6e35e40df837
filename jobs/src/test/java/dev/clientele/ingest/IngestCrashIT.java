package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.table.Table;
import dev.clientele.testing.SparkTestExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A child JVM running {@code clientele ingest} is killed right after the first Delta commit; the
 * rerun must leave exactly the tables (and count exactly the records) of a clean run.
 */
@ExtendWith(SparkTestExtension.class)
class IngestCrashIT {
  @Test
  void rerunAfterAKilledIngestEqualsACleanRun(SparkSession spark) throws Exception {
    IngestFixture crashed = new IngestFixture(spark, "crashed");
    writeSample(crashed);

    Process child = startChild(crashed);
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (!anyCommit(crashed.warehouse) && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(child.isAlive()).as("child still running at its first commit").isTrue();
    } finally {
      child.destroyForcibly().waitFor();
    }
    assertThat(crashed.exists(Table.INGEST_FILES)).as("killed before the ledger was written").isFalse();

    crashed.ingest();

    IngestFixture clean = new IngestFixture(spark, "clean");
    clean.overrides.removeIf(o -> o.startsWith("clientele.ingest.sources."));
    crashed.overrides.stream().filter(o -> o.startsWith("clientele.ingest.sources.")).forEach(clean.overrides::add);
    clean.ingest();

    assertThat(crashed.content(Table.TRANSACTIONS, "ingest_run_id"))
        .hasSize(clean.content(Table.TRANSACTIONS).size())
        .isEqualTo(clean.content(Table.TRANSACTIONS, "ingest_run_id"));
    assertThat(crashed.content(Table.CUSTOMERS, "ingest_run_id")).isEqualTo(clean.content(Table.CUSTOMERS, "ingest_run_id"));
    assertThat(crashed.content(Table.CUSTOMER_HISTORY, "ingest_run_id"))
        .isEqualTo(clean.content(Table.CUSTOMER_HISTORY, "ingest_run_id"));
    assertThat(crashed.content(Table.QUARANTINE, "run_id", "quarantined_at"))
        .isEqualTo(clean.content(Table.QUARANTINE, "run_id", "quarantined_at"));
    assertThat(crashed.content(Table.INGEST_FILES, "run_id", "ingested_at"))
        .isEqualTo(clean.content(Table.INGEST_FILES, "run_id", "ingested_at"));
    assertThat(counts(crashed)).isEqualTo(counts(clean)).isNotEmpty();
  }

  private static List<String> counts(IngestFixture f) {
    return f.table(Table.RUNS)
        .selectExpr("source", "status", "records_read", "records_accepted", "records_quarantined", "records_duplicate")
        .collectAsList().stream().map(Row::toString).sorted().toList();
  }

  private static void writeSample(IngestFixture f) {
    List<String> customers = new ArrayList<>(List.of(IngestFixture.CUSTOMER_HEADER));
    for (int c = 1; c <= 40; c++) {
      customers.add(String.format("C%03d,Name %d,c%d@example.com,,1980-01-01,F,high,,north,2024-01-01,2024-01-01", c, c, c));
    }
    f.write("customers", "customers.csv", customers.toArray(String[]::new));
    for (int day = 1; day <= 3; day++) {
      List<String> lines = new ArrayList<>(List.of(IngestFixture.TXN_HEADER));
      for (int i = 1; i <= 60; i++) {
        String customer = i % 17 == 0 ? "C999" : String.format("C%03d", 1 + (i * 7 + day) % 40);
        String price = i % 23 == 0 ? "0.00" : (10 + i % 5) + ".50";
        lines.add(String.format("O%d%03d,1,%s,2026-11-%02d 10:%02d:00,P%d,B%d,cat%d,%d,%s,0,,web,,",
            day, i, customer, 10 + day, i % 60, i % 9, i % 4, i % 3, 1 + i % 3, price));
      }
      lines.add(lines.get(5)); // an exact duplicate line
      lines.add("garbage");
      f.write("transactions", "2026-11-1" + day + ".csv", lines.toArray(String[]::new));
    }
  }

  private static Process startChild(IngestFixture f) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String flag : System.getProperty("clientele.test.add-opens", defaultAddOpens()).split(" ")) {
      if (!flag.isBlank()) cmd.add(flag);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.clientele.cli.Clientele");
    cmd.add("ingest");
    cmd.add("--as-of");
    cmd.add(IngestFixture.AS_OF.toString());
    for (String o : f.overrides) {
      cmd.add("--set");
      cmd.add(o);
    }
    cmd.add("--set");
    cmd.add("clientele.spark.master=\"local[2]\"");
    cmd.add("--set");
    cmd.add("clientele.spark.shuffle-partitions=2");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(f.root.toFile()).redirectErrorStream(true)
        .redirectOutput(f.root.resolve("child.log").toFile());
    pb.environment().put("CLIENTELE_CONF_DIR", f.root.toString());
    return pb.start();
  }

  /** The add-opens flags this JVM was started with (Spark needs them in the child too). */
  private static String defaultAddOpens() {
    return String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-modules") || a.startsWith("-XX:+IgnoreUnrecognized")
            || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty"))
        .toList());
  }

  private static boolean anyCommit(Path warehouse) throws Exception {
    if (!Files.isDirectory(warehouse)) return false;
    try (Stream<Path> files = Files.walk(warehouse)) {
      return files.anyMatch(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("_delta_log")
          && p.getFileName().toString().endsWith(".json") && p.toFile().length() > 0);
    }
  }

}
