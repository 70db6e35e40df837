package dev.clientele.bench;

import dev.clientele.cli.IngestCommand;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.spark.SparkSessions;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.features.FeatureRules;
import dev.clientele.pipeline.PipelineCommand;
import dev.clientele.pipeline.PipelineJob;
import dev.clientele.satisfaction.SatisfactionRules;
import dev.clientele.segment.SegmentRules;
import dev.clientele.value.ValueRules;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * The benchmark behind {@code scripts/bench.sh}: runs the whole {@code pipeline} for one as-of date
 * in one Spark application on already generated raw files, timing each phase (rows/s, wall time,
 * JVM heap), then the {@link DuckReference} on the same files with the same thread count, prints
 * the Clientele / DuckDB ratios side by side, and checks both computed the same R, F, M scores and
 * value tier for every customer and the same monthly repurchase and churn figures. Exit 0 when
 * they agree, 1 when anything differs or a run fails, 2 for bad arguments.
 *
 * <pre>
 * Bench --raw DIR --warehouse DIR --work DIR --as-of DATE [--threads N] [--label TEXT] [--commit SHA]
 *       [--set KEY=VALUE]...
 * </pre>
 *
 * The warehouse is expected fresh (the script deletes it), so ingest loads every file.
 */
public final class Bench {
  private Bench() {}

  /** One timed phase: seconds, rows it read (null if not meaningful) and heap figures. */
  private record Phase(String name, double seconds, Long rowsIn, Long rowsOut, HeapSampler.Heap heap) {}

  public static void main(String[] args) {
    int exit;
    try {
      exit = run(args);
    } catch (ConfigError | IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      exit = 2;
    } catch (Exception e) {
      e.printStackTrace();
      System.err.println("bench failed: " + e);
      exit = 1;
    }
    System.exit(exit);
  }

  static int run(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>();
    List<String> sets = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (i + 1 >= args.length) throw new IllegalArgumentException("option " + args[i] + " needs a value");
      if (args[i].equals("--set")) sets.add(args[++i]);
      else opt.put(args[i], args[++i]);
    }
    String raw = require(opt, "--raw");
    String warehouse = require(opt, "--warehouse");
    String work = require(opt, "--work");
    LocalDate asOf = LocalDate.parse(require(opt, "--as-of"));
    boolean reuse = Boolean.parseBoolean(opt.getOrDefault("--reuse", "false"));
    int threads = Integer.parseInt(opt.getOrDefault("--threads", Integer.toString(Runtime.getRuntime().availableProcessors())));

    List<String> overrides = new ArrayList<>();
    overrides.add("clientele.warehouse=\"" + warehouse + "\"");
    overrides.add("clientele.spark.master=\"local[" + threads + "]\"");
    for (String source : List.of("transactions", "customers", "surveys", "complaints")) {
      overrides.add(IngestCommand.pathOverride(source + "=" + raw + "/" + source));
    }
    // Generated sample data carries no real PII; the public development key is fine here.
    overrides.add("clientele.ingest.pii.dev-key-allowed=true");
    // The stages the issue measures; --set clientele.pipeline.clusters=true brings the models back.
    overrides.add("clientele.pipeline.clusters=false");
    overrides.add("clientele.pipeline.clv=false");
    overrides.addAll(sets);
    ClienteleConfig config = ClienteleConfig.load(List.of(), overrides);
    PipelineJob pipeline = PipelineCommand.build(config);
    DuckReference.Rules rules = rules(config, asOf);

