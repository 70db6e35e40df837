package dev.clientele.audience;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.job.JobFailure;
import dev.clientele.testing.SparkTestExtension;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The publish refuses a rule that is not a boolean over customer_tiers before writing anything. */
@ExtendWith(SparkTestExtension.class)
class AudiencePublisherTest {
  static AudienceRules rule(String rule) {
    return new AudienceRules(
        0.1,
        "s",
        1,
        3,
        30,
        30,
        List.of(new AudienceRules.Definition("x", rule, List.of(), 1, null, false, List.of())));
  }

  @Test
  void aNonBooleanRuleFailsNamingTheAudience(SparkSession spark) {
    Dataset<Row> tiers =
        spark.sql("SELECT 'c1' AS customer_id, CAST(12.5 AS DECIMAL(18,2)) AS net_spend");
    assertThatCode(() -> AudiencePublisher.check(tiers, rule("net_spend > 10")))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> AudiencePublisher.check(tiers, rule("net_spend + 1")))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "audience 'x' (clientele.audiences.definitions): its rule 'net_spend + 1' is"
                + " decimal(19,2), not a boolean condition.");
  }
}
