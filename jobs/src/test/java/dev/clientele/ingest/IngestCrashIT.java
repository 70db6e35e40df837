package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.table.Table;
import dev.clientele.testing.ChildJvm;
import dev.clientele.testing.SparkTestExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
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
      assertThat(ChildJvm.killWhen(child, () -> anyCommit(crashed.warehouse), 10))
          .as("child still running at its first commit")
          .isTrue();
    } finally {
      child.destroyForcibly().waitFor();
    }
    assertThat(crashed.exists(Table.INGEST_FILES))
        .as("killed before the ledger was written")
        .isFalse();

    crashed.ingest();

    IngestFixture clean = new IngestFixture(spark, "clean");
    clean.overrides.removeIf(o -> o.startsWith("clientele.ingest.sources."));
    crashed.overrides.stream()
        .filter(o -> o.startsWith("clientele.ingest.sources."))
        .forEach(clean.overrides::add);
    clean.ingest();

    assertThat(crashed.content(Table.TRANSACTIONS, "ingest_run_id"))
        .hasSize(clean.content(Table.TRANSACTIONS).size())
        .isEqualTo(clean.content(Table.TRANSACTIONS, "ingest_run_id"));
    assertThat(crashed.content(Table.CUSTOMERS, "ingest_run_id"))
        .isEqualTo(clean.content(Table.CUSTOMERS, "ingest_run_id"));
    assertThat(crashed.content(Table.CUSTOMER_HISTORY, "ingest_run_id"))
        .isEqualTo(clean.content(Table.CUSTOMER_HISTORY, "ingest_run_id"));
    assertThat(crashed.content(Table.QUARANTINE, "run_id", "quarantined_at"))
        .isEqualTo(clean.content(Table.QUARANTINE, "run_id", "quarantined_at"));
    assertThat(crashed.content(Table.INGEST_FILES, "run_id", "ingested_at"))
        .isEqualTo(clean.content(Table.INGEST_FILES, "run_id", "ingested_at"));
    assertThat(crashed.runCounts("true")).isEqualTo(clean.runCounts("true")).isNotEmpty();
  }

  private static void writeSample(IngestFixture f) {
    List<String> customers = new ArrayList<>(List.of(IngestFixture.CUSTOMER_HEADER));
    for (int c = 1; c <= 40; c++) {
      customers.add(
          String.format(
              "C%03d,Name %d,c%d@example.com,,1980-01-01,F,high,,north,2024-01-01,2024-01-01",
              c, c, c));
    }
    f.write("customers", "customers.csv", customers.toArray(String[]::new));
    for (int day = 1; day <= 3; day++) {
      List<String> lines = new ArrayList<>(List.of(IngestFixture.TXN_HEADER));
      for (int i = 1; i <= 60; i++) {
        String customer = i % 17 == 0 ? "C999" : String.format("C%03d", 1 + (i * 7 + day) % 40);
        String price = i % 23 == 0 ? "0.00" : (10 + i % 5) + ".50";
        lines.add(
            String.format(
                "O%d%03d,1,%s,2026-11-%02d 10:%02d:00,P%d,B%d,cat%d,%d,%s,0,,web,,",
                day, i, customer, 10 + day, i % 60, i % 9, i % 4, i % 3, 1 + i % 3, price));
      }
      lines.add(lines.get(5)); // an exact duplicate line
      lines.add("garbage");
      f.write("transactions", "2026-11-1" + day + ".csv", lines.toArray(String[]::new));
    }
  }

  private static Process startChild(IngestFixture f) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("ingest", "--as-of", IngestFixture.AS_OF.toString()));
    for (String o : f.overrides) {
      args.add("--set");
      args.add(o);
    }
    args.addAll(
        List.of(
            "--set",
            "clientele.spark.master=\"local[2]\"",
            "--set",
            "clientele.spark.shuffle-partitions=2"));
    return ChildJvm.start(f.root, "dev.clientele.cli.Clientele", args);
  }

  private static boolean anyCommit(Path warehouse) {
    if (!Files.isDirectory(warehouse)) return false;
    try (Stream<Path> files = Files.walk(warehouse)) {
      return files.anyMatch(
          p ->
              p.getParent() != null
                  && p.getParent().getFileName().toString().equals("_delta_log")
                  && p.getFileName().toString().endsWith(".json")
                  && p.toFile().length() > 0);
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return false; // the tree changed under the walk: look again on the next poll
    }
  }
}
