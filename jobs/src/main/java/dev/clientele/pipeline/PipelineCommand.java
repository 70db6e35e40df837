package dev.clientele.pipeline;

import dev.clientele.audience.AudienceRules;
import dev.clientele.cli.IngestCommand;
import dev.clientele.cli.JobCommand;
import dev.clientele.clusters.ClusterRules;
import dev.clientele.clusters.ClustersJob;
import dev.clientele.clv.ClvJob;
import dev.clientele.clv.ClvRules;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.JobRunner;
import dev.clientele.common.table.Table;
import dev.clientele.features.FeatureRules;
import dev.clientele.features.FeaturesJob;
import dev.clientele.ingest.IngestConfig;
import dev.clientele.ingest.IngestJob;
import dev.clientele.ingest.InputPaths;
import dev.clientele.publish.PublishJob;
import dev.clientele.publish.PublishRules;
import dev.clientele.satisfaction.SatisfactionJob;
import dev.clientele.satisfaction.SatisfactionRules;
import dev.clientele.segment.SegmentJob;
import dev.clientele.segment.SegmentRules;
import dev.clientele.value.ValueJob;
import dev.clientele.value.ValueRules;
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
    PipelineJob job = build(config);
    InputPaths.checkRequired(IngestConfig.from(config.at("clientele.ingest"), System::getenv));
    return job;
  }

  /** Binds every stage's config (all errors surface before Spark) and wires the stages. */
  public static PipelineJob build(ClienteleConfig config) {
    return build(config, true);
  }

  /**
   * {@link #build(ClienteleConfig)}, with or without ingest (a backfill publishes what is already
   * ingested).
   */
  public static PipelineJob build(ClienteleConfig config, boolean ingest) {
    SatisfactionRules satisfaction = SatisfactionRules.from(config.at("clientele.satisfaction"));
    List<PipelineJob.Stage> before = new ArrayList<>();
    if (ingest) {
      before.add(
          new PipelineJob.Stage(
              "ingest",
              new IngestJob(IngestConfig.from(config.at("clientele.ingest"), System::getenv)),
              null));
    }
    before.add(
        new PipelineJob.Stage(
            "features",
            new FeaturesJob(FeatureRules.from(config.at("clientele"))),
            Table.CUSTOMER_FEATURES));
    List<PipelineJob.Stage> parallel = new ArrayList<>();
    parallel.add(
        new PipelineJob.Stage(
            "segment",
            new SegmentJob(SegmentRules.from(config.at("clientele"))),
            Table.CUSTOMER_SEGMENTS));
    parallel.add(
        new PipelineJob.Stage(
            "value", new ValueJob(ValueRules.from(config.at("clientele"))), Table.CUSTOMER_VALUES));
    parallel.add(
        new PipelineJob.Stage(
            "satisfaction", new SatisfactionJob(satisfaction), Table.CUSTOMER_SATISFACTION));
    if (config.at("clientele.pipeline").bool("clusters")) {
      parallel.add(
          new PipelineJob.Stage(
              "clusters",
              new ClustersJob(ClusterRules.from(config.at("clientele.clusters"))),
              Table.CUSTOMER_CLUSTERS));
    }
    if (config.at("clientele.pipeline").bool("clv")) {
      parallel.add(
          new PipelineJob.Stage(
              "clv", new ClvJob(ClvRules.from(config.at("clientele.clv"))), Table.CUSTOMER_CLV));
    }
    List<PipelineJob.Stage> after =
        List.of(
            new PipelineJob.Stage(
                "publish",
                new PublishJob(
                    PublishRules.from(config.at("clientele.publish")),
                    satisfaction,
                    AudienceRules.from(config)),
                Table.CUSTOMER_TIERS));
    return new PipelineJob(before, parallel, after);
  }
}
