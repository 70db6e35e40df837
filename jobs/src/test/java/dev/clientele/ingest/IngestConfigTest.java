package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Config binding, without Spark. */
class IngestConfigTest {
  private static IngestConfig bind(String... overrides) {
    List<String> all = new ArrayList<>(List.of("clientele.ingest.pii.dev-key-allowed=true"));
    all.addAll(List.of(overrides));
    return IngestConfig.from(
        ClienteleConfig.load((Path) null, List.of(), all).at("clientele.ingest"), k -> null);
  }

  @Test
  void defaultsReadTheGeneratorLayoutWithTransactionsRequired() {
    IngestConfig c = bind();
    assertThat(c.sources().keySet())
        .containsExactly(
            SourceKind.CUSTOMERS,
            SourceKind.TRANSACTIONS,
            SourceKind.SURVEYS,
            SourceKind.COMPLAINTS,
            SourceKind.REDEMPTIONS,
            SourceKind.CONTACTS);
    SourceConfig contacts = c.sources().get(SourceKind.CONTACTS);
    assertThat(contacts.path()).isEqualTo("./data/raw/contacts");
    assertThat(contacts.required()).isFalse();
    assertThat(contacts.key()).containsExactly("contact_id");
    assertThat(contacts.updatedAt()).isNull();
    SourceConfig redemptions = c.sources().get(SourceKind.REDEMPTIONS);
    assertThat(redemptions.path()).isEqualTo("./data/raw/redemptions");
    assertThat(redemptions.required()).isFalse();
    assertThat(redemptions.key()).containsExactly("redemption_id");
    assertThat(redemptions.updatedAt()).isNull();
    SourceConfig t = c.sources().get(SourceKind.TRANSACTIONS);
    assertThat(t.path()).isEqualTo("./data/raw/transactions");
    assertThat(t.required()).isTrue();
    assertThat(t.quote()).isEqualTo("\"");
    assertThat(c.sources().get(SourceKind.CUSTOMERS).required()).isFalse();
    assertThat(c.rules())
        .isEqualTo(
            new IngestRules(
                true, true, 0.05, 0, true, 10_000, List.of(), LocalDate.of(2000, 1, 1)));
    assertThat(c.partitionByMonth()).isTrue();
    assertThat(bind("clientele.ingest.partition-by=day").partitionByMonth()).isFalse();
  }

  @Test
  void aSourcesOwnRejectCeilingReplacesTheRulesOne() {
    IngestConfig c = bind("clientele.ingest.sources.surveys.max-reject-rate=0.4");
    assertThat(c.sources().get(SourceKind.SURVEYS).rejectCeiling(c.rules())).isEqualTo(0.4);
    assertThat(c.sources().get(SourceKind.TRANSACTIONS).rejectCeiling(c.rules())).isEqualTo(0.05);
    assertThatThrownBy(() -> bind("clientele.ingest.sources.surveys.max-reject-rate=2"))
        .isInstanceOf(ConfigError.class)
        .hasMessage(
            "Config key 'clientele.ingest.sources.surveys.max-reject-rate' (--set"
                + " clientele.ingest.sources.surveys.max-reject-rate: 1): must be a number from 0.0"
                + " to 1.0, got 2.0.");
  }

  @Test
  void aLayoutIsCheckedWithItsWidthsAndColumns() {
    String t = "clientele.ingest.sources.transactions.";
    SourceConfig fixed =
        bind(t + "layout=fixed-width", t + "widths=[5, 8]", t + "columns=[customer, day]")
            .sources()
            .get(SourceKind.TRANSACTIONS);
    assertThat(fixed.layout()).isEqualTo(SourceConfig.Layout.FIXED_WIDTH);
    assertThat(fixed.widths()).containsExactly(5, 8);
    assertThat(bind().sources().get(SourceKind.TRANSACTIONS).layout())
        .isEqualTo(SourceConfig.Layout.DELIMITED);
    assertThatThrownBy(() -> bind(t + "layout=fixed-width", t + "columns=[customer, day]"))
        .hasMessageEndingWith(
            "must give one positive width (in characters) per entry of columns for layout"
                + " fixed-width, got [] for columns [customer, day].");
    assertThatThrownBy(() -> bind(t + "widths=[5, 8]"))
        .hasMessageStartingWith("Config key 'clientele.ingest.sources.transactions.widths'")
        .hasMessageEndingWith("applies to layout fixed-width only; set it to null.");
    assertThatThrownBy(() -> bind(t + "layout=columns"))
        .hasMessageEndingWith(
            "must be one of [delimited, fixed-width, whitespace], got 'columns'.");
    assertThatThrownBy(() -> bind(t + "format=json", t + "columns=[a]", t + "layout=whitespace"))
        .hasMessageEndingWith("applies to format csv only; set it to \"delimited\" or drop it.");
  }

  @Test
  void aSourceSetToNullIsOff() {
    assertThat(bind("clientele.ingest.sources.surveys=null").sources())
        .doesNotContainKey(SourceKind.SURVEYS);
  }