    Files.createDirectories(Path.of(work));
    // Other processes on the machine skew every figure; the report shows the load around the run.
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    double jvmToMain = ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
    List<Phase> phases = new ArrayList<>();
    RunContext context = RunContext.start("bench", asOf, config);
    List<String> liveFiles;
    long silverRows;
    long customers;
    double pipelineSeconds;
    double endToEnd;
    List<PipelineJob.StageResult> stages;
    try (HeapSampler heap = new HeapSampler()) {
      heap.reset();
      long t0 = System.nanoTime();
      SparkSession spark = SparkSessions.create(config.at("clientele.spark"), context.tables().warehouse());
      phases.add(new Phase("spark session", seconds(t0), null, null, heap.read()));
      Map<String, Long> phaseStart = new LinkedHashMap<>();
      Map<String, Double> phaseSeconds = new LinkedHashMap<>();
      Map<String, HeapSampler.Heap> phaseHeap = new LinkedHashMap<>();
      pipeline.listen(
          new PipelineJob.PhaseListener() {
            @Override
            public void started(String phase) {
              heap.reset();
              phaseStart.put(phase, System.nanoTime());
            }

            @Override
            public void finished(String phase) {
              phaseSeconds.put(phase, seconds(phaseStart.get(phase)));
              phaseHeap.put(phase, heap.read());
            }
          });
      long p0 = System.nanoTime();
      try {
        // --reuse true: check agreement against the warehouse of an earlier run, timing nothing.
        if (!reuse) pipeline.run(spark, context);
      } catch (Exception e) {
        System.err.println("bench: the pipeline failed: " + e.getMessage());
        spark.stop();
        throw e;
      }
      pipelineSeconds = seconds(p0);
      endToEnd = ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
      stages = pipeline.results();

      // What the stages read: silver transaction lines (ingest, features) or customers (the rest).
      String txPath = context.tables().path(Table.TRANSACTIONS);
      silverRows = DeltaIO.read(spark, txPath).count();
      customers = DeltaIO.readSnapshot(spark, context.tables().path(Table.CUSTOMER_FEATURES), asOf).count();
      liveFiles = Arrays.asList(DeltaIO.read(spark, txPath).inputFiles()).stream().map(Bench::localPath).toList();
      for (Map.Entry<String, Double> e : phaseSeconds.entrySet()) {
        String name = e.getKey();
        Long in = name.equals("ingest") || name.equals("features") ? silverRows : customers;
        Long out = stages.stream().filter(s -> s.name().equals(name)).findFirst().map(PipelineJob.StageResult::rows).orElse(null);
        phases.add(new Phase(name, e.getValue(), in, out, phaseHeap.get(name)));
      }
      // Clientele's published answers, as Parquet for DuckDB to compare with.
      DeltaIO.readSnapshot(spark, context.tables().path(Table.CUSTOMER_TIERS), asOf)
          .select("customer_id", "recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "value_tier")
          .write().mode("overwrite").parquet(work + "/clientele_tiers");
      DeltaIO.readSnapshot(spark, context.tables().path(Table.KPI_MONTHLY), asOf)
          .where(col("dimension").equalTo(lit("overall")))
          .select("month", "repurchase_base", "repurchasers", "repurchase_rate", "churn_base", "churned_customers", "churn_rate")
          .write().mode("overwrite").parquet(work + "/clientele_kpi");
      spark.stop();
    }

    // DuckDB after Spark has stopped, so each engine has the machine to itself.
    double load;
    double rfm;
    double kpi;
    long duckRows;
    long tierDiffs;
    long kpiDiffs;
    long kpiMonths;
    List<String> tierRows = new ArrayList<>();
    List<String> kpiRows = new ArrayList<>();
    try (DuckReference duck = new DuckReference(threads, work + "/duckdb_tmp")) {
      long t0 = System.nanoTime();
      duckRows = duck.loadTransactions(raw, work + "/duck_transactions.parquet");
      for (String small : List.of("customers", "surveys", "complaints")) {
        if (Files.isDirectory(Path.of(raw, small))) duck.loadSmall(raw + "/" + small + "/*.csv", work + "/duck_" + small + ".parquet");
      }
      load = seconds(t0);
      duck.transactionsFrom(liveFiles);
      t0 = System.nanoTime();
      duck.rfmAndTiers(rules);
      rfm = seconds(t0);
      t0 = System.nanoTime();
      duck.monthlyKpis(rules);
      kpi = seconds(t0);
      tierDiffs = duck.tierDifferences(work + "/clientele_tiers", 10, tierRows);
      kpiDiffs = duck.kpiDifferences(work + "/clientele_kpi", kpiRows);
      kpiMonths = duck.kpiMonthsWithData();
    }

    // The report.
    StringBuilder out = new StringBuilder();
    Runtime rt = Runtime.getRuntime();
    out.append(String.format(Locale.ROOT, "Clientele benchmark %s, as of %s, commit %s%n", opt.getOrDefault("--label", raw), asOf,
        opt.getOrDefault("--commit", "unknown")));
    out.append(String.format(Locale.ROOT, "machine: %d cores (Spark local[%d], DuckDB threads=%d), JVM max heap %,d MB, Java %s%n",
        rt.availableProcessors(), threads, threads, rt.maxMemory() >> 20, System.getProperty("java.version")));
    out.append(String.format(Locale.ROOT, "1-minute load average: %.2f at start, %.2f at end (above %d means other work shared the cores)%n",
        loadBefore, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), threads));
    out.append(String.format(Locale.ROOT, "%nClientele, one Spark application (silver transactions %,d lines, %,d customers)%n", silverRows, customers));
    out.append(String.format(Locale.ROOT, "  %-34s %8s %12s %10s %10s %10s %10s%n", "phase", "seconds", "rows in", "rows/s", "rows out", "heap peak", "after GC"));
    out.append(String.format(Locale.ROOT, "  %-34s %8.1f%n", "JVM start to main", jvmToMain));
    for (Phase p : phases) {
      out.append(String.format(Locale.ROOT, "  %-34s %8.1f %12s %10s %10s %7d MB %7d MB%n", p.name(), p.seconds(), num(p.rowsIn()),
          p.rowsIn() == null ? "" : num(Math.round(p.rowsIn() / p.seconds())), num(p.rowsOut()), p.heap().peak() >> 20,
          p.heap().afterGc() >> 20));
      if (p.name().contains("+")) {
        for (PipelineJob.StageResult s : stages) {
          if (Arrays.asList(p.name().split("\\+")).contains(s.name())) {
            out.append(String.format(Locale.ROOT, "    %-32s %8.1f %12s %10s %10s%n", s.name() + " (concurrent)", s.seconds(), "", "", num(s.rows())));
          }
        }
      }
    }
    out.append(String.format(Locale.ROOT, "  %-34s %8.1f%n", "pipeline", pipelineSeconds));
    out.append(String.format(Locale.ROOT, "  %-34s %8.1f%n", "end to end (JVM start to published)", endToEnd));

