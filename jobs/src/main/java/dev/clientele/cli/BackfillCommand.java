package dev.clientele.cli;

import dev.clientele.common.job.JobRunner;
import dev.clientele.pipeline.BackfillJob;
import dev.clientele.pipeline.PipelineJob;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code clientele backfill --from DATE [--to DATE] --every month}: see {@link BackfillJob}. Usage
 * and config errors exit 2 before Spark starts.
 */
@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    description = {
      "Publishes a snapshot for the first day of every month from --from to --to (features, segment, value,",
      "satisfaction, clusters, clv, publish; no ingest) in one Spark application, oldest first: the same",
      "tables as running 'clientele pipeline --as-of DATE' for each date, and a rerun changes nothing."
    })
public final class BackfillCommand implements Callable<Integer> {
  @Option(
      names = "--from",
      required = true,
      paramLabel = "DATE",
      description = "First date: the first day of a month on or after it is the first published.")
  LocalDate from;

  @Option(
      names = "--to",
      paramLabel = "DATE",
      description = "Last date (inclusive; default: today, UTC).")
  LocalDate to;

  @Option(
      names = "--every",
      paramLabel = "PERIOD",
      defaultValue = "month",
      description = "Publish every: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  BackfillJob.Every every;

  @Option(
      names = "--conf",
      paramLabel = "FILE",
      description =
          "Extra HOCON config file layered over conf/application.conf (repeatable, later wins).")
  List<java.nio.file.Path> confFiles = new java.util.ArrayList<>();

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override one config key (repeatable, wins over files).")
  List<String> overrides = new java.util.ArrayList<>();

  @Override
  public Integer call() {
    LocalDate last = to != null ? to : LocalDate.now(ZoneOffset.UTC);
    List<LocalDate> dates;
    try {
      dates = BackfillJob.dates(from, last, every);
    } catch (IllegalArgumentException e) {
      System.err.println("clientele backfill: " + e.getMessage());
      return JobRunner.EXIT_USAGE;
    }
    return JobRunner.run(
        "backfill",
        () -> dev.clientele.common.config.ClienteleConfig.load(confFiles, overrides),
        config -> {
          // Binds every stage's config once, before Spark: errors exit 2.
          PipelineJob.from(config, false);
          return new BackfillJob(dates, () -> PipelineJob.from(config, false));
        },
        dates.get(dates.size() - 1));
  }
}
