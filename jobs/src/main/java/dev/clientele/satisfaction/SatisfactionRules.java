package dev.clientele.satisfaction;

import dev.clientele.common.config.ConfigError;
import dev.clientele.common.config.Settings;
import dev.clientele.features.ChurnDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of the {@code satisfaction} job, bound once from {@code clientele.satisfaction.*}
 * (every key documented in {@code reference.conf}) and validated before Spark starts.
 */
public record SatisfactionRules(int windowDays, Band band, Churn churn, Kpi kpi, Matrix matrix) {

  /** Satisfaction band bars; see {@link CustomerSatisfaction} for the rule order. */
  public record Band(
      double satisfiedCsatMin, double dissatisfiedCsatMax, int dissatisfiedComplaints) {
    public Band {
      if (dissatisfiedCsatMax >= satisfiedCsatMin) {
        throw new IllegalArgumentException(
            "dissatisfied-csat-max must be below satisfied-csat-min");
      }
    }
  }

  /**
   * Churn early-warning rules. {@code definition} is the one definition of churned, overdue and
   * spend/visits falling (shared with features and lifecycle); {@code weights} maps each signal of
   * {@link ChurnRisk#SIGNALS} to its weight (every signal present, in that order).
   */
  public record Churn(
      ChurnDefinition definition, int recentDays, double flagAt, Map<String, Double> weights) {
    public Churn {
      weights = Map.copyOf(weights);
    }

    /** The churn horizon of {@link #definition}. */
    public int horizonDays() {
      return definition.horizonDays();
    }

    public double weight(String signal) {
      return weights.getOrDefault(signal, 0.0);
    }

    public double totalWeight() {
      return weights.values().stream().mapToDouble(Double::doubleValue).sum();
    }
  }

  /** KPI rules: the repurchase window, and the dimensions the job breaks KPIs down by. */
  public record Kpi(int repurchaseWindowDays, List<String> dimensions) {
    public Kpi {
      dimensions = List.copyOf(dimensions);
    }
  }

  /** Which cells of the satisfaction × value matrix hold priority customers. */
  public record Matrix(List<String> priorityValueTiers, List<String> priorityBands) {
    public Matrix {
      priorityValueTiers = List.copyOf(priorityValueTiers);
      priorityBands = List.copyOf(priorityBands);
    }
  }

  /**
   * Binds and validates {@code clientele.satisfaction}; pass {@code
   * config.at("clientele.satisfaction")}.
   */
  public static SatisfactionRules from(Settings s) {
    int windowDays = s.intBetween("window-days", 1, 36_500);

    Settings b = s.at("band");
    double satisfied = b.doubleBetween("satisfied-csat-min", 1, 5);
    double dissatisfied = b.doubleBetween("dissatisfied-csat-max", 1, 5);
    if (dissatisfied >= satisfied) {
      throw b.error(
          "dissatisfied-csat-max",
          "must be below clientele.satisfaction.band.satisfied-csat-min ("
              + satisfied
              + "), got "
              + dissatisfied
              + ".");
    }
    Band band =
        new Band(satisfied, dissatisfied, b.intBetween("dissatisfied-complaints", 1, 1_000_000));

    Settings c = s.at("churn");
    Churn churn =
        new Churn(
            ChurnDefinition.fromChurn(c),
            c.intBetween("recent-days", 1, 36_500),
            c.doubleBetween("flag-at", 0, 1),
            weights(c));

    Settings k = s.at("kpi");
    List<String> dimensions = k.strings("dimensions");
    for (String d : dimensions) {
      if (d.isBlank() || d.equals(SatisfactionKpis.OVERALL)) {
        throw k.error(
            "dimensions",
            "must name label columns (not blank, not '"
                + SatisfactionKpis.OVERALL
                + "', which is always there), got "
                + dimensions
                + ".");
      }
    }
    if (Set.copyOf(dimensions).size() != dimensions.size()) {
      throw k.error("dimensions", "must not repeat a dimension, got " + dimensions + ".");
    }
    Kpi kpi = new Kpi(k.intBetween("repurchase-window-days", 1, 3_650), dimensions);

    Settings m = s.at("matrix");
    Matrix matrix = new Matrix(m.strings("priority-value-tiers"), m.strings("priority-bands"));
    for (String listed : matrix.priorityBands()) {
      if (!CustomerSatisfaction.BANDS.contains(listed)) {
        throw m.error(
            "priority-bands",
            "must list bands from " + CustomerSatisfaction.BANDS + ", got '" + listed + "'.");
      }
    }
    return new SatisfactionRules(windowDays, band, churn, kpi, matrix);
  }

  private static Map<String, Double> weights(Settings churn) {
    Map<String, String> raw = churn.stringMap("weights");
    Map<String, Double> weights = new LinkedHashMap<>();
    for (String name : raw.keySet()) {
      if (!ChurnRisk.SIGNALS.contains(name)) {
        throw churn.error(
            "weights." + name, "is not a churn signal; allowed: " + ChurnRisk.SIGNALS + ".");
      }
    }
    for (String signal : ChurnRisk.SIGNALS) {
      weights.put(
          signal,
          raw.containsKey(signal) ? churn.doubleBetween("weights." + signal, 0, 1_000_000) : 0.0);
    }
    if (weights.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
      throw new ConfigError(
          churn.key("weights"),
          churn.origin("weights"),
          "at least one weight must be greater than 0.");
    }
    return weights;
  }
}
