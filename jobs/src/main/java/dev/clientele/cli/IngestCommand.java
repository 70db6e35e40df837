package dev.clientele.cli;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.ingest.IngestConfig;
import dev.clientele.ingest.IngestJob;
import dev.clientele.ingest.InputPaths;
import dev.clientele.ingest.SourceKind;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code clientele ingest}: raw source files into silver Delta tables, exactly once. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Loads new transaction, customer, survey and complaint files into silver Delta tables; rejected "
          + "records go to quarantine with reasons; prints accepted/quarantined/duplicate per source.",
      "Sources and mappings: clientele.ingest.sources in the config."
    })
public final class IngestCommand extends JobCommand {
  @Option(
      names = "--input",
      paramLabel = "SOURCE=PATH",
      description =
          "Read a source from this directory or glob instead of its configured path (repeatable), "
              + "e.g. --input transactions=/data/pos.")
  List<String> inputs = new ArrayList<>();

  @Override
  protected String jobName() {
    return "ingest";
  }

  @Override
  public Integer call() {
    try {
      for (String input : inputs) options.addOverride(pathOverride(input));
    } catch (ConfigError e) {
      System.err.println("clientele ingest: " + e.getMessage());
      return dev.clientele.common.job.JobRunner.EXIT_USAGE;
    }
    return super.call();
  }

  @Override
  protected ClienteleJob bind(ClienteleConfig config) {
    IngestConfig ingest = IngestConfig.from(config.at("clientele.ingest"), System::getenv);
    InputPaths.checkRequired(ingest);
    return new IngestJob(ingest);
  }

  /**
   * {@code transactions=/dir} as the override {@code
   * clientele.ingest.sources.transactions.path="/dir"}.
   */
  public static String pathOverride(String input) {
    int eq = input.indexOf('=');
    String source = eq > 0 ? input.substring(0, eq).trim() : "";
    if (eq <= 0 || eq == input.length() - 1 || SourceKind.named(source) == null) {
      throw new ConfigError(
          "--input expects SOURCE=PATH with SOURCE one of "
              + SourceKind.names()
              + ", got '"
              + input
              + "'.");
    }
    String path = input.substring(eq + 1).trim().replace("\\", "\\\\").replace("\"", "\\\"");
    return "clientele.ingest.sources." + source + ".path=\"" + path + "\"";
  }
}
