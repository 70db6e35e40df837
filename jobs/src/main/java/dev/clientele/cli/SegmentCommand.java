package dev.clientele.cli;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.segment.SegmentJob;
import dev.clientele.segment.SegmentRules;
import picocli.CommandLine.Command;

/** {@code clientele segment}: RFM, lifecycle, activity, target and preference labels. */
@Command(
    name = "segment",
    mixinStandardHelpOptions = true,
    description =
        "Writes customer_segments and the RFM cut points for --as-of from customer_features "
            + "(config: clientele.segment.*).")
public final class SegmentCommand extends JobCommand {
  @Override
  protected String jobName() {
    return "segment";
  }

  @Override
  protected ClienteleJob bind(ClienteleConfig config) {
    return new SegmentJob(SegmentRules.from(config.at("clientele")));
  }
}
