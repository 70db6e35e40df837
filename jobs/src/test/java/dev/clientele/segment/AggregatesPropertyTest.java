package dev.clientele.segment;

import static dev.clientele.features.Fixtures.customer;
import static dev.clientele.features.Fixtures.line;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.columns.CustomerSegmentsColumns;
import dev.clientele.common.columns.CustomerValuesColumns;
import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.Settings;
import dev.clientele.features.CustomerFeatures;
import dev.clientele.features.FeatureRules;
import dev.clientele.features.Fixtures;
import dev.clientele.testing.SparkTestExtension;
import dev.clientele.tiering.Reasons;
import dev.clientele.value.ValueRules;
import dev.clientele.value.ValueStage;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Property checks on seeded random data built here (2000 customers, ~14k lines): every customer
 * gets exactly one label per dimension from the allowed set with a reason in the one grammar of
 * {@link Reasons}, and every table is identical under 1 and 8 shuffle partitions.
 */
@ExtendWith(SparkTestExtension.class)
class AggregatesPropertyTest {
  static final LocalDate AS_OF = LocalDate.parse("2026-11-21");
  static final int CUSTOMERS = 2000;
  static final Settings CONFIG = ClienteleConfig.load(null, List.of(), List.of()).at("clientele");

  static Dataset<Row> transactions;
  static Dataset<Row> customers;
  static Set<String> expectedIds = new HashSet<>();

  @BeforeAll
  static void generate(SparkSession spark) {
    Random random = new Random(20261121L);
    String[] brands = {"B1", "B2", "B3", "B4", "B5", "B6"};
    String[] categories = {"C1", "C2", "C3", "C4", "C5", "C6", "C7"};
    String[] channels = {"web", "app", "store"};
    List<Fixtures.Line> lines = new ArrayList<>();
    List<Row> people = new ArrayList<>();
    int order = 0;
    for (int c = 0; c < CUSTOMERS; c++) {
      String id = String.format("C%05d", c);
      boolean inCustomers = random.nextInt(20) != 0; // 5% only in transactions
      if (inCustomers) {
        String birth =
            random.nextInt(10) == 0
                ? null
                : LocalDate.of(1940 + random.nextInt(65), 1 + random.nextInt(12), 1).toString();
        people.add(
            customer(
                id,
                birth,
                random.nextBoolean() ? "F" : "M",
                random.nextInt(5) == 0 ? null : "2023-01-01"));
      }
      int orders =
          random.nextInt(10) == 0 && inCustomers
              ? 0
              : 1 + (int) Math.abs(random.nextGaussian() * 6);
      if (orders > 0 || inCustomers) expectedIds.add(id);
      String favourite = brands[random.nextInt(brands.length)];
      for (int o = 0; o < orders; o++) {
        String oid = "O" + (order++);
        LocalDate day = AS_OF.minusDays(random.nextInt(760) - 5); // a few days after as-of too
        int nLines = 1 + random.nextInt(3);
        for (int l = 1; l <= nLines; l++) {
          // Amounts from a small set so ties are common.
          String amount = (5 * (1 + random.nextInt(40))) + "." + (random.nextInt(4) * 25);
          Fixtures.Line line =
              line(id, oid, day.toString(), amount)
                  .lineNo(l)
                  .brand(random.nextInt(3) == 0 ? brands[random.nextInt(brands.length)] : favourite)
                  .category(categories[random.nextInt(categories.length)])
                  .channel(channels[random.nextInt(channels.length)])
                  .discount(random.nextInt(4) == 0 ? "2.50" : "0")
                  .cost(random.nextInt(8) == 0 ? null : "1.2500");
          lines.add(line);
          if (random.nextInt(15) == 0) {
            lines.add(line(id, "R" + oid, day.plusDays(3).toString(), amount).lineNo(l).asReturn());
          }
        }
      }
      if (orders == 0 && random.nextInt(4) == 0) {
        lines.add(
            line(id, "RX" + c, AS_OF.minusDays(10).toString(), "12.00").asReturn()); // only returns
      }
    }
    transactions = Fixtures.transactions(spark, lines).cache();
    customers = Fixtures.customers(spark, people).cache();
    assertThat(transactions.count()).isGreaterThan(10_000);
  }

  record Tables(List<Row> features, List<Row> segments, List<Row> values) {}

