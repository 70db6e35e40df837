package dev.clientele.common.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/tables.md is generated from {@link GoldDocs}, the same text the publish job stores as column
 * comments. Regenerate on purpose with {@code -Dclientele.generate.docs=true}.
 */
class GoldDocsTest {
  private static final Path DOC = Path.of("..", "docs", "tables.md");

  @Test
  void tablesDocMatchesTheColumnComments() throws Exception {
    String generated = GoldDocs.markdown();
    if (Boolean.getBoolean("clientele.generate.docs")) {
      Files.writeString(DOC, generated, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(DOC, StandardCharsets.UTF_8))
        .as(
            "docs/tables.md is stale: run mvn -pl common test -Dtest=GoldDocsTest -Dclientele.generate.docs=true")
        .isEqualTo(generated);
  }

  @Test
  void everyGoldTableIsDocumented() {
    assertThat(GoldDocs.ALL.keySet())
        .containsExactlyInAnyOrderElementsOf(dev.clientele.common.table.Published.goldTables());
  }

  @Test
  void everyColumnTheIssueRequiresIsDocumented() {
    assertThat(GoldDocs.CUSTOMER_TIERS.columns().keySet())
        .contains(
            "as_of",
            "customer_id",
            "recency_days",
            "order_count",
            "net_spend",
            "r_score",
            "f_score",
            "m_score",
            "rfm_segment",
            "value_tier",
            "abc_grade",
            "lifecycle_stage",
            "activity_status",
            "membership_tier",
            "points_balance",
            "preference_class",
            "satisfaction_band",
            "churn_risk",
            "churn_flag",
            "churn_cause",
            "cluster_id",
            "p_alive",
            "clv_h");
  }
}
