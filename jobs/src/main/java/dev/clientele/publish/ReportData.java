package dev.clientele.publish;

import java.time.LocalDate;
import java.util.List;

/**
 * Everything the run report shows, already aggregated to a few hundred numbers at most, so it can
 * be rendered on the driver. Lists keep the order they should be drawn in.
 */
public record ReportData(
    String runId,
    LocalDate asOf,
    long customers,
    List<Count> valueTiers,
    /** cells of the RFM grid: r score, f score, customers. */
    List<GridCell> rfmGrid,
    int rfmScores,
    List<Count> lifecycle,
    List<Transition> transitions,
    List<KpiPoint> kpis,
    List<Count> quarantineReasons,
    List<SourceCounts> sources) {

  public record Count(String label, long count) {}

  public record GridCell(int r, int f, long customers) {}

  public record Transition(String dimension, String from, String to, long customers) {}

  /** One monthly KPI value for the overall population. */
  public record KpiPoint(String month, String metric, Double value) {}

  public record SourceCounts(
      String source, long read, long accepted, long quarantined, long duplicate, long filtered) {}
}
