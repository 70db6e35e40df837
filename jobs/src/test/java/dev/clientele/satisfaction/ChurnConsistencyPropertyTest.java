package dev.clientele.satisfaction;

import static dev.clientele.features.Fixtures.customer;
import static dev.clientele.features.Fixtures.line;
import static dev.clientele.satisfaction.Fixtures.complaint;
import static dev.clientele.satisfaction.Fixtures.survey;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.columns.CustomerSatisfactionColumns;
import dev.clientele.common.columns.CustomerSegmentsColumns;
import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.Settings;
import dev.clientele.features.CustomerFeatures;
import dev.clientele.features.FeatureRules;
import dev.clientele.segment.SegmentRules;
import dev.clientele.segment.SegmentStage;
import dev.clientele.testing.SparkTestExtension;
import dev.clientele.tiering.Reasons;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Property check on seeded random data (600 customers, purchases over 760 days, some surveys and
 * complaints): no customer is churned in one column and not in another. lifecycle_stage = churned,
 * activity_status = lost, is_churned, a non-null churn_cause and churn_flag_reason code 'churned'
 * all hold for exactly the same customers, and every churned customer has churn_flag. Run under the
 * default horizon and a second one, so the columns cannot agree by accident of one key.
 */
@ExtendWith(SparkTestExtension.class)
class ChurnConsistencyPropertyTest {
  static final LocalDate AS_OF = LocalDate.parse("2026-11-21");

  @Test
  void everyChurnColumnAgreesOnEveryCustomer(SparkSession spark) {
    Random random = new Random(17L);
    List<dev.clientele.features.Fixtures.Line> lines = new ArrayList<>();
    List<Row> people = new ArrayList<>();
    List<Row> surveys = new ArrayList<>();
    List<Row> complaints = new ArrayList<>();
    int order = 0;
    for (int c = 0; c < 600; c++) {
      String id = String.format("K%04d", c);
      people.add(customer(id, null, "F", null));
      int orders = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(6);
      // Last purchases spread over two years, many of them near the horizons.
      int lastAgo = random.nextInt(500);
      for (int o = 0; o < orders; o++) {
        int ago = lastAgo + (o == 0 ? 0 : random.nextInt(260));
        lines.add(line(id, "O" + order++, AS_OF.minusDays(ago).toString(), "20.00"));
      }
      if (random.nextInt(4) == 0) {
        surveys.add(
            survey(
                "s" + c,
                id,
                AS_OF.minusDays(random.nextInt(300)).toString(),
                1 + random.nextInt(5),
                random.nextInt(11)));
      }
      if (random.nextInt(5) == 0) {
        String[] categories = {"quality", "service", "price", "delivery", "other"};
        complaints.add(
            complaint(
                "c" + c,
                id,
                AS_OF.minusDays(lastAgo + random.nextInt(60)).toString(),
                null,
                categories[random.nextInt(categories.length)]));
      }
    }
    Dataset<Row> transactions = dev.clientele.features.Fixtures.transactions(spark, lines);
    Dataset<Row> customers = dev.clientele.features.Fixtures.customers(spark, people);
    Dataset<Row> surveyFrame = Fixtures.surveys(spark, surveys.toArray(Row[]::new));
    Dataset<Row> complaintFrame = Fixtures.complaints(spark, complaints.toArray(Row[]::new));

    for (String horizon : List.of("180", "95")) {
      Settings config =
          ClienteleConfig.load(
                  null, List.of(), List.of("satisfaction.churn.horizon-days=" + horizon))
              .at("clientele");
      Dataset<Row> features =
          CustomerFeatures.compute(transactions, customers, AS_OF, FeatureRules.from(config))
              .cache();
      SatisfactionRules rules = SatisfactionRules.from(config.at("satisfaction"));
      Dataset<Row> facts =
          CustomerSatisfaction.facts(features, surveyFrame, complaintFrame, rules, AS_OF);
      Dataset<Row> churn = ChurnRisk.assess(features, facts, rules, AS_OF);
      Dataset<Row> segments = SegmentStage.segments(features, SegmentRules.from(config));
      List<Row> rows =
          segments
              .select(
                  col(CustomerSegmentsColumns.CUSTOMER_ID),
                  col(CustomerSegmentsColumns.LIFECYCLE_STAGE),
                  col(CustomerSegmentsColumns.ACTIVITY_STATUS),
                  col(FeaturesColumns.RECENCY_DAYS))
              .join(churn, CustomerSegmentsColumns.CUSTOMER_ID)
              .collectAsList();
      assertThat(rows).hasSize(600);
      int churned = 0;
      int flaggedNotChurned = 0;
      for (Row r : rows) {
        String id = r.getAs(CustomerSegmentsColumns.CUSTOMER_ID);
        boolean isChurned = r.getAs(CustomerSatisfactionColumns.IS_CHURNED);
        Integer recency = r.getAs(FeaturesColumns.RECENCY_DAYS);
        boolean byHorizon = recency != null && recency >= Integer.parseInt(horizon);
        String flagReason = r.getAs(CustomerSatisfactionColumns.CHURN_FLAG_REASON);
        boolean flag = r.getAs(CustomerSatisfactionColumns.CHURN_FLAG);
        String as = "customer " + id + " at horizon " + horizon + " (recency " + recency + ")";
        assertThat(isChurned).as(as).isEqualTo(byHorizon);
        assertThat(r.<String>getAs(CustomerSegmentsColumns.LIFECYCLE_STAGE).equals("churned"))
            .as(as)
            .isEqualTo(isChurned);
        assertThat(r.<String>getAs(CustomerSegmentsColumns.ACTIVITY_STATUS).equals("lost"))
            .as(as)
            .isEqualTo(isChurned);
        assertThat(r.getAs(CustomerSatisfactionColumns.CHURN_CAUSE) != null)
            .as(as)
            .isEqualTo(isChurned);
        assertThat(r.getAs(CustomerSatisfactionColumns.CHURN_CAUSE_REASON) != null)
            .as(as)
            .isEqualTo(isChurned);
        assertThat(flagReason.startsWith("churned:")).as(as).isEqualTo(isChurned);
        assertThat(
                r.<String>getList(r.fieldIndex(CustomerSatisfactionColumns.CHURN_REASONS))
                    .contains("churned"))
            .as(as)
            .isEqualTo(isChurned);
        if (isChurned) {
          assertThat(flag).as(as).isTrue();
          churned++;
        } else if (flag) {
          flaggedNotChurned++;
        }
        assertThat(flagReason).as(as).matches(Reasons.GRAMMAR);
      }
      // The data reach both sides of the horizon and the early warning fires before churn.
      assertThat(churned).isBetween(50, 550);
      assertThat(flaggedNotChurned).isPositive();
      features.unpersist();
    }
  }
}
