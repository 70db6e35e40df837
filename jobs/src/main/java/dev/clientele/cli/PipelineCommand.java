package dev.clientele.cli;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.JobRunner;
import dev.clientele.ingest.IngestConfig;
import dev.clientele.ingest.InputPaths;
import dev.clientele.pipeline.PipelineJob;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code clientele pipeline --as-of D}: raw logs to published tiers in one Spark application. */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description = {
      "Runs ingest -> features -> (segment | value | satisfaction | clusters | clv, concurrently) -> publish",
      "for --as-of in one Spark application; every stage's config is validated before Spark starts.",
      "Clusters and CLV can be left out with clientele.pipeline.clusters / clientele.pipeline.clv = false."
    })
public final class PipelineCommand extends JobCommand {
  @Option(
      names = "--input",
      paramLabel = "SOURCE=PATH",
      description =
          "Read an ingest source from this directory or glob instead of its configured path (repeatable).")
  List<String> inputs = new ArrayList<>();

  @Override
  protected String jobName() {
    return "pipeline";
  }

  @Override
  public Integer call() {
    try {
      for (String input : inputs) options.addOverride(IngestCommand.pathOverride(input));
    } catch (ConfigError e) {
      System.err.println("clientele pipeline: " + e.getMessage());
      return JobRunner.EXIT_USAGE;
    }
    return super.call();
  }

  @Override
  protected ClienteleJob bind(ClienteleConfig config) {
    PipelineJob job = PipelineJob.from(config);
    InputPaths.checkRequired(IngestConfig.from(config.at("clientele.ingest"), System::getenv));
    return job;
  }
}
