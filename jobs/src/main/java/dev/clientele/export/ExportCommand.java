package dev.clientele.export;

import dev.clientele.cli.JobCommand;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.table.Table;
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
      "Tables are swapped in with one transaction: readers see the old tables or the new ones."
    })
public final class ExportCommand extends JobCommand {
  @Option(
      names = "--table",
      paramLabel = "TABLE",
      description =
          "Export only this gold table (repeatable); it must have been published. "
              + "Default: every table in export.tables that has been published.")
  List<String> tables = new ArrayList<>();

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
}
