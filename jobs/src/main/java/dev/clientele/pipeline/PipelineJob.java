package dev.clientele.pipeline;

import dev.clientele.audience.AudienceRules;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.JobRunner;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.job.Stage;
import dev.clientele.common.job.StageRunner;
import dev.clientele.common.spark.Concurrently;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.features.FeatureRules;
import dev.clientele.features.FeaturesJob;
import dev.clientele.ingest.IngestConfig;
import dev.clientele.ingest.IngestJob;
import dev.clientele.publish.PublishJob;
import dev.clientele.publish.PublishRules;
import dev.clientele.satisfaction.SatisfactionRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole run in one Spark application: ingest → features → the per-customer stages of {@link
 * StageRegistry} → publish, which runs its quality gates before anything is published. By default
 * the stages are composed, not run: each one's lazy labels join into the one {@code customer_tiers}
 * plan that publish writes, so the run pays no per-stage snapshot write, read-back, count or runs
 * row (stages that fit a model fit concurrently first, each in its own FAIR scheduler pool). With
 * {@code clientele.pipeline.keep-stage-tables = true} every stage writes its own table as its
 * subcommand does, concurrently, and publish reads them back. Progress is logged per stage with
 * elapsed time, and a one-screen summary ends the run. Any stage failing fails the run (exit 1)
 * before publish, so the published snapshot stays the previous one.
 */
