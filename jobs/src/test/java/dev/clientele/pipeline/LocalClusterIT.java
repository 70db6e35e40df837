package dev.clientele.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.testing.ChildJvm;
import dev.clientele.testing.SparkTestExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole pipeline on a {@code local-cluster[2,1,1024]} master: two executor JVMs forked from a
 * Spark home that the build assembles from the Maven dependencies (target/spark-home/jars), so
 * closures, serialisation and executor-side state are exercised as on a real cluster.
 */
@ExtendWith(SparkTestExtension.class)
class LocalClusterIT {
  @Test
  void pipelineRunsOnSeparateExecutorJvms(SparkSession spark) throws Exception {
    Path sparkHome = Path.of("target", "spark-home").toAbsolutePath();
    assertThat(sparkHome.resolve("jars"))
        .as("assembled by the pre-integration-test phase")
        .isDirectory();
    Path root = SparkTestExtension.freshDir(spark, "local-cluster");
    // A smaller sample than PipelineIT's: here the point is executors in other JVMs, not the
    // labels.
    List<String> smaller =
        List.of("sample.customers=150", "sample.transactions=4000", "sample.days=250");
    PipelineIT.sampleConfig(
        root, smaller.toArray(String[]::new)); // writes the sample under root/raw

    String classpath = System.getProperty("java.class.path");
    String executorFlags = String.join(" ", ChildJvm.sparkFlags());
    List<String> args = new ArrayList<>(List.of("pipeline", "--as-of", PipelineIT.DAY2.toString()));
    List<String> overrides = new ArrayList<>(PipelineIT.overrides(root));
    overrides.addAll(smaller);
    for (String o : overrides) {
      args.add("--set");
      args.add(o);
    }
    args.addAll(
        List.of(
            "--set", "spark.master=\"local-cluster[2,1,1024]\"",
            "--set", "spark.shuffle-partitions=4",
            "--set", "spark.conf.\"spark.executor.extraClassPath\"=\"" + classpath + "\"",
            "--set", "spark.conf.\"spark.executor.extraJavaOptions\"=\"" + executorFlags + "\"",
            "--set", "spark.conf.\"spark.executor.memory\"=\"1g\""));
    Process child =
        ChildJvm.start(
            root,
            "dev.clientele.cli.Clientele",
            args,
            java.util.Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13"));
    boolean finished = child.waitFor(20, TimeUnit.MINUTES);
    if (!finished) child.destroyForcibly().waitFor();
    String log = Files.readString(root.resolve("child.log"));
    assertThat(finished).as("pipeline finished in time").isTrue();
    assertThat(child.exitValue()).as("exit code; log:\n%s", tail(log)).isZero();
    assertThat(log).doesNotContain("Lost executor");

    TableCatalog tables = new TableCatalog(root.resolve("warehouse").toString());
    long customers = DeltaIO.read(spark, tables.path(Table.CUSTOMERS)).count();
    assertThat(
            DeltaIO.readSnapshot(spark, tables.path(Table.CUSTOMER_TIERS), PipelineIT.DAY2).count())
        .isEqualTo(customers);
    assertThat(
            DeltaIO.read(spark, tables.path(Table.CUSTOMER_TIERS))
                .where(col("value_tier").isNull())
                .count())
        .isZero();
  }

  private static String tail(String log) {
    return log.length() <= 6000 ? log : log.substring(log.length() - 6000);
  }
}
