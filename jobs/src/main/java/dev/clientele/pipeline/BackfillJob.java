package dev.clientele.pipeline;

import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.RunContext;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code clientele backfill}: publishes a snapshot for each date of a calendar (the first day of
 * every month from --from to --to), oldest first, in one Spark application. Each date runs exactly
 * what {@code clientele pipeline --as-of DATE} runs after ingest (features, the aggregate stages,
 * publish with its gates), so the result equals publishing those dates one by one, and a rerun
 * replaces the same snapshots (idempotent). Ingest is not run: a backfill publishes the history
 * already ingested. A failed date stops the backfill there (exit 1); the dates before it stay
 * published, and a rerun publishes them again, to the same rows.
 */
public final class BackfillJob implements ClienteleJob {
  private static final Logger LOG = LoggerFactory.getLogger(BackfillJob.class);

  /** How often a snapshot is published between --from and --to. */
  public enum Every {
    month
  }

  private final List<LocalDate> dates;
  private final Supplier<PipelineJob> pipeline;

  /**
   * @param pipeline a fresh pipeline without ingest, one per date
   */
  public BackfillJob(List<LocalDate> dates, Supplier<PipelineJob> pipeline) {
    this.dates = List.copyOf(dates);
    this.pipeline = pipeline;
  }

  /**
   * The dates to publish: every first day of a month on or after {@code from} and on or before
   * {@code to}, in order.
   *
   * @throws IllegalArgumentException when that calendar holds no date
   */
  public static List<LocalDate> dates(LocalDate from, LocalDate to, Every every) {
    List<LocalDate> out = new ArrayList<>();
    LocalDate first = from.getDayOfMonth() == 1 ? from : from.withDayOfMonth(1).plusMonths(1);
    for (LocalDate d = first; !d.isAfter(to); d = d.plusMonths(1)) out.add(d);
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "no first day of a month between --from " + from + " and --to " + to);
    }
    return out;
  }

  public List<LocalDate> dates() {
    return dates;
  }

  @Override
  public void run(SparkSession spark, RunContext run) throws Exception {
    int i = 0;
    for (LocalDate date : dates) {
      i++;
      LOG.info("Backfill: publishing {} ({} of {})", date, i, dates.size());
      RunContext day =
          new RunContext(RunContext.newRunId(), run.job(), date, run.config(), run.tables());
      pipeline.get().run(spark, day);
    }
    LOG.info(
        "Backfill published {} date(s): {} .. {}",
        dates.size(),
        dates.get(0),
        dates.get(dates.size() - 1));
  }
}
