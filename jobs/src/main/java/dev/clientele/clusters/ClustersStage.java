package dev.clientele.clusters;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.job.Stage;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import java.io.IOException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code clusters} stage: assigns every customer of the as-of {@code customer_features}
 * snapshot to a behavioural cluster. Refits (recording every candidate k's silhouette in {@code
 * cluster_fits} and saving the model under the warehouse's artefacts) when the last model is at
 * least {@code refit-every-days} older than the as-of, else reuses it; then replaces the as-of
 * snapshots of {@code customer_clusters} (one row per customer) and {@code cluster_profiles} (one
 * row per cluster and feature).
 */
public final class ClustersStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(ClustersStage.class);

  private final ClusterRules rules;

  public ClustersStage(ClusterRules rules) {
    this.rules = rules;
  }

  /** The last selected model as of a date: where it is, its stable ids and when it was fitted. */
  record SavedModel(String path, int[] idMap, java.time.LocalDate asOf) {}

  @Override
  public String name() {
    return "clusters";
  }

  @Override
  public List<Table> inputs() {
    return List.of(Table.CUSTOMER_FEATURES);
  }

  @Override
  public Table output() {
    return Table.CUSTOMER_CLUSTERS;
  }

  /**
   * Fits or reuses the model and writes {@code cluster_profiles} (the fit's description, k rows per
   * feature) at once; the labels read the same persisted assignment.
   */
  @Override
  public Output apply(RunContext context, Map<Table, Dataset<Row>> inputs) {
    Dataset<Row> features =
        inputs
            .get(Table.CUSTOMER_FEATURES)
            .where(
                col(FeaturesColumns.IS_PROSPECT)
                    .isNull()
                    .or(col(FeaturesColumns.IS_PROSPECT).equalTo(false)))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      if (features.isEmpty()) {
        throw new JobFailure(
            "customer_features has no customers with purchases for as-of " + context.asOf() + ".");
      }
      SparkSession spark = features.sparkSession();
      String fitsPath = context.tables().path(Table.CLUSTER_FITS);
      SavedModel last = lastModel(spark, fitsPath, context.asOf());
      PipelineModel model;
      int[] idMap;
      // The rules on the features the model is built on (all-null ones are left out of a fit).
      ClusterRules used;
      if (last != null
          && ChronoUnit.DAYS.between(last.asOf(), context.asOf()) < rules.refitEveryDays()) {
        LOG.info("Reusing the cluster model fitted for {} at {}", last.asOf(), last.path());
        model = PipelineModel.load(last.path());
        idMap = last.idMap();
        used = rules.onFeatures(BehaviourClusters.featuresOf(model));
      } else {
        used = BehaviourClusters.onFilledFeatures(features, rules);
        Dataset<Row> input =
            features
                .repartition(used.fitPartitions(), col(FeaturesColumns.CUSTOMER_ID))
                .sortWithinPartitions(FeaturesColumns.CUSTOMER_ID);
        BehaviourClusters.Fit fit = BehaviourClusters.fit(input, used);
        model = fit.model();
        idMap =
            last == null
                ? java.util.stream.IntStream.range(0, fit.k()).toArray()
                : BehaviourClusters.stableIds(
                    features, model, PipelineModel.load(last.path()), last.idMap());
        String path =
            context
                .tables()
                .artefactPath("cluster-models/" + context.asOf() + "-" + context.runId());
        try {
          model.write().overwrite().save(path);
        } catch (IOException e) {
          throw new JobFailure("could not save the cluster model at " + path + ": " + e, e);
        }
        DeltaIO.append(fitRows(spark, fit, idMap, path, context), fitsPath);
        LOG.info(
            "Refitted clusters for {}: k={} silhouettes {} ids {}",
            context.asOf(),
            fit.k(),
            fit.silhouettes(),
            java.util.Arrays.toString(idMap));
      }
      Dataset<Row> assigned =
          BehaviourClusters.assign(features, model, idMap, used)
              .persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> profiles =
          BehaviourClusters.profiles(assigned, used).persist(StorageLevel.MEMORY_AND_DISK());
      Date asOf = Date.valueOf(context.asOf());
      DeltaIO.replaceSnapshot(
          profiles.withColumn(ClustersColumns.AS_OF, lit(asOf)),
          context.tables().path(Table.CLUSTER_PROFILES),
          context.asOf());
      return Output.of(
              BehaviourClusters.labelled(assigned, profiles)
                  .withColumn(ClustersColumns.AS_OF, lit(asOf)))
          .releasing(profiles)
          .releasing(assigned)
          .releasing(features);
    } catch (RuntimeException e) {
      features.unpersist();
      throw e;
    }
  }

  /** The latest selected fit with as_of ≤ {@code asOf}, or null. */
  static SavedModel lastModel(SparkSession spark, String fitsPath, java.time.LocalDate asOf) {
    if (!DeltaIO.exists(spark, fitsPath)) return null;
    List<Row> rows =
        DeltaIO.read(spark, fitsPath)
            .where(
                col(ClustersColumns.SELECTED)
                    .and(col(ClustersColumns.AS_OF).leq(lit(Date.valueOf(asOf)))))
            .orderBy(col(ClustersColumns.AS_OF).desc(), col(ClustersColumns.FITTED_AT).desc())
            .limit(1)
            .collectAsList();
    if (rows.isEmpty()) return null;
    Row r = rows.get(0);
    List<Integer> ids = r.getList(r.fieldIndex(ClustersColumns.ID_MAP));
    return new SavedModel(
        r.getString(r.fieldIndex(ClustersColumns.MODEL_PATH)),
        ids.stream().mapToInt(Integer::intValue).toArray(),
        r.getDate(r.fieldIndex(ClustersColumns.AS_OF)).toLocalDate());
  }

  private Dataset<Row> fitRows(
      SparkSession spark, BehaviourClusters.Fit fit, int[] idMap, String path, RunContext context) {
    List<Row> rows = new ArrayList<>();
    Timestamp now = Timestamp.from(Instant.now());
    for (Map.Entry<Integer, Double> e : fit.silhouettes().entrySet()) {
      boolean selected = e.getKey() == fit.k();
      rows.add(
          RowFactory.create(
              Date.valueOf(context.asOf()),
              context.runId(),
              rules.algorithm(),
              e.getKey(),
              e.getValue(),
              selected,
              fit.pcaComponents(),
              fit.explainedVariance(),
              selected ? path : null,
              selected
                  ? scala.jdk.javaapi.CollectionConverters.asScala(
                          java.util.Arrays.stream(idMap).boxed().toList())
                      .toSeq()
                  : null,
              now));
    }
    return spark.createDataFrame(rows, ClustersColumns.FITS_SCHEMA);
  }
}
