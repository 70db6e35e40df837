package dev.clientele.cluster;

import static dev.clientele.testing.DatasetAssert.assertThatDataset;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.pipeline.PipelineJob;
import dev.clientele.sample.SampleConfig;
import dev.clientele.sample.SampleGenerator;
import dev.clientele.testing.SparkTestExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shaded jar on a real Spark standalone cluster, submitted the documented way: a master and a
 * worker run as separate JVMs from a Spark home that holds Spark only ({@link SparkHome}), and
 * {@code scripts/submit.sh} submits {@code pipeline} through Spark's own {@code SparkSubmit} in
 * client and in cluster deploy mode. Driver and executors see nothing of the Maven class path but
 * the shaded jar, so a class or a {@code META-INF/services} registration missing from it fails the
 * run. The PII key travels as documented in docs/operations.md: the environment of the submitting
 * process (in cluster mode the standalone master hands it to the driver it starts); the development
 * key is off. Each run must publish exactly the tables of a local run of the same sample and as-of
 * date in this JVM, including the pseudonyms of silver {@code customers}, which only the same key
 * gives.
 *
 * <p>Everything lives under {@code target/cluster-it} and is kept for debugging: the daemons' logs
 * in {@code logs/}, the drivers' and executors' in the worker's {@code work/}, each submission's
 * output in {@code <mode>/submit.log}.
 */
