package dev.clientele.satisfaction;

import static org.apache.spark.sql.functions.lit;

import dev.clientele.common.columns.ComplaintsColumns;
import dev.clientele.common.columns.SurveysColumns;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.job.Stage;
import dev.clientele.common.table.Table;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code satisfaction} stage: one {@code customer_satisfaction} row per customer of the {@code
 * customer_features} snapshot (survey and complaint facts, satisfaction band, churn risk, flag,
 * reasons and cause). It writes no gold table: {@code kpi_monthly} is written by publish, after its
 * quality gates, with the rest of the gold set. Missing {@code surveys} or {@code complaints}
 * tables (no source configured) are read as empty: bands are then {@code unknown} and
 * survey/complaint KPIs 0 or null.
 */
public final class SatisfactionStage implements Stage {
  public static final String NAME = "satisfaction";

  private final SatisfactionRules rules;

  public SatisfactionStage(SatisfactionRules rules) {
    this.rules = rules;
  }

  /** Binds {@code clientele.satisfaction}; throws ConfigError before any Spark work. */
  public static SatisfactionStage bind(ClienteleConfig config) {
    return new SatisfactionStage(SatisfactionRules.from(config.at("clientele.satisfaction")));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Table> inputs() {
    return List.of(Table.CUSTOMER_FEATURES);
  }

  @Override
  public Map<Table, StructType> optionalInputs() {
    Map<Table, StructType> optional = new LinkedHashMap<>();
    optional.put(Table.SURVEYS, SurveysColumns.SCHEMA);
    optional.put(Table.COMPLAINTS, ComplaintsColumns.SCHEMA);
    return optional;
  }

  @Override
  public Table output() {
    return Table.CUSTOMER_SATISFACTION;
  }

  @Override
  public Output apply(RunContext run, Map<Table, Dataset<Row>> inputs) {
    Dataset<Row> features = inputs.get(Table.CUSTOMER_FEATURES);
    Dataset<Row> surveys = inputs.get(Table.SURVEYS);
    Dataset<Row> complaints = inputs.get(Table.COMPLAINTS);
    Dataset<Row> facts =
        CustomerSatisfaction.facts(features, surveys, complaints, rules, run.asOf());
    Output out = Output.of(ChurnRisk.assess(features, facts, rules, run.asOf()));
    // One job for both inputs: a row of either is enough.
    boolean noData = surveys.select(lit(1)).unionAll(complaints.select(lit(1))).limit(1).isEmpty();
    return noData
        ? out.withNote("no survey or complaint data: every satisfaction band is unknown")
        : out;
  }
}
