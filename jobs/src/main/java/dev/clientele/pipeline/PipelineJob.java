package dev.clientele.pipeline;

import dev.clientele.audience.AudienceRules;
import dev.clientele.clusters.ClusterRules;
import dev.clientele.clusters.ClustersJob;
import dev.clientele.clv.ClvJob;
import dev.clientele.clv.ClvRules;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.JobRunner;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.spark.Concurrently;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.features.FeatureRules;
import dev.clientele.features.FeaturesJob;
import dev.clientele.ingest.IngestConfig;
import dev.clientele.ingest.IngestJob;
import dev.clientele.publish.PublishJob;
import dev.clientele.publish.PublishRules;
import dev.clientele.satisfaction.SatisfactionJob;
import dev.clientele.satisfaction.SatisfactionRules;
import dev.clientele.segment.SegmentJob;
import dev.clientele.segment.SegmentRules;
import dev.clientele.value.ValueJob;
import dev.clientele.value.ValueRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole run in one Spark application: ingest → features → the aggregate stages concurrently
 * (each in its own FAIR scheduler pool, over the persisted feature table) → publish, which runs its
 * quality gates before anything is published. Progress is logged per stage with row counts and
 * elapsed time, and a one-screen summary ends the run. Any stage failing fails the run (exit 1)
 * before publish, so the published snapshot stays the previous one.
 */