    double duckTotal = load + rfm + kpi;
    out.append(String.format(Locale.ROOT, "%nDuckDB reference, threads=%d%n", threads));
    out.append(String.format(Locale.ROOT, "  %-34s %8.1f %12s rows (raw CSV, typed; unparseable lines skipped)%n", "CSV -> Parquet (4 sources)", load, num(duckRows)));
    out.append(String.format(Locale.ROOT, "  %-34s %8.1f (from Clientele's silver transactions Parquet files)%n", "RFM scores + value tiers", rfm));
    out.append(String.format(Locale.ROOT, "  %-34s %8.1f%n", "monthly repurchase + churn", kpi));
    out.append(String.format(Locale.ROOT, "  %-34s %8.1f%n", "total", duckTotal));

    double ingest = phaseSeconds(phases, "ingest");
    double aggregates = phaseSeconds(phases, "features") + phases.stream().filter(p -> p.name().contains("+")).mapToDouble(Phase::seconds).sum();
    out.append(String.format(Locale.ROOT, "%nClientele / DuckDB (same run, same files, same threads)%n"));
    out.append(ratio("ingest / CSV -> Parquet", ingest, load));
    out.append(ratio("features + aggregates / RFM + tiers + KPIs", aggregates, rfm + kpi));
    out.append(ratio("pipeline / DuckDB total", pipelineSeconds, duckTotal));
    out.append(ratio("end to end / DuckDB total", endToEnd, duckTotal));

    out.append(String.format(Locale.ROOT, "%nAgreement%n"));
    out.append(String.format(Locale.ROOT, "  customers (r, f, m score and value tier): %,d compared, %,d differ%n", customers, tierDiffs));
    for (String r : tierRows) out.append("    ").append(r).append('\n');
    out.append(String.format(Locale.ROOT, "  months (overall repurchase and churn): %d with data, %d differ%n", kpiMonths, kpiDiffs));
    for (String r : kpiRows) out.append("    ").append(r).append('\n');
    boolean agree = tierDiffs == 0 && kpiDiffs == 0 && kpiMonths > 0 && customers > 0;
    out.append(agree ? "  AGREE\n" : "  DISAGREE: Clientele and the DuckDB reference computed different answers\n");
    System.out.print(out);
    System.out.flush();
    return agree ? 0 : 1;
  }

  private static DuckReference.Rules rules(ClienteleConfig config, LocalDate asOf) {
    FeatureRules features = FeatureRules.from(config.at("clientele"));
    SegmentRules segment = SegmentRules.from(config.at("clientele"));
    ValueRules value = ValueRules.from(config.at("clientele"));
    SatisfactionRules satisfaction = SatisfactionRules.from(config.at("clientele.satisfaction"));
    if (!value.tier().rule().equals(ValueRules.TierRules.TOP_SHARE)) {
      throw new IllegalArgumentException("the DuckDB reference implements value tier rule top-share only");
    }
    return new DuckReference.Rules(
        asOf,
        features.windowDays(),
        segment.rfm().scores(),
        value.tier().highShare(),
        value.tier().mediumShare(),
        value.tier().highOrderCount(),
        satisfaction.churn().horizonDays(),
        satisfaction.kpi().repurchaseWindowDays());
  }

  private static String require(Map<String, String> opt, String name) {
    String v = opt.get(name);
    if (v == null) throw new IllegalArgumentException("missing " + name);
    return v;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double phaseSeconds(List<Phase> phases, String name) {
    return phases.stream().filter(p -> p.name().equals(name)).mapToDouble(Phase::seconds).sum();
  }

  private static String ratio(String what, double clientele, double duck) {
    return String.format(Locale.ROOT, "  %-44s %7.1f s / %6.1f s = %5.1fx%n", what, clientele, duck, clientele / duck);
  }

  private static String num(Long n) {
    return n == null ? "-" : String.format(Locale.ROOT, "%,d", n);
  }

  /** Spark's input file URIs (file:/...) as paths DuckDB opens. */
  private static String localPath(String uri) {
    return uri.startsWith("file:") ? java.net.URI.create(uri).getPath() : uri;
  }
}
