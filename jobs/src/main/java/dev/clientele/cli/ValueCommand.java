package dev.clientele.cli;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.value.ValueJob;
import dev.clientele.value.ValueRules;
import picocli.CommandLine.Command;

/** {@code clientele value}: value tier, ABC grade, bands, membership tier and points. */
@Command(
    name = "value",
    mixinStandardHelpOptions = true,
    description =
        "Writes customer_values and the value cut points for --as-of from customer_features "
            + "(config: clientele.value.*).")
public final class ValueCommand extends JobCommand {
  @Override
  protected String jobName() {
    return "value";
  }

  @Override
  protected ClienteleJob bind(ClienteleConfig config) {
    return new ValueJob(ValueRules.from(config.at("clientele")));
  }
}
