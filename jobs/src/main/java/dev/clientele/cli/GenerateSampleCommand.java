package dev.clientele.cli;

import dev.clientele.common.config.ConfigError;
import dev.clientele.common.job.JobRunner;
import dev.clientele.sample.SampleConfig;
import dev.clientele.sample.SampleGenerator;
import dev.clientele.sample.SampleSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code clientele generate-sample}: writes deterministic raw sample data (see docs/sample-data.md)
 * without Spark. The options below are shorthands for {@code clientele.sample.*} keys and win over
 * {@code --conf} and {@code --set}. Exit 0 when written, 1 when writing failed, 2 for a usage or
 * config error.
 */
@Command(
    name = "generate-sample",
    mixinStandardHelpOptions = true,
    description = {
      "Writes deterministic raw sample data (transactions by day, customers, surveys, complaints and "
          + "ground truth) under clientele.sample.output. Plain Java: no Spark.",
      "--as-of DATE is the same as --end-date DATE: the history ends the day before."
    })
public final class GenerateSampleCommand implements Callable<Integer> {
  @Mixin JobOptions options;
  @Spec CommandSpec spec;

  @Option(names = "--output", paramLabel = "DIR", description = "clientele.sample.output")
  Path output;

  @Option(names = "--seed", paramLabel = "N", description = "clientele.sample.seed")
  Long seed;

  @Option(names = "--customers", paramLabel = "N", description = "clientele.sample.customers")
  Integer customers;

  @Option(
      names = "--transactions",
      paramLabel = "N",
      description =
          "clientele.sample.transactions: transaction lines over all days (within about 2%%)")
  Long transactions;

  @Option(names = "--days", paramLabel = "N", description = "clientele.sample.days")
  Integer days;

  @Option(names = "--end-date", paramLabel = "DATE", description = "clientele.sample.end-date")
  LocalDate endDate;

  @Option(
      names = "--dirty-share",
      paramLabel = "SHARE",
      description = "clientele.sample.dirty-share, 0 to 0.5")
  Double dirtyShare;

  @Override
  public Integer call() {
    try {
      addShorthands();
      SampleConfig config = SampleConfig.from(options.loadConfig().at("clientele.sample"));
      SampleSummary summary = SampleGenerator.generate(config);
      spec.commandLine().getOut().println(summary.line());
      spec.commandLine().getOut().flush();
      return JobRunner.EXIT_OK;
    } catch (ConfigError e) {
      fail(e.getMessage());
      return JobRunner.EXIT_USAGE;
    } catch (IOException | UncheckedIOException e) {
      fail("writing the sample failed: " + e);
      return JobRunner.EXIT_FAILED;
    }
  }

  private void addShorthands() {
    if (options.asOf != null && endDate != null && !options.asOf.equals(endDate)) {
      throw new ConfigError(
          "--as-of "
              + options.asOf
              + " and --end-date "
              + endDate
              + " disagree; give one of them.");
    }
    LocalDate end = endDate != null ? endDate : options.asOf;
    if (output != null) options.addOverride("sample.output=" + quoted(output.toString()));
    if (seed != null) options.addOverride("sample.seed=" + seed);
    if (customers != null) options.addOverride("sample.customers=" + customers);
    if (transactions != null) options.addOverride("sample.transactions=" + transactions);
    if (days != null) options.addOverride("sample.days=" + days);
    if (end != null) options.addOverride("sample.end-date=" + quoted(end.toString()));
    if (dirtyShare != null) options.addOverride("sample.dirty-share=" + dirtyShare);
  }

  /** A HOCON string literal, so paths with spaces, colons or backslashes survive --set parsing. */
  private static String quoted(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private void fail(String message) {
    spec.commandLine().getErr().println("clientele generate-sample: " + message);
    spec.commandLine().getErr().flush();
  }
}
