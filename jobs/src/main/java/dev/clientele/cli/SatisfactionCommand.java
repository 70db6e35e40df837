package dev.clientele.cli;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.satisfaction.SatisfactionJob;
import picocli.CommandLine.Command;

/** {@code clientele satisfaction --as-of DATE}: runs {@link SatisfactionJob}. */
@Command(
    name = SatisfactionJob.NAME,
    mixinStandardHelpOptions = true,
    description = {
      "Per-customer satisfaction (CSAT, NPS, complaints, band) and churn early warning.",
      "Reads customer_features (required), surveys and complaints (if present);",
      "writes the as-of snapshot of customer_satisfaction (kpi_monthly is written by publish).",
      "Settings: clientele.satisfaction.*."
    })
public final class SatisfactionCommand extends JobCommand {
  @Override
  protected String jobName() {
    return SatisfactionJob.NAME;
  }

  @Override
  protected ClienteleJob bind(ClienteleConfig config) {
    return SatisfactionJob.bind(config);
  }
}
