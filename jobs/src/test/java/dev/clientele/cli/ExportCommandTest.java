package dev.clientele.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import dev.clientele.export.AudienceCsvExport;
import dev.clientele.export.PostgresExport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code clientele export}'s options, checked before Spark starts. */
class ExportCommandTest {
  private static final String URL = "export.jdbc-url=\"jdbc:postgresql://bi-db:5432/analytics\"";

  @Test
  void exportCommandRejectsAnUnknownTableBeforeSpark() {
    ExportCommand command = new ExportCommand();
    command.tables = List.of("customer_tiers", "quarantine");
    command.env = Map.of("CLIENTELE_PG_USER", "u", "CLIENTELE_PG_PASSWORD", "p")::get;
    ClienteleConfig config = ClienteleConfig.load(null, List.of(), List.of(URL));
    assertThatThrownBy(() -> command.bind(config))
        .isInstanceOf(ConfigError.class)
        .hasMessage(
            "--table names unknown gold table 'quarantine'; allowed: "
                + "[customer_tiers, segment_summary, kpi_monthly, tier_history, tier_transitions, prediction_scorecard, prediction_calibration, audience_members, audience_results].");
    command.tables = List.of("TIER_HISTORY");
    assertThat(command.bind(config)).isInstanceOf(PostgresExport.class);
  }

  /** The command as picocli fills it from {@code args}, bound to the config of {@code sets}. */
  static Object bindAudience(List<String> args, String... sets) {
    ExportCommand command = new ExportCommand();
    command.env = Map.of("CLIENTELE_PG_USER", "u", "CLIENTELE_PG_PASSWORD", "p")::get;
    new picocli.CommandLine(command).parseArgs(args.toArray(String[]::new));
    return command.bind(ClienteleConfig.load(null, List.of(), List.of(sets)));
  }

  @Test
  void audienceExportIsCheckedBeforeSparkAndCsvNeedsNoDatabase() {
    Object csv =
        bindAudience(List.of("--audience", "vip-care", "--as-of", "2026-10-01", "--csv", "x.csv"));
    assertThat(csv).isInstanceOf(AudienceCsvExport.class);
    assertThat(bindAudience(List.of("--audience", "win-back"), URL))
        .isInstanceOf(PostgresExport.class);
    assertThatThrownBy(() -> bindAudience(List.of("--audience", "win-back")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Config key 'clientele.export.jdbc-url'");
    assertThatThrownBy(() -> bindAudience(List.of("--audience", "winback", "--csv", "x.csv")))
        .isInstanceOf(ConfigError.class)
        .hasMessage(
            "Config key 'clientele.audiences.definitions': --audience names unknown audience"
                + " 'winback'; defined: [win-back, vip-care, second-purchase-nudge].");
    assertThatThrownBy(
            () -> bindAudience(List.of("--audience", "win-back", "--table", "customer_tiers"), URL))
        .hasMessage("--audience exports one audience list: it cannot be combined with --table.");
    assertThatThrownBy(() -> bindAudience(List.of("--csv", "x.csv"), URL))
        .hasMessage("--csv writes an audience list: use it with --audience.");
  }
}
