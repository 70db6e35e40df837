package dev.clientele.clusters;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.stddev_pop;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.spark.Concurrently;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.clustering.BisectingKMeans;
import org.apache.spark.ml.clustering.BisectingKMeansModel;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.ImputerModel;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Behavioural clusters over {@code customer_features}: an MLlib pipeline of median imputation → log
 * scaling of skewed features → standard scaling → optional PCA (the fewest components explaining
 * the configured variance share) → KMeans or BisectingKMeans with k chosen from a range by
 * silhouette. Cluster ids are made stable across refits ({@link #stableIds}) and each cluster gets
 * a generated profile and label ({@link #profiles}).
 */
public final class BehaviourClusters {
  private static final Logger LOG = LoggerFactory.getLogger(BehaviourClusters.class);

  /** The clustering space (scaled, after PCA if any) and the model's raw cluster index. */
  static final String SPACE = "_space";

  static final String RAW_CLUSTER = "_cluster";
  private static final String VECTOR = "_vector";
  private static final String SCALED = "_scaled";

  /**
   * Words for a distinctive high / low cluster mean of known features; others read "high f" / "low
   * f".
   */
  static final Map<String, String[]> WORDS = new LinkedHashMap<>();

  static {
    WORDS.put(FeaturesColumns.NET_SPEND, new String[] {"high spend", "low spend"});
    WORDS.put(
        FeaturesColumns.LIFETIME_NET_SPEND,
        new String[] {"high lifetime spend", "low lifetime spend"});
    WORDS.put(FeaturesColumns.ORDER_COUNT, new String[] {"high frequency", "low frequency"});
    WORDS.put(FeaturesColumns.RECENCY_DAYS, new String[] {"lapsed", "recent"});
    WORDS.put(FeaturesColumns.AOV, new String[] {"big baskets", "small baskets"});
    WORDS.put(FeaturesColumns.DISCOUNT_SHARE, new String[] {"discount-driven", "full-price"});
    WORDS.put(FeaturesColumns.TOP_BRAND_SHARE, new String[] {"brand-loyal", "brand-switching"});
    WORDS.put(FeaturesColumns.CATEGORY_COUNT, new String[] {"broad range", "narrow range"});
  }

  /** The chosen model and how it was chosen. */
  public record Fit(
      PipelineModel model,
      int k,
      int pcaComponents,
      Double explainedVariance,
      Map<Integer, Double> silhouettes) {}

  private BehaviourClusters() {}

  static String asDouble(String f) {
    return "_d_" + f;
  }

  static String imputed(String f) {
    return "_i_" + f;
  }

  /** The column a feature enters the scaler as (and is profiled on): log-scaled or just imputed. */
  static String scaledInput(String f, ClusterRules rules) {
    return rules.logFeatures().contains(f) ? "_l_" + f : imputed(f);
  }

  /**
   * The rules on the features that have a value for at least one customer of {@code features}: a
   * feature null for everyone (a log without a brand column leaves top_brand_share null) has no
   * median to impute and no spread to cluster on, so it is left out with a warning naming it. One
   * aggregation row, whatever the number of customers.
   *
   * @throws JobFailure when every feature is null for everyone
   */
  public static ClusterRules onFilledFeatures(Dataset<Row> features, ClusterRules rules) {
    Row filled =
        features
            .agg(
                count(lit(1)),
                rules.features().stream().map(f -> count(col(f))).toArray(Column[]::new))
            .first();
    List<String> kept = new ArrayList<>();
    List<String> empty = new ArrayList<>();
    for (int i = 0; i < rules.features().size(); i++) {
      (filled.getLong(i + 1) > 0 ? kept : empty).add(rules.features().get(i));
    }
    if (empty.isEmpty()) return rules;
    if (kept.isEmpty()) {
      throw new JobFailure(
          "Every clusters feature "
              + empty
              + " is null for all "
              + filled.getLong(0)
              + " customers: set clientele.clusters.features to customer_features columns the"
              + " log fills.");
    }
    LOG.warn(
        "Clusters: {} null for all {} customers (the log has no such data), left out of the fit;"
            + " remove it from clientele.clusters.features to silence this",
        String.join(", ", empty) + (empty.size() == 1 ? " is" : " are"),
        filled.getLong(0));
    return rules.onFeatures(kept);
  }

  /**
   * The features a fitted model was built on (its imputer's inputs), for scoring with a reused
   * model whose fit left some feature out.
   */
  public static List<String> featuresOf(PipelineModel model) {
    for (Transformer stage : model.stages()) {
      if (stage instanceof PipelineModel inner) {
        List<String> found = featuresOf(inner);
        if (!found.isEmpty()) return found;
      } else if (stage instanceof ImputerModel imputer) {
        return java.util.Arrays.stream(imputer.getInputCols())
            .map(c -> c.substring(asDouble("").length()))
            .toList();
      }
    }
    return List.of();
  }

  /** cast → impute → log → assemble → standardise (no PCA yet). */
  static List<PipelineStage> preparation(ClusterRules rules) {
    List<String> casts = new ArrayList<>(), logs = new ArrayList<>();
    for (String f : rules.features())
      casts.add("CAST(`" + f + "` AS DOUBLE) AS `" + asDouble(f) + "`");
    for (String f : rules.logFeatures())
      logs.add("LOG1P(GREATEST(`" + imputed(f) + "`, 0D)) AS `" + scaledInput(f, rules) + "`");
    String[] doubles =
        rules.features().stream().map(BehaviourClusters::asDouble).toArray(String[]::new);
    String[] imputedCols =
        rules.features().stream().map(BehaviourClusters::imputed).toArray(String[]::new);
    String[] assembled =
        rules.features().stream().map(f -> scaledInput(f, rules)).toArray(String[]::new);
    List<PipelineStage> stages = new ArrayList<>();
    stages.add(
        new SQLTransformer()
            .setStatement("SELECT *, " + String.join(", ", casts) + " FROM __THIS__"));
    stages.add(
        new Imputer().setStrategy("median").setInputCols(doubles).setOutputCols(imputedCols));
    if (!logs.isEmpty())
      stages.add(
          new SQLTransformer()
              .setStatement("SELECT *, " + String.join(", ", logs) + " FROM __THIS__"));
    stages.add(new VectorAssembler().setInputCols(assembled).setOutputCol(VECTOR));
    stages.add(
        new StandardScaler()
            .setWithMean(true)
            .setWithStd(true)
            .setInputCol(VECTOR)
            .setOutputCol(SCALED));
    return stages;
  }

  /**
   * Fits the preparation and PCA, then one clusterer per k in the range, keeping the best
   * silhouette (ties: smaller k). {@code input} should be deterministically partitioned and ordered
   * (the job hash-partitions by customer and sorts) so the fit does not depend on the input's
   * split.
   */
  public static Fit fit(Dataset<Row> input, ClusterRules rules) {
    List<PipelineStage> stages = preparation(rules);
    int dims = rules.features().size();
    int components = 0;
    Double explained = null;
    if (rules.pcaVarianceShare() > 0) {
      List<PipelineStage> withFullPca = new ArrayList<>(stages);
      withFullPca.add(new PCA().setK(dims).setInputCol(SCALED).setOutputCol(SPACE));
      PipelineModel full =
          new Pipeline().setStages(withFullPca.toArray(PipelineStage[]::new)).fit(input);
      double[] variance =
          ((PCAModel) full.stages()[full.stages().length - 1]).explainedVariance().toArray();
      double cumulative = 0;
      for (double v : variance) {
        components++;
        cumulative += v;
        if (cumulative >= rules.pcaVarianceShare() - 1e-12) break;
      }
      explained = cumulative;
      stages.add(new PCA().setK(components).setInputCol(SCALED).setOutputCol(SPACE));
    } else {
      stages.add(
          new SQLTransformer()
              .setStatement("SELECT *, `" + SCALED + "` AS `" + SPACE + "` FROM __THIS__"));
    }
    PipelineModel prepared =
        new Pipeline().setStages(stages.toArray(PipelineStage[]::new)).fit(input);
    Dataset<Row> space =
        prepared.transform(input).select(SPACE).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      ClusteringEvaluator evaluator =
          new ClusteringEvaluator()
              .setFeaturesCol(SPACE)
              .setPredictionCol(RAW_CLUSTER)
              .setMetricName("silhouette");
      // The candidates fit at once, so one fit's driver-side latency between its many short jobs
      // overlaps another's tasks (about 10 of 58 s on run-local's two cores, docs/benchmarks.md).
      // Each fit is seeded and reads the same persisted space, so the result is the same.
      Map<String, Callable<Scored>> candidates = new LinkedHashMap<>();
      for (int k = rules.kMin(); k <= rules.kMax(); k++) {
        int candidate = k;
        candidates.put(
            "clusters k=" + k,
            () -> {
              Model<?> model = clusterer(rules, candidate).fit(space);
              return new Scored(candidate, model, evaluator.evaluate(model.transform(space)));
            });
      }
      Map<Integer, Double> silhouettes = new LinkedHashMap<>();
      Model<?> best = null;
      int bestK = -1;
      for (Scored scored : Concurrently.call(space.sparkSession(), candidates)) {
        silhouettes.put(scored.k(), scored.silhouette());
        if (best == null || scored.silhouette() > silhouettes.get(bestK)) {
          best = scored.model();
          bestK = scored.k();
        }
      }
      // A pipeline of fitted transformers: fit() just chains them, nothing is refitted.
      PipelineModel model =
          new Pipeline().setStages(new PipelineStage[] {prepared, best}).fit(input.limit(0));
      return new Fit(model, bestK, components, explained, silhouettes);
    } finally {
      space.unpersist();
    }
  }

  /** One candidate k's model and its silhouette. */
  private record Scored(int k, Model<?> model, double silhouette) {}

  private static org.apache.spark.ml.Estimator<? extends Model<?>> clusterer(
      ClusterRules rules, int k) {
    if (ClusterRules.BISECTING.equals(rules.algorithm())) {
      return new BisectingKMeans()
          .setK(k)
          .setSeed(rules.seed())
          .setMaxIter(rules.maxIterations())
          .setFeaturesCol(SPACE)
          .setPredictionCol(RAW_CLUSTER);
    }
    return new KMeans()
        .setK(k)
        .setSeed(rules.seed())
        .setMaxIter(rules.maxIterations())
        .setFeaturesCol(SPACE)
        .setPredictionCol(RAW_CLUSTER);
  }

  /** The centroids of a fitted model, indexed by raw cluster index. */
  public static double[][] centres(PipelineModel model) {
    Transformer last = model.stages()[model.stages().length - 1];
    Vector[] centres =
        last instanceof KMeansModel km
            ? km.clusterCenters()
            : ((BisectingKMeansModel) last).clusterCenters();
    double[][] out = new double[centres.length][];
    for (int i = 0; i < centres.length; i++) out[i] = centres[i].toArray();
    return out;
  }

  /**
   * Stable ids for a refitted model: the previous model assigns today's customers, the means of its
   * clusters in the new model's space are its centroids there, and the new centroids take the ids
   * of a minimum total squared-distance matching to them ({@link Hungarian}).
   */
  public static int[] stableIds(
      Dataset<Row> features, PipelineModel refit, PipelineModel previous, int[] previousIds) {
    Dataset<Row> withPrevious =
        previous
            .transform(features)
            .select(col(FeaturesColumns.CUSTOMER_ID), col(RAW_CLUSTER).as("_previous"));
    Dataset<Row> inNewSpace =
        refit.transform(features.join(withPrevious, FeaturesColumns.CUSTOMER_ID));
    List<Row> means =
        inNewSpace
            .groupBy("_previous")
            .agg(Summarizer.mean(col(SPACE)).as("_mean"))
            .orderBy("_previous")
            .collectAsList();
    double[][] previousCentres = new double[means.size()][];
    int[] ids = new int[means.size()];
    for (int i = 0; i < means.size(); i++) {
      previousCentres[i] = ((Vector) means.get(i).get(1)).toArray();
      ids[i] = previousIds[means.get(i).getInt(0)];
    }
    return Hungarian.stableIds(centres(refit), previousCentres, ids);
  }

  /**
   * customer_id, cluster_id and every feature's raw and scaled-input value (for {@link #profiles}),
   * one row per customer. {@code idMap} maps the model's raw cluster index to the stable id.
   */
  public static Dataset<Row> assign(
      Dataset<Row> features, PipelineModel model, int[] idMap, ClusterRules rules) {
    Column id = lit(idMap[idMap.length - 1]);
    for (int i = idMap.length - 2; i >= 0; i--)
      id = when(col(RAW_CLUSTER).equalTo(i), lit(idMap[i])).otherwise(id);
    List<Column> out = new ArrayList<>();
    out.add(col(FeaturesColumns.CUSTOMER_ID));
    out.add(id.as(ClustersColumns.CLUSTER_ID));
    for (String f : rules.features()) {
      out.add(col(asDouble(f)));
      out.add(col(scaledInput(f, rules)));
    }
    return model.transform(features).select(out.toArray(Column[]::new));
  }

  /**
   * cluster_profiles rows: cluster_id, cluster_label, customers, share, feature, cluster_mean,
   * overall_mean, z_score. The label joins the words of the features whose |z| reaches the
   * threshold, strongest first (ties by feature name), at most {@code label-terms}; "average" if
   * none.
   */
  public static Dataset<Row> profiles(Dataset<Row> assigned, ClusterRules rules) {
    List<Column> perFeature = new ArrayList<>();
    for (String f : rules.features()) {
      perFeature.add(
          struct(
              lit(f).as("f"), col(asDouble(f)).as("raw"), col(scaledInput(f, rules)).as("scaled")));
    }
    Dataset<Row> longFormat =
        assigned
            .select(
                col(ClustersColumns.CLUSTER_ID),
                explode(array(perFeature.toArray(Column[]::new))).as("_p"))
            .select(
                col(ClustersColumns.CLUSTER_ID),
                col("_p.f").as(ClustersColumns.FEATURE),
                col("_p.raw").as("raw"),
                col("_p.scaled").as("scaled"));
    Dataset<Row> overall =
        longFormat
            .groupBy(ClustersColumns.FEATURE)
            .agg(
                count(lit(1)).as("_all"),
                avg("raw").as(ClustersColumns.OVERALL_MEAN),
                avg("scaled").as("_overall_scaled"),
                stddev_pop("scaled").as("_sd"));
    Column z =
        when(
                col("_sd").gt(0),
                col("_cluster_scaled").minus(col("_overall_scaled")).divide(col("_sd")))
            .otherwise(0.0);
    Dataset<Row> profile =
        longFormat
            .groupBy(ClustersColumns.CLUSTER_ID, ClustersColumns.FEATURE)
            .agg(
                count(lit(1)).as(ClustersColumns.CUSTOMERS),
                avg("raw").as(ClustersColumns.CLUSTER_MEAN),
                avg("scaled").as("_cluster_scaled"))
            .join(org.apache.spark.sql.functions.broadcast(overall), ClustersColumns.FEATURE)
            .withColumn(ClustersColumns.Z_SCORE, z)
            .withColumn(ClustersColumns.SHARE, col(ClustersColumns.CUSTOMERS).divide(col("_all")));
    Column term =
        struct(
            // rounded so float noise cannot break a tie that the feature name should
            org.apache
                .spark
                .sql
                .functions
                .bround(abs(col(ClustersColumns.Z_SCORE)), 9)
                .unary_$minus()
                .as("strength"),
            col(ClustersColumns.FEATURE).as("feature"),
            word(col(ClustersColumns.FEATURE), col(ClustersColumns.Z_SCORE)).as("word"));
    Column terms =
        slice(
            array_sort(
                filter(
                    collect_list(term),
                    t -> t.getField("strength").leq(-rules.profileThreshold()))),
            1,
            rules.labelTerms());
    Dataset<Row> labels =
        profile
            .groupBy(ClustersColumns.CLUSTER_ID)
            .agg(terms.as("_terms"))
            .select(
                col(ClustersColumns.CLUSTER_ID),
                when(size(col("_terms")).equalTo(0), lit("average"))
                    .otherwise(array_join(transform(col("_terms"), t -> t.getField("word")), ", "))
                    .as(ClustersColumns.CLUSTER_LABEL));
    return profile
        .join(labels, ClustersColumns.CLUSTER_ID)
        .select(
            col(ClustersColumns.CLUSTER_ID),
            col(ClustersColumns.CLUSTER_LABEL),
            col(ClustersColumns.CUSTOMERS),
            col(ClustersColumns.SHARE),
            col(ClustersColumns.FEATURE),
            col(ClustersColumns.CLUSTER_MEAN),
            col(ClustersColumns.OVERALL_MEAN),
            col(ClustersColumns.Z_SCORE));
  }

  private static Column word(Column feature, Column z) {
    Column high = org.apache.spark.sql.functions.concat(lit("high "), feature);
    Column low = org.apache.spark.sql.functions.concat(lit("low "), feature);
    for (Map.Entry<String, String[]> e : WORDS.entrySet()) {
      high = when(feature.equalTo(e.getKey()), lit(e.getValue()[0])).otherwise(high);
      low = when(feature.equalTo(e.getKey()), lit(e.getValue()[1])).otherwise(low);
    }
    return when(z.gt(0), high).otherwise(low);
  }

  /**
   * customer_id, cluster_id, cluster_label, cluster_label_reason: the customer_clusters rows. The
   * reason, in the grammar of {@link dev.clientele.tiering.Reasons}, is {@code
   * nearest_centroid:cluster_id=3} (the label describes that cluster's profile).
   */
  public static Dataset<Row> labelled(Dataset<Row> assigned, Dataset<Row> profiles) {
    Dataset<Row> labels =
        profiles.select(ClustersColumns.CLUSTER_ID, ClustersColumns.CLUSTER_LABEL).distinct();
    return assigned
        .join(org.apache.spark.sql.functions.broadcast(labels), ClustersColumns.CLUSTER_ID)
        .select(
            col(FeaturesColumns.CUSTOMER_ID),
            col(ClustersColumns.CLUSTER_ID),
            col(ClustersColumns.CLUSTER_LABEL),
            dev.clientele.tiering.Reasons.of(
                    "nearest_centroid",
                    dev.clientele.tiering.Reasons.p(
                        ClustersColumns.CLUSTER_ID, col(ClustersColumns.CLUSTER_ID)))
                .as(ClustersColumns.CLUSTER_LABEL_REASON));
  }
}
