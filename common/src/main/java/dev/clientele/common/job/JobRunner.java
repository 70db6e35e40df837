package dev.clientele.common.job;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import dev.clientele.common.config.Settings;
import dev.clientele.common.spark.SparkSessions;
import dev.clientele.common.table.RunLog;
import dev.clientele.common.table.TableCatalog;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a job with Clientele's exit-code contract: config is loaded and bound <em>before</em> a
 * SparkSession exists, so a usage or config error exits {@value #EXIT_USAGE} in well under a
 * second; a failed run exits {@value #EXIT_FAILED}; success exits {@value #EXIT_OK}. A run that
 * writes holds the warehouse lease while it runs, and exits {@value #EXIT_LEASE_HELD} at once when
 * another run holds it. Every run that reached Spark ends with one {@code runs} row (source {@code
 * run}) saying how it ended and its exit code. Spark is stopped in every case.
 */
public final class JobRunner {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  /** Another run holds the warehouse ({@link WarehouseLease}). */
  public static final int EXIT_LEASE_HELD = 3;

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
    return run(name, config, binder, asOf, true);
  }

  /**
   * @param writes whether the job writes to the warehouse, and so takes its lease (readers such as
   *     sql and export do not)
   */
  public static int run(
      String name,
      Supplier<ClienteleConfig> config,
      Function<ClienteleConfig, ClienteleJob> binder,
      LocalDate asOf,
      boolean writes) {
    ClienteleConfig loaded;
    ClienteleJob job;
    Duration leaseTtl;
    Duration heartbeatEvery;
    try {
      loaded = config.get();
      job = binder.apply(loaded);
      SparkSessions.checkMaster(loaded.at("clientele.spark"));
      if (writes) {
        String problem =
            TableCatalog.unwritableLocalWarehouse(loaded.at("clientele").string("warehouse"));
        if (problem != null) {
          throw loaded
              .at("clientele")
              .error(
                  "warehouse",
                  problem
                      + ". Point clientele.warehouse (or --set warehouse=DIR) at a folder you can"
                      + " write.");
        }
      }
      Settings lease = loaded.at("clientele.lease");
      leaseTtl = Duration.ofSeconds(lease.longAtLeast("ttl-seconds", 1));
      heartbeatEvery = Duration.ofSeconds(lease.longAtLeast("heartbeat-seconds", 1));
    } catch (ConfigError e) {
      System.err.println("clientele " + name + ": " + e.getMessage());
      return EXIT_USAGE;
    }
    RunContext context = RunContext.start(name, asOf, loaded);
    LOG.info("Run {} of job '{}' for as-of {}", context.runId(), name, asOf);
    LOG.debug("Resolved config:\n{}", loaded.renderMasked());
    long started = System.nanoTime();
    Instant startedAt = Instant.now();
    // A session that exists already (a notebook, a test) belongs to its owner: not ours to stop.
    boolean ownsSession = SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = null;
    WarehouseLease lease = null;
    int exit = EXIT_FAILED;
    String failure = null;
    try {
      spark = SparkSessions.create(loaded.at("clientele.spark"), context.tables().warehouse());
      if (writes) {
        lease = WarehouseLease.acquire(spark, context, leaseTtl, heartbeatEvery);
      }
      job.run(spark, context);
      exit = EXIT_OK;
      LOG.info("Run {} of '{}' succeeded in {}", context.runId(), name, elapsed(started));
    } catch (WarehouseLease.HeldException e) {
      System.err.println("clientele " + name + ": " + e.getMessage());
      exit = EXIT_LEASE_HELD;
      failure = e.getMessage();
    } catch (ConfigError e) {
      System.err.println("clientele " + name + ": " + e.getMessage());
      exit = EXIT_USAGE;
      failure = e.getMessage();
    } catch (JobFailure e) {
      LOG.error("Run {} of '{}' failed: {}", context.runId(), name, e.getMessage());
      System.err.println("clientele " + name + " failed: " + e.getMessage());
      failure = e.getMessage();
    } catch (Exception | Error e) {
      LOG.error("Run {} of '{}' failed unexpectedly", context.runId(), name, e);
      System.err.println("clientele " + name + " failed: " + e);
      failure = e.toString();
    } finally {
      if (spark != null) {
        if (writes) {
          recordOutcome(spark, context, startedAt, exit, failure);
        }
        if (lease != null) {
          try {
            lease.close();
          } catch (RuntimeException e) {
            LOG.error("Run {} could not release the warehouse lease", context.runId(), e);
          }
        }
        if (ownsSession) {
          spark.stop();
        }
      }
    }
    return exit;
  }

  // A run that could not record its outcome still reports it on stderr and in its exit code.
  private static void recordOutcome(
      SparkSession spark, RunContext context, Instant startedAt, int exit, String failure) {
    try {
      RunLog.record(
          spark,
          context,
          List.of(
              RunLog.Entry.outcome(
                  exit == EXIT_OK ? RunLog.SUCCEEDED : RunLog.FAILED,
                  startedAt,
                  Instant.now(),
                  failure,
                  exit)));
    } catch (RuntimeException e) {
      LOG.error("Run {} could not record its outcome in runs", context.runId(), e);
    }
  }

  public static String elapsed(long startedNanos) {
    Duration d = Duration.ofNanos(System.nanoTime() - startedNanos);
    return String.format("%d.%01ds", d.toSeconds(), d.toMillisPart() / 100);
  }
}
