package dev.clientele.cli;

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
        "Turns customer transaction logs into segment, value and satisfaction tier tables.",
    subcommands = {
      GenerateSampleCommand.class,
      IngestCommand.class,
      FeaturesCommand.class,
      SegmentCommand.class,
      ValueCommand.class,
      SatisfactionCommand.class,
      ClustersCommand.class,
      ClvCommand.class,
      BacktestCommand.class,
      PublishCommand.class,
      PipelineCommand.class,
      BackfillCommand.class,
      SqlCommand.class,
      UnlockCommand.class,
      ExportCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class Clientele implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand.");
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Clientele());
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
