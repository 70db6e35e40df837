package dev.clientele.common.job;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import dev.clientele.common.spark.SparkSessions;
import java.time.Duration;
import java.time.LocalDate;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a job with Clientele's exit-code contract: config is loaded and bound <em>before</em> a
 * SparkSession exists, so a usage or config error exits {@value #EXIT_USAGE} in well under a
 * second; a failed run exits {@value #EXIT_FAILED}; success exits {@value #EXIT_OK}. Spark is
 * stopped in every case.
 */
public final class JobRunner {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  private JobRunner() {}

  /**
   * @param name the job's CLI name, recorded in the run context
   * @param config loads the layered config (may throw {@link ConfigError})
   * @param binder binds and validates the job's config record and returns the job (may throw {@link
   *     ConfigError})
   * @param asOf the as-of date
   */
  public static int run(
      String name,
      Supplier<ClienteleConfig> config,
      Function<ClienteleConfig, ClienteleJob> binder,
      LocalDate asOf) {
    ClienteleConfig loaded;
    ClienteleJob job;
    try {
      loaded = config.get();
      job = binder.apply(loaded);
    } catch (ConfigError e) {
      System.err.println("clientele " + name + ": " + e.getMessage());
      return EXIT_USAGE;
    }
    RunContext context = RunContext.start(name, asOf, loaded);
    LOG.info("Run {} of job '{}' for as-of {}", context.runId(), name, asOf);
    LOG.debug("Resolved config:\n{}", loaded.renderMasked());
    long started = System.nanoTime();
    SparkSession spark = null;
    int exit = EXIT_FAILED;
    try {
      spark = SparkSessions.create(loaded.at("clientele.spark"), context.tables().warehouse());
      job.run(spark, context);
      exit = EXIT_OK;
      LOG.info("Run {} of '{}' succeeded in {}", context.runId(), name, elapsed(started));
    } catch (ConfigError e) {
      System.err.println("clientele " + name + ": " + e.getMessage());
      exit = EXIT_USAGE;
    } catch (JobFailure e) {
      LOG.error("Run {} of '{}' failed: {}", context.runId(), name, e.getMessage());
      System.err.println("clientele " + name + " failed: " + e.getMessage());
    } catch (Exception | Error e) {
      LOG.error("Run {} of '{}' failed unexpectedly", context.runId(), name, e);
      System.err.println("clientele " + name + " failed: " + e);
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
    return exit;
  }

  public static String elapsed(long startedNanos) {
    Duration d = Duration.ofNanos(System.nanoTime() - startedNanos);
    return String.format("%d.%01ds", d.toSeconds(), d.toMillisPart() / 100);
  }
}
