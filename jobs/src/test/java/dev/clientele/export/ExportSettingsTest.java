package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import dev.clientele.common.table.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export config, credentials and type mapping, checked without Spark or a database. */
class ExportSettingsTest {
  private static final String URL = "export.jdbc-url=\"jdbc:postgresql://bi-db:5432/analytics\"";

  @TempDir Path dir;

  private static ExportSettings bind(String... overrides) {
    return ExportSettings.from(
        ClienteleConfig.load(null, List.of(), List.of(overrides)).at("clientele.export"));
  }

  private static String bindError(String... overrides) {
    try {
      bind(overrides);
    } catch (ConfigError e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a ConfigError");
  }

  @Test
  void defaultsBindOnceAUrlIsSet() {
    assertThat(bind(URL))
        .isEqualTo(
            new ExportSettings(
                "jdbc:postgresql://bi-db:5432/analytics",
                "clientele",
                "CLIENTELE_PG_USER",
                "CLIENTELE_PG_PASSWORD",
                null,
                List.of(
                    Table.CUSTOMER_TIERS,
                    Table.SEGMENT_SUMMARY,
                    Table.KPI_MONTHLY,
                    Table.TIER_HISTORY,
                    Table.TIER_TRANSITIONS),
                10_000,
                4));
    ExportSettings custom =
        bind(
            URL,
            "export.schema=bi",
            "export.tables=[TIER_HISTORY, customer_tiers, tier_history]",
            "export.batch-size=500",
            "export.password-file=/run/secrets/pg");
    assertThat(custom.schema()).isEqualTo("bi");
    assertThat(custom.tables()).containsExactly(Table.TIER_HISTORY, Table.CUSTOMER_TIERS);
    assertThat(custom.batchSize()).isEqualTo(500);
    assertThat(custom.passwordFile()).isEqualTo(Path.of("/run/secrets/pg"));
  }

  @Test
  void badSettingsNameTheKeyAndWhatIsAllowed() {
    assertThat(bindError())
        .isEqualTo(
            "Config key 'clientele.export.jdbc-url' (reference.conf @ "
                + reference("jdbc-url")
                + "): is required by export: set it in conf/application.conf or with "
                + "--set export.jdbc-url=jdbc:postgresql://HOST:5432/DATABASE.");
    assertThat(bindError("export.jdbc-url=\"jdbc:mysql://db/x\""))
        .isEqualTo(
            "Config key 'clientele.export.jdbc-url' (--set export.jdbc-url: 1): must be a PostgreSQL JDBC URL "
                + "starting with 'jdbc:postgresql:', got 'jdbc:mysql://db/x'.");
    assertThat(bindError("export.jdbc-url=\"jdbc:postgresql://db/x?user=bi&password=hunter2\""))
        .isEqualTo(
            "Config key 'clientele.export.jdbc-url' (--set export.jdbc-url: 1): must not carry a password; "
                + "use export.password-env or export.password-file.")
        .doesNotContain("hunter2");
    assertThat(bindError(URL, "export.schema=Bad-Name"))
        .endsWith(
            "must be a lower-case identifier (letters, digits, underscores; at most 40), got 'Bad-Name'.");
    assertThat(bindError(URL, "export.tables=[customer_tiers, transactions]"))
        .endsWith(
            "names unknown gold table 'transactions'; allowed: "
                + "[customer_tiers, segment_summary, kpi_monthly, tier_history, tier_transitions, prediction_scorecard, prediction_calibration, audience_members, audience_results].");
    assertThat(bindError(URL, "export.tables=[]"))
        .endsWith(
            "must name at least one of [customer_tiers, segment_summary, kpi_monthly, tier_history, tier_transitions, prediction_scorecard, prediction_calibration, audience_members, audience_results].");
    assertThat(bindError(URL, "export.batch-size=0"))
        .endsWith("must be a whole number from 1 to 1000000, got 0.");
    assertThat(bindError(URL, "export.password-env=\"sk_live PASTED-SECRET\""))
        .endsWith(
            "password-env: 1): is not a variable name (its value is not shown, in case it is a"
                + " secret pasted by mistake): set it to the name of an environment variable"
                + " (letters, digits, underscores), and the secret in that variable.")
        .doesNotContain("PASTED-SECRET");
    assertThat(bindError("export.jdbc-url=\"jdbc:mysql://bi:hunter2@db/x?user=bi\""))
        .endsWith("got 'jdbc:mysql://***@db/x?user=***'.")
        .doesNotContain("hunter2");
  }

  /** The line of a key in reference.conf, so the expected origin does not break when lines move. */
  private static String reference(String key) {
    return ClienteleConfig.load(null, List.of(), List.of())
        .at("clientele.export")
        .origin(key)
        .replaceAll(".*@ ", "");
  }

  @Test
  void credentialsComeFromTheEnvironmentOrAFileAndNeverPrint() throws IOException {
    ExportSettings settings = bind(URL);
    Map<String, String> env =
        Map.of("CLIENTELE_PG_USER", "bi_loader", "CLIENTELE_PG_PASSWORD", "from-env");
    PostgresCredentials fromEnv = PostgresCredentials.resolve(settings, env::get);
    assertThat(fromEnv).isEqualTo(new PostgresCredentials("bi_loader", "from-env"));
    assertThat(fromEnv.toString()).isEqualTo("PostgresCredentials[user=bi_loader, password=****]");

    Path secret = Files.writeString(dir.resolve("pg-password"), "from-file\nignored second line\n");
    ExportSettings withFile = bind(URL, "export.password-file=\"" + secret + "\"");
    assertThat(PostgresCredentials.resolve(withFile, env::get).password()).isEqualTo("from-file");

    assertThatThrownBy(
            () -> PostgresCredentials.resolve(settings, Map.of("CLIENTELE_PG_USER", "bi")::get))
        .isInstanceOf(ConfigError.class)
        .hasMessage(
            "Config key 'clientele.export.password-env': names environment variable CLIENTELE_PG_PASSWORD, "
                + "which is not set (or set export.password-file).");
    assertThatThrownBy(() -> PostgresCredentials.resolve(settings, Map.<String, String>of()::get))
        .hasMessage(
            "Config key 'clientele.export.user-env': names environment variable CLIENTELE_PG_USER, which is not set.");
    ExportSettings missingFile = bind(URL, "export.password-file=\"" + dir.resolve("nope") + "\"");
    assertThatThrownBy(() -> PostgresCredentials.resolve(missingFile, env::get))
        .hasMessageStartingWith(
            "Config key 'clientele.export.password-file': names "
                + dir.resolve("nope")
                + ", which cannot be read");
  }

  @Test
  void sparkTypesMapToExactPostgresTypes() {
    assertThat(PostgresTypes.postgresType(DataTypes.StringType)).isEqualTo("text");
    assertThat(PostgresTypes.postgresType(DataTypes.createDecimalType(18, 2)))
        .isEqualTo("numeric(18,2)");
    assertThat(PostgresTypes.postgresType(DataTypes.DateType)).isEqualTo("date");
    assertThat(PostgresTypes.postgresType(DataTypes.TimestampType)).isEqualTo("timestamptz");
    assertThat(PostgresTypes.postgresType(DataTypes.TimestampNTZType)).isEqualTo("timestamp");
    assertThat(PostgresTypes.postgresType(DataTypes.ShortType)).isEqualTo("smallint");
    assertThat(PostgresTypes.postgresType(DataTypes.createArrayType(DataTypes.StringType)))
        .isEqualTo("text[]");
    assertThat(
            PostgresTypes.postgresType(
                DataTypes.createArrayType(DataTypes.createDecimalType(18, 2))))
        .isEqualTo("numeric(18,2)[]");
    assertThat(
            PostgresTypes.postgresType(
                DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType)))
        .isEqualTo("jsonb");
    assertThat(
            PostgresTypes.postgresType(
                DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.IntegerType))))
        .isEqualTo("jsonb");
    StructType schema =
        new StructType()
            .add("as_of", DataTypes.DateType)
            .add("customer_id", DataTypes.StringType, false)
            .add(
                new StructField(
                    "monetary", DataTypes.createDecimalType(18, 2), true, Metadata.empty()))
            .add("p_alive", DataTypes.DoubleType)
            .add("churn_flag", DataTypes.BooleanType)
            .add("frequency", DataTypes.LongType)
            .add("r_score", DataTypes.IntegerType)
            .add("reasons", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
            .add("odd \"name\"", DataTypes.StringType);
    assertThat(PostgresTypes.columnDefinitions(schema))
        .isEqualTo(
            "\"as_of\" date, \"customer_id\" text, \"monetary\" numeric(18,2), \"p_alive\" double precision, "
                + "\"churn_flag\" boolean, \"frequency\" bigint, \"r_score\" integer, \"reasons\" jsonb, "
                + "\"odd \"\"name\"\"\" text");
  }
}
