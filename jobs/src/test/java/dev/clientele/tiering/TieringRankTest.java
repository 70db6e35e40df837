package dev.clientele.tiering;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.columns.Money;
import dev.clientele.testing.SparkTestExtension;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Tiering#rank} against a rank computed here by sorting, on the inputs where splitting the
 * work into buckets could go wrong: ties spanning many quantile edges, values equal to an edge,
 * nulls, NaN, one row, all rows equal. And the bucket search against the plain count it replaces.
 */
@ExtendWith(SparkTestExtension.class)
class TieringRankTest {
  private static final Tiering.RankColumns OUT = Tiering.RankColumns.of("r");

  private record Ranked(Long rank, BigDecimal running, Long n, BigDecimal total) {}

  private static Dataset<Row> frame(SparkSession spark, DataType type, List<Row> rows) {
    StructType schema =
        new StructType().add("id", DataTypes.StringType, false).add("v", type, true);
    return spark.createDataFrame(rows, schema);
  }

  private static Map<String, Ranked> ranks(Dataset<Row> rows) {
    Map<String, Ranked> out = new HashMap<>();
    for (Row r : Tiering.rank(rows, col("v"), "id", OUT).collectAsList()) {
      out.put(
          r.getAs("id"),
          new Ranked(
              r.getAs(OUT.rank()),
              r.getAs(OUT.running()),
              r.getAs(OUT.count()),
              r.getAs(OUT.total())));
    }
    return out;
  }

  /** Rank 1 = largest, ties by id; running sum, count and total of the non-null values. */
  private static Map<String, Ranked> expected(List<Row> rows) {
    List<Row> valued = new ArrayList<>(rows.stream().filter(r -> !r.isNullAt(1)).toList());
    valued.sort(
        Comparator.comparing((Row r) -> (BigDecimal) r.get(1))
            .reversed()
            .thenComparing(r -> r.getString(0)));
    BigDecimal total =
        valued.stream().map(r -> (BigDecimal) r.get(1)).reduce(BigDecimal.ZERO, BigDecimal::add);
    Map<String, Ranked> out = new HashMap<>();
    BigDecimal running = BigDecimal.ZERO;
    for (int i = 0; i < valued.size(); i++) {
      running = running.add((BigDecimal) valued.get(i).get(1));
      out.put(valued.get(i).getString(0), new Ranked(i + 1L, running, (long) valued.size(), total));
    }
    for (Row r : rows)
      if (r.isNullAt(1)) out.put(r.getString(0), new Ranked(null, null, null, null));
    return out;
  }

  private static Row money(String id, Integer value) {
    return RowFactory.create(id, value == null ? null : new BigDecimal(value).setScale(2));
  }

  private static void assertRanks(SparkSession spark, List<Row> rows) {
    Map<String, Ranked> actual = ranks(frame(spark, Money.AMOUNT, rows));
    Map<String, Ranked> expected = expected(rows);
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    for (String id : expected.keySet()) {
      Ranked a = actual.get(id);
      Ranked e = expected.get(id);
      assertThat(a.rank()).as("rank of %s", id).isEqualTo(e.rank());
      assertThat(a.n()).as("n of %s", id).isEqualTo(e.n());
      if (e.running() == null) {
        assertThat(a.running()).as("running of %s", id).isNull();
        assertThat(a.total()).as("total of %s", id).isNull();
      } else {
        assertThat(a.running()).as("running of %s", id).isEqualByComparingTo(e.running());
        assertThat(a.total()).as("total of %s", id).isEqualByComparingTo(e.total());
      }
    }
  }

  @Test
  void singleRow(SparkSession spark) {
    assertRanks(spark, List.of(money("a", 10)));
  }

  @Test
  void allEqualValuesRankByIdOnly(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) rows.add(money(String.format("c%02d", (i * 37) % 60), 5));
    assertRanks(spark, rows);
  }

  @Test
  void tiesSpanningEdgesValuesOnEdgesAndNulls(SparkSession spark) {
    // Few distinct values over many rows: each value is hundreds of the 999 edges, so every
    // value equals an edge and its ties span many edges; a skew puts most rows in one value.
    Random random = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      Integer v =
          switch (random.nextInt(10)) {
            case 0 -> null;
            case 1, 2, 3, 4, 5 -> 40;
            default -> random.nextInt(12) - 2; // includes 0 and negatives
          };
      rows.add(money(String.format("c%04d", random.nextInt(1_000_000)) + "-" + i, v));
    }
    assertRanks(spark, rows);
  }

  @Test
  void onlyNullsRankNothing(SparkSession spark) {
    assertRanks(spark, List.of(money("a", null), money("b", null)));
  }

  @Test
  void nanRanksAboveEveryNumberAsInSparkOrdering(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    double[] values = {3.0, Double.NaN, 1.0, Double.NaN, Double.POSITIVE_INFINITY, 3.0, -1.0};
    for (int i = 0; i < values.length; i++) rows.add(RowFactory.create("c" + i, values[i]));
    rows.add(RowFactory.create("c9", null));
    Map<String, Long> rank = new HashMap<>();
    for (Row r :
        Tiering.rank(frame(spark, DataTypes.DoubleType, rows), col("v"), "id", OUT)
            .collectAsList()) {
      rank.put(r.getAs("id"), r.getAs(OUT.rank()));
    }
    Map<String, Long> expected = new HashMap<>();
    expected.put("c1", 1L);
    expected.put("c3", 2L);
    expected.put("c4", 3L);
    expected.put("c0", 4L);
    expected.put("c5", 5L);
    expected.put("c2", 6L);
    expected.put("c6", 7L);
    expected.put("c9", null);
    assertThat(rank).isEqualTo(expected);
  }

  @Test
  void bucketSearchCountsTheEdgesAboveLikeAFilter(SparkSession spark) {
    Random random = new Random(11);
    int[] sizes = {0, 1, 2, 3, 7, 511, 512, 513, 999, 1000, 1023};
    List<Row> rows = new ArrayList<>();
    for (int s : sizes) {
      List<Double> edges = new ArrayList<>();
      for (int i = 0; i < s; i++) edges.add((double) random.nextInt(8));
      if (s > 2) {
        edges.set(s - 1, Double.POSITIVE_INFINITY);
        if (s > 3) edges.set(s - 2, Double.NaN);
      }
      edges.sort(Comparator.comparing((Double d) -> d, Double::compare));
      for (Double v :
          new Double[] {
            null,
            Double.NaN,
            Double.NEGATIVE_INFINITY,
            Double.POSITIVE_INFINITY,
            -1.0,
            0.0,
            0.5,
            3.0,
            3.5,
            7.0,
            8.0
          }) {
        rows.add(RowFactory.create(edges, v));
      }
    }
    rows.add(RowFactory.create(null, 1.0));
    StructType schema =
        new StructType()
            .add("edges", DataTypes.createArrayType(DataTypes.DoubleType, false), true)
            .add("v", DataTypes.DoubleType, true);
    Dataset<Row> searched =
        Tiering.edgesAbove(spark.createDataFrame(rows, schema), "edges", col("v"), "above")
            .withColumn(
                "counted",
                when(
                    col("v").isNotNull(),
                    coalesce(size(filter(col("edges"), e -> e.gt(col("v")))), lit(0))));
    List<Row> differ =
        searched.where(col("above").eqNullSafe(col("counted")).unary_$bang()).collectAsList();
    assertThat(differ).isEmpty();
    assertThat(searched.count()).isEqualTo(rows.size());
  }
}
