package dev.clientele.cli;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.predict.BacktestJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code clientele backtest}: how good were the predictions made a holdout ago. */
@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    description =
        "Fits CLV, the rule churn score and the learned churn model as of --as-of minus the holdout, "
            + "using only data known then, compares them with what happened in the holdout and writes "
            + "prediction_scorecard, prediction_calibration, churn_predictions and churn_model_fits "
            + "(config: clientele.predict.*; docs/predictions.md).")
public final class BacktestCommand extends JobCommand {
  @Option(
      names = "--holdout-days",
      paramLabel = "DAYS",
      description =
          "Days between the cutoff the models are fitted at and --as-of "
              + "(shorthand for --set predict.holdout-days=DAYS; default 90).")
  Integer holdoutDays;

  @Override
  protected String jobName() {
    return "backtest";
  }

  @Override
  public Integer call() {
    if (holdoutDays != null) options.addOverride("predict.holdout-days=" + holdoutDays);
    return super.call();
  }

  @Override
  protected ClienteleJob bind(ClienteleConfig config) {
    return BacktestJob.bind(config);
  }
}
