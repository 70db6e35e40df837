package dev.clientele.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClienteleConfigTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void defaultsComeFromReferenceConf() {
    ClienteleConfig config = ClienteleConfig.load(null, List.of(), List.of());
    assertThat(config.at("clientele").string("warehouse")).isEqualTo("./data/warehouse");
    assertThat(config.at("clientele.sample").intBetween("customers", 1, 100_000_000))
        .isEqualTo(10_000);
  }

  @Test
  void precedenceIsReferenceThenApplicationThenConfFilesThenSet() throws IOException {
    Path app =
        write(
            "application.conf",
            "clientele { warehouse = /app, sample.seed = 1, sample.customers = 5 }");
    Path extra = write("extra.conf", "clientele.sample.seed = 2\nclientele.sample.customers = 6");
    ClienteleConfig config =
        ClienteleConfig.load(app, List.of(extra), List.of("sample.customers=7"));
    Settings s = config.at("clientele");
    assertThat(s.string("warehouse")).isEqualTo("/app");
    assertThat(s.at("sample").intBetween("seed", 0, 100)).isEqualTo(2);
    assertThat(s.at("sample").intBetween("customers", 0, 100)).isEqualTo(7);
  }

  @Test
  void misspeltKeyNamesTheKeyTheFileAndASuggestion() throws IOException {
    Path app = write("application.conf", "clientele {\n  sample {\n    custmers = 5\n  }\n}\n");
    assertThatThrownBy(() -> ClienteleConfig.load(app, List.of(), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("'clientele.sample.custmers'")
        .hasMessageContaining("application.conf: 3")
        .hasMessageContaining("unknown key")
        .hasMessageContaining("Did you mean 'clientele.sample.customers'?");
  }

  @Test
  void removedChurnKeysNameTheirOneReplacement() {
    assertThatThrownBy(
            () -> ClienteleConfig.load(null, List.of(), List.of("features.churn-horizon-days=365")))
        .isInstanceOf(ConfigError.class)
        .hasMessage(
            "Config key 'clientele.features.churn-horizon-days' (--set features.churn-horizon-days: 1): "
                + "was removed: the one definition every table uses is "
                + "'clientele.satisfaction.churn.horizon-days'; set that key instead.");
    assertThatThrownBy(
            () ->
                ClienteleConfig.load(
                    null, List.of(), List.of("segment.lifecycle.overdue-factor=2.0")))
        .hasMessageContaining("'clientele.satisfaction.churn.overdue-factor'");
    assertThatThrownBy(
            () ->
                ClienteleConfig.load(
                    null, List.of(), List.of("segment.lifecycle.spend-drop-share=0.5")))
        .hasMessageContaining("'clientele.satisfaction.churn.spend-drop-bar'");
  }

  @Test
  void wrongTypeNamesKeyAndFile() throws IOException {
    Path app = write("application.conf", "clientele.sample.customers = lots\n");
    ClienteleConfig config = ClienteleConfig.load(app, List.of(), List.of());
    assertThatThrownBy(() -> config.at("clientele.sample").intBetween("customers", 1, 10))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("clientele.sample.customers")
        .hasMessageContaining("application.conf: 1");
  }

  @Test
  void outOfRangeValueNamesKeyFileAndAllowedRange() throws IOException {
    Path app = write("application.conf", "clientele.sample.dirty-share = 1.5\n");
    ClienteleConfig config = ClienteleConfig.load(app, List.of(), List.of());
    assertThatThrownBy(() -> config.at("clientele.sample").doubleBetween("dirty-share", 0, 1))
        .isInstanceOf(ConfigError.class)
        .hasMessage(
            "Config key 'clientele.sample.dirty-share' ("
                + app
                + ": 1): must be a number from 0.0 to 1.0, got 1.5.");
  }

  @Test
  void setWithoutEqualsIsAUsageError() {
    assertThatThrownBy(() -> ClienteleConfig.load(null, List.of(), List.of("warehouse")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("--set expects key=value");
  }

  @Test
  void unknownKeyFromSetNamesTheOverride() {
    assertThatThrownBy(() -> ClienteleConfig.load(null, List.of(), List.of("warehuose=/x")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("'clientele.warehuose'")
        .hasMessageContaining("--set warehuose")
        .hasMessageContaining("Did you mean 'clientele.warehouse'?");
  }

  @Test
  void missingConfFileIsAUsageError() {
    assertThatThrownBy(
            () -> ClienteleConfig.load(null, List.of(dir.resolve("nope.conf")), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("nope.conf (from --conf) does not exist");
  }

  @Test
  void openMapsAcceptAnyKey() {
    ClienteleConfig config =
        ClienteleConfig.load(null, List.of(), List.of("spark.conf.\"spark.executor.memory\"=8g"));
    assertThat(config.at("clientele.spark").stringMap("conf"))
        .containsEntry("spark.executor.memory", "8g");
  }

  @Test
  void maskedRenderingHidesSecrets() {
    assertThat(ClienteleConfig.isSecret("clientele.export.password")).isTrue();
    assertThat(ClienteleConfig.isSecret("clientele.ingest.pii.key")).isTrue();
    assertThat(ClienteleConfig.isSecret("clientele.warehouse")).isFalse();
  }
}
