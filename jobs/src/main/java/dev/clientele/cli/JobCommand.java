package dev.clientele.cli;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.JobRunner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * Base of every Spark job subcommand: parses the shared options, binds the job's config record
 * before Spark starts (config errors exit 2 with the key and file), then runs it through {@link
 * JobRunner}.
 */
public abstract class JobCommand implements Callable<Integer> {
  @Mixin protected JobOptions options;

  /** The subcommand's name, recorded in the run context and the runs table. */
  protected abstract String jobName();

  /**
   * Binds and validates this job's config and returns the job; throws ConfigError on bad config.
   */
  protected abstract ClienteleJob bind(ClienteleConfig config);

  /** Whether the job writes to the warehouse and so holds its lease while it runs. */
  protected boolean writesWarehouse() {
    return true;
  }

  @Override
  public Integer call() {
    return JobRunner.run(
        jobName(), options::loadConfig, this::bind, options.asOf(), writesWarehouse());
  }
}