@ExtendWith(SparkTestExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandaloneClusterIT {
  private static final LocalDate AS_OF = LocalDate.parse("2026-11-21");

  /** A test key, not a secret: what an operator would keep in a secret store. */
  private static final String PII_KEY = "standalone-cluster-it-key-7f3a91";

  /** A guard against a hung run, not a performance bar: a loaded machine is many times slower. */
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(25);

  private static final List<Table> PUBLISHED =
      List.of(
          Table.CUSTOMER_TIERS,
          Table.SEGMENT_SUMMARY,
          Table.KPI_MONTHLY,
          Table.TIER_HISTORY,
          Table.TIER_TRANSITIONS);

  private final Path dir = Path.of("target", "cluster-it").toAbsolutePath();
  private final Path repo = Path.of("").toAbsolutePath().getParent();
  private final Map<String, Process> submissions = new HashMap<>();
  private StandaloneCluster cluster;
  private TableCatalog local;

  /**
   * Starts the cluster and both submissions, then runs the local reference while they run: the
   * three runs overlap, as most of their time is latency (JVM starts, task scheduling, Delta
   * commits) rather than CPU.
   */
  @BeforeAll
  void submitBothModesAndRunLocally(SparkSession spark) throws Exception {
    SparkHome.deleteRecursively(dir);
    Files.createDirectories(dir);
    Path sparkHome =
        SparkHome.assemble(Path.of("target").toAbsolutePath(), dir.resolve("spark-home"));
    Path raw = dir.resolve("raw");
    Path conf = dir.resolve("cluster.conf");
    Files.writeString(conf, clusterConf(raw));
    Files.createDirectories(dir.resolve("empty-conf-dir"));
    Path keyFile = Files.writeString(dir.resolve("pii.key"), PII_KEY + "\n");
    ClienteleConfig config =
        ClienteleConfig.load(
            null,
            List.of(conf),
            List.of(warehouse("local"), "ingest.pii.key-file=" + quoted(keyFile)));
    SampleGenerator.generate(SampleConfig.from(config.at("clientele.sample")));

    // Cores are slots: the cluster-mode driver takes one, each application's executor up to two.
    cluster = StandaloneCluster.start(sparkHome, dir, 5, "3g");
    for (String mode : List.of("client", "cluster")) submissions.put(mode, submit(mode));

    // The local reference: the same config file and key (from a file here), in this JVM's
    // local[2] session.
    local = new TableCatalog(dir.resolve("local/warehouse").toString());
    PipelineJob.from(config)
        .run(spark, new RunContext("local-reference", "pipeline", AS_OF, config, local));
  }

  @AfterAll
  void stopEverything() {
    if (cluster != null) cluster.close();
  }

  @Test
  void clientDeployModePublishesWhatALocalRunPublishes(SparkSession spark) throws Exception {
    String log = awaitSubmission("client");
    assertThat(log).doesNotContain("Lost executor");
    assertSameTables(spark, "client");
  }

  @Test
  void clusterDeployModePublishesWhatALocalRunPublishes(SparkSession spark) throws Exception {
    String log = awaitSubmission("cluster");
    Matcher id = Pattern.compile("Driver successfully submitted as (driver-[0-9-]+)").matcher(log);
    assertThat(id.find()).as("driver id in the submission log:\n%s", log).isTrue();
    // spark-submit exits 0 whatever the driver's end; the master knows how it ended.
    assertThat(cluster.completedDriverState(id.group(1)))
        .as("state of %s; its log is under %s", id.group(1), cluster.workDir)
        .isEqualTo("FINISHED");
    assertSameTables(spark, "cluster");
  }

  /** Starts {@code scripts/submit.sh} as an operator would; output in {@code <mode>/submit.log}. */
  private Process submit(String deployMode) throws Exception {
    Path runDir = Files.createDirectories(dir.resolve(deployMode));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "bash",
                repo.resolve("scripts/submit.sh").toString(),
                "--master",
                cluster.masterUrl,
                "--deploy-mode",
                deployMode,
                "--driver-memory",
                "1g",
                "--executor-memory",
                "1g",
                "--total-executor-cores",
                "2",
                // In cluster mode spark-submit returns when the driver ends, not when it starts.
                "--conf",
                "spark.standalone.submit.waitAppCompletion=true",
                "--",
                "pipeline",
                "--as-of",
                AS_OF.toString(),
                "--conf",
                dir.resolve("cluster.conf").toString(),
                "--set",
                warehouse(deployMode)));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(runDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(runDir.resolve("submit.log").toFile());
    pb.environment().putAll(cluster.environment());
    pb.environment().put("CLIENTELE_PII_KEY", PII_KEY);
    // No conf/application.conf of the checkout: the run reads only cluster.conf.
    pb.environment().put("CLIENTELE_CONF_DIR", dir.resolve("empty-conf-dir").toString());
    return cluster.track(pb.start());
  }

  /** Waits for a submission to exit 0 and returns its output. */
  private String awaitSubmission(String deployMode) throws Exception {
    Process submission = submissions.get(deployMode);
    Path log = dir.resolve(deployMode).resolve("submit.log");
    boolean finished = submission.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    String output = Files.readString(log);
    assertThat(finished)
        .as("%s mode finished within %s; log %s", deployMode, RUN_TIMEOUT, log)
        .isTrue();
    assertThat(submission.exitValue()).as("exit code; log:\n%s", tail(output)).isZero();
    return output;
  }

  private void assertSameTables(SparkSession spark, String deployMode) {
    TableCatalog remote = new TableCatalog(dir.resolve(deployMode + "/warehouse").toString());
    for (Table table : PUBLISHED) {
      Dataset<Row> expected = DeltaIO.read(spark, local.path(table));
      // One as-of date has no transitions yet; every other table has rows.
      assertThat(expected.isEmpty()).as(table.tableName).isEqualTo(table == Table.TIER_TRANSITIONS);
      assertThatDataset(DeltaIO.read(spark, remote.path(table)))
          .as(table.tableName)
          .withTolerance(1e-9)
          .isEqualTo(expected);
    }
    // Pseudonyms equal only under the same key: it reached the driver.
    assertThatDataset(DeltaIO.read(spark, remote.path(Table.CUSTOMERS)).drop("ingest_run_id"))
        .as("silver customers")
        .isEqualTo(DeltaIO.read(spark, local.path(Table.CUSTOMERS)).drop("ingest_run_id"));
  }

  /** The run's settings, read by every run from the same absolute path (a shared mount). */
  private static String clusterConf(Path raw) {
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    settings.put("sample.output", quoted(raw));
    settings.put("sample.customers", "150");
    settings.put("sample.transactions", "4000");
    settings.put("sample.days", "250");
    settings.put("sample.seed", "11");
    settings.put("sample.end-date", quoted(AS_OF));
    for (String source : List.of("transactions", "customers", "surveys", "complaints")) {
      settings.put("ingest.sources." + source + ".path", quoted(raw.resolve(source)));
    }
    settings.put("ingest.pii.dev-key-allowed", "false");
    // One k and few iterations: the point is MLlib on executors, not the choice of k.
    settings.put("clusters.k-min", "3");
    settings.put("clusters.k-max", "3");
    settings.put("clusters.max-iterations", "20");
    settings.put("clusters.fit-partitions", "2");
    settings.put("spark.shuffle-partitions", "2");
    return settings.entrySet().stream()
        .map(e -> "clientele." + e.getKey() + " = " + e.getValue())
        .collect(Collectors.joining("\n", "", "\n"));
  }

  private String warehouse(String run) {
    return "warehouse=" + quoted(dir.resolve(run).resolve("warehouse"));
  }

  private static String quoted(Object value) {
    return "\"" + value + "\"";
  }

  private static String tail(String log) {
    return log.length() <= 6000 ? log : log.substring(log.length() - 6000);
  }
}
