package dev.clientele.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report renders in a real browser: headless Chromium takes a screenshot and it has drawn
 * content. CI installs Debian's chromium (.ci/run), so there the check is mandatory; on a developer
 * machine without Chromium it is skipped.
 */
class RunReportChromiumIT {
  @TempDir Path dir;

  @Test
  void rendersInHeadlessChromium() throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    boolean ci = System.getenv("CI") != null;
    if (!ci) Assumptions.assumeTrue(Files.isExecutable(chromium), "chromium not installed");
    Path html = dir.resolve("report.html");
    Files.writeString(html, RunReport.render(RunReportTest.sample()), StandardCharsets.UTF_8);
    Path png = dir.resolve("shot.png");
    Process p =
        new ProcessBuilder(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + dir.resolve("profile"),
                "--window-size=1100,1600",
                "--screenshot=" + png,
                html.toUri().toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("chromium.log").toFile())
            .start();
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
    assertThat(Files.exists(png))
        .as(
            "screenshot written; log: %s",
            Files.exists(dir.resolve("chromium.log"))
                ? Files.readString(dir.resolve("chromium.log"))
                : "")
        .isTrue();
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1100);
    // Drawn content: the bar colours of the value-tier chart appear somewhere on the page.
    long coloured = 0;
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        if (rgb == 0x2f6db5) coloured++;
      }
    }
    assertThat(coloured).as("pixels in the first bar colour").isGreaterThan(100);
  }
}
