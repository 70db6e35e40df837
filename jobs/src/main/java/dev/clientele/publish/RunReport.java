package dev.clientele.publish;

import dev.clientele.publish.ReportData.Count;
import dev.clientele.publish.ReportData.GridCell;
import dev.clientele.publish.ReportData.KpiPoint;
import dev.clientele.publish.ReportData.SourceCounts;
import dev.clientele.publish.ReportData.Transition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders the per-run HTML report: one self-contained file (inline CSS and SVG, no scripts, no
 * network) with value tiers, the RFM grid heat map, the lifecycle funnel, tier transitions, KPI
 * trends and the quarantine summary. Every chart is well-formed SVG (XML), tested as such.
 */
public final class RunReport {
  private static final String[] PALETTE = {
    "#2f6db5", "#e07b39", "#3a9e5c", "#c4454b", "#7d5ba6", "#8c6d46", "#cf6fb0", "#6f7a86",
    "#b5a230", "#2fa3b5"
  };

  private RunReport() {}

  public static String render(ReportData d) {
    return render(d, null);
  }

  /**
   * The report with the prediction backtest section when {@code predictions} is not null (a
   * backtest has run for this as-of date or an earlier one).
   */
  public static String render(ReportData d, PredictionReport predictions) {
    return render(d, predictions, null);
  }

  /**
   * The report with the prediction backtest and the audiences sections when they are not null (an
   * audience section needs audience_members, written by every publish).
   */
  public static String render(
      ReportData d, PredictionReport predictions, AudienceReport audiences) {
    StringBuilder html = new StringBuilder(32_768);
    head(html, "Clientele run " + d.runId() + " — as of " + d.asOf());
    html.append("<h1>Clientele — customer tiers as of ")
        .append(d.asOf())
        .append("</h1>\n")
        .append("<p>Run <code>")
        .append(esc(d.runId()))
        .append("</code> · ")
        .append(String.format(Locale.ROOT, "%,d", d.customers()))
        .append(" customers</p>\n");

    html.append("<h2>Value tiers</h2>\n")
        .append(barChart(d.valueTiers(), "customers"))
        .append('\n');
    html.append("<h2>RFM grid (recency × frequency)</h2>\n")
        .append(heatMap(d.rfmGrid(), d.rfmScores()))
        .append('\n');
    html.append("<h2>Lifecycle funnel</h2>\n").append(funnel(d.lifecycle())).append('\n');
    html.append("<h2>Tier transitions since the previous as-of</h2>\n")
        .append(transitions(d.transitions()))
        .append('\n');
    html.append("<h2>Monthly KPIs</h2>\n<div class=\"grid\">\n");
    for (Map.Entry<String, List<KpiPoint>> metric : byMetric(d.kpis()).entrySet()) {
      html.append(lineChart(metric.getKey(), metric.getValue())).append('\n');
    }
    html.append("</div>\n");
    if (predictions != null) html.append(predictions(predictions));
    if (audiences != null) html.append(audiences(audiences));
    html.append("<h2>Ingest and quarantine</h2>\n").append(sources(d.sources())).append('\n');
    html.append(barChart(d.quarantineReasons(), "quarantined records")).append('\n');
    html.append("</body>\n</html>\n");
    return html.toString();
  }

  /** The prediction backtest section alone, as the backtest job's own page. */
  public static String renderPredictions(PredictionReport p, String runId) {
    StringBuilder html = new StringBuilder(16_384);
    head(html, "Clientele backtest " + runId);
    html.append("<h1>Clientele — prediction backtest</h1>\n<p>Run <code>")
        .append(esc(runId))
        .append("</code></p>\n");
    html.append(p == null ? "<p>No backtest has been run.</p>\n" : predictions(p));
    html.append("</body>\n</html>\n");
    return html.toString();
  }

  private static void head(StringBuilder html, String title) {
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>")
        .append(esc(title))
        .append("</title>\n")
        .append(
            "<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}")
        .append("h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}")
        .append(
            "table{border-collapse:collapse;font-size:13px}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}")
        .append(
            "td:first-child,th:first-child{text-align:left}.grid{display:flex;flex-wrap:wrap;gap:24px}</style>\n")
        .append("</head>\n<body>\n");
  }

