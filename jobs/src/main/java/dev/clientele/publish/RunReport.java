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
    StringBuilder html = new StringBuilder(32_768);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>Clientele run ")
        .append(esc(d.runId()))
        .append(" — as of ")
        .append(d.asOf())
        .append("</title>\n")
        .append(
            "<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}")
        .append("h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}")
        .append(
            "table{border-collapse:collapse;font-size:13px}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}")
        .append(
            "td:first-child,th:first-child{text-align:left}.grid{display:flex;flex-wrap:wrap;gap:24px}</style>\n")
        .append("</head>\n<body>\n")
        .append("<h1>Clientele — customer tiers as of ")
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
    html.append("<h2>Ingest and quarantine</h2>\n").append(sources(d.sources())).append('\n');
    html.append(barChart(d.quarantineReasons(), "quarantined records")).append('\n');
    html.append("</body>\n</html>\n");
    return html.toString();
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
            "<table><tr><th>source</th><th>read</th><th>accepted</th><th>quarantined</th><th>duplicates</th></tr>\n");
    for (SourceCounts s : sources) {
      t.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%s</td><td>%,d</td><td>%,d</td><td>%,d</td><td>%,d</td></tr>\n",
              esc(s.source()),
              s.read(),
              s.accepted(),
              s.quarantined(),
              s.duplicate()));
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
