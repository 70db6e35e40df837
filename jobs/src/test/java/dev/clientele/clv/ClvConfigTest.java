package dev.clientele.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.clusters.ClusterRules;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The clv and clusters config sections bind from reference.conf and reject bad values by key (no
 * Spark).
 */
class ClvConfigTest {
  static ClienteleConfig load(String... overrides) {
    return ClienteleConfig.load(null, List.of(), List.of(overrides));
  }

  @Test
  void defaultsBind() {
    ClvRules clv = ClvRules.from(load().at("clientele.clv"));
    assertThat(clv.period()).isEqualTo("day");
    assertThat(clv.tierLabels()).containsExactly("high", "medium", "low");
    assertThat(clv.tierShares()).containsExactly(0.2, 0.3, 0.5);
    ClusterRules clusters = ClusterRules.from(load().at("clientele.clusters"));
    assertThat(clusters.kMin()).isEqualTo(3);
    assertThat(clusters.kMax()).isEqualTo(8);
    assertThat(clusters.algorithm()).isEqualTo("kmeans");
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(
            () -> ClvRules.from(load("clv.tier-shares=[0.5, 0.3, 0.1]").at("clientele.clv")))
        .isInstanceOf(ConfigError.class)
        .hasMessage(
            "Config key 'clientele.clv.tier-shares' (--set clv.tier-shares: 1): must sum to 1, got [0.5, 0.3, 0.1] (sum 0.9).");
    assertThatThrownBy(() -> ClvRules.from(load("clv.period=month").at("clientele.clv")))
        .isInstanceOf(ConfigError.class)
        .hasMessage(
            "Config key 'clientele.clv.period' (--set clv.period: 1): must be one of [day, week], got 'month'.");
    assertThatThrownBy(
            () -> ClusterRules.from(load("clusters.log-features=[foo]").at("clientele.clusters")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith(
            "Config key 'clientele.clusters.log-features' (--set clusters.log-features: 1): must be a subset of");
  }
}
