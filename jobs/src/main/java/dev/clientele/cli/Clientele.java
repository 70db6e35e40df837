package dev.clientele.cli;

import dev.clientele.pipeline.StageRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code clientele} command: one subcommand per job. Exit codes: 0 success, 1 failed run, 2
 * usage or config error, 3 the warehouse is held by another run.
 */
@Command(
    name = "clientele",
    mixinStandardHelpOptions = true,
    versionProvider = Clientele.Version.class,
    description =
        "Turns customer transaction logs into segment, value and satisfaction tier tables.")
public final class Clientele implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand.");
  }

  /** Every subcommand, in the order of the help: the stages' from {@link StageRegistry}. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Clientele());
    cli.addSubcommand(new GenerateSampleCommand());
    cli.addSubcommand(new IngestCommand());
    cli.addSubcommand(new FeaturesCommand());
    for (StageRegistry.Entry stage : StageRegistry.STAGES) {
      cli.addSubcommand(stage.name(), StageCommand.of(stage));
    }
    cli.addSubcommand(new BacktestCommand());
    cli.addSubcommand(new PublishCommand());
    cli.addSubcommand(new PipelineCommand());
    cli.addSubcommand(new BackfillCommand());
    cli.addSubcommand(new SqlCommand());
    cli.addSubcommand(new UnlockCommand());
    cli.addSubcommand(new ExportCommand());
    cli.addSubcommand(new CommandLine.HelpCommand());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return cli;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Clientele.class.getPackage().getImplementationVersion();
      return new String[] {"clientele " + (v == null ? "(development build)" : v)};
    }
  }
}
