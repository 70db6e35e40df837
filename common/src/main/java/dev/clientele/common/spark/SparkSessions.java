package dev.clientele.common.spark;

import dev.clientele.common.config.Settings;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the one SparkSession a job runs in, from {@code clientele.spark.*}: Delta's SQL extension
 * and catalog always; in local mode, shuffle partitions sized to the cores, UI off, UTC.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /** The settings every Clientele session needs, local or on a cluster. */
  public static SparkConf baseConf(String warehouse) {
    return new SparkConf()
        .set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .set("spark.sql.session.timeZone", "UTC")
        .set("spark.sql.adaptive.enabled", "true")
        // The pipeline runs its aggregate stages concurrently, each in its own pool.
        .set("spark.scheduler.mode", "FAIR")
        .set("spark.sql.warehouse.dir", warehouse + "/catalog")
        // Small Delta logs should not fan out to 50 tasks on a 2-core machine.
        .set("spark.databricks.delta.snapshotPartitions", "4")
        // Serialized cached blocks (ingest's batch) are compressed: the raw text in them shrinks
        // several times, so a large batch stays in memory instead of spilling.
        .set("spark.rdd.compress", "true")
        // Spark keeps 100 compiled query classes; one pipeline run compiles over 1,000, so a
        // second run in the same JVM (the tests, a notebook, a backfill) compiled them all again:
        // on the tests' sample, 1,300 compilations and a quarter of a rerun's time; no gain
        // measured on run-local's larger sample (docs/benchmarks.md).
        .set("spark.sql.codegen.cache.maxEntries", "10000")
        .set("spark.sql.shuffle.partitions", "8");
  }

  // local, local[4], local[*], local[4,2], local-cluster[2,1,1024], spark://h:7077[,h2:7077],
  // yarn, k8s://https://h:6443, or "" to leave it to spark-submit.
  private static final java.util.regex.Pattern MASTER =
      java.util.regex.Pattern.compile(
          "local(\\[(\\*|[1-9][0-9]*)(,[0-9]+)?])?|local-cluster\\[[1-9][0-9]*,[1-9][0-9]*,[1-9][0-9]*]"
              + "|spark://[^\\s/]+(:[0-9]+)?(,[^\\s/]+(:[0-9]+)?)*|yarn|k8s://\\S+");

  /**
   * Checks {@code clientele.spark.master} before Spark starts, so a typo exits 2 naming the key
   * instead of failing inside Spark with a stack trace.
   */
  public static void checkMaster(Settings spark) {
    String master = spark.optionalString("master");
    if (master != null && !master.isEmpty() && !MASTER.matcher(master).matches()) {
      throw spark.error(
          "master",
          "'"
              + master
              + "' is not a Spark master URL: use local[*], local[N], spark://HOST:PORT, yarn,"
              + " k8s://https://HOST:PORT, or \"\" to take spark-submit's --master.");
    }
  }

  public static SparkSession create(Settings spark, String warehouse) {
    // spark-submit passes --conf spark.sql.shuffle.partitions as a system property: it wins.
    String submitted = System.getProperty("spark.sql.shuffle.partitions");
    SparkConf conf = baseConf(warehouse).setAppName(spark.string("app-name"));
    String master = spark.optionalString("master");
    boolean local = master != null && master.startsWith("local");
    if (master != null) conf.setMaster(master);
    int partitions = spark.intBetween("shuffle-partitions", 0, 1_000_000);
    if (partitions > 0) {
      conf.set("spark.sql.shuffle.partitions", Integer.toString(partitions));
    } else if (submitted != null) {
      conf.set("spark.sql.shuffle.partitions", submitted);
    } else if (local) {
      conf.set(
          "spark.sql.shuffle.partitions",
          Integer.toString(Math.max(2, 2 * Runtime.getRuntime().availableProcessors())));
    } else {
      conf.remove("spark.sql.shuffle.partitions");
    }
    if (local) {
      // One task per Delta log job: each task of a log replay generates the code of Delta's action
      // encoder again, and the logs are small. One pipeline run of the sample: 148 s with 4, 134 s
      // with 1.
      conf.set("spark.databricks.delta.snapshotPartitions", "1");
      conf.set("spark.ui.enabled", Boolean.toString(spark.bool("ui")));
      conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
    }
    for (Map.Entry<String, String> e : spark.stringMap("conf").entrySet()) {
      conf.set(e.getKey(), e.getValue());
    }
    dev.clientele.common.fault.FaultInjection.configure(conf);
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
