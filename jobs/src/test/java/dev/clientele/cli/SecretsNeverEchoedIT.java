package dev.clientele.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.testing.ChildJvm;
import dev.clientele.testing.SparkTestExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * #23 item 2: secrets set in the wrong place, or in the right place on a run that fails, never come
 * back out. Each case runs the real CLI in its own JVM, whose whole output (stdout, stderr and the
 * log lines, which go to stderr) is searched, and the {@code runs} table where a run got that far.
 */
@ExtendWith(SparkTestExtension.class)
class SecretsNeverEchoedIT {
  private static final String TXN_HEADER =
      "order_id,line_no,customer_id,ts,product_id,brand,category,quantity,unit_price,discount,unit_cost,channel,store_id,original_order_id";

  private record Outcome(int exit, String output) {}

  private static Outcome run(Path root, Map<String, String> env, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--set",
            "clientele.warehouse=\"" + root.resolve("warehouse") + "\"",
            "--set",
            "clientele.spark.master=\"local[2]\"",
            "--set",
            "clientele.spark.shuffle-partitions=2"));
    for (String source :
        List.of("customers", "transactions", "surveys", "complaints", "redemptions", "contacts")) {
      all.add("--set");
      all.add(
          "clientele.ingest.sources." + source + ".path=\"" + root.resolve("raw/" + source) + "\"");
    }
    Process child = ChildJvm.start(root, "dev.clientele.cli.Clientele", List.of(), all, env);
    assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
    return new Outcome(
        child.exitValue(), Files.readString(root.resolve("child.log"), StandardCharsets.UTF_8));
  }

  @Test
  void aSecretPastedIntoANameSettingIsNotEchoed(SparkSession spark) throws Exception {
    Path root = SparkTestExtension.freshDir(spark, "secrets-pasted");

    Outcome key =
        run(
            root,
            Map.of(),
            "ingest",
            "--set",
            "clientele.ingest.pii.key-env=\"sk_live_PASTEDKEY9 x\"");
    assertThat(key.exit()).isEqualTo(2);
    assertThat(key.output())
        .contains("clientele.ingest.pii.key-env", "is not a variable name")
        .doesNotContain("PASTEDKEY9");

    Outcome password =
        run(
            root,
            Map.of(),
            "export",
            "--set",
            "clientele.export.jdbc-url=\"jdbc:postgresql://localhost:1/bi\"",
            "--set",
            "clientele.export.password-env=\"sk_live PASTEDPW7\"");
    assertThat(password.exit()).isEqualTo(2);
    assertThat(password.output())
        .contains("clientele.export.password-env", "is not a variable name")
        .doesNotContain("PASTEDPW7");

    Outcome url =
        run(
            root,
            Map.of(),
            "export",
            "--set",
            "clientele.export.jdbc-url=\"jdbc:postgresql://bi:hunter2URL@localhost:1/bi\"");
    assertThat(url.exit()).isEqualTo(2);
    assertThat(url.output())
        .contains("clientele.export.jdbc-url", "must not carry a password")
        .doesNotContain("hunter2URL");
  }

  /**
   * A run with its PII key set where it belongs, failing after Spark started (every line over the
   * reject ceiling): exit 1, a failed runs row, and the key in neither the output nor runs.
   */
  @Test
  void theKeyOfARunThatFailsIsInNoOutputAndNoRunsRow(SparkSession spark) throws Exception {
    Path root = SparkTestExtension.freshDir(spark, "secrets-failed-run");
    Path transactions = Files.createDirectories(root.resolve("raw/transactions"));
    Files.writeString(
        transactions.resolve("2026-11-20.csv"),
        TXN_HEADER + "\nO1,1,,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,0,,web,,\n");
    String secret = "S3cret-PII-key-0f8e7d6c";

    Outcome failed =
        run(root, Map.of("CLIENTELE_PII_KEY", secret), "ingest", "--as-of", "2026-11-21");

    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.output())
        .contains("transactions rejected 1 of 1 records")
        .doesNotContain(secret);
    String runs =
        String.join(
            "\n",
            spark
                .read()
                .format("delta")
                .load(new TableCatalog(root.resolve("warehouse").toString()).path(Table.RUNS))
                .toJSON()
                .collectAsList());
    assertThat(runs).contains("\"status\":\"failed\"").doesNotContain(secret);
  }
}
