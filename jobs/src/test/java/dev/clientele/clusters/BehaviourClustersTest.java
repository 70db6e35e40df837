package dev.clientele.clusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.job.JobFailure;
import dev.clientele.testing.SparkTestExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Clustering recovers hidden behaviour groups and keeps ids when refitted on barely changed data.
 * 480 generated customers in four groups (kept small: the test machine's cores are shared).
 */
@ExtendWith(SparkTestExtension.class)
class BehaviourClustersTest {
  static final ClusterRules RULES =
      new ClusterRules(
          List.of("net_spend", "order_count", "recency_days", "discount_share", "top_brand_share"),
          List.of("net_spend", "order_count", "recency_days"),
          ClusterRules.KMEANS,
          2,
          6,
          0.9,
          50,
          42L,
          7,
          4,
          0.5,
          3);

  static final StructType SCHEMA =
      new StructType()
          .add("customer_id", DataTypes.StringType, false)
          .add("net_spend", DataTypes.createDecimalType(18, 2), true)
          .add("order_count", DataTypes.LongType, true)
          .add("recency_days", DataTypes.IntegerType, true)
          .add("discount_share", DataTypes.DoubleType, true)
          .add("top_brand_share", DataTypes.DoubleType, true);

  /** Group centres: spend, orders, recency days, discount share, brand share. */
  static final double[][] GROUPS = {
    {3000, 25, 10, 0.05, 0.8}, // loyal big spenders
    {150, 2, 300, 0.10, 0.3}, // lapsed one-offs
    {600, 12, 30, 0.60, 0.2}, // deal hunters
    {1200, 4, 60, 0.05, 0.9}, // brand-loyal occasional
  };

  /** Hidden group of customer i is i % 4; multiplicative noise of relative size {@code noise}. */
  static Dataset<Row> customers(
      SparkSession spark, int n, long seed, double noise, double jitter, long jitterSeed) {
    Random rng = new Random(seed), wiggle = new Random(jitterSeed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] g = GROUPS[i % GROUPS.length];
      double[] v = new double[g.length];
      for (int j = 0; j < g.length; j++) {
        v[j] = g[j] * Math.exp(noise * rng.nextGaussian()) * (1 + jitter * wiggle.nextGaussian());
      }
      rows.add(
          RowFactory.create(
              String.format("c%04d", i),
              i % 37 == 5
                  ? null
                  : new java.math.BigDecimal(v[0]).setScale(2, java.math.RoundingMode.HALF_UP),
              Math.max(1L, Math.round(v[1])),
              (int) Math.round(v[2]),
              Math.min(1.0, v[3]),
              Math.min(1.0, v[4])));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  @Test
  void hiddenGroupsAreRecoveredAndIdsSurviveARefitOnTheNextDaysData(SparkSession spark) {
    Dataset<Row> day1 = customers(spark, 480, 1L, 0.25, 0, 0).cache();
    BehaviourClusters.Fit fit = BehaviourClusters.fit(day1, RULES);
    System.out.println(
        "silhouettes by k: " + fit.silhouettes() + ", PCA components " + fit.pcaComponents());
    assertThat(fit.k()).isEqualTo(4);
    assertThat(fit.silhouettes()).containsOnlyKeys(2, 3, 4, 5, 6);
    assertThat(fit.pcaComponents()).isBetween(1, 5);
    assertThat(fit.explainedVariance()).isGreaterThanOrEqualTo(0.9);

    int[] identity = {0, 1, 2, 3};
    Map<String, Integer> first =
        clusters(BehaviourClusters.assign(day1, fit.model(), identity, RULES));
    int[] truth = new int[480], found = new int[480];
    for (int i = 0; i < 480; i++) {
      truth[i] = i % 4;
      found[i] = first.get(String.format("c%04d", i));
    }
    // bar: ARI ≥ 0.9 (the groups are separated by several noise widths in log space)
    assertThat(AdjustedRand.index(truth, found)).isGreaterThanOrEqualTo(0.9);

    // next day: every feature moves by ~1%, refit with another seed (raw indices may permute)
    Dataset<Row> day2 = customers(spark, 480, 1L, 0.25, 0.01, 99L).cache();
    ClusterRules reseeded =
        new ClusterRules(
            RULES.features(),
            RULES.logFeatures(),
            RULES.algorithm(),
            4,
            4,
            RULES.pcaVarianceShare(),
            RULES.maxIterations(),
            7L,
            RULES.refitEveryDays(),
            RULES.fitPartitions(),
            RULES.profileThreshold(),
            RULES.labelTerms());
    BehaviourClusters.Fit refit = BehaviourClusters.fit(day2, reseeded);
    int[] ids = BehaviourClusters.stableIds(day2, refit.model(), fit.model(), identity);
    Map<String, Integer> second =
        clusters(BehaviourClusters.assign(day2, refit.model(), ids, RULES));
    long kept =
        first.entrySet().stream().filter(e -> e.getValue().equals(second.get(e.getKey()))).count();
    assertThat(kept / 480.0).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void profilesCompareClusterMeansWithOverallAndNameTheClusters(SparkSession spark) {
    Dataset<Row> assigned =
        spark.sql(
            """
            SELECT * FROM VALUES
              ('a', 1, 1000D, LN(1001D), 2D, LN(3D), 0.9D, 0.9D),
              ('b', 1, 1000D, LN(1001D), 2D, LN(3D), 0.9D, 0.9D),
              ('c', 2, 10D, LN(11D), 20D, LN(21D), 0.5D, 0.5D),
              ('d', 2, 10D, LN(11D), 20D, LN(21D), 0.5D, 0.5D)
            AS t(customer_id, cluster_id, _d_net_spend, _l_net_spend, _d_order_count, _l_order_count, _d_top_brand_share, _i_top_brand_share)
            """);
    ClusterRules rules =
        new ClusterRules(
            List.of("net_spend", "order_count", "top_brand_share"),
            List.of("net_spend", "order_count"),
            ClusterRules.KMEANS,
            2,
            2,
            0,
            10,
            1L,
            7,
            1,
            0.5,
            3);
    List<Row> profiles =
        BehaviourClusters.profiles(assigned, rules)
            .orderBy("cluster_id", "feature")
            .collectAsList();
    assertThat(profiles).hasSize(6);
    Row spend1 = profiles.get(0);
    assertThat(spend1.getInt(0)).isEqualTo(1);
    // every feature is exactly one sd off the mean in a two-cluster split: strongest-first, ties by
    // feature name
    assertThat(spend1.getString(1)).isEqualTo("high spend, low frequency, brand-loyal");
    assertThat(spend1.getLong(2)).isEqualTo(2L);
    assertThat(spend1.getDouble(3)).isEqualTo(0.5);
    assertThat(spend1.getString(4)).isEqualTo("net_spend");
    assertThat(spend1.getDouble(5)).isEqualTo(1000.0);
    assertThat(spend1.getDouble(6)).isEqualTo(505.0);
    assertThat(spend1.getDouble(7)).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(profiles.get(3).getString(1))
        .isEqualTo("low spend, high frequency, brand-switching");
    Map<String, String> labels = new HashMap<>();
    for (Row r :
        BehaviourClusters.labelled(
                assigned.select("customer_id", "cluster_id"),
                BehaviourClusters.profiles(assigned, rules))
            .collectAsList()) {
      labels.put(r.getString(0), r.getString(2));
      assertThat(r.getString(3)).isEqualTo("nearest_centroid:cluster_id=" + r.getInt(1));
    }
    assertThat(labels)
        .containsEntry("a", "high spend, low frequency, brand-loyal")
        .containsEntry("d", "low spend, high frequency, brand-switching");
  }

  static Map<String, Integer> clusters(Dataset<Row> assigned) {
    Map<String, Integer> out = new HashMap<>();
    for (Row r : assigned.select("customer_id", "cluster_id").collectAsList())
      out.put(r.getString(0), r.getInt(1));
    return out;
  }

  /**
   * #19: a log without a brand column leaves top_brand_share null for everyone; MLlib's imputer
   * would fail the stage ("surrogate cannot be computed"). The feature is left out of the fit, and
   * a reused model scores on the features it was built on.
   */
  @Test
  void aFeatureNullForEveryCustomerIsLeftOutOfTheFit(SparkSession spark) {
    Dataset<Row> noBrand =
        customers(spark, 120, 3L, 0.25, 0, 0)
            .withColumn("top_brand_share", functions.lit(null).cast(DataTypes.DoubleType))
            .cache();

    ClusterRules used = BehaviourClusters.onFilledFeatures(noBrand, RULES);

    assertThat(used.features())
        .containsExactly("net_spend", "order_count", "recency_days", "discount_share");
    assertThat(used.logFeatures()).isEqualTo(RULES.logFeatures());
    BehaviourClusters.Fit fit = BehaviourClusters.fit(noBrand, used);
    assertThat(BehaviourClusters.featuresOf(fit.model())).isEqualTo(used.features());
    assertThat(
            BehaviourClusters.assign(noBrand, fit.model(), new int[] {0, 1, 2, 3, 4, 5}, used)
                .count())
        .isEqualTo(120);
    assertThat(BehaviourClusters.onFilledFeatures(customers(spark, 10, 3L, 0, 0, 0), RULES))
        .isSameAs(RULES);

    Dataset<Row> nothing =
        noBrand.select(
            functions.col("customer_id"),
            functions.lit(null).cast("decimal(18,2)").as("net_spend"),
            functions.lit(null).cast("long").as("order_count"),
            functions.lit(null).cast("int").as("recency_days"),
            functions.lit(null).cast("double").as("discount_share"),
            functions.lit(null).cast("double").as("top_brand_share"));
    assertThatThrownBy(() -> BehaviourClusters.onFilledFeatures(nothing, RULES))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "Every clusters feature [net_spend, order_count, recency_days, discount_share,"
                + " top_brand_share] is null for all 120 customers: set clientele.clusters.features"
                + " to customer_features columns the log fills.");
  }
}
