package dev.clientele.satisfaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.cli.Clientele;
import dev.clientele.common.config.ConfigError;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Binding and validation of clientele.satisfaction, without Spark. */
class SatisfactionRulesTest {
  @Test
  void defaultsBindFromReferenceConf() {
    SatisfactionRules r = Fixtures.rules();
    assertThat(r.windowDays()).isEqualTo(365);
    assertThat(r.band()).isEqualTo(new SatisfactionRules.Band(4.0, 2.5, 2));
    assertThat(r.churn().horizonDays()).isEqualTo(180);
    assertThat(r.churn().definition().overdueFactor()).isEqualTo(2.0);
    assertThat(r.churn().flagAt()).isEqualTo(0.5);
    assertThat(r.churn().weights())
        .isEqualTo(
            Map.of(
                "overdue",
                3.0,
                "spend_falling",
                2.0,
                "visits_falling",
                1.0,
                "recent_complaint",
                2.0,
                "detractor",
                1.0,
                "unresolved_complaint",
                2.0));
    assertThat(r.kpi().repurchaseWindowDays()).isEqualTo(30);
    assertThat(r.kpi().dimensions())
        .containsExactly(
            "value_tier",
            "rfm_segment",
            "lifecycle_stage",
            "membership_tier",
            "region",
            "satisfaction_band");
    assertThat(r.matrix().priorityValueTiers()).containsExactly("high");
    assertThat(r.matrix().priorityBands()).containsExactly("dissatisfied");
  }

  @Test
  void unknownSignalInTheOpenWeightsMapIsRejectedWithTheAllowedNames() {
    assertThatThrownBy(() -> Fixtures.rules("satisfaction.churn.weights.price_rise=1"))
        .isInstanceOf(ConfigError.class)
        .hasMessage(
            "Config key 'clientele.satisfaction.churn.weights.price_rise' (--set satisfaction.churn.weights.price_rise: 1): "
                + "is not a churn signal; allowed: [overdue, spend_falling, visits_falling, recent_complaint, detractor, unresolved_complaint].");
  }

  @Test
  void allWeightsZeroIsRejected() {
    String[] zeros =
        ChurnRisk.SIGNALS.stream()
            .map(s -> "satisfaction.churn.weights." + s + "=0")
            .toArray(String[]::new);
    assertThatThrownBy(() -> Fixtures.rules(zeros))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Config key 'clientele.satisfaction.churn.weights'")
        .hasMessageEndingWith(": at least one weight must be greater than 0.");
  }

  @Test
  void negativeWeightBandOrderHorizonAndFactorAreRejected() {
    assertThatThrownBy(() -> Fixtures.rules("satisfaction.churn.weights.detractor=-1"))
        .hasMessageEndingWith(
            "weights.detractor' (--set satisfaction.churn.weights.detractor: 1): must be a number from 0.0 to 1000000.0, got -1.0.");
    assertThatThrownBy(() -> Fixtures.rules("satisfaction.band.dissatisfied-csat-max=4.0"))
        .hasMessage(
            "Config key 'clientele.satisfaction.band.dissatisfied-csat-max' (--set satisfaction.band.dissatisfied-csat-max: 1): "
                + "must be below clientele.satisfaction.band.satisfied-csat-min (4.0), got 4.0.");
    assertThatThrownBy(() -> Fixtures.rules("satisfaction.churn.horizon-days=30"))
        .hasMessage(
            "Config key 'clientele.satisfaction.churn.horizon-days' (--set satisfaction.churn.horizon-days: 1): "
                + "must be a whole number from 31 to 36500, got 30.");
    assertThatThrownBy(() -> Fixtures.rules("satisfaction.churn.overdue-factor=1"))
        .hasMessageContaining("must be greater than 1");
    assertThatThrownBy(() -> Fixtures.rules("satisfaction.matrix.priority-bands=[unhappy]"))
        .hasMessageEndingWith(
            "must list bands from [satisfied, neutral, dissatisfied, unknown], got 'unhappy'.");
    assertThatThrownBy(() -> Fixtures.rules("satisfaction.kpi.dimensions=[region, region]"))
        .hasMessageEndingWith("must not repeat a dimension, got [region, region].");
  }

  @Test
  void cliConfigErrorExitsTwoBeforeSparkStarts() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true));
    int exit;
    try {
      exit =
          Clientele.commandLine()
              .execute(
                  "satisfaction", "--as-of", "2026-06-30", "--set", "satisfaction.churn.flag-at=2");
    } finally {
      System.setErr(err);
    }
    assertThat(exit).isEqualTo(2);
    assertThat(captured.toString())
        .contains(
            "clientele satisfaction: Config key 'clientele.satisfaction.churn.flag-at' (--set satisfaction.churn.flag-at: 1): "
                + "must be a number from 0.0 to 1.0, got 2.0.");
  }

  @Test
  void subcommandIsRegistered() {
    assertThat(Clientele.commandLine().getSubcommands()).containsKey("satisfaction");
    assertThat(List.copyOf(Clientele.commandLine().getSubcommands().keySet())).contains("help");
  }
}
