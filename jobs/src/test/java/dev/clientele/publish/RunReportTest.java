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
        List.of(new SourceCounts("transactions", 1000, 940, 52, 8)));
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
        .contains("<td>transactions</td><td>1,000</td><td>940</td><td>52</td><td>8</td>");
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
}
