package dev.clientele.cli;

import dev.clientele.audience.AudienceRules;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.table.Table;
import dev.clientele.export.AudienceCsvExport;
import dev.clientele.export.AudienceExport;
import dev.clientele.export.ExportSettings;
import dev.clientele.export.PostgresCredentials;
import dev.clientele.export.PostgresExport;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code clientele export}: copies the published gold tables into PostgreSQL (see {@link
 * PostgresExport}). Config and credentials are checked before Spark starts: a missing URL, an
 * unknown table or an unset credential variable exits 2 naming the key.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Copy the gold tables into a PostgreSQL schema for BI tools (clientele.export.* settings).",
      "The user and password come from the environment variables named by export.user-env and",
      "export.password-env (default CLIENTELE_PG_USER, CLIENTELE_PG_PASSWORD) or export.password-file.",
      "Tables are swapped in with one transaction: readers see the old tables or the new ones.",
      "With --audience NAME: only that audience's selected customers (customer_id and the",
      "customer_tiers columns its rule names; never holdout or suppressed customers) as of --as-of",
      "(default: the current publish's date), into table audience_<name> or, with --csv FILE, a CSV file."
    })
public final class ExportCommand extends JobCommand {
  @Option(
      names = "--table",
      paramLabel = "TABLE",
      description =
          "Export only this gold table (repeatable); it must have been published. "
              + "Default: every table in export.tables that has been published.")
  List<String> tables = new ArrayList<>();

  @Option(
      names = "--audience",
      paramLabel = "NAME",
      description =
          "Export this audience's selected list (clientele.audiences.definitions) instead of the"
              + " gold tables.")
  String audience;

  @Option(
      names = "--csv",
      paramLabel = "FILE",
      description =
          "With --audience: write the list to this CSV file (header line) instead of PostgreSQL.")
  String csv;

  Function<String, String> env = System::getenv;

  @Override
  protected String jobName() {
    return "export";
  }

  // Export reads published gold; it writes elsewhere (CSV, PostgreSQL), so it takes no lease.
  @Override
  protected boolean writesWarehouse() {
    return false;
  }

  @Override
  protected ClienteleJob bind(ClienteleConfig config) {
    if (audience != null) return bindAudience(config);
    if (csv != null)
      throw new ConfigError("--csv writes an audience list: use it with --audience.");
    ExportSettings settings = ExportSettings.from(config.at("clientele.export"));
    List<Table> requested = new ArrayList<>();
    for (String name : tables) {
      Table table = ExportSettings.goldTable(name);
      if (table == null) {
        throw new ConfigError(
            "--table names unknown gold table '"
                + name
                + "'; allowed: "
                + ExportSettings.goldTableNames()
                + ".");
      }
      if (!requested.contains(table)) requested.add(table);
    }
    return new PostgresExport(settings, PostgresCredentials.resolve(settings, env), requested);
  }

  private ClienteleJob bindAudience(ClienteleConfig config) {
    if (!tables.isEmpty()) {
      throw new ConfigError(
          "--audience exports one audience list: it cannot be combined with --table.");
    }
    AudienceRules rules = AudienceRules.from(config);
    AudienceRules.Definition definition = rules.definition(audience);
    if (definition == null) {
      throw new ConfigError(
          AudienceRules.KEY + ".definitions",
          null,
          "--audience names unknown audience '" + audience + "'; defined: " + rules.names() + ".");
    }
    AudienceExport export = new AudienceExport(definition, options.explicitAsOf());
    if (csv != null) return new AudienceCsvExport(export, csv);
    ExportSettings settings = ExportSettings.from(config.at("clientele.export"));
    return PostgresExport.audience(settings, PostgresCredentials.resolve(settings, env), export);
  }
}
