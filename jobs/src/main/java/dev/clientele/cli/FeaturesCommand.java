package dev.clientele.cli;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.features.FeatureRules;
import dev.clientele.features.FeaturesJob;
import picocli.CommandLine.Command;

/** {@code clientele features}: builds the customer_features snapshot for the as-of date. */
@Command(
    name = "features",
    mixinStandardHelpOptions = true,
    description =
        "Builds customer_features for --as-of from one scan of transactions joined with customers "
            + "(config: clientele.features.*, clientele.value.points.*).")
public final class FeaturesCommand extends JobCommand {
  @Override
  protected String jobName() {
    return "features";
  }

  @Override
  protected ClienteleJob bind(ClienteleConfig config) {
    return new FeaturesJob(FeatureRules.from(config.at("clientele")));
  }
}