  /**
   * The prediction backtest: grades beside the baselines, predicted against actual purchases by
   * frequency bucket (CLV calibration), and each churn score's lift by risk decile.
   */
  static String predictions(PredictionReport p) {
    StringBuilder html = new StringBuilder(8_192);
    html.append("<h2>Prediction backtest</h2>\n<p>Fitted as of ")
        .append(p.cutoff())
        .append(" on the data known then, compared with what happened in the ")
        .append(p.holdoutDays())
        .append(" days to ")
        .append(p.asOf())
        .append(" (definitions: docs/predictions.md).</p>\n");
    html.append(
        "<table><tr><th>model</th><th>metric</th><th>value</th><th>baseline</th><th>grade</th><th>note</th></tr>\n");
    for (PredictionReport.Score s : p.scores()) {
      html.append("<tr><td>")
          .append(esc(s.model()))
          .append("</td><td>")
          .append(esc(s.metric()))
          .append("</td><td>")
          .append(number(s.value()))
          .append("</td><td>")
          .append(number(s.baseline()))
          .append("</td><td>")
          .append(esc(s.grade()))
          .append("</td><td>")
          .append(esc(s.note()))
          .append("</td></tr>\n");
    }
    html.append("</table>\n<div class=\"grid\">\n")
        .append(calibrationChart(p.frequency()))
        .append('\n')
        .append(liftChart(p.deciles()))
        .append("\n</div>\n");
    return html.toString();
  }