  static Tables run(SparkSession spark, int partitions) {
    String before = spark.conf().get("spark.sql.shuffle.partitions");
    spark.conf().set("spark.sql.shuffle.partitions", Integer.toString(partitions));
    try {
      Dataset<Row> features =
          CustomerFeatures.compute(transactions, customers, AS_OF, FeatureRules.from(CONFIG))
              .cache();
      Tables t =
          new Tables(
              features.orderBy(FeaturesColumns.CUSTOMER_ID).collectAsList(),
              SegmentStage.segments(features, SegmentRules.from(CONFIG))
                  .orderBy(CustomerSegmentsColumns.CUSTOMER_ID)
                  .collectAsList(),
              ValueStage.values(features, ValueRules.from(CONFIG))
                  .orderBy(CustomerValuesColumns.CUSTOMER_ID)
                  .collectAsList());
      features.unpersist();
      return t;
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", before);
    }
  }

  @Test
  void labelsAreCompleteUniqueAndIndependentOfPartitioning(SparkSession spark) {
    Tables one = run(spark, 1);
    Tables eight = run(spark, 8);

    assertThat(eight.features()).isEqualTo(one.features());
    assertThat(eight.segments()).isEqualTo(one.segments());
    assertThat(eight.values()).isEqualTo(one.values());

    assertThat(one.features()).hasSize(expectedIds.size());
    Map<String, Set<String>> segmentLabels =
        Map.of(
            CustomerSegmentsColumns.RFM_SEGMENT,
                Set.of(
                    "Champions",
                    "Loyal",
                    "Potential Loyalists",
                    "New Customers",
                    "Promising",
                    "Need Attention",
                    "About to Sleep",
                    "At Risk",
                    "Can't Lose Them",
                    "Hibernating",
                    "Inactive",
                    "No Purchases"),
            CustomerSegmentsColumns.LIFECYCLE_STAGE, Set.copyOf(LifecycleStages.STAGES),
            CustomerSegmentsColumns.ACTIVITY_STATUS, Set.of("active", "dormant", "lost", "none"),
            CustomerSegmentsColumns.TARGET_FLAG, Set.of("core", "potential", "non-target"),
            CustomerSegmentsColumns.PREFERENCE_CLASS,
                Set.of("brand-loyal", "price-sensitive", "category-explorer", "none"));
    Set<String> bands = Set.of("low", "medium", "high", "none");
    Map<String, Set<String>> valueLabels =
        Map.of(
            CustomerValuesColumns.VALUE_TIER, Set.of("high", "medium", "low", "none"),
            CustomerValuesColumns.ABC_GRADE, Set.of("A", "B", "C", "none"),
            CustomerValuesColumns.FREQUENCY_TIER, bands,
            CustomerValuesColumns.MONETARY_TIER, bands,
            CustomerValuesColumns.AOV_TIER, bands,
            CustomerValuesColumns.MARGIN_TIER, Set.of("low", "medium", "high", "none", "unknown"),
            CustomerValuesColumns.MEMBERSHIP_TIER, Set.of("regular", "silver", "gold", "diamond"));
    assertOneLabelEach(one.segments(), CustomerSegmentsColumns.CUSTOMER_ID, segmentLabels);
    assertOneLabelEach(one.values(), CustomerValuesColumns.CUSTOMER_ID, valueLabels);

    // The top-share rule puts exactly ceil(20%) of spenders in high by rank; the order bar may add
    // more.
    long spenders =
        one.values().stream()
            .filter(r -> r.<Long>getAs(CustomerValuesColumns.VALUE_RANK) != null)
            .count();
    long highByRank =
        one.values().stream()
            .filter(
                r ->
                    r.<String>getAs(CustomerValuesColumns.VALUE_TIER_REASON)
                        .matches("top_share:rank=\\d+/\\d+,top_n=\\d+,share=0\\.2,.*"))
            .count();
    assertThat(highByRank).isEqualTo((long) Math.ceil(spenders * 0.2));
  }

  static void assertOneLabelEach(List<Row> rows, String idColumn, Map<String, Set<String>> labels) {
    assertThat(rows).hasSize(expectedIds.size());
    Set<String> ids = new HashSet<>();
    Map<String, Map<String, Integer>> counts = new HashMap<>();
    for (Row r : rows) {
      assertThat(ids.add(r.getAs(idColumn)))
          .as("duplicate customer %s", (Object) r.getAs(idColumn))
          .isTrue();
      labels.forEach(
          (column, allowed) -> {
            String label = r.getAs(column);
            assertThat(allowed).as("%s of %s", column, r.getAs(idColumn)).contains(label);
            String reason = r.getAs(column + "_reason");
            // Every reason follows the one grammar: a stable code, then name=value parameters.
            assertThat(reason).as("%s_reason", column).matches(Reasons.GRAMMAR);
            counts.computeIfAbsent(column, k -> new HashMap<>()).merge(label, 1, Integer::sum);
          });
    }
    assertThat(ids).isEqualTo(expectedIds);
    // Random data of this size reaches every label of the main dimensions.
    assertThat(counts.values()).allSatisfy(c -> assertThat(c.size()).isGreaterThan(1));
  }
}