  @Test
  void errorsNameTheKey() {
    assertThatThrownBy(() -> bind("clientele.ingest.sources.transactions.delimeter=\";\""))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Config key 'clientele.ingest.sources.transactions.delimeter'")
        .hasMessageContaining("unknown source setting");
    assertThatThrownBy(() -> bind("clientele.ingest.sources.orders.path=x"))
        .hasMessageStartingWith("Config key 'clientele.ingest.sources.orders'")
        .hasMessageEndingWith(
            "unknown source; the sources are customers, transactions, surveys, complaints, redemptions, contacts.");
    assertThatThrownBy(
            () -> bind("clientele.ingest.sources.transactions.mapping.amount=\"Quantity *\""))
        .hasMessageStartingWith("Config key 'clientele.ingest.sources.transactions.mapping.amount'")
        .hasMessageContaining("is not a valid SQL expression");
    assertThatThrownBy(
            () -> bind("clientele.ingest.sources.transactions.mapping.price=\"UnitPrice\""))
        .hasMessageContaining("is not a canonical column of transactions");
    assertThatThrownBy(() -> bind("clientele.ingest.sources.transactions.encoding=\"UTF-16\""))
        .hasMessageContaining("must be one of [ISO-8859-1, US-ASCII, UTF-8], got 'UTF-16'");
    assertThatThrownBy(() -> bind("clientele.ingest.rules.unknown-customer=drop"))
        .hasMessageContaining("must be one of [accept, quarantine], got 'drop'");
  }

  /**
   * A bad value of each value-rule setting is a config error naming the key and what is allowed.
   */
  @Test
  void valueRuleSettingsNameTheKey() {
    assertThatThrownBy(() -> bind("clientele.ingest.rules.max-quantity=-1"))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Config key 'clientele.ingest.rules.max-quantity'")
        .hasMessageEndingWith(": must be at least 1, got -1.");
    assertThatThrownBy(() -> bind("clientele.ingest.rules.max-quantity=0"))
        .hasMessageEndingWith(": must be at least 1, got 0.");
    assertThatThrownBy(() -> bind("clientele.ingest.rules.earliest-date=soon"))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Config key 'clientele.ingest.rules.earliest-date'")
        .hasMessageEndingWith(": must be a date like 2026-11-21, got 'soon'.");
    assertThatThrownBy(() -> bind("clientele.ingest.rules.earliest-date=null"))
        .hasMessageStartingWith("Config key 'clientele.ingest.rules.earliest-date'")
        .hasMessageEndingWith(": must be a date like 2000-01-01, got null.");
    assertThatThrownBy(() -> bind("clientele.ingest.rules.channels=web"))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Config key 'clientele.ingest.rules.channels'")
        .hasMessageEndingWith("expecting: list but got: string");
    assertThatThrownBy(() -> bind("clientele.ingest.rules.channels=[web, \" \"]"))
        .hasMessageStartingWith("Config key 'clientele.ingest.rules.channels'")
        .hasMessageEndingWith(": must be a list of non-empty channel names ([] = any channel).");
    IngestRules rules =
        bind(
                "clientele.ingest.rules.channels=[web, store]",
                "clientele.ingest.rules.max-quantity=5",
                "clientele.ingest.rules.earliest-date=\"2010-06-01\"")
            .rules();
    assertThat(rules.channels()).containsExactly("web", "store");
    assertThat(rules.maxQuantity()).isEqualTo(5);
    assertThat(rules.earliestDate()).isEqualTo(LocalDate.of(2010, 6, 1));
  }

  @Test
  void inputOptionOverridesASourcePath() {
    assertThat(dev.clientele.cli.IngestCommandAccess.pathOverride("transactions=/data/pos dir"))
        .isEqualTo("clientele.ingest.sources.transactions.path=\"/data/pos dir\"");
    assertThat(
            bind(dev.clientele.cli.IngestCommandAccess.pathOverride("transactions=/data/pos dir"))
                .sources()
                .get(SourceKind.TRANSACTIONS)
                .path())
        .isEqualTo("/data/pos dir");
    assertThatThrownBy(() -> dev.clientele.cli.IngestCommandAccess.pathOverride("orders=/x"))
        .isInstanceOf(ConfigError.class)
        .hasMessage(
            "--input expects SOURCE=PATH with SOURCE one of customers, transactions, surveys, complaints, redemptions, contacts, got 'orders=/x'.");
  }

  @Test
  void aReportingCurrencyIsAnIsoCodeAndRatesNeedOne() {
    assertThat(bind().currencies()).isEqualTo(new Currencies(null, null, 7));
    assertThat(bind("clientele.ingest.reporting-currency=EUR").currencies().converts()).isTrue();
    assertThatThrownBy(() -> bind("clientele.ingest.reporting-currency=euro"))
        .isInstanceOf(ConfigError.class)
        .hasMessageEndingWith("must be a three-letter ISO code such as \"EUR\", or null.");
    assertThatThrownBy(() -> bind("clientele.ingest.rates.path=/data/rates.csv"))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Config key 'clientele.ingest.rates.path'")
        .hasMessageEndingWith(
            "is set but clientele.ingest.reporting-currency is null: set the currency the rates"
                + " convert into, or remove the rates file.");
  }

  @Test
  void aFilterThatIsNoSqlExpressionIsRefusedBeforeSparkStarts() {
    assertThat(bind().sources().get(SourceKind.COMPLAINTS).filter()).isNull();
    assertThatThrownBy(() -> bind("clientele.ingest.sources.complaints.filter=\"type = = 'x'\""))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith(
            "Config key 'clientele.ingest.sources.complaints.filter' (--set"
                + " clientele.ingest.sources.complaints.filter: 1): is not a valid SQL expression:");
  }
}
