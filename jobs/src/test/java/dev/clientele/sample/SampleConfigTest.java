package dev.clientele.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleConfigTest {
  private static SampleConfig bind(String... overrides) {
    return SampleConfig.from(
        ClienteleConfig.load(null, List.of(), List.of(overrides)).at("clientele.sample"));
  }

  @Test
  void defaultsFromReferenceConf() {
    assertThat(bind())
        .isEqualTo(
            new SampleConfig(
                Path.of("./data/raw"), 42, 10_000, 500_000, 730, LocalDate.of(2026, 11, 21), 0.01));
  }

  @Test
  void tooFewLinesPerCustomerNamesTheKeyAndTheBound() {
    assertThatThrownBy(() -> bind("sample.customers=1000", "sample.transactions=4999"))
        .isInstanceOf(ConfigError.class)
        .hasMessage(
            "Config key 'clientele.sample.transactions' (--set sample.transactions: 1): must be at least"
                + " 5 lines per customer (5000 for 1000 customers), got 4999.");
  }

  @Test
  void historyShorterThanTheLapsingWindowIsRejected() {
    assertThatThrownBy(() -> bind("sample.days=90"))
        .isInstanceOf(ConfigError.class)
        .hasMessage(
            "Config key 'clientele.sample.days' (--set sample.days: 1): must be a whole number from 250"
                + " to 3650, got 90.");
  }

  @Test
  void dirtyShareAboveHalfIsRejected() {
    assertThatThrownBy(() -> bind("sample.dirty-share=0.7"))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("'clientele.sample.dirty-share'")
        .hasMessageContaining("must be a number from 0.0 to 0.5, got 0.7.");
  }

  @Test
  void badEndDateNamesTheKey() {
    assertThatThrownBy(() -> bind("sample.end-date=\"21/11/2026\""))
        .isInstanceOf(ConfigError.class)
        .hasMessage(
            "Config key 'clientele.sample.end-date' (--set sample.end-date: 1): must be a date like"
                + " 2026-11-21, got '21/11/2026'.");
  }
}
