package dev.clientele.cli;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.WarehouseLease;
import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code clientele unlock --run R}: releases the warehouse lease of a run that was killed, without
 * waiting for its heartbeat to expire, and records that run as abandoned in {@code runs}.
 */
@Command(
    name = "unlock",
    mixinStandardHelpOptions = true,
    description = {
      "Releases the warehouse lease held by a run that was killed (see docs/operations.md).",
      "Make sure run R is not running: a live run that loses its lease keeps writing."
    })
public final class UnlockCommand extends JobCommand {
  @Option(
      names = "--run",
      required = true,
      paramLabel = "R",
      description = "Id of the run holding the lease, as the refused run printed it.")
  String runId;

  PrintStream out = System.out;

  @Override
  protected String jobName() {
    return "unlock";
  }

  // It acts on the lease itself, which the run it releases holds.
  @Override
  protected boolean writesWarehouse() {
    return false;
  }

  @Override
  protected ClienteleJob bind(ClienteleConfig config) {
    return (spark, context) -> {
      WarehouseLease.Holder released =
          WarehouseLease.unlock(spark, context, runId)
              .orElseThrow(
                  () ->
                      new JobFailure(
                          "run "
                              + runId
                              + " holds no lease on "
                              + context.tables().warehouse()
                              + WarehouseLease.current(spark, context.tables())
                                  .filter(h -> h.releasedAt() == null)
                                  .map(h -> "; it is held by " + h.describe())
                                  .orElse("; the warehouse is free")));
      out.println("Released the warehouse lease of " + released.describe() + ".");
    };
  }
}
