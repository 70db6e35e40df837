package dev.clientele.audience;

import static dev.clientele.testing.DatasetAssert.assertThatDataset;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.columns.ContactsColumns;
import dev.clientele.testing.SparkTestExtension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class AudienceSelectionTest {
  static final LocalDate AS_OF = LocalDate.parse("2026-10-01");
  static final Date DAY = Date.valueOf(AS_OF);
  static final String SALT = "clientele-holdout-v1";

  static final StructType TIERS =
      new StructType()
          .add("customer_id", DataTypes.StringType, false)
          .add("value_tier", DataTypes.StringType)
          .add("lifecycle_stage", DataTypes.StringType)
          .add("open_complaints", DataTypes.LongType);
  static final StructType OPT_OUT =
      new StructType()
          .add("customer_id", DataTypes.StringType, false)
          .add("marketing_opt_out", DataTypes.BooleanType);

  static Row tier(String id, String value, String stage, Long open) {
    return RowFactory.create(id, value, stage, open);
  }

  static Row contact(String id, String sentAt) {
    return RowFactory.create(
        "k-" + id + "-" + sentAt, id, "email", "news", Timestamp.valueOf(sentAt), "run-1");
  }

  static AudienceRules.Definition audience(
      String name, String rule, int priority, boolean complaint, List<String> lifecycle) {
    return new AudienceRules.Definition(
        name, rule, List.of(), priority, null, complaint, lifecycle);
  }

  static AudienceRules rules(double share, int maxAudiences, AudienceRules.Definition... d) {
    return new AudienceRules(share, SALT, maxAudiences, 2, 30, 30, List.of(d));
  }

  static Dataset<Row> select(
      SparkSession spark,
      List<Row> tiers,
      List<Row> optOut,
      List<Row> contacts,
      AudienceRules rules) {
    return AudienceSelection.select(
        spark.createDataFrame(tiers, TIERS),
        spark.createDataFrame(optOut, OPT_OUT),
        spark.createDataFrame(contacts, ContactsColumns.SCHEMA),
        rules,
        AS_OF);
  }

  static String hash(String audience, String id) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256")
                .digest((SALT + ":" + audience + ":" + id).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void eachSuppressionReasonAndTheFirstWinsWhenSeveralApply(SparkSession spark) {
    List<Row> tiers =
        List.of(
            tier("c1", "high", "churned", 1L), // opted out, churned, complaint, capped
            tier("c2", "high", "churned", 1L), // churned, complaint, capped
            tier("c3", "high", "active", 2L), // complaint, capped
            tier("c4", "high", "active", 0L), // capped: 2 contacts on A - 29 and A
            tier("c5", "high", "active", 0L), // 1 contact in the window, 2 outside it
            tier("c6", "low", "churned", 1L), // fails the rule: no row
            tier("c7", "high", null, null), // unknown stage and complaints: not suppressed
            tier("c8", "high", "active", 0L)); // opt-out false
    List<Row> optOut =
        List.of(
            RowFactory.create("c1", true),
            RowFactory.create("c2", null),
            RowFactory.create("c8", false));
    List<Row> contacts = new ArrayList<>();
    for (String id : List.of("c1", "c2", "c3", "c4")) {
      contacts.add(contact(id, "2026-09-02 00:00:00")); // A - 29: first day of the window
      contacts.add(contact(id, "2026-10-01 23:59:59")); // A: last day of the window
    }
    contacts.add(contact("c5", "2026-09-01 23:59:59")); // A - 30: before the window
    contacts.add(contact("c5", "2026-10-01 12:00:00"));
    contacts.add(contact("c5", "2026-10-02 00:00:00")); // after A
    Dataset<Row> members =
        select(
            spark,
            tiers,
            optOut,
            contacts,
            rules(
                0.0, 1, audience("win-back", "value_tier = 'high'", 1, true, List.of("churned"))));
    assertThatDataset(members)
        .containsExactlyRows(
            List.of(
                List.of(DAY, "win-back", "c1", "suppressed", "opted_out"),
                List.of(DAY, "win-back", "c2", "suppressed", "excluded_lifecycle:churned"),
                List.of(DAY, "win-back", "c3", "suppressed", "open_complaint"),
                List.of(DAY, "win-back", "c4", "suppressed", "contact_cap"),
                Arrays.asList(DAY, "win-back", "c5", "selected", null),
                Arrays.asList(DAY, "win-back", "c7", "selected", null),
                Arrays.asList(DAY, "win-back", "c8", "selected", null)));
    assertThat(members.schema()).isEqualTo(AudienceColumns.MEMBERS_SCHEMA);
  }

  @Test
  void audienceLimitKeepsTheSmallestPrioritiesTiesByNameAmongEligibleAudiences(SparkSession spark) {
    List<Row> tiers = List.of(tier("x", "high", "active", 0L), tier("y", "high", "churned", 0L));
    Dataset<Row> members =
        select(
            spark,
            tiers,
            List.of(),
            List.of(),
            rules(
                0.0,
                2,
                audience("c", "true", 2, false, List.of()),
                audience("b", "true", 1, false, List.of("churned")),
                audience("a", "true", 2, false, List.of())));
    assertThatDataset(members)
        .containsExactlyRows(
            List.of(
                Arrays.asList(DAY, "b", "x", "selected", null),
                Arrays.asList(DAY, "a", "x", "selected", null),
                List.of(DAY, "c", "x", "suppressed", "audience_limit"),
                // y is excluded from b, so a and c are within its limit of 2
                List.of(DAY, "b", "y", "suppressed", "excluded_lifecycle:churned"),
                Arrays.asList(DAY, "a", "y", "selected", null),
                Arrays.asList(DAY, "c", "y", "selected", null)));
  }

  @Test
  void holdoutIsTheRoundedShareWithTheSmallestHashes(SparkSession spark) throws Exception {
    List<Row> tiers = new ArrayList<>();
    for (int i = 1; i <= 25; i++) tiers.add(tier(String.format("c%02d", i), "high", "active", 0L));
    tiers.add(tier("c26", "high", "churned", 0L)); // suppressed: not counted as eligible
    AudienceRules rules =
        rules(
            0.1,
            2,
            audience("big", "true", 1, false, List.of("churned")),
            // four eligible: round(0.4) = 0 held out
            audience("small", "customer_id <= 'c04'", 2, false, List.of()));
    List<Row> rows = select(spark, tiers, List.of(), List.of(), rules).collectAsList();

    // round(0.1 x 25 = 2.5) = 3: the three smallest sha2(salt:big:id)
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 25; i++) expected.add(String.format("c%02d", i));
    Comparator<String> byHash =
        Comparator.comparing(
            id -> {
              try {
                return hash("big", id);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    expected.sort(byHash);
    List<String> heldOut =
        rows.stream()
            .filter(r -> r.getString(3).equals("holdout"))
            .peek(r -> assertThat(r.getString(4)).isEqualTo("holdout"))
            .peek(r -> assertThat(r.getString(1)).isEqualTo("big"))
            .map(r -> r.getString(2))
            .sorted(byHash)
            .toList();
    assertThat(heldOut).containsExactlyElementsOf(expected.subList(0, 3));
    assertThat(
            rows.stream()
                .filter(r -> r.getString(1).equals("big") && r.getString(3).equals("selected")))
        .hasSize(22);
    assertThat(rows.stream().filter(r -> r.getString(1).equals("small")))
        .hasSize(4)
        .allSatisfy(r -> assertThat(r.getString(3)).isEqualTo("selected"));
  }

  @Test
  void sameRowsOnARerunAndUnderAnotherPartitioning(SparkSession spark) {
    List<Row> tiers = new ArrayList<>();
    List<Row> contacts = new ArrayList<>();
    List<Row> optOut = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String id = "k" + i;
      tiers.add(
          tier(
              id,
              i % 3 == 0 ? "low" : "high",
              i % 7 == 0 ? "churned" : "active",
              i % 5 == 0 ? 1L : 0L));
      if (i % 4 == 0) {
        contacts.add(contact(id, "2026-09-20 08:00:00"));
        contacts.add(contact(id, "2026-09-21 08:00:00"));
      }
      if (i % 11 == 0) optOut.add(RowFactory.create(id, true));
    }
    AudienceRules rules =
        rules(
            0.25,
            1,
            audience("one", "value_tier = 'high'", 1, true, List.of("churned")),
            audience("two", "true", 2, false, List.of()));
    Dataset<Row> first = select(spark, tiers, optOut, contacts, rules);
    Dataset<Row> again = select(spark, tiers, optOut, contacts, rules);
    Dataset<Row> repartitioned =
        AudienceSelection.select(
            spark.createDataFrame(tiers, TIERS).repartition(7),
            spark.createDataFrame(optOut, OPT_OUT).repartition(3),
            spark.createDataFrame(contacts, ContactsColumns.SCHEMA).repartition(5),
            rules,
            AS_OF);
    assertThat(first.count()).isEqualTo(100); // 40 high in "one", all 60 in "two"
    assertThatDataset(again).isEqualTo(first);
    assertThatDataset(repartitioned).isEqualTo(first);
  }
}
