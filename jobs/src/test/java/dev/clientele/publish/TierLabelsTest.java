package dev.clientele.publish;

import static dev.clientele.testing.DatasetAssert.assertThatDataset;

import dev.clientele.testing.SparkTestExtension;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every long label row, hence every tier_history row, has a reason. */
@ExtendWith(SparkTestExtension.class)
class TierLabelsTest {

  @Test
  void reasonFromTheReasonColumnElseANamedFallbackNeverNull(SparkSession spark) {
    var tiers =
        spark.sql(
            """
            SELECT * FROM VALUES
              (DATE'2026-11-21', 'c1', true, 'churned:recency_days=200>=180', 'high spend', 'x'),
              (DATE'2026-11-21', 'c2', false, 'risk_below_bar:risk=0.1000<0.50', 'average', 'y')
            AS t(as_of, customer_id, churn_flag, churn_flag_reason, cluster_label, other)
            """);
    assertThatDataset(
            TierLabels.toLong(tiers, List.of("churn_flag", "cluster_label"))
                .select("customer_id", "dimension", "label", "reason"))
        .isEqualTo(
            spark.sql(
                """
                SELECT * FROM VALUES
                  ('c1', 'churn_flag', 'true', 'churned:recency_days=200>=180'),
                  ('c2', 'churn_flag', 'false', 'risk_below_bar:risk=0.1000<0.50'),
                  ('c1', 'cluster_label', 'high spend', 'no_reason_column:column=cluster_label'),
                  ('c2', 'cluster_label', 'average', 'no_reason_column:column=cluster_label')
                AS t(customer_id, dimension, label, reason)
                """));
  }
}
