package dev.clientele.publish;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Gathers the run report's numbers with small aggregates over the published tables (label counts,
 * the RFM grid, overall monthly KPIs, quarantine reasons, this run's ingest counts) and writes the
 * HTML next to the tables: {@code <warehouse>/reports/<as_of>/<run_id>.html} and {@code
 * latest.html}.
 */
final class RunReports {
  static final List<String> KPI_METRICS =
      List.of(
          "repurchase_rate",
          "churn_rate",
          "reactivation_rate",
          "nps",
          "csat_mean",
          "complaints_per_1000_orders");

  private RunReports() {}

  static String write(SparkSession spark, RunContext run, PublishRules rules) {
    String html =
        RunReport.render(
            gather(spark, run),
            PredictionReport.gather(spark, run.tables(), run.asOf()),
            AudienceReport.gather(spark, run.tables(), run.asOf()));
    String dir = run.tables().warehouse() + "/reports/" + run.asOf();
    String file = dir + "/" + run.runId() + ".html";
    writeText(spark, file, html);
    writeText(spark, run.tables().warehouse() + "/reports/latest.html", html);
    return file;
  }

  static ReportData gather(SparkSession spark, RunContext run) {
    TableCatalog tables = run.tables();
    Dataset<Row> tiers = DeltaIO.readSnapshot(spark, tables.path(Table.CUSTOMER_TIERS), run.asOf());
    List<ReportData.Count> valueTiers = counts(tiers, "value_tier");
    long customers = valueTiers.stream().mapToLong(ReportData.Count::count).sum();
    List<ReportData.GridCell> grid = new ArrayList<>();
    int scores = 0;
    for (Row r :
        tiers
            .where(col("r_score").isNotNull())
            .groupBy("r_score", "f_score")
            .count()
            .collectAsList()) {
      int rs = ((Number) r.get(0)).intValue();
      int fs = ((Number) r.get(1)).intValue();
      scores = Math.max(scores, Math.max(rs, fs));
      grid.add(new ReportData.GridCell(rs, fs, r.getLong(2)));
    }
    List<ReportData.Count> lifecycle = new ArrayList<>();
    List<ReportData.Count> stageCounts = counts(tiers, "lifecycle_stage");
    for (String stage :
        List.of("prospect", "new", "developing", "stable", "reactivated", "declining", "churned")) {
      stageCounts.stream().filter(c -> c.label().equals(stage)).forEach(lifecycle::add);
    }
    List<ReportData.Transition> transitions = new ArrayList<>();
    String transitionsPath = tables.path(Table.TIER_TRANSITIONS);
    if (DeltaIO.exists(spark, transitionsPath)) {
      for (Row r :
          DeltaIO.read(spark, transitionsPath)
              .where(
                  col("as_of")
                      .equalTo(lit(Date.valueOf(run.asOf())))
                      .and(col("from_label").notEqual(col("to_label"))))
              .orderBy(
                  col("dimension"), col("customers").desc(), col("from_label"), col("to_label"))
              .limit(40)
              .collectAsList()) {
        transitions.add(
            new ReportData.Transition(
                r.getAs("dimension"),
                r.getAs("from_label"),
                r.getAs("to_label"),
                r.<Long>getAs("customers")));
      }
    }
    List<ReportData.KpiPoint> kpis = new ArrayList<>();
    Dataset<Row> overall =
        DeltaIO.read(spark, tables.path(Table.KPI_MONTHLY))
            .where(
                col("dimension")
                    .equalTo("overall")
                    .and(col("month").leq(java.sql.Date.valueOf(run.asOf().withDayOfMonth(1)))));
    for (Row r : overall.collectAsList()) {
      for (String metric : KPI_METRICS) {
        Object v = r.getAs(metric);
        kpis.add(
            new ReportData.KpiPoint(
                String.valueOf(r.<Object>getAs("month")).substring(0, 7),
                metric,
                v == null ? null : ((Number) v).doubleValue()));
      }
    }
    List<ReportData.Count> quarantine = new ArrayList<>();
    String quarantinePath = tables.path(Table.QUARANTINE);
    if (DeltaIO.exists(spark, quarantinePath)) {
      Dataset<Row> q = DeltaIO.read(spark, quarantinePath);
      for (Row r :
          q.select(explode(col("reasons")).as("reason"))
              .groupBy("reason")
              .agg(count(lit(1)).as("n"))
              .orderBy(col("n").desc(), col("reason"))
              .collectAsList()) {
        quarantine.add(new ReportData.Count(r.getString(0), r.getLong(1)));
      }
    }
    List<ReportData.SourceCounts> sources = new ArrayList<>();
    String runsPath = tables.path(Table.RUNS);
    if (DeltaIO.exists(spark, runsPath)) {
      for (Row r :
          DeltaIO.read(spark, runsPath)
              .where(
                  col("run_id")
                      .equalTo(run.runId())
                      .and(col("job").equalTo("ingest"))
                      .or(
                          col("run_id")
                              .equalTo(run.runId())
                              .and(col("records_quarantined").isNotNull())
                              .and(col("records_read").isNotNull())
                              .and(col("job").notEqual("publish"))))
              .orderBy("source")
              .collectAsList()) {
        if (r.isNullAt(r.fieldIndex("records_read"))) continue;
        sources.add(
            new ReportData.SourceCounts(
                r.getAs("source"),
                r.<Long>getAs("records_read"),
                r.<Long>getAs("records_accepted"),
                r.<Long>getAs("records_quarantined"),
                orZero(r, "records_duplicate"),
                orZero(r, "records_filtered")));
      }
    }
    return new ReportData(
        run.runId(),
        run.asOf(),
        customers,
        valueTiers,
        grid,
        scores,
        lifecycle,
        transitions,
        kpis,
        quarantine,
        sources);
  }

  /** A count of a runs row; 0 when null (rows older than the column, or other jobs'). */
  private static long orZero(Row r, String column) {
    int i = java.util.Arrays.asList(r.schema().fieldNames()).indexOf(column);
    return i < 0 || r.isNullAt(i) ? 0L : r.getLong(i);
  }

  private static List<ReportData.Count> counts(Dataset<Row> tiers, String column) {
    List<ReportData.Count> out = new ArrayList<>();
    for (Row r :
        tiers
            .groupBy(col(column).cast("string"))
            .count()
            .orderBy(col("count").desc())
            .collectAsList()) {
      out.add(new ReportData.Count(r.isNullAt(0) ? "(none)" : r.getString(0), r.getLong(1)));
    }
    return out;
  }

  static void writeText(SparkSession spark, String file, String text) {
    try {
      Path path = new Path(file);
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(path, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot write the run report to " + file + ": " + e.getMessage(), e);
    }
  }
}
