package dev.clientele.cli;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.StageRunner;
import dev.clientele.pipeline.StageRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The subcommand of one per-customer stage of {@link StageRegistry}: runs it alone through {@link
 * StageRunner}, which writes its table and its cut points for --as-of.
 */
@Command(mixinStandardHelpOptions = true)
final class StageCommand extends JobCommand {
  private final StageRegistry.Entry stage;

  private StageCommand(StageRegistry.Entry stage) {
    this.stage = stage;
  }

  /** The subcommand of {@code stage}, with its help text. */
  static CommandLine of(StageRegistry.Entry stage) {
    CommandLine command = new CommandLine(new StageCommand(stage));
    command.getCommandSpec().usageMessage().description(stage.description());
    return command;
  }

  @Override
  protected String jobName() {
    return stage.name();
  }

  @Override
  protected ClienteleJob bind(ClienteleConfig config) {
    return new StageRunner(stage.bind().apply(config));
  }
}
