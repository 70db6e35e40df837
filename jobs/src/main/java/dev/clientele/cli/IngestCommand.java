package dev.clientele.cli;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.ingest.IngestConfig;
import dev.clientele.ingest.IngestJob;
import dev.clientele.ingest.InputPaths;
import dev.clientele.ingest.QuarantineReplay;
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

  @Option(
      names = "--replay-quarantine",
      description =
          "Also read again, from their files through the current mapping and rules, the quarantined"
              + " records (all record-level reasons, or those of --reason) that no run released:"
              + " after fixing a mapping or rule. Each is taken exactly once; one still failing"
              + " stays in quarantine with its new reasons.")
  boolean replayQuarantine;

  @Option(
      names = "--reason",
      paramLabel = "REASON",
      split = ",",
      description =
          "With --replay-quarantine: only rows with this reason (repeatable or comma-separated),"
              + " e.g. non_positive_price, unparseable_timestamp, missing_required:ts.")
  List<String> reasons = new ArrayList<>();

  private QuarantineReplay replay = QuarantineReplay.OFF;

  @Override
  protected String jobName() {
    return "ingest";
  }

  @Override
  public Integer call() {
    try {
      for (String input : inputs) options.addOverride(pathOverride(input));
      replay = replay(replayQuarantine, reasons);
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
    return new IngestJob(ingest, replay);
  }

  /** The replay the options ask for; --reason without --replay-quarantine is a usage error. */
  static QuarantineReplay replay(boolean replayQuarantine, List<String> reasons) {
    if (!replayQuarantine) {
      if (!reasons.isEmpty()) {
        throw new ConfigError("--reason only applies with --replay-quarantine.");
      }
      return QuarantineReplay.OFF;
    }
    return QuarantineReplay.of(reasons);
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
