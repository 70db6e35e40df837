package dev.clientele.satisfaction;

import static dev.clientele.satisfaction.Fixtures.complaint;
import static dev.clientele.satisfaction.Fixtures.complaints;
import static dev.clientele.satisfaction.Fixtures.feature;
import static dev.clientele.satisfaction.Fixtures.features;
import static dev.clientele.satisfaction.Fixtures.survey;
import static dev.clientele.satisfaction.Fixtures.surveys;
import static dev.clientele.testing.DatasetAssert.assertThatDataset;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.columns.CustomerSatisfactionColumns;
import dev.clientele.testing.SparkTestExtension;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class ChurnRiskTest {
  static final LocalDate AS_OF = LocalDate.parse("2026-06-30");
  final SatisfactionRules rules = Fixtures.rules();

  Dataset<Row> assess(
      Dataset<Row> features, Dataset<Row> surveys, Dataset<Row> complaints, SatisfactionRules r) {
    Dataset<Row> facts = CustomerSatisfaction.facts(features, surveys, complaints, r, AS_OF);
    return ChurnRisk.assess(features, facts, r, AS_OF);
  }

  @Test
  void scoresFlagsReasonsAndCausesOnLiteralCustomers(SparkSession spark) {
    Dataset<Row> features =
        features(
            spark,
            feature("R1", AS_OF, 4, 10, 20.0, "100.00", "100.00", 2, 2),
            feature("R2", AS_OF, 4, 60, 20.0, "20.00", "100.00", 1, 4),
            feature("R3", AS_OF, 4, 30, 20.0, "60.00", "100.00", 3, 3),
            feature("R4", AS_OF, 1, 200, null, "0.00", "0.00", 0, 0),
            feature("R5", AS_OF, 0, 400, 30.0, "0.00", "0.00", 0, 0),
            feature("R6", AS_OF, 1, 300, 50.0, "0.00", "0.00", 0, 0),
            feature("R7", AS_OF, 0, null, null, "0.00", "0.00", 0, 0),
            feature("R8", AS_OF, 0, 394, 30.0, "0.00", "0.00", 0, 0),
            feature("R9", AS_OF, 1, 180, 100.0, "0.00", "0.00", 0, 0),
            feature("R10", AS_OF, 1, 179, 100.0, "0.00", "0.00", 0, 0),
            feature("R11", AS_OF, 3, 40, 20.0, "0.00", "50.00", 1, 2));
    Dataset<Row> surveys = surveys(spark, survey("s1", "R2", "2026-05-01", 2, 2));
    Dataset<Row> complaints =
        complaints(
            spark,
            complaint("c1", "R2", "2026-06-01", null, "service"),
            complaint("c2", "R4", "2025-11-01", "2025-11-02", "quality"),
            complaint("c3", "R6", "2025-08-01", "2025-08-02", "other"),
            // more than window-days (365) before R8's last purchase (2025-06-01): not its cause
            complaint("c4", "R8", "2024-01-01", "2024-01-02", "price"));

    Dataset<Row> assessed = assess(features, surveys, complaints, rules);

    assertThat(assessed.columns()).containsExactly(CustomerSatisfactionColumns.SCHEMA.fieldNames());
    for (StructField expected : CustomerSatisfactionColumns.SCHEMA.fields()) {
      assertThat(assessed.schema().apply(expected.name()).dataType().sameType(expected.dataType()))
          .as(
              "type of %s: %s",
              expected.name(), assessed.schema().apply(expected.name()).dataType())
          .isTrue();
    }
    List<String> all = ChurnRisk.SIGNALS;
    // A churned customer is flagged whatever the risk, and "churned" leads its reason codes.
    assertThatDataset(
            assessed.select(
                "customer_id",
                "churn_risk",
                "churn_flag",
                "churn_flag_reason",
                "churn_reasons",
                "is_churned",
                "churn_cause",
                "churn_cause_reason"))
        .containsExactlyRows(
            List.of(
                row(
                    "R1",
                    0.0,
                    false,
                    "risk_below_bar:risk=0.0000<0.50",
                    List.of(),
                    false,
                    null,
                    null),
                // (3×1 + 2×0.8 + 1×0.75 + 2 + 1 + 2) / 11
                row("R2", 0.9409, true, "risk_at_bar:risk=0.9409>=0.50", all, false, null, null),
                // (3×0.5 + 2×0.4) / 11: both below their reason bars
                row(
                    "R3",
                    0.2091,
                    false,
                    "risk_below_bar:risk=0.2091<0.50",
                    List.of(),
                    false,
                    null,
                    null),
                // one purchase day: gap 90, (200−90)/90 ≥ 1
                row(
                    "R4",
                    0.2727,
                    true,
                    "churned:recency_days=200>=180",
                    List.of("churned", "overdue"),
                    true,
                    "quality",
                    "complaint:category=quality,opened=2025-11-01"),
                row(
                    "R5",
                    0.2727,
                    true,
                    "churned:recency_days=400>=180",
                    List.of("churned", "overdue"),
                    true,
                    "competitor_unknown",
                    "no_complaint:last_nps=unknown"),
                row(
                    "R6",
                    0.2727,
                    true,
                    "churned:recency_days=300>=180",
                    List.of("churned", "overdue"),
                    true,
                    "competitor_unknown",
                    "complaint:category=other,opened=2025-08-01"),
                row("R7", null, false, "no_purchase", List.of(), false, null, null),
                row(
                    "R8",
                    0.2727,
                    true,
                    "churned:recency_days=394>=180",
                    List.of("churned", "overdue"),
                    true,
                    "competitor_unknown",
                    "no_complaint:last_nps=unknown"),
                // exactly at the 180-day horizon: churned; one day less: not
                row(
                    "R9",
                    0.2182,
                    true,
                    "churned:recency_days=180>=180",
                    List.of("churned"),
                    true,
                    "competitor_unknown",
                    "no_complaint:last_nps=unknown"),
                row(
                    "R10",
                    0.2155,
                    false,
                    "risk_below_bar:risk=0.2155<0.50",
                    List.of(),
                    false,
                    null,
                    null),
                // (3 + 2 + 0.5) / 11 = 0.5 exactly at flag-at; visits fell by exactly the 0.5 bar
                row(
                    "R11",
                    0.5,
                    true,
                    "risk_at_bar:risk=0.5000>=0.50",
                    List.of("overdue", "spend_falling", "visits_falling"),
                    false,
                    null,
                    null)));

    Map<String, Double> r2 = signals(assessed, "R2");
    assertThat(r2)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "overdue",
                1.0,
                "spend_falling",
                0.8,
                "visits_falling",
                0.75,
                "recent_complaint",
                1.0,
                "detractor",
                1.0,
                "unresolved_complaint",
                1.0));
    assertThat(
            assessed
                .where(col("customer_id").equalTo("R7"))
                .select("churn_signals")
                .head()
                .isNullAt(0))
        .isTrue();
  }

  @Test
  void zeroWeightSignalsGiveNoReasonAndDoNotCount(SparkSession spark) {
    SatisfactionRules r =
        Fixtures.rules(
            "satisfaction.churn.weights.overdue=0", "satisfaction.churn.weights.spend_falling=1");
    Dataset<Row> features =
        features(spark, feature("X", AS_OF, 2, 60, 20.0, "0.00", "100.00", 2, 2));
    // weights 0,1,1,2,1,2 (total 7): spend fell by 1.0
    assertThatDataset(
            assess(features, surveys(spark), complaints(spark), r)
                .select("churn_risk", "churn_reasons"))
        .containsExactlyRows(List.of(row(0.1429, List.of("spend_falling"))));
  }

  /** Raising any one signal, whatever the others and the weights, never lowers the score. */
  @Test
  void riskIsMonotoneInEverySignal(SparkSession spark) {
    Random random = new Random(20261121L);
    List<SatisfactionRules> weightSets = new ArrayList<>();
    weightSets.add(rules);
    for (int k = 0; k < 3; k++) {
      List<String> overrides = new ArrayList<>();
      for (String s : ChurnRisk.SIGNALS) {
        // about a third of the weights are 0
        int w = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(9);
        overrides.add("satisfaction.churn.weights." + s + "=" + w);
      }
      overrides.add("satisfaction.churn.weights.overdue=" + (1 + random.nextInt(5)));
      weightSets.add(Fixtures.rules(overrides.toArray(String[]::new)));
    }
    List<StructField> fields = new ArrayList<>();
    fields.add(
        new StructField(
            "pair", DataTypes.IntegerType, false, org.apache.spark.sql.types.Metadata.empty()));
    fields.add(
        new StructField(
            "raised", DataTypes.BooleanType, false, org.apache.spark.sql.types.Metadata.empty()));
    for (String s : ChurnRisk.SIGNALS) {
      fields.add(
          new StructField(
              s, DataTypes.DoubleType, false, org.apache.spark.sql.types.Metadata.empty()));
    }
    List<Row> rows = new ArrayList<>();
    int pair = 0;
    for (int i = 0; i < 200; i++) {
      double[] base = new double[ChurnRisk.SIGNALS.size()];
      for (int j = 0; j < base.length; j++) {
        // binary signals are 0 or 1; graded ones anywhere in [0,1], sometimes exactly at an end
        base[j] =
            j >= 3
                ? random.nextInt(2)
                : random.nextInt(5) == 0 ? random.nextInt(2) : random.nextDouble();
      }
      for (int j = 0; j < base.length; j++) {
        double[] up = base.clone();
        up[j] = j >= 3 ? 1.0 : base[j] + random.nextDouble() * (1.0 - base[j]);
        rows.add(signalRow(pair, false, base));
        rows.add(signalRow(pair, true, up));
        pair++;
      }
    }
    Dataset<Row> frame =
        spark.createDataFrame(rows, new StructType(fields.toArray(StructField[]::new)));
    for (SatisfactionRules r : weightSets) {
      Map<Integer, double[]> scores = new HashMap<>();
      for (Row s :
          frame
              .select(col("pair"), col("raised"), ChurnRisk.riskScore(r.churn()).as("risk"))
              .collectAsList()) {
        double[] both = scores.computeIfAbsent(s.getInt(0), p -> new double[2]);
        both[s.getBoolean(1) ? 1 : 0] = s.getDouble(2);
      }
      assertThat(scores).hasSize(pair);
      scores.forEach(
          (p, both) -> {
            assertThat(both[1])
                .as("pair %d under weights %s", p, r.churn().weights())
                .isGreaterThanOrEqualTo(both[0]);
            assertThat(both[0]).isBetween(0.0, 1.0);
            assertThat(both[1]).isBetween(0.0, 1.0);
          });
    }
  }

  /**
   * On seeded random customers: the score never falls when days since the last purchase grow, and
   * every churned customer has exactly one cause from the list while others have none.
   */
  @Test
  void riskRisesWithRecencyAndEveryChurnedCustomerHasOneCause(SparkSession spark) {
    Random random = new Random(42L);
    List<Row> before = new ArrayList<>();
    List<Row> later = new ArrayList<>();
    List<Row> complaintRows = new ArrayList<>();
    String[] categories = {"quality", "service", "price", "delivery", "other"};
    for (int i = 0; i < 150; i++) {
      String id = String.format("C%03d", i);
      Integer recency = random.nextInt(10) == 0 ? null : random.nextInt(500);
      Double gap = random.nextInt(4) == 0 ? null : 1.0 + random.nextInt(120);
      String last = random.nextInt(100) + ".00";
      String prev = random.nextInt(100) + ".00";
      long ol = random.nextInt(5);
      long op = random.nextInt(5);
      before.add(feature(id, AS_OF, ol + op, recency, gap, last, prev, ol, op));
      Integer older = recency == null ? null : recency + 1 + random.nextInt(200);
      later.add(feature(id, AS_OF, ol + op, older, gap, last, prev, ol, op));
      if (random.nextBoolean()) {
        LocalDate opened = AS_OF.minusDays(random.nextInt(900));
        complaintRows.add(
            complaint(
                "k" + i,
                id,
                opened.toString(),
                random.nextBoolean() ? null : opened.plusDays(1).toString(),
                categories[random.nextInt(categories.length)]));
      }
    }
    Dataset<Row> complaints = complaints(spark, complaintRows.toArray(Row[]::new));
    Dataset<Row> a =
        assess(features(spark, before.toArray(Row[]::new)), surveys(spark), complaints, rules);
    Dataset<Row> b =
        assess(features(spark, later.toArray(Row[]::new)), surveys(spark), complaints, rules);

    Map<String, Double> riskBefore = new HashMap<>();
    for (Row r : a.select("customer_id", "churn_risk").collectAsList())
      riskBefore.put(r.getString(0), (Double) r.get(1));
    for (Row r : b.select("customer_id", "churn_risk").collectAsList()) {
      Double was = riskBefore.get(r.getString(0));
      if (was != null) assertThat((Double) r.get(1)).as(r.getString(0)).isGreaterThanOrEqualTo(was);
    }
    for (Dataset<Row> d : List.of(a, b)) {
      List<Row> rows = d.select("customer_id", "is_churned", "churn_cause").collectAsList();
      assertThat(rows).hasSize(150);
      long churned = 0;
      for (Row r : rows) {
        if (r.getBoolean(1)) {
          churned++;
          assertThat(r.getString(2)).as(r.getString(0)).isIn(ChurnRisk.CAUSES.toArray());
        } else {
          assertThat(r.isNullAt(2)).as(r.getString(0)).isTrue();
        }
      }
      assertThat(churned).isPositive();
    }
  }

  private static Row signalRow(int pair, boolean raised, double[] values) {
    Object[] out = new Object[values.length + 2];
    out[0] = pair;
    out[1] = raised;
    for (int i = 0; i < values.length; i++) out[i + 2] = values[i];
    return RowFactory.create(out);
  }

  private static Map<String, Double> signals(Dataset<Row> assessed, String customer) {
    Row r = assessed.where(col("customer_id").equalTo(customer)).select("churn_signals").head();
    Map<String, Double> out = new LinkedHashMap<>();
    scala.collection.Map<String, Double> m = r.getMap(0);
    m.foreach(t -> out.put(t._1(), t._2()));
    return out;
  }

  static List<Object> row(Object... values) {
    return Arrays.asList(values);
  }
}