public final class PipelineJob implements ClienteleJob {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineJob.class);

  /** One step: its name, the job, and the table whose as-of snapshot it writes (for the count). */
  public record Step(String name, ClienteleJob job, Table output) {}

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

  private final List<Step> before;
  private final List<Stage> stages;
  private final boolean keepStageTables;
  private final PublishJob publish;
  private final List<StageResult> results = new ArrayList<>();
  private PhaseListener listener = NO_LISTENER;

  /**
   * @param before stages run in order first (ingest, features)
   * @param stages the per-customer stages over the features
   * @param keepStageTables whether each stage writes its own table before publish reads them all
   * @param publish the last step
   */
  public PipelineJob(
      List<Step> before, List<Stage> stages, boolean keepStageTables, PublishJob publish) {
    this.before = before;
    this.stages = stages;
    this.keepStageTables = keepStageTables;
    this.publish = publish;
  }

  /** Reports phase starts and ends to {@code listener} (one listener; null for none). */
  public PipelineJob listen(PhaseListener listener) {
    this.listener = listener == null ? NO_LISTENER : listener;
    return this;
  }

  @Override
  public void run(SparkSession spark, RunContext run) throws Exception {
    long started = System.nanoTime();
    for (Step stage : before) results.add(inPhase(stage.name(), () -> runStage(spark, run, stage)));
    String phase = String.join("+", stages.stream().map(s -> s.name()).toList());
    if (keepStageTables) {
      List<Step> writing = new ArrayList<>();
      for (var stage : stages)
        writing.add(new Step(stage.name(), new StageRunner(stage), stage.output()));
      if (!writing.isEmpty())
        results.addAll(inPhase(phase, () -> runConcurrently(spark, run, writing)));
      results.add(
          inPhase(
              PublishJob.NAME,
              () ->
                  runStage(spark, run, new Step(PublishJob.NAME, publish, Table.CUSTOMER_TIERS))));
    } else {
      publishComposed(spark, run, phase);
    }
    LOG.info("\n{}", summary(run, results, (System.nanoTime() - started) / 1e9));
  }

  /**
   * The stages' transforms over one persisted feature snapshot, applied concurrently (what is eager
   * in them, a model fit, overlaps), then published as one plan with their cut points.
   */
  private void publishComposed(SparkSession spark, RunContext run, String phase) throws Exception {
    Dataset<Row> features =
        StageRunner.required(spark, run, Table.CUSTOMER_FEATURES)
            .persist(StorageLevel.MEMORY_AND_DISK());
    List<Stage.Output> outputs = new ArrayList<>();
    try {
      inPhase(
          phase,
          () -> {
            Map<String, Callable<Composed>> tasks = new LinkedHashMap<>();
            for (Stage stage : stages) {
              tasks.put(stage.name(), () -> composed(spark, run, stage, features));
            }
            List<Composed> composed;
            try {
              composed = Concurrently.call(spark, tasks);
            } catch (JobFailure e) {
              throw new JobFailure("stage(s) failed, nothing published: " + e.getMessage(), e);
            }
            for (Composed c : composed) {
              outputs.add(c.output());
              results.add(c.result());
            }
            return null;
          });
      List<Dataset<Row>> labels = outputs.stream().map(o -> o.labels()).toList();
      List<Dataset<Row>> cuts = new ArrayList<>();
      List<String> dimensions = new ArrayList<>();
      for (int i = 0; i < stages.size(); i++) {
        if (outputs.get(i).cutpoints() == null) continue;
        cuts.add(outputs.get(i).cutpoints());
        dimensions.addAll(stages.get(i).cutDimensions());
      }
      Dataset<Row> cutpoints = cuts.stream().reduce(Dataset::unionByName).orElse(null);
      results.add(
          inPhase(
              PublishJob.NAME,
              () -> {
                long t0 = System.nanoTime();
                LOG.info("Stage '{}' started", PublishJob.NAME);
                long customers =
                    publish.publish(spark, run, features, labels, cutpoints, dimensions);
                LOG.info(
                    "Stage '{}' finished in {}: {} rows in {}",
                    PublishJob.NAME,
                    JobRunner.elapsed(t0),
                    String.format(Locale.ROOT, "%,d", customers),
                    Table.CUSTOMER_TIERS.tableName);
                return new StageResult(
                    PublishJob.NAME,
                    (System.nanoTime() - t0) / 1e9,
                    customers,
                    Table.CUSTOMER_TIERS);
              }));
    } finally {
      outputs.forEach(Stage.Output::close);
      features.unpersist();
    }
  }

  /** A stage's output with its line of the summary. */
  private record Composed(Stage.Output output, StageResult result) {}

  /** One stage's output over the shared features, timed for the summary (it writes no table). */
  private static Composed composed(
      SparkSession spark, RunContext run, Stage stage, Dataset<Row> features) {
    LOG.info("Stage '{}' started", stage.name());
    long t0 = System.nanoTime();
    Map<Table, Dataset<Row>> inputs =
        new LinkedHashMap<>(StageRunner.optionalInputs(spark, run, stage));
    for (Table table : stage.inputs()) {
      inputs.put(
          table,
          table == Table.CUSTOMER_FEATURES ? features : StageRunner.required(spark, run, table));
    }
    Stage.Output out;
    try {
      out = stage.apply(run, inputs);
    } catch (JobFailure e) {
      throw new JobFailure("stage '" + stage.name() + "': " + e.getMessage(), e);
    }
    LOG.info("Stage '{}' composed in {}", stage.name(), JobRunner.elapsed(t0));
    return new Composed(
        out, new StageResult(stage.name(), (System.nanoTime() - t0) / 1e9, null, null));
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
      SparkSession spark, RunContext run, List<Step> stages) {
    Map<String, Callable<StageResult>> tasks = new LinkedHashMap<>();
    for (Step stage : stages) tasks.put(stage.name(), () -> runStage(spark, run, stage));
    try {
      return Concurrently.call(spark, tasks);
    } catch (JobFailure e) {
      throw new JobFailure("stage(s) failed, nothing published: " + e.getMessage(), e);
    }
  }

  private static StageResult runStage(SparkSession spark, RunContext run, Step stage)
      throws Exception {
    LOG.info("Stage '{}' started", stage.name());
    long t0 = System.nanoTime();
    try {
      stage.job().run(spark, run);
    } catch (JobFailure e) {
      throw new JobFailure("stage '" + stage.name() + "': " + e.getMessage(), e);
    }
    return finished(spark, run, stage.name(), stage.output(), t0);
  }

  /** The result of a stage that wrote {@code output} (null for none), its rows counted. */
  private static StageResult finished(
      SparkSession spark, RunContext run, String name, Table output, long t0) {
    Long rows = null;
    if (output != null && DeltaIO.exists(spark, run.tables().path(output))) {
      rows = DeltaIO.readSnapshot(spark, run.tables().path(output), run.asOf()).count();
    }
    StageResult result = new StageResult(name, (System.nanoTime() - t0) / 1e9, rows, output);
    LOG.info(
        "Stage '{}' finished in {}{}",
        name,
        JobRunner.elapsed(t0),
        rows == null ? "" : String.format(Locale.ROOT, ": %,d rows in %s", rows, output.tableName));
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
    List<Step> before = new ArrayList<>();
    if (ingest) {
      before.add(
          new Step(
              "ingest",
              new IngestJob(IngestConfig.from(config.at("clientele.ingest"), System::getenv)),
              null));
    }
    before.add(
        new Step(
            "features",
            new FeaturesJob(FeatureRules.from(config.at("clientele"))),
            Table.CUSTOMER_FEATURES));
    return new PipelineJob(
        before,
        StageRegistry.forPipeline(config),
        config.at("clientele.pipeline").bool("keep-stage-tables"),
        new PublishJob(
            PublishRules.from(config.at("clientele.publish")),
            satisfaction,
            AudienceRules.from(config)));
  }
}
