package dev.clientele.clusters;

import static org.apache.spark.sql.types.DataTypes.createStructField;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code customer_clusters}: one row per customer and {@code as_of}. {@code cluster_profiles}: one
 * row per as-of, cluster and feature. {@code cluster_fits}: one row per refit and candidate k.
 */
public final class ClustersColumns {
  private ClustersColumns() {}

  public static final String AS_OF = "as_of";
  public static final String CUSTOMER_ID = "customer_id";

  /**
   * Stable across refits: a refit's clusters take the ids of the previous model's nearest
   * centroids.
   */
  public static final String CLUSTER_ID = "cluster_id";

  /**
   * Generated from the cluster's distinctive features, e.g. "high spend, low frequency,
   * brand-loyal"; "average" if none.
   */
  public static final String CLUSTER_LABEL = "cluster_label";

  /** Why the label, in the reason grammar: {@code nearest_centroid:cluster_id=3}. */
  public static final String CLUSTER_LABEL_REASON = "cluster_label_reason";

  // cluster_profiles
  public static final String CUSTOMERS = "customers";

  /** Cluster customers / all customers, 0..1. */
  public static final String SHARE = "share";

  public static final String FEATURE = "feature";

  /** Mean of the raw feature in the cluster and overall (nulls ignored). */
  public static final String CLUSTER_MEAN = "cluster_mean";

  public static final String OVERALL_MEAN = "overall_mean";

  /**
   * (cluster mean − overall mean) / overall standard deviation, on the imputed and log-scaled
   * feature.
   */
  public static final String Z_SCORE = "z_score";

  // cluster_fits
  public static final String RUN_ID = "run_id";
  public static final String ALGORITHM = "algorithm";
  public static final String K = "k";

  /** Silhouette (squared Euclidean) of this k on the fit data. */
  public static final String SILHOUETTE = "silhouette";

  /** True for the k kept, whose model was saved. */
  public static final String SELECTED = "selected";

  /** Principal components kept (0 without PCA) and the variance share they explain. */
  public static final String PCA_COMPONENTS = "pca_components";

  public static final String EXPLAINED_VARIANCE = "explained_variance";

  /** Where the fitted PipelineModel is saved; reused for scoring until the next refit. */
  public static final String MODEL_PATH = "model_path";

  /** Stable cluster id of each raw model cluster index (selected rows only). */
  public static final String ID_MAP = "id_map";

  public static final String FITTED_AT = "fitted_at";

  public static final StructType FITS_SCHEMA =
      new StructType()
          .add(createStructField(AS_OF, DataTypes.DateType, false))
          .add(createStructField(RUN_ID, DataTypes.StringType, false))
          .add(createStructField(ALGORITHM, DataTypes.StringType, false))
          .add(createStructField(K, DataTypes.IntegerType, false))
          .add(createStructField(SILHOUETTE, DataTypes.DoubleType, false))
          .add(createStructField(SELECTED, DataTypes.BooleanType, false))
          .add(createStructField(PCA_COMPONENTS, DataTypes.IntegerType, false))
          .add(createStructField(EXPLAINED_VARIANCE, DataTypes.DoubleType, true))
          .add(createStructField(MODEL_PATH, DataTypes.StringType, true))
          .add(
              createStructField(
                  ID_MAP, DataTypes.createArrayType(DataTypes.IntegerType, false), true))
          .add(createStructField(FITTED_AT, DataTypes.TimestampType, false));
}
