package dev.clientele.audience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.cli.Clientele;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Binding and validation of clientele.audiences, without Spark. */
class AudienceRulesTest {
  static AudienceRules rules(String... overrides) {
    return AudienceRules.from(ClienteleConfig.load(null, List.of(), List.of(overrides)));
  }

  /** An override replacing the definitions with one audience of this rule. */
  static String oneAudience(String name, String rule) {
    return "audiences.definitions=[{ name = \""
        + name
        + "\", rule = \""
        + rule
        + "\", priority = 1 }]";
  }

  @Test
  void shippedDefaultsBindWithTheColumnsEachRuleNames() {
    AudienceRules r = rules();
    assertThat(r.holdoutShare()).isEqualTo(0.10);
    assertThat(r.holdoutSalt()).isEqualTo("clientele-holdout-v1");
    assertThat(r.maxAudiencesPerCustomer()).isEqualTo(1);
    assertThat(r.maxContacts()).isEqualTo(3);
    assertThat(r.windowDays()).isEqualTo(30);
    assertThat(r.measureDays()).isEqualTo(30);
    assertThat(r.definitions())
        .containsExactly(
            new AudienceRules.Definition(
                "win-back",
                "value_tier = 'high' AND churn_flag",
                List.of("churn_flag", "value_tier"),
                1,
                "email",
                false,
                List.of("prospect")),
            new AudienceRules.Definition(
                "vip-care",
                "membership_tier IN ('gold', 'diamond')",
                List.of("membership_tier"),
                2,
                "phone",
                true,
                List.of("prospect", "churned")),
            new AudienceRules.Definition(
                "second-purchase-nudge",
                "order_count = 1 AND recency_days BETWEEN 30 AND 90",
                List.of("order_count", "recency_days"),
                3,
                "email",
                true,
                List.of("prospect", "churned")));
  }

  @Test
  void unknownColumnNamesTheAudienceTheColumnAndTheKey() {
    assertThatThrownBy(() -> rules(oneAudience("lapsed", "valu_tier = 'high' AND churn_flag")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith(
            "Config key 'clientele.audiences.definitions[0].rule' (--set audiences.definitions: 1):"
                + " audience 'lapsed': the rule names unknown column 'valu_tier'; a rule may name"
                + " the columns of customer_tiers (docs/tables.md): [abc_grade, ")
        .satisfies(
            e ->
                assertThat(((ConfigError) e).key())
                    .isEqualTo("clientele.audiences.definitions[0].rule"));
  }

  @Test
  void columnsInsideFunctionsAndCaseAreCheckedButLambdaVariablesAreNot() {
    assertThat(
            rules(
                    oneAudience(
                        "x", "exists(array(recency_days), d -> d > 30) AND upper(REGION) = 'N'"))
                .definitions()
                .get(0)
                .columns())
        .containsExactly("recency_days", "region");
    assertThatThrownBy(() -> rules(oneAudience("x", "coalesce(churn_risk, risk_score) > 0.5")))
        .hasMessageContaining("audience 'x': the rule names unknown column 'risk_score'");
  }

  @Test
  void syntaxErrorNamesTheAudienceAndKey() {
    assertThatThrownBy(() -> rules(oneAudience("broken", "value_tier = = 'high'")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith(
            "Config key 'clientele.audiences.definitions[0].rule' (--set audiences.definitions: 1):"
                + " audience 'broken': the rule is not a valid Spark SQL expression: ");
  }

  @Test
  void subqueriesDuplicateNamesBadNamesAndUnknownKeysAreRejected() {
    assertThatThrownBy(() -> rules(oneAudience("x", "customer_id IN (SELECT customer_id FROM t)")))
        .hasMessageEndingWith(
            "audience 'x': a rule is an expression over one row, not a subquery.");
    assertThatThrownBy(
            () ->
                rules(
                    "audiences.definitions=[{name=a, rule=churn_flag, priority=1},"
                        + " {name=a, rule=churn_flag, priority=2}]"))
        .hasMessageEndingWith(": audience name 'a' is used twice.");
    assertThatThrownBy(() -> rules(oneAudience("Win Back", "churn_flag")))
        .hasMessageContaining("definitions[0].name")
        .hasMessageEndingWith("got 'Win Back'.");
    assertThatThrownBy(
            () ->
                rules("audiences.definitions=[{name=a, rule=churn_flag, priority=1, chanel=sms}]"))
        .hasMessageStartingWith("Config key 'clientele.audiences.definitions[0].chanel'")
        .hasMessageContaining("unknown key of an audience");
    assertThatThrownBy(() -> rules("audiences.definitions=[{name=a, rule=churn_flag}]"))
        .hasMessageStartingWith("Config key 'clientele.audiences.definitions[0].priority'")
        .hasMessageEndingWith("audience 'a': is required but not set.");
    assertThatThrownBy(() -> rules("audiences.holdout-share=0.6"))
        .hasMessageStartingWith("Config key 'clientele.audiences.holdout-share'")
        .hasMessageEndingWith("must be a number from 0.0 to 0.5, got 0.6.");
  }

  @Test
  void noAudiencesIsAllowed() {
    assertThat(rules("audiences.definitions=[]").definitions()).isEmpty();
  }

  @Test
  void cliUnknownColumnExitsTwoBeforeSparkStarts() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true));
    int exit;
    try {
      exit =
          Clientele.commandLine()
              .execute(
                  "publish",
                  "--as-of",
                  "2026-06-30",
                  "--set",
                  oneAudience("lapsed", "valu_tier = 'high'"));
    } finally {
      System.setErr(err);
    }
    assertThat(exit).isEqualTo(2);
    assertThat(captured.toString())
        .contains(
            "clientele publish: Config key 'clientele.audiences.definitions[0].rule' (--set"
                + " audiences.definitions: 1): audience 'lapsed': the rule names unknown column"
                + " 'valu_tier'");
  }
}
