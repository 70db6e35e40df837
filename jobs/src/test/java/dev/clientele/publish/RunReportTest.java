package dev.clientele.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.publish.ReportData.Count;
import dev.clientele.publish.ReportData.GridCell;
import dev.clientele.publish.ReportData.KpiPoint;
import dev.clientele.publish.ReportData.SourceCounts;
import dev.clientele.publish.ReportData.Transition;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class RunReportTest {
  static ReportData sample() {
    List<GridCell> grid = new ArrayList<>();
    for (int r = 1; r <= 5; r++)
      for (int f = 1; f <= 5; f++) grid.add(new GridCell(r, f, r * 10L + f));
    return new ReportData(
        "20261121T021500Z-abc123",
        LocalDate.parse("2026-11-21"),
        1234,
        List.of(
            new Count("high", 247),
            new Count("medium", 370),
            new Count("low", 600),
            new Count("none", 17)),
        grid,
        5,
        List.of(
            new Count("new", 100),
            new Count("developing", 300),
            new Count("stable", 500),
            new Count("declining <&>", 80)),
        List.of(
            new Transition("value_tier", "high", "medium", 12),
            new Transition("value_tier", "(new)", "low", 40)),
        List.of(
            new KpiPoint("2026-09", "repurchase_rate", 0.31),
            new KpiPoint("2026-10", "repurchase_rate", 0.35),
            new KpiPoint("2026-11", "repurchase_rate", null),
            new KpiPoint("2026-10", "nps", -12.5)),
        List.of(new Count("unparseable_timestamp", 40), new Count("unknown_customer", 12)),
        List.of(new SourceCounts("transactions", 1000, 930, 52, 8, 10)));
  }

  @Test
  void everySvgIsWellFormedXmlWithItsData() throws Exception {
    String html = RunReport.render(sample());
    Matcher m = Pattern.compile("<svg .*?</svg>", Pattern.DOTALL).matcher(html);
    List<Document> svgs = new ArrayList<>();
    var factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    while (m.find()) {
      svgs.add(
          factory
              .newDocumentBuilder()
              .parse(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.UTF_8))));
    }
    // value tiers, heat map, funnel, two KPI charts, quarantine reasons
    assertThat(svgs).hasSize(6);
    assertThat(svgs.get(0).getDocumentElement().getTextContent()).contains("high").contains("247");
    assertThat(svgs.get(1).getElementsByTagName("rect").getLength()).isEqualTo(25);
    assertThat(svgs.get(1).getDocumentElement().getTextContent())
        .contains("55")
        .contains("R5")
        .contains("F1");
    assertThat(svgs.get(2).getDocumentElement().getTextContent()).contains("declining <&>  80");
    // self-contained: no scripts, no external resources
    assertThat(html)
        .doesNotContain("<script")
        .doesNotContain("src=")
        .doesNotContain("href=")
        .contains("as of 2026-11-21");
    assertThat(html)
        .contains(
            "<td>transactions</td><td>1,000</td><td>930</td><td>52</td><td>8</td><td>10</td>");
    assertThat(html).contains("<td>value_tier</td><td>(new)</td><td>low</td><td>40</td>");
  }

  @Test
  void emptySectionsSayWhyInsteadOfDrawingNothing() {
    ReportData empty =
        new ReportData(
            "r",
            LocalDate.parse("2026-11-21"),
            0,
            List.of(),
            List.of(),
            5,
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of());
    String html = RunReport.render(empty);
    assertThat(html)
        .contains("transitions appear from the second run on")
        .contains("No ingest in this run.");
  }

  static PredictionReport predictions() {
    List<PredictionReport.Bucket> deciles = new ArrayList<>();
    for (int d = 1; d <= 10; d++) {
      deciles.add(
          new PredictionReport.Bucket(
              "churn_rule", Integer.toString(d), 100, 0.5, (11 - d) / 20.0, null));
      deciles.add(
          new PredictionReport.Bucket("recency_only", Integer.toString(d), 100, 0.4, 0.275, null));
    }
    return new PredictionReport(
        LocalDate.parse("2026-11-21"),
        LocalDate.parse("2026-08-23"),
        90,
        List.of(
            new PredictionReport.Score("churn_rule", "auc", 0.8125, 0.75, "B", null),
            new PredictionReport.Score("churn_learned", "auc", null, null, null, "skipped <&> why"),
            new PredictionReport.Score("clv_bgnbd", "spend_total", 123456.0, 99.5, null, null)),
        List.of(
            new PredictionReport.Bucket("clv_bgnbd", "0", 500, 0.2, 0.25, 0.0),
            new PredictionReport.Bucket("clv_bgnbd", "7+", 40, 6.0, 5.5, 9.0)),
        deciles);
  }

  @Test
  void thePredictionSectionShowsGradesCalibrationAndLiftEscaped() throws Exception {
    String html = RunReport.render(sample(), predictions());
    assertThat(html)
        .contains("<h2>Prediction backtest</h2>")
        .contains("Fitted as of 2026-08-23")
        .contains("<td>churn_rule</td><td>auc</td><td>0.8125</td><td>0.7500</td><td>B</td>")
        .contains("<td>skipped &lt;&amp;&gt; why</td>")
        .contains("<td>123,456</td>")
        .doesNotContain("skipped <&>");
    Matcher m = Pattern.compile("<svg .*?</svg>", Pattern.DOTALL).matcher(html);
    var factory = DocumentBuilderFactory.newInstance();
    List<Document> svgs = new ArrayList<>();
    while (m.find()) {
      svgs.add(
          factory
              .newDocumentBuilder()
              .parse(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.UTF_8))));
    }
    // the calibration bars and the lift curve after the KPI charts, before the quarantine reasons
    assertThat(svgs).hasSize(8);
    assertThat(svgs.get(5).getDocumentElement().getTextContent()).contains("7+");
    // 2 buckets × 3 series + 3 legend boxes
    assertThat(svgs.get(5).getElementsByTagName("rect").getLength()).isEqualTo(9);
    // one line per model; churn_rule's top decile is 0.5 / 0.275 overall
    assertThat(svgs.get(6).getElementsByTagName("path").getLength()).isEqualTo(2);
    assertThat(svgs.get(6).getDocumentElement().getTextContent())
        .contains("churn_rule")
        .contains("recency_only")
        .contains("1.82");
    assertThat(RunReport.render(sample())).doesNotContain("Prediction backtest");
    assertThat(RunReport.renderPredictions(null, "r1")).contains("No backtest has been run.");
  }

  @Test
  void theAudienceSectionShowsCountsByReasonAndTheUpliftWithItsIntervalsEscaped() {
    AudienceReport audiences =
        new AudienceReport(
            List.of(
                new AudienceReport.MemberCount("nudge<&>", "holdout", "holdout", 12),
                new AudienceReport.MemberCount("nudge<&>", "selected", null, 1108),
                new AudienceReport.MemberCount("nudge<&>", "suppressed", "contact_cap", 40),
                new AudienceReport.MemberCount(
                    "nudge<&>", "suppressed", "excluded_lifecycle:churned", 7)),
            List.of(
                new AudienceReport.Result(
                    LocalDate.parse("2026-10-01"),
                    "nudge<&>",
                    30,
                    1108,
                    12,
                    0.25,
                    0.125,
                    0.125,
                    -0.0625,
                    0.3125,
                    45.5,
                    30.25,
                    15.25,
                    -2.5,
                    33.0),
                new AudienceReport.Result(
                    LocalDate.parse("2026-09-01"),
                    "solo",
                    30,
                    3,
                    0,
                    1.0,
                    null,
                    null,
                    null,
                    null,
                    10.0,
                    null,
                    null,
                    null,
                    null)));
    String html = RunReport.render(sample(), null, audiences);
    assertThat(html)
        .contains("<h2>Audiences</h2>")
        .contains("<td>nudge&lt;&amp;&gt;</td><td>selected</td><td></td><td>1,108</td>")
        .contains(
            "<td>nudge&lt;&amp;&gt;</td><td>suppressed</td><td>excluded_lifecycle:churned</td><td>7</td>")
        .contains(
            "<td>nudge&lt;&amp;&gt;</td><td>2026-10-01</td><td>30</td><td>1,108</td><td>12</td>"
                + "<td>0.2500</td><td>0.1250</td><td>0.1250</td><td>[-0.0625, 0.3125]</td>"
                + "<td>45.5000</td><td>30.2500</td><td>15.2500</td><td>[-2.5000, 33.0000]</td>")
        .contains(
            "<td>solo</td><td>2026-09-01</td><td>30</td><td>3</td><td>0</td><td>1.0000</td>"
                + "<td></td><td></td><td></td><td>10.0000</td><td></td><td></td><td></td>")
        .doesNotContain("nudge<&>");
    assertThat(html.indexOf("<h2>Audiences</h2>"))
        .isLessThan(html.indexOf("<h2>Ingest and quarantine</h2>"));
    assertThat(RunReport.render(sample(), null, new AudienceReport(List.of(), List.of())))
        .contains("No audience has members at this as-of date.")
        .contains("No audience is old enough to measure yet");
    assertThat(RunReport.render(sample())).doesNotContain("<h2>Audiences</h2>");
  }

  /**
   * #23 item 10: every string the report shows can come from data or config (labels, reasons that
   * quote a file name, audience and model names, run ids); a hostile one in every slot of every
   * section comes out as text, never as markup or an attribute.
   */
  @Test
  void aHostileValueInEverySlotIsShownEscapedAndNeverAsMarkup() {
    String h = "<img src=x onerror=alert(1)>\" onmouseover=\"alert(2)";
    List<GridCell> grid = List.of(new GridCell(1, 1, 5));
    ReportData data =
        new ReportData(
            h,
            LocalDate.parse("2026-11-21"),
            5,
            List.of(new Count(h, 5)),
            grid,
            5,
            List.of(new Count(h, 5)),
            List.of(new Transition(h, h, h, 3)),
            List.of(new KpiPoint(h, h, 0.5), new KpiPoint(h + "2", h, 0.25)),
            List.of(new Count(h, 2)),
            List.of(new SourceCounts(h, 10, 8, 2, 0, 0)));
    PredictionReport predictions =
        new PredictionReport(
            LocalDate.parse("2026-11-21"),
            LocalDate.parse("2026-08-23"),
            90,
            List.of(new PredictionReport.Score(h, h, 0.5, 0.25, h, h)),
            List.of(new PredictionReport.Bucket(h, h, 10, 0.5, 0.25, 0.125)),
            List.of(new PredictionReport.Bucket(h, h, 10, 0.5, 0.25, null)));
    AudienceReport audiences =
        new AudienceReport(
            List.of(new AudienceReport.MemberCount(h, h, h, 4)),
            List.of(
                new AudienceReport.Result(
                    LocalDate.parse("2026-10-01"),
                    h,
                    30,
                    4,
                    1,
                    0.5,
                    0.25,
                    0.25,
                    0.0,
                    0.5,
                    10.0,
                    5.0,
                    5.0,
                    -1.0,
                    11.0)));
    String html = RunReport.render(data, predictions, audiences);
    assertThat(html)
        .doesNotContain("<img")
        .doesNotContain("onmouseover=\"")
        .doesNotContain("<script")
        .contains("&lt;img src=x onerror=alert(1)&gt;&quot; onmouseover=&quot;alert(2)");
    // The backtest page is rendered on its own too.
    assertThat(RunReport.renderPredictions(predictions, h))
        .doesNotContain("<img")
        .doesNotContain("onmouseover=\"")
        .contains("&lt;img src=x onerror=alert(1)&gt;");
  }
}
