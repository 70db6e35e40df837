package dev.clientele.clusters;

import dev.clientele.common.config.Settings;
import java.util.List;
import java.util.Set;

/**
 * Bound {@code clientele.clusters} settings.
 *
 * @param features numeric {@code customer_features} columns the clusters are built on
 * @param logFeatures the subset scaled by log(1 + max(v, 0)) before standardising (skewed amounts,
 *     counts)
 * @param algorithm "kmeans" or "bisecting-kmeans"
 * @param kMin smallest k tried
 * @param kMax largest k tried; the k with the best silhouette wins (ties: the smaller k)
 * @param pcaVarianceShare keep the fewest principal components explaining at least this share of
 *     variance; 0 disables PCA
 * @param maxIterations clustering iterations per fit
 * @param seed clustering seed
 * @param refitEveryDays reuse the last fitted model for scoring until it is this many days older
 *     than the as-of
 * @param fitPartitions the fit input is hash-partitioned by customer into this many partitions and
 *     sorted, so a fit does not depend on how the input happened to be split
 * @param profileThreshold a cluster mean at least this many overall standard deviations from the
 *     overall mean names the cluster
 * @param labelTerms at most this many terms in a cluster label
 */
public record ClusterRules(
    List<String> features,
    List<String> logFeatures,
    String algorithm,
    int kMin,
    int kMax,
    double pcaVarianceShare,
    int maxIterations,
    long seed,
    int refitEveryDays,
    int fitPartitions,
    double profileThreshold,
    int labelTerms) {

  public static final String KMEANS = "kmeans";
  public static final String BISECTING = "bisecting-kmeans";

  public ClusterRules {
    features = List.copyOf(features);
    logFeatures = List.copyOf(logFeatures);
  }

  /** These rules on a subset of their features (the log features among them). */
  ClusterRules onFeatures(List<String> kept) {
    return new ClusterRules(
        kept,
        logFeatures.stream().filter(kept::contains).toList(),
        algorithm,
        kMin,
        kMax,
        pcaVarianceShare,
        maxIterations,
        seed,
        refitEveryDays,
        fitPartitions,
        profileThreshold,
        labelTerms);
  }

  public static ClusterRules from(Settings s) {
    List<String> features = s.strings("features");
    if (features.isEmpty() || Set.copyOf(features).size() != features.size()) {
      throw s.error(
          "features",
          "must list at least one distinct customer_features column, got " + features + ".");
    }
    List<String> logFeatures = s.strings("log-features");
    if (!features.containsAll(logFeatures)) {
      throw s.error(
          "log-features",
          "must be a subset of clientele.clusters.features "
              + features
              + ", got "
              + logFeatures
              + ".");
    }
    int kMin = s.intBetween("k-min", 2, 50);
    int kMax = s.intBetween("k-max", kMin, 50);
    return new ClusterRules(
        features,
        logFeatures,
        s.oneOf("algorithm", Set.of(KMEANS, BISECTING)),
        kMin,
        kMax,
        s.doubleBetween("pca-variance-share", 0, 1),
        s.intBetween("max-iterations", 1, 1000),
        s.longAtLeast("seed", 0),
        s.intBetween("refit-every-days", 0, 3650),
        s.intBetween("fit-partitions", 1, 100_000),
        s.doubleBetween("profile-threshold", 0, 10),
        s.intBetween("label-terms", 1, 10));
  }
}