  /** Grouped bars per frequency bucket: predicted, actual and baseline mean purchases. */
  static String calibrationChart(List<PredictionReport.Bucket> buckets) {
    if (buckets.isEmpty()) return "<p>No CLV calibration (fit skipped).</p>";
    int width = 520;
    int height = 250;
    int left = 46;
    int bottom = 40;
    double plotW = width - left - 10;
    double plotH = height - bottom - 40;
    double max = 0;
    for (PredictionReport.Bucket b : buckets) {
      for (Double v : new Double[] {b.predicted(), b.actual(), b.base()}) {
        if (v != null && Double.isFinite(v)) max = Math.max(max, v);
      }
    }
    if (max <= 0) max = 1;
    StringBuilder svg =
        svgOpen(width, height, "Calibration: mean purchases by frequency bucket in the holdout");
    svg.append(
        text(width / 2, 14, "purchases in the holdout by repeat purchases at cutoff", "middle"));
    String[] series = {"predicted", "actual", "baseline"};
    for (int k = 0; k < series.length; k++) {
      svg.append(
              String.format(
                  Locale.ROOT,
                  "<rect x=\"%d\" y=\"22\" width=\"10\" height=\"10\" fill=\"%s\"/>",
                  left + k * 100,
                  PALETTE[k]))
          .append(text(left + k * 100 + 14, 31, series[k], "start"));
    }
    double slot = plotW / buckets.size();
    double bar = slot / 4;
    for (int i = 0; i < buckets.size(); i++) {
      PredictionReport.Bucket b = buckets.get(i);
      Double[] values = {b.predicted(), b.actual(), b.base()};
      for (int k = 0; k < values.length; k++) {
        if (values[k] == null || !Double.isFinite(values[k])) continue;
        double h = plotH * values[k] / max;
        svg.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                left + i * slot + bar / 2 + k * bar,
                40 + plotH - h,
                bar,
                h,
                PALETTE[k]));
      }
      svg.append(text((int) (left + i * slot + slot / 2), height - 22, b.label(), "middle"));
    }
    svg.append(text(left - 4, 46, fmt(max), "end"))
        .append(text(left - 4, (int) (40 + plotH), "0", "end"))
        .append(text(width / 2, height - 6, "repeat purchases at the cutoff", "middle"));
    return svg.append("</svg>").toString();
  }

  /** Lift by risk decile (decile churn share / overall churn share), one line per model. */
  static String liftChart(List<PredictionReport.Bucket> deciles) {
    Map<String, List<PredictionReport.Bucket>> byModel = new LinkedHashMap<>();
    for (PredictionReport.Bucket b : deciles) {
      byModel.computeIfAbsent(b.model(), m -> new ArrayList<>()).add(b);
    }
    if (byModel.isEmpty()) return "<p>No churn deciles.</p>";
    Map<String, double[]> lifts = new LinkedHashMap<>();
    double max = 1;
    for (Map.Entry<String, List<PredictionReport.Bucket>> e : byModel.entrySet()) {
      long n = 0;
      double churned = 0;
      for (PredictionReport.Bucket b : e.getValue()) {
        n += b.customers();
        if (b.actual() != null) churned += b.actual() * b.customers();
      }
      if (n == 0 || churned == 0) continue;
      double overall = churned / n;
      double[] lift = new double[e.getValue().size()];
      for (int i = 0; i < lift.length; i++) {
        Double actual = e.getValue().get(i).actual();
        lift[i] = actual == null ? 0 : actual / overall;
        max = Math.max(max, lift[i]);
      }
      lifts.put(e.getKey(), lift);
    }
    int width = 520;
    int height = 250;
    int left = 46;
    int bottom = 40;
    double plotW = width - left - 10;
    double plotH = height - bottom - 40;
    StringBuilder svg = svgOpen(width, height, "Churn lift by risk decile");
    svg.append(text(width / 2, 14, "churn lift by risk decile (1 = highest risk)", "middle"));
    int k = 0;
    for (Map.Entry<String, double[]> e : lifts.entrySet()) {
      String colour = PALETTE[k % PALETTE.length];
      svg.append(
              String.format(
                  Locale.ROOT,
                  "<rect x=\"%d\" y=\"22\" width=\"10\" height=\"10\" fill=\"%s\"/>",
                  left + k * 140,
                  colour))
          .append(text(left + k * 140 + 14, 31, e.getKey(), "start"));
      StringBuilder path = new StringBuilder();
      double[] lift = e.getValue();
      for (int i = 0; i < lift.length; i++) {
        double x = left + (lift.length == 1 ? plotW / 2 : plotW * i / (lift.length - 1));
        double y = 40 + plotH * (1 - lift[i] / max);
        path.append(path.length() == 0 ? "M" : " L")
            .append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
      }
      svg.append("<path d=\"")
          .append(path)
          .append("\" fill=\"none\" stroke=\"")
          .append(colour)
          .append("\" stroke-width=\"2\"/>");
      k++;
    }
    double one = 40 + plotH * (1 - 1 / max);
    svg.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>",
                left,
                one,
                width - 10,
                one))
        .append(text(left - 4, 46, fmt(max), "end"))
        .append(text(left - 4, (int) one + 4, "1", "end"))
        .append(text(left, height - 22, "1", "start"))
        .append(text(width - 10, height - 22, "10", "end"))
        .append(text(width / 2, height - 6, "risk decile", "middle"));
    return svg.append("</svg>").toString();
  }

  /**
   * Per audience: customers selected, held out and suppressed by reason at the as-of date; then the
   * measured uplift with its 95% intervals.
   */
  static String audiences(AudienceReport a) {
    StringBuilder html = new StringBuilder(4_096);
    html.append("<h2>Audiences</h2>\n");
    if (a.members().isEmpty()) {
      html.append("<p>No audience has members at this as-of date.</p>\n");
    } else {
      html.append(
          "<table><tr><th>audience</th><th>status</th><th>reason</th><th>customers</th></tr>\n");
      for (AudienceReport.MemberCount m : a.members()) {
        html.append("<tr><td>")
            .append(esc(m.audience()))
            .append("</td><td>")
            .append(esc(m.status()))
            .append("</td><td>")
            .append(esc(m.reason()))
            .append("</td><td>")
            .append(String.format(Locale.ROOT, "%,d", m.customers()))
            .append("</td></tr>\n");
      }
      html.append("</table>\n");
    }
    html.append("<h3>Uplift: selected vs holdout (95% intervals; docs/audiences.md)</h3>\n");
    if (a.results().isEmpty()) {
      html.append(
          "<p>No audience is old enough to measure yet (as-of + measure-days after this"
              + " date).</p>\n");
      return html.toString();
    }
    html.append(
        "<table><tr><th>audience</th><th>as of</th><th>days</th><th>selected</th><th>holdout</th>"
            + "<th>repurchase selected</th><th>repurchase holdout</th><th>uplift</th>"
            + "<th>95% interval</th><th>spend/customer selected</th>"
            + "<th>spend/customer holdout</th><th>uplift</th><th>95% interval</th></tr>\n");
    for (AudienceReport.Result r : a.results()) {
      html.append("<tr><td>")
          .append(esc(r.audience()))
          .append("</td><td>")
          .append(r.asOf())
          .append("</td><td>")
          .append(r.measureDays())
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%,d", r.selected()))
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%,d", r.holdout()))
          .append("</td><td>")
          .append(number(r.selectedRate()))
          .append("</td><td>")
          .append(number(r.holdoutRate()))
          .append("</td><td>")
          .append(number(r.rateUplift()))
          .append("</td><td>")
          .append(interval(r.rateLow(), r.rateHigh()))
          .append("</td><td>")
          .append(number(r.selectedSpend()))
          .append("</td><td>")
          .append(number(r.holdoutSpend()))
          .append("</td><td>")
          .append(number(r.spendUplift()))
          .append("</td><td>")
          .append(interval(r.spendLow(), r.spendHigh()))
          .append("</td></tr>\n");
    }
    return html.append("</table>\n").toString();
  }

  private static String interval(Double low, Double high) {
    return low == null || high == null ? "" : "[" + number(low) + ", " + number(high) + "]";
  }

  private static String number(Double v) {
    if (v == null) return "";
    if (!Double.isFinite(v)) return esc(v.toString());
    return Math.abs(v) >= 1000
        ? String.format(Locale.ROOT, "%,.0f", v)
        : String.format(Locale.ROOT, "%.4f", v);
  }

  static String barChart(List<Count> bars, String unit) {
    if (bars.isEmpty()) return "<p>No data.</p>";
    int rowHeight = 26;
    int labelWidth = 190;
    int width = 720;
    int height = bars.size() * rowHeight + 10;
    long max = Math.max(1, bars.stream().mapToLong(Count::count).max().orElse(1));
    StringBuilder svg = svgOpen(width, height, "Bar chart of " + unit);
    for (int i = 0; i < bars.size(); i++) {
      Count b = bars.get(i);
      int y = 5 + i * rowHeight;
      double w = (width - labelWidth - 90) * (double) b.count() / max;
      svg.append(text(labelWidth - 8, y + 17, b.label(), "end"))
          .append(
              String.format(
                  Locale.ROOT,
                  "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                  labelWidth,
                  y + 3,
                  w,
                  rowHeight - 8,
                  PALETTE[i % PALETTE.length]))
          .append(
              text(
                  (int) (labelWidth + w + 6),
                  y + 17,
                  String.format(Locale.ROOT, "%,d", b.count()),
                  "start"));
    }
    return svg.append("</svg>").toString();
  }

  static String heatMap(List<GridCell> cells, int scores) {
    if (cells.isEmpty() || scores <= 0) return "<p>No data.</p>";
    int cell = 56;
    int left = 60;
    int top = 20;
    int width = left + scores * cell + 20;
    int height = top + scores * cell + 50;
    long max = Math.max(1, cells.stream().mapToLong(GridCell::customers).max().orElse(1));
    long[][] grid = new long[scores + 1][scores + 1];
    for (GridCell c : cells) {
      if (c.r() >= 1 && c.r() <= scores && c.f() >= 1 && c.f() <= scores)
        grid[c.r()][c.f()] += c.customers();
    }
    StringBuilder svg =
        svgOpen(width, height, "RFM heat map: customers by recency and frequency score");
    for (int r = 1; r <= scores; r++) {
      for (int f = 1; f <= scores; f++) {
        int x = left + (f - 1) * cell;
        int y = top + (scores - r) * cell; // high recency at the top
        double intensity = (double) grid[r][f] / max;
        svg.append(
                String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"rgb(%d,%d,%d)\" stroke=\"#fff\"/>",
                    x,
                    y,
                    cell,
                    cell,
                    (int) (235 - 190 * intensity),
                    (int) (242 - 140 * intensity),
                    (int) (250 - 60 * intensity)))
            .append(text(x + cell / 2, y + cell / 2 + 5, Long.toString(grid[r][f]), "middle"));
      }
      svg.append(text(left - 8, top + (scores - r) * cell + cell / 2 + 5, "R" + r, "end"));
    }
    for (int f = 1; f <= scores; f++) {
      svg.append(
          text(left + (f - 1) * cell + cell / 2, top + scores * cell + 18, "F" + f, "middle"));
    }
    svg.append(
        text(left + scores * cell / 2, top + scores * cell + 40, "frequency score →", "middle"));
    return svg.append("</svg>").toString();
  }

  static String funnel(List<Count> stages) {
    if (stages.isEmpty()) return "<p>No data.</p>";
    int width = 720;
    int rowHeight = 30;
    int height = stages.size() * rowHeight + 10;
    long max = Math.max(1, stages.stream().mapToLong(Count::count).max().orElse(1));
    StringBuilder svg = svgOpen(width, height, "Lifecycle funnel");
    int centre = 470;
    for (int i = 0; i < stages.size(); i++) {
      Count s = stages.get(i);
      double w = 480.0 * s.count() / max;
      int y = 5 + i * rowHeight;
      svg.append(
              String.format(
                  Locale.ROOT,
                  "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                  centre - w / 2,
                  y,
                  Math.max(w, 1),
                  rowHeight - 6,
                  PALETTE[i % PALETTE.length]))
          .append(
              text(
                  150,
                  y + 18,
                  s.label() + "  " + String.format(Locale.ROOT, "%,d", s.count()),
                  "end"));
    }
    return svg.append("</svg>").toString();
  }

  static String transitions(List<Transition> moves) {
    if (moves.isEmpty())
      return "<p>No earlier as-of date published: transitions appear from the second run on.</p>";
    StringBuilder t =
        new StringBuilder(
            "<table><tr><th>dimension</th><th>from</th><th>to</th><th>customers</th></tr>\n");
    for (Transition m : moves) {
      t.append("<tr><td>")
          .append(esc(m.dimension()))
          .append("</td><td>")
          .append(esc(m.from()))
          .append("</td><td>")
          .append(esc(m.to()))
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%,d", m.customers()))
          .append("</td></tr>\n");
    }
    return t.append("</table>").toString();
  }

  static String lineChart(String metric, List<KpiPoint> points) {
    int width = 340;
    int height = 190;
    int left = 46;
    int bottom = 30;
    List<KpiPoint> known =
        points.stream().filter(p -> p.value() != null && !p.value().isNaN()).toList();
    StringBuilder svg = svgOpen(width, height, "Monthly " + metric);
    svg.append(text(width / 2, 14, metric, "middle"));
    if (known.isEmpty()) {
      svg.append(text(width / 2, height / 2, "no data", "middle"));
      return svg.append("</svg>").toString();
    }
    double min = Math.min(0, known.stream().mapToDouble(KpiPoint::value).min().orElse(0));
    double max = known.stream().mapToDouble(KpiPoint::value).max().orElse(1);
    if (max <= min) max = min + 1;
    double plotW = width - left - 10;
    double plotH = height - bottom - 24;
    StringBuilder path = new StringBuilder();
    StringBuilder dots = new StringBuilder();
    for (int i = 0; i < points.size(); i++) {
      KpiPoint p = points.get(i);
      if (p.value() == null || p.value().isNaN()) continue;
      double x = left + (points.size() == 1 ? plotW / 2 : plotW * i / (points.size() - 1));
      double y = 24 + plotH * (1 - (p.value() - min) / (max - min));
      path.append(path.length() == 0 ? "M" : " L")
          .append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
      dots.append(
          String.format(
              Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#2f6db5\"/>", x, y));
    }
    svg.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#999\"/>",
                left,
                24 + plotH,
                width - 10,
                24 + plotH))
        .append("<path d=\"")
        .append(path)
        .append("\" fill=\"none\" stroke=\"#2f6db5\" stroke-width=\"2\"/>")
        .append(dots)
        .append(text(left - 4, 30, fmt(max), "end"))
        .append(text(left - 4, (int) (24 + plotH), fmt(min), "end"))
        .append(text(left, height - 8, points.get(0).month(), "start"))
        .append(text(width - 10, height - 8, points.get(points.size() - 1).month(), "end"));
    return svg.append("</svg>").toString();
  }

  static String sources(List<SourceCounts> sources) {
    if (sources.isEmpty()) return "<p>No ingest in this run.</p>";
    StringBuilder t =
        new StringBuilder(
            "<table><tr><th>source</th><th>read</th><th>accepted</th><th>quarantined</th><th>duplicates</th><th>filtered</th></tr>\n");
    for (SourceCounts s : sources) {
      t.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%s</td><td>%,d</td><td>%,d</td><td>%,d</td><td>%,d</td><td>%,d</td></tr>\n",
              esc(s.source()),
              s.read(),
              s.accepted(),
              s.quarantined(),
              s.duplicate(),
              s.filtered()));
    }
    return t.append("</table>").toString();
  }

  private static Map<String, List<KpiPoint>> byMetric(List<KpiPoint> kpis) {
    Map<String, List<KpiPoint>> out = new LinkedHashMap<>();
    for (String metric : new TreeSet<>(kpis.stream().map(KpiPoint::metric).toList())) {
      List<KpiPoint> series =
          new ArrayList<>(kpis.stream().filter(k -> k.metric().equals(metric)).toList());
      series.sort((a, b) -> a.month().compareTo(b.month()));
      out.put(metric, series);
    }
    return out;
  }

  private static StringBuilder svgOpen(int width, int height, String title) {
    return new StringBuilder()
        .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("\" font-family=\"system-ui,sans-serif\" font-size=\"12\" role=\"img\"><title>")
        .append(esc(title))
        .append("</title>");
  }

  private static String text(int x, int y, String s, String anchor) {
    return "<text x=\""
        + x
        + "\" y=\""
        + y
        + "\" text-anchor=\""
        + anchor
        + "\">"
        + esc(s)
        + "</text>";
  }

  private static String fmt(double v) {
    return Math.abs(v) >= 100
        ? String.format(Locale.ROOT, "%,.0f", v)
        : String.format(Locale.ROOT, "%.2f", v);
  }

  /** Escapes text for both HTML and XML (the SVGs must parse as XML). */
  static String esc(String s) {
    if (s == null) return "";
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
