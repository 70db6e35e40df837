package dev.clientele.segment;

import static org.apache.spark.sql.functions.col;

import dev.clientele.common.columns.CustomerSegmentsColumns;
import dev.clientele.common.columns.TierCutpointsColumns;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.RunLog;
import dev.clientele.common.table.Table;
import dev.clientele.common.columns.FeaturesColumns;
import dev.clientele.tiering.Tiering;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code segment} job: reads the as-of snapshot of {@code customer_features} (never
 * transactions) and writes {@code customer_segments} (one row per customer: RFM, lifecycle,
 * activity, target flag, preference, each with a reason) and its RFM cut points to {@code
 * tier_cutpoints} (dimensions {@value RfmScores#R_CUTS}, {@value RfmScores#F_CUTS}, {@value
 * RfmScores#M_CUTS}), each as one replaced snapshot.
 */
public final class SegmentJob implements ClienteleJob {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentJob.class);
  static final List<String> DIMENSIONS = List.of(RfmScores.R_CUTS, RfmScores.F_CUTS, RfmScores.M_CUTS);

  private final SegmentRules rules;

  public SegmentJob(SegmentRules rules) {
    this.rules = rules;
  }

  /** {@code customer_segments} rows from {@code customer_features} rows of one as-of date. */
  public static Dataset<Row> segments(Dataset<Row> features, SegmentRules rules) {
    Dataset<Row> withCuts = Tiering.withCuts(features, RfmScores.cutPoints(features, rules.rfm()));
    Dataset<Row> labelled =
        PreferenceClasses.label(
            LifecycleStages.label(RfmScores.score(withCuts, rules.rfm()), rules), rules.preference());
    return labelled
        .withColumn(CustomerSegmentsColumns.FREQUENCY, col(FeaturesColumns.ORDER_COUNT))
        .withColumn(CustomerSegmentsColumns.MONETARY, col(FeaturesColumns.NET_SPEND))
        .select(
            Arrays.stream(CustomerSegmentsColumns.SCHEMA.fieldNames()).map(c -> col(c)).toArray(Column[]::new));
  }

  /** {@code tier_cutpoints} rows (the RFM cut points) for the features of one as-of date. */
  public static Dataset<Row> cutpoints(Dataset<Row> features, java.time.LocalDate asOf, SegmentRules rules) {
    List<String> names = Tiering.percentileNames(Tiering.equalShares(rules.rfm().scores()));
    return Tiering.cutPointRows(
        RfmScores.cutPoints(features, rules.rfm()),
        org.apache.spark.sql.functions.lit(java.sql.Date.valueOf(asOf)),
        DIMENSIONS.stream().map(d -> new Tiering.CutArray(d, d, names)).toList(),
        List.of());
  }

  @Override
  public void run(SparkSession spark, RunContext run) {
    Instant started = Instant.now();
    String featuresPath = run.tables().path(Table.CUSTOMER_FEATURES);
    if (!DeltaIO.exists(spark, featuresPath)) {
      throw new JobFailure("customer_features does not exist at " + featuresPath + "; run 'clientele features' first.");
    }
    Dataset<Row> features = DeltaIO.readSnapshot(spark, featuresPath, run.asOf());
    long customers = features.count();
    if (customers == 0) {
      throw new JobFailure(
          "customer_features has no snapshot for as-of " + run.asOf() + "; run 'clientele features --as-of " + run.asOf() + "' first.");
    }
    String segmentsPath = run.tables().path(Table.CUSTOMER_SEGMENTS);
    String cutsPath = run.tables().path(Table.TIER_CUTPOINTS);
    DeltaIO.replaceSnapshot(segments(features, rules), segmentsPath, run.asOf());
    DeltaIO.replaceSnapshotSlice(
        cutpoints(features, run.asOf(), rules), cutsPath, run.asOf(), TierCutpointsColumns.DIMENSION, DIMENSIONS);
    LOG.info("Segmented {} customers as of {}", customers, run.asOf());
    RunLog.record(
        spark,
        run,
        List.of(
            new RunLog.Entry(
                "segment", "succeeded", customers, customers, null, null, started, Instant.now(), null,
                Map.of(
                    Table.CUSTOMER_SEGMENTS.tableName, DeltaIO.version(spark, segmentsPath),
                    Table.TIER_CUTPOINTS.tableName, DeltaIO.version(spark, cutsPath)))));
  }
}
