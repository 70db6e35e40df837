package dev.clientele.cli;

import dev.clientele.clusters.ClusterRules;
import dev.clientele.clusters.ClustersJob;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.ClienteleJob;
import picocli.CommandLine.Command;

/** {@code clientele clusters}: behavioural clusters for the as-of date. */
@Command(
    name = "clusters",
    mixinStandardHelpOptions = true,
    description =
        "Assigns customers to behavioural clusters (refitting k-means when the model is due) and writes "
            + "customer_clusters, cluster_profiles and, on a refit, cluster_fits for the as-of date.")
public final class ClustersCommand extends JobCommand {
  @Override
  protected String jobName() {
    return "clusters";
  }

  @Override
  protected ClienteleJob bind(ClienteleConfig config) {
    return new ClustersJob(ClusterRules.from(config.at("clientele.clusters")));
  }
}
