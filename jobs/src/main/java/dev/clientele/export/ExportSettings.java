package dev.clientele.export;

import dev.clientele.common.config.Settings;
import dev.clientele.common.table.Table;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code clientele.export} config section, validated: where the gold tables go (a PostgreSQL
 * database and schema), which tables, how credentials are found and how the load is batched. Holds
 * the <em>names</em> of the credential sources only; {@link PostgresCredentials} reads them.
 *
 * @param jdbcUrl a {@code jdbc:postgresql:} URL without a password in it
 * @param schema the target schema, a plain lower-case identifier
 * @param userEnv environment variable holding the user
 * @param passwordEnv environment variable holding the password (when no file is set)
 * @param passwordFile file whose first line is the password, or null
 * @param tables the gold tables to export, in config order, no duplicates
 * @param batchSize rows per JDBC insert batch
 * @param connections parallel JDBC connections loading one table
 */
public record ExportSettings(
    String jdbcUrl,
    String schema,
    String userEnv,
    String passwordEnv,
    Path passwordFile,
    List<Table> tables,
    int batchSize,
    int connections) {

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,39}");
  private static final Pattern PASSWORD_IN_URL =
      Pattern.compile("[?&;]password=|//[^/@]*:[^/@]*@", Pattern.CASE_INSENSITIVE);

  public ExportSettings {
    tables = List.copyOf(tables);
  }

  /** Binds {@code clientele.export}; every failure names the key, its file and what is allowed. */
  public static ExportSettings from(Settings export) {
    String url = export.optionalString("jdbc-url");
    if (url == null) {
      throw export.error(
          "jdbc-url",
          "is required by export: set it in conf/application.conf or with "
              + "--set export.jdbc-url=jdbc:postgresql://HOST:5432/DATABASE.");
    }
    if (!url.startsWith("jdbc:postgresql:")) {
      throw export.error(
          "jdbc-url",
          "must be a PostgreSQL JDBC URL starting with 'jdbc:postgresql:', got '"
              + masked(url)
              + "'.");
    }
    if (PASSWORD_IN_URL.matcher(url).find()) {
      // Saying so without echoing the URL: it holds the secret.
      throw export.error(
          "jdbc-url",
          "must not carry a password; use export.password-env or export.password-file.");
    }
    String schema = export.string("schema");
    if (!IDENTIFIER.matcher(schema).matches()) {
      throw export.error(
          "schema",
          "must be a lower-case identifier (letters, digits, underscores; at most 40), got '"
              + schema
              + "'.");
    }
    String passwordFile = export.optionalString("password-file");
    return new ExportSettings(
        url,
        schema,
        envName(export, "user-env"),
        envName(export, "password-env"),
        passwordFile == null ? null : Path.of(passwordFile),
        goldTables(export, "tables", export.strings("tables")),
        export.intBetween("batch-size", 1, 1_000_000),
        export.intBetween("connections", 1, 64));
  }

  /**
   * Gold tables by name, as listed; an unknown or non-gold name is an error naming the allowed
   * ones.
   */
  private static List<Table> goldTables(Settings export, String key, List<String> names) {
    Set<Table> tables = new LinkedHashSet<>();
    for (String name : names) {
      Table table = goldTable(name);
      if (table == null) {
        throw export.error(
            key, "names unknown gold table '" + name + "'; allowed: " + goldTableNames() + ".");
      }
      tables.add(table);
    }
    if (tables.isEmpty())
      throw export.error(key, "must name at least one of " + goldTableNames() + ".");
    return new ArrayList<>(tables);
  }

  /** The gold table of that name (case-insensitive), or null. */
  public static Table goldTable(String name) {
    for (Table t : Table.values()) {
      if (t.layer == Table.Layer.GOLD && t.tableName.equals(name.toLowerCase(Locale.ROOT)))
        return t;
    }
    return null;
  }

  public static List<String> goldTableNames() {
    return Arrays.stream(Table.values())
        .filter(t -> t.layer == Table.Layer.GOLD)
        .map(t -> t.tableName)
        .toList();
  }

  /** A JDBC URL fit for a message: {@code user:secret@} and {@code password=...} masked. */
  static String masked(String url) {
    return url.replaceAll("//[^/@]*@", "//***@")
        .replaceAll("(?i)([?&;](password|user)=)[^&;]*", "$1***");
  }

  private static String envName(Settings export, String key) {
    String name = export.optionalEnvName(key);
    if (name == null) throw export.error(key, "is required: name the environment variable.");
    return name;
  }
}
