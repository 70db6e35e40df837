package dev.clientele.cli;

import dev.clientele.clv.ClvJob;
import dev.clientele.clv.ClvRules;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.ClienteleJob;
import picocli.CommandLine.Command;

/** {@code clientele clv}: predicted customer value for the as-of date. */
@Command(
    name = "clv",
    mixinStandardHelpOptions = true,
    description =
        "Fits BG/NBD + Gamma-Gamma to customer_features and writes customer_clv (P(alive), expected purchases, "
            + "expected spend, CLV and its tier) and a clv_fits record for the as-of date.")
public final class ClvCommand extends JobCommand {
  @Override
  protected String jobName() {
    return "clv";
  }

  @Override
  protected ClienteleJob bind(ClienteleConfig config) {
    return new ClvJob(ClvRules.from(config.at("clientele.clv")));
  }
}
