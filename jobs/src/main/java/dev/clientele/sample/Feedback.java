package dev.clientele.sample;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Surveys (about one per ten sales, CSAT 1–5 and NPS 0–10 around the customer group's mean) and
 * complaints (about one per fifty sales, more from lapsing customers; resolved after hours to
 * weeks, about 5% never resolved). Nothing is dated on or after the end date: a survey that would
 * be is not written, a complaint resolved after it is still open. Every third resolved complaint is
 * delivered twice, as a CRM export does: open in complaints.csv, then resolved in
 * complaints-updates.csv (a later file), so ingest sees an update.
 */
final class Feedback implements Closeable {
  private static final double SURVEY_RATE = 0.10;
  private static final double OPEN_SHARE = 0.05;
  private static final String[] CATEGORIES = {"quality", "service", "price", "delivery"};
  private static final String[] SEVERITIES = {"low", "medium", "high"};
  private static final int DAY = 86_400;

  /** Every n-th resolved complaint is delivered open first, then resolved in the updates file. */
  private static final int DELIVERED_TWICE_EVERY = 3;

  private final Seasonality calendar;
  private final CustomerBase customers;
  private final SplittableRandom rng;
  private final CsvWriter surveys;
  private final CsvWriter complaints;
  private final CsvWriter complaintUpdates;
  private long resolvedComplaints;
  private final long endSecond;

  /** Customers with a complaint open at the end of {@code watchDay} (the campaign day). */
  private final int watchDay;

  private final boolean[] openOnWatchDay;

  Feedback(
      Path root, Seasonality calendar, CustomerBase customers, SplittableRandom rng, int watchDay)
      throws IOException {
    this.watchDay = watchDay;
    this.openOnWatchDay = new boolean[customers.count];
    this.calendar = calendar;
    this.customers = customers;
    this.rng = rng;
    this.endSecond = (long) calendar.days() * DAY;
    this.surveys = CsvWriter.open(root, SampleLayout.SURVEYS, SampleLayout.SURVEYS_HEADER);
    this.complaints = CsvWriter.open(root, SampleLayout.COMPLAINTS, SampleLayout.COMPLAINTS_HEADER);
    this.complaintUpdates =
        CsvWriter.open(root, SampleLayout.COMPLAINT_UPDATES, SampleLayout.COMPLAINTS_HEADER);
  }

  /** Maybe a survey and maybe a complaint about a sale whose id is set. */
  void afterSale(Order sale) throws IOException {
    BehaviourGroup group = customers.groupOf(sale.customer);
    long at = (long) sale.day * DAY + sale.secondOfDay;
    if (Draws.chance(rng, SURVEY_RATE)) survey(sale, group, at);
    if (Draws.chance(rng, group.complaintRate)) complaint(sale, group, at);
  }

  private void survey(Order sale, BehaviourGroup group, long saleAt) throws IOException {
    long answered = saleAt + 3_600 + rng.nextInt(7 * DAY);
    int csat = (int) clamp(Math.round(group.meanCsat + 0.8 * Draws.gaussian(rng)), 1, 5);
    int nps = (int) clamp(Math.round(2.4 * (csat - 1) + 0.6 + 1.2 * Draws.gaussian(rng)), 0, 10);
    boolean noCsat = Draws.chance(rng, 0.03);
    boolean noNps = Draws.chance(rng, 0.06);
    if (answered >= endSecond) return;
    surveys.row(
        Formats.id("V", surveys.lines(), 8),
        customers.id[sale.customer],
        sale.id,
        timestamp(answered),
        noCsat ? "" : Integer.toString(csat),
        noNps ? "" : Integer.toString(nps));
  }

  private void complaint(Order sale, BehaviourGroup group, long saleAt) throws IOException {
    long opened = saleAt + 600 + rng.nextInt(14 * DAY);
    String category = CATEGORIES[Draws.weighted(rng, categoryWeights(group))];
    int severity = Draws.weighted(rng, new double[] {60, 30, 10});
    // Median about a day and a half, high severity faster; from an hour up to six weeks.
    double hours = 36 * Draws.factor(rng, 1.1) * (severity == 2 ? 0.6 : 1.0);
    long resolved = opened + (long) (clamp(hours, 1, 42 * 24) * 3_600);
    boolean open = Draws.chance(rng, OPEN_SHARE) || resolved >= endSecond;
    if (opened >= endSecond) return;
    String id = Formats.id("K", complaints.lines(), 7);
    // Decided by count, not by a draw, so the rest of the sample is the same as without updates.
    boolean twice = !open && ++resolvedComplaints % DELIVERED_TWICE_EVERY == 0;
    // Open at the end of the watch day: opened on or before it, not resolved by it.
    if (opened / DAY <= watchDay && (open || resolved / DAY > watchDay)) {
      openOnWatchDay[sale.customer] = true;
    }
    complaints.row(
        id,
        customers.id[sale.customer],
        sale.id,
        timestamp(opened),
        open || twice ? "" : timestamp(resolved),
        category,
        SEVERITIES[severity]);
    if (twice) {
      complaintUpdates.row(
          id,
          customers.id[sale.customer],
          sale.id,
          timestamp(opened),
          timestamp(resolved),
          category,
          SEVERITIES[severity]);
    }
  }

  private static double[] categoryWeights(BehaviourGroup group) {
    return switch (group) {
      case DISCOUNT_HUNTER -> new double[] {15, 15, 55, 15};
      case LAPSING -> new double[] {35, 35, 15, 15};
      case BIG_SPENDER -> new double[] {25, 35, 5, 35};
      default -> new double[] {30, 25, 20, 25};
    };
  }

  private String timestamp(long second) {
    int day = (int) (second / DAY);
    StringBuilder out = new StringBuilder(19).append(calendar.dateText(day)).append(' ');
    Formats.appendTime(out, (int) (second % DAY));
    return out.toString();
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /** Whether customer c had a complaint open at the end of the watch day. */
  boolean openOnWatchDay(int c) {
    return openOnWatchDay[c];
  }

  long surveys() {
    return surveys.lines() - 1;
  }

  long complaints() {
    return complaints.lines() - 1;
  }

  @Override
  public void close() throws IOException {
    try (surveys;
        complaints) {
      complaintUpdates.close();
    }
  }
}
