package dev.clientele.cli;

import dev.clientele.audience.AudienceRules;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.publish.PublishJob;
import dev.clientele.publish.PublishRules;
import dev.clientele.satisfaction.SatisfactionRules;
import picocli.CommandLine.Command;

/** {@code clientele publish --as-of D}: quality gates, then the gold tables for D. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = {
      "Assembles customer_tiers from the feature and aggregate snapshots of --as-of, runs the quality gates",
      "and, only if they pass, publishes customer_tiers, segment_summary, kpi_monthly, tier_history and",
      "tier_transitions, registers them in catalog database 'clientele' and writes the HTML run report",
      "(config: clientele.publish.*)."
    })
public final class PublishCommand extends JobCommand {
  @Override
  protected String jobName() {
    return PublishJob.NAME;
  }

  @Override
  protected ClienteleJob bind(ClienteleConfig config) {
    return new PublishJob(
        PublishRules.from(config.at("clientele.publish")),
        SatisfactionRules.from(config.at("clientele.satisfaction")),
        AudienceRules.from(config));
  }
}