public final class PipelineJob implements ClienteleJob {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineJob.class);

  /** One step: its name, the job, and the table whose as-of snapshot it writes (for the count). */
  public record Stage(String name, ClienteleJob job, Table output) {}

  /** What a finished stage reports in the summary. */
  public record StageResult(String name, double seconds, Long rows, Table output) {}

  /**
   * Told when each phase starts and finishes: a sequential stage under its name, the concurrent
   * stages together as one phase named "segment+value+..." (the benchmark samples memory per
   * phase).
   */
  public interface PhaseListener {
    void started(String phase);

    void finished(String phase);
  }

  private static final PhaseListener NO_LISTENER =
      new PhaseListener() {
        @Override
        public void started(String phase) {}

        @Override
        public void finished(String phase) {}
      };

  private final List<Stage> before;
  private final List<Stage> parallel;
  private final List<Stage> after;
  private final List<StageResult> results = new ArrayList<>();
  private PhaseListener listener = NO_LISTENER;

  /**
   * @param before stages run in order first (ingest, features)
   * @param parallel stages run concurrently (segment, value, satisfaction, ...)
   * @param after stages run in order last (publish)
   */
  public PipelineJob(List<Stage> before, List<Stage> parallel, List<Stage> after) {
    this.before = before;
    this.parallel = parallel;
    this.after = after;
  }

  /** Reports phase starts and ends to {@code listener} (one listener; null for none). */
  public PipelineJob listen(PhaseListener listener) {
    this.listener = listener == null ? NO_LISTENER : listener;
    return this;
  }

  @Override
  public void run(SparkSession spark, RunContext run) throws Exception {
    long started = System.nanoTime();
    for (Stage stage : before)
      results.add(inPhase(stage.name(), () -> runStage(spark, run, stage)));
    if (!parallel.isEmpty()) {
      String phase = String.join("+", parallel.stream().map(Stage::name).toList());
      results.addAll(inPhase(phase, () -> runConcurrently(spark, run, parallel)));
    }
    for (Stage stage : after) results.add(inPhase(stage.name(), () -> runStage(spark, run, stage)));
    LOG.info("\n{}", summary(run, results, (System.nanoTime() - started) / 1e9));
  }

  /** The results so far, in stage order (for the summary and tests). */
  public List<StageResult> results() {
    return List.copyOf(results);
  }

  private <T> T inPhase(String phase, java.util.concurrent.Callable<T> body) throws Exception {
    listener.started(phase);
    try {
      return body.call();
    } finally {
      listener.finished(phase);
    }
  }

  private static List<StageResult> runConcurrently(
      SparkSession spark, RunContext run, List<Stage> stages) {
    Map<String, Callable<StageResult>> tasks = new LinkedHashMap<>();
    for (Stage stage : stages) tasks.put(stage.name(), () -> runStage(spark, run, stage));
    try {
      return Concurrently.call(spark, tasks);
    } catch (JobFailure e) {
      throw new JobFailure("stage(s) failed, nothing published: " + e.getMessage(), e);
    }
  }

  private static StageResult runStage(SparkSession spark, RunContext run, Stage stage)
      throws Exception {
    LOG.info("Stage '{}' started", stage.name());
    long t0 = System.nanoTime();
    try {
      stage.job().run(spark, run);
    } catch (JobFailure e) {
      throw new JobFailure("stage '" + stage.name() + "': " + e.getMessage(), e);
    }
    Long rows = null;
    if (stage.output() != null && DeltaIO.exists(spark, run.tables().path(stage.output()))) {
      rows = DeltaIO.readSnapshot(spark, run.tables().path(stage.output()), run.asOf()).count();
    }
    StageResult result =
        new StageResult(stage.name(), (System.nanoTime() - t0) / 1e9, rows, stage.output());
    LOG.info(
        "Stage '{}' finished in {}{}",
        stage.name(),
        JobRunner.elapsed(t0),
        rows == null
            ? ""
            : String.format(Locale.ROOT, ": %,d rows in %s", rows, stage.output().tableName));
    return result;
  }

  static String summary(RunContext run, List<StageResult> results, double totalSeconds) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Clientele pipeline %s, as of %s: done in %.1f s%n",
            run.runId(),
            run.asOf(),
            totalSeconds));
    out.append(
        String.format(Locale.ROOT, "  %-14s %9s %12s  %s%n", "stage", "seconds", "rows", "table"));
    for (StageResult r : results) {
      out.append(
          String.format(
              Locale.ROOT,
              "  %-14s %9.1f %12s  %s%n",
              r.name(),
              r.seconds(),
              r.rows() == null ? "-" : String.format(Locale.ROOT, "%,d", r.rows()),
              r.output() == null ? "" : run.tables().path(r.output())));
    }
    return out.toString();
  }

  /** Binds every stage's config (all errors surface before Spark) and wires the stages. */
  public static PipelineJob from(ClienteleConfig config) {
    return from(config, true);
  }

  /**
   * {@link #from(ClienteleConfig)}, with or without ingest (a backfill publishes what is already
   * ingested).
   */
  public static PipelineJob from(ClienteleConfig config, boolean ingest) {
    SatisfactionRules satisfaction = SatisfactionRules.from(config.at("clientele.satisfaction"));
    List<Stage> before = new ArrayList<>();
    if (ingest) {
      before.add(
          new Stage(
              "ingest",
              new IngestJob(IngestConfig.from(config.at("clientele.ingest"), System::getenv)),
              null));
    }
    before.add(
        new Stage(
            "features",
            new FeaturesJob(FeatureRules.from(config.at("clientele"))),
            Table.CUSTOMER_FEATURES));
    List<Stage> parallel = new ArrayList<>();
    parallel.add(
        new Stage(
            "segment",
            new SegmentJob(SegmentRules.from(config.at("clientele"))),
            Table.CUSTOMER_SEGMENTS));
    parallel.add(
        new Stage(
            "value", new ValueJob(ValueRules.from(config.at("clientele"))), Table.CUSTOMER_VALUES));
    parallel.add(
        new Stage("satisfaction", new SatisfactionJob(satisfaction), Table.CUSTOMER_SATISFACTION));
    if (config.at("clientele.pipeline").bool("clusters")) {
      parallel.add(
          new Stage(
              "clusters",
              new ClustersJob(ClusterRules.from(config.at("clientele.clusters"))),
              Table.CUSTOMER_CLUSTERS));
    }
    if (config.at("clientele.pipeline").bool("clv")) {
      parallel.add(
          new Stage(
              "clv", new ClvJob(ClvRules.from(config.at("clientele.clv"))), Table.CUSTOMER_CLV));
    }
    List<Stage> after =
        List.of(
            new Stage(
                "publish",
                new PublishJob(
                    PublishRules.from(config.at("clientele.publish")),
                    satisfaction,
                    AudienceRules.from(config)),
                Table.CUSTOMER_TIERS));
    return new PipelineJob(before, parallel, after);
  }
}
