package dev.clientele.segment;

import static dev.clientele.features.Fixtures.line;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.columns.CustomerSegmentsColumns;
import dev.clientele.common.columns.TierCutpointsColumns;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.Settings;
import dev.clientele.features.CustomerFeatures;
import dev.clientele.features.FeatureRules;
import dev.clientele.features.Fixtures;
import dev.clientele.testing.SparkTestExtension;
import dev.clientele.tiering.Tiering;
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
 * RFM on a sparse, long-tail log: most customers bought once, long ago. Scoring them with everyone
 * who ever bought collapsed the F cut points onto 0 and made one-order customers Champions.
 */
@ExtendWith(SparkTestExtension.class)
class RfmSparseLogTest {
  static final LocalDate AS_OF = LocalDate.parse("2026-11-21");
  static final Settings CONFIG = ClienteleConfig.load(null, List.of(), List.of()).at("clientele");

  @Test
  void collapsedCutPointsAreWidenedByOneUnitEach(SparkSession spark) {
    Dataset<Row> cuts =
        spark.sql(
            "SELECT array(1D, 1D, 1D, 2D) a, array(0D, 0D, 0D, 2D) b, array(1D, 2D, 3D, 4D) c,"
                + " array(10.5D, 10.5D, 10.5D) d, CAST(NULL AS ARRAY<DOUBLE>) e");
    Row w =
        cuts.select(
                Tiering.widen(col("a"), 1),
                Tiering.widen(col("b"), 1),
                Tiering.widen(col("c"), 1),
                Tiering.widen(col("d"), 0.01),
                Tiering.widen(col("e"), 1))
            .head();
    assertThat(w.<Double>getList(0)).containsExactly(1.0, 2.0, 3.0, 4.0);
    assertThat(w.<Double>getList(1)).containsExactly(0.0, 1.0, 2.0, 3.0);
    assertThat(w.<Double>getList(2)).containsExactly(1.0, 2.0, 3.0, 4.0);
    assertThat(w.<Double>getList(3)).containsExactly(10.5, 10.51, 10.52);
    assertThat(w.isNullAt(4)).isTrue();
  }

  @Test
  void noOneOrderCustomerIsAChampionOrLoyalOnALongTailLog(SparkSession spark) {
    Random random = new Random(3L);
    List<Fixtures.Line> lines = new ArrayList<>();
    int order = 0;
    // 600 one-time buyers from before the 365-day window, 200 one-order buyers in it, 60 with 2-3
    // orders, 20 heavy buyers with 4-12 orders, the last of them recent.
    for (int c = 0; c < 900; c++) {
      String id = String.format("L%04d", c);
      int orders;
      int lastAgo;
      if (c < 600) {
        orders = 1;
        lastAgo = 400 + random.nextInt(300);
      } else if (c < 800) {
        orders = 1;
        lastAgo = random.nextInt(365);
      } else if (c < 860) {
        orders = 2 + random.nextInt(2);
        lastAgo = random.nextInt(200);
      } else if (c < 880) {
        orders = 4 + random.nextInt(9);
        lastAgo = random.nextInt(20);
      } else {
        orders = 1;
        lastAgo = random.nextInt(10); // very recent single orders: the old Champions
      }
      for (int o = 0; o < orders; o++) {
        int ago = o == 0 ? lastAgo : lastAgo + 1 + random.nextInt(364 - lastAgo);
        lines.add(line(id, "O" + order++, AS_OF.minusDays(ago).toString(), "25.00"));
      }
    }
    Dataset<Row> features =
        CustomerFeatures.compute(
                Fixtures.transactions(spark, lines),
                Fixtures.customers(spark),
                AS_OF,
                FeatureRules.from(CONFIG))
            .cache();
    SegmentRules rules = SegmentRules.from(CONFIG);

    // Among the 300 active customers, 220 have one order: p20..p80 are all 1, widened to 1..4.
    List<Row> fCuts =
        SegmentStage.cutpoints(features, AS_OF, rules)
            .where(col(TierCutpointsColumns.DIMENSION).equalTo(RfmScores.F_CUTS))
            .orderBy(TierCutpointsColumns.NAME)
            .collectAsList();
    assertThat(fCuts.stream().map(r -> r.<Double>getAs(TierCutpointsColumns.VALUE)))
        .containsExactly(1.0, 2.0, 3.0, 4.0);

    List<Row> rows = SegmentStage.segments(features, rules).collectAsList();
    assertThat(rows).hasSize(900);
    int champions = 0;
    int inactive = 0;
    for (Row r : rows) {
      long orders = r.<Long>getAs(CustomerSegmentsColumns.FREQUENCY);
      String segment = r.getAs(CustomerSegmentsColumns.RFM_SEGMENT);
      String id = r.getAs(CustomerSegmentsColumns.CUSTOMER_ID);
      if (orders == 0) {
        inactive++;
        assertThat(segment).as(id).isEqualTo("Inactive");
        assertThat(r.<Object>getAs(CustomerSegmentsColumns.F_SCORE)).as(id).isNull();
        assertThat(r.<String>getAs(CustomerSegmentsColumns.RFM_SEGMENT_REASON))
            .as(id)
            .matches("no_order_in_window:recency_days=\\d+");
        continue;
      }
      // F = 1 + orders above each widened cut: one order is F1, F4 needs 4 orders, F5 five.
      int f = r.<Integer>getAs(CustomerSegmentsColumns.F_SCORE);
      assertThat(f).as(id).isEqualTo((int) Math.min(orders, 5));
      if (orders == 1) assertThat(segment).as(id).isNotIn("Champions", "Loyal");
      if (segment.equals("Champions") || segment.equals("Loyal")) {
        assertThat(orders).as(id).isGreaterThanOrEqualTo(4);
      }
      if (segment.equals("Champions")) champions++;
    }
    assertThat(inactive).isEqualTo(600);
    assertThat(champions).isPositive();
    features.unpersist();
  }
}
