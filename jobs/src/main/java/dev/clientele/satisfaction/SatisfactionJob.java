package dev.clientele.satisfaction;

import dev.clientele.common.columns.ComplaintsColumns;
import dev.clientele.common.columns.SurveysColumns;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.RunLog;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job {@code satisfaction}: for one as-of date, writes the {@code customer_satisfaction} snapshot
 * (one row per customer of the {@code customer_features} snapshot: survey and complaint facts,
 * satisfaction band, churn risk, flag, reasons and cause), replaced atomically per as-of so a rerun
 * replaces exactly that date. It writes no gold table: {@code kpi_monthly} is written by publish,
 * after its quality gates, with the rest of the gold set. Missing {@code surveys} or {@code
 * complaints} tables (no source configured) are read as empty: bands are then {@code unknown} and
 * survey/complaint KPIs 0 or null. A missing feature snapshot fails the run with the command to run
 * first.
 */
public final class SatisfactionJob implements ClienteleJob {
  public static final String NAME = "satisfaction";
  private static final Logger LOG = LoggerFactory.getLogger(SatisfactionJob.class);

  private final SatisfactionRules rules;

  public SatisfactionJob(SatisfactionRules rules) {
    this.rules = rules;
  }

  /** Binds {@code clientele.satisfaction}; throws ConfigError before any Spark work. */
  public static SatisfactionJob bind(ClienteleConfig config) {
    return new SatisfactionJob(SatisfactionRules.from(config.at("clientele.satisfaction")));
  }

  @Override
  public void run(SparkSession spark, RunContext context) {
    LocalDate asOf = context.asOf();
    TableCatalog tables = context.tables();
    Instant started = Instant.now();
    try {
      List<RunLog.Entry> entries = compute(spark, tables, asOf, started);
      RunLog.record(spark, context, entries);
    } catch (RuntimeException e) {
      RunLog.record(
          spark,
          context,
          List.of(
              new RunLog.Entry(
                  NAME,
                  "failed",
                  null,
                  null,
                  null,
                  null,
                  started,
                  Instant.now(),
                  e.getMessage(),
                  null)));
      throw e;
    }
  }

  private List<RunLog.Entry> compute(
      SparkSession spark, TableCatalog tables, LocalDate asOf, Instant started) {
    String featuresPath = tables.path(Table.CUSTOMER_FEATURES);
    if (!DeltaIO.exists(spark, featuresPath)) {
      throw new JobFailure(
          "Table customer_features does not exist at "
              + featuresPath
              + "; run 'clientele features --as-of "
              + asOf
              + "' first.");
    }
    Dataset<Row> features = DeltaIO.readSnapshot(spark, featuresPath, asOf);
    if (features.isEmpty()) {
      throw new JobFailure(
          "customer_features has no snapshot for as-of "
              + asOf
              + "; run 'clientele features --as-of "
              + asOf
              + "' first.");
    }
    Dataset<Row> surveys = optional(spark, tables, Table.SURVEYS, SurveysColumns.SCHEMA);
    Dataset<Row> complaints = optional(spark, tables, Table.COMPLAINTS, ComplaintsColumns.SCHEMA);

    Dataset<Row> facts = CustomerSatisfaction.facts(features, surveys, complaints, rules, asOf);
    Dataset<Row> assessed = ChurnRisk.assess(features, facts, rules, asOf);
    String satisfactionPath = tables.path(Table.CUSTOMER_SATISFACTION);
    DeltaIO.replaceSnapshot(assessed, satisfactionPath, asOf);
    Dataset<Row> written = DeltaIO.readSnapshot(spark, satisfactionPath, asOf);
    long customers = written.count();
    LOG.info("customer_satisfaction for {}: {} customers", asOf, customers);
    Instant satisfactionDone = Instant.now();
    RunLog.Entry satisfactionEntry =
        new RunLog.Entry(
            Table.CUSTOMER_SATISFACTION.tableName,
            "succeeded",
            null,
            customers,
            null,
            null,
            started,
            satisfactionDone,
            surveysNote(surveys, complaints),
            Map.of(
                Table.CUSTOMER_SATISFACTION.tableName, DeltaIO.version(spark, satisfactionPath)));
    return List.of(satisfactionEntry);
  }

  private static String surveysNote(Dataset<Row> surveys, Dataset<Row> complaints) {
    return surveys.isEmpty() && complaints.isEmpty()
        ? "no survey or complaint data: every satisfaction band is unknown"
        : null;
  }

  /** A silver table that exists only when its source is configured: empty when absent. */
  private static Dataset<Row> optional(
      SparkSession spark,
      TableCatalog tables,
      Table table,
      org.apache.spark.sql.types.StructType schema) {
    String path = tables.path(table);
    if (!DeltaIO.exists(spark, path)) {
      LOG.info("Table {} does not exist (no source configured): read as empty.", table.tableName);
    }
    return DeltaIO.readOrEmpty(spark, path, schema);
  }
}
