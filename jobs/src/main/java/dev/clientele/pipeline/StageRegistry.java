package dev.clientele.pipeline;

import dev.clientele.clusters.ClusterRules;
import dev.clientele.clusters.ClustersStage;
import dev.clientele.clv.ClvRules;
import dev.clientele.clv.ClvStage;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.Settings;
import dev.clientele.common.job.Stage;
import dev.clientele.satisfaction.SatisfactionStage;
import dev.clientele.segment.SegmentRules;
import dev.clientele.segment.SegmentStage;
import dev.clientele.value.ValueRules;
import dev.clientele.value.ValueStage;
import java.util.List;
import java.util.function.Function;

/**
 * Every per-customer stage over {@code customer_features}, in the order their columns appear in
 * {@code customer_tiers}: its name (subcommand and {@code runs} job), what it does for the help
 * text, and how its config binds. The CLI makes one subcommand of each and the pipeline composes
 * them, so a new stage is one line here.
 */
public final class StageRegistry {
  /** One stage: its name, its help text, and its config binding (throws ConfigError). */
  public record Entry(String name, String description, Function<ClienteleConfig, Stage> bind) {}

  public static final List<Entry> STAGES =
      List.of(
          new Entry(
              "segment",
              "Writes customer_segments and the RFM cut points for --as-of from customer_features"
                  + " (config: clientele.segment.*).",
              config -> new SegmentStage(SegmentRules.from(config.at("clientele")))),
          new Entry(
              "value",
              "Writes customer_values and the value cut points for --as-of from customer_features"
                  + " (config: clientele.value.*).",
              config -> new ValueStage(ValueRules.from(config.at("clientele")))),
          new Entry(
              SatisfactionStage.NAME,
              "Per-customer satisfaction (CSAT, NPS, complaints, band) and churn early warning:"
                  + " reads customer_features (required), surveys and complaints (if present) and"
                  + " writes the as-of snapshot of customer_satisfaction (kpi_monthly is written by"
                  + " publish). Config: clientele.satisfaction.*.",
              SatisfactionStage::bind),
          new Entry(
              "clusters",
              "Assigns customers to behavioural clusters (refitting k-means when the model is due)"
                  + " and writes customer_clusters, cluster_profiles and, on a refit, cluster_fits"
                  + " for the as-of date (config: clientele.clusters.*).",
              config -> new ClustersStage(ClusterRules.from(config.at("clientele.clusters")))),
          new Entry(
              "clv",
              "Fits BG/NBD + Gamma-Gamma to customer_features and writes customer_clv (P(alive),"
                  + " expected purchases, expected spend, CLV and its tier) and a clv_fits record"
                  + " for the as-of date (config: clientele.clv.*).",
              config -> new ClvStage(ClvRules.from(config.at("clientele.clv")))));

  private StageRegistry() {}

  /**
   * The stages a pipeline runs with {@code config}, bound: every one but those {@code
   * clientele.pipeline} switches off (clusters, clv).
   */
  public static List<Stage> forPipeline(ClienteleConfig config) {
    Settings switches = config.at("clientele.pipeline");
    return STAGES.stream()
        .filter(e -> !switches.has(e.name()) || switches.bool(e.name()))
        .map(e -> e.bind().apply(config))
        .toList();
  }
}
