package dev.clientele.publish;

import static dev.clientele.publish.TierLabelsColumns.AS_OF;
import static org.apache.spark.sql.functions.col;

import dev.clientele.common.job.JobFailure;
import dev.clientele.common.table.DeltaIO;
import java.sql.Date;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;

/**
 * How long {@code customer_tiers} keeps its daily snapshots ({@code
 * clientele.publish.retain-daily-days}): every snapshot dated within that many days of the latest
 * one, the last published date of every month for good, and always the two latest dates (a rerun of
 * the latest date compares it with the one before). Older snapshots are removed at publish; {@code
 * tier_history} still answers every published date, since it moves on from the two latest snapshots
 * only and its rebuild stitches the intervals it already holds before the removed dates to those
 * rebuilt from the snapshots kept after them.
 */
final class TierRetention {
  static final String KEY = "clientele.publish.retain-daily-days";

  private final int retainDailyDays;

  TierRetention(int retainDailyDays) {
    if (retainDailyDays < 1) {
      throw new IllegalArgumentException("retain-daily-days must be at least 1");
    }
    this.retainDailyDays = retainDailyDays;
  }

  /** The snapshot dates of {@code held} that retention removes, in order. */
  List<LocalDate> expired(Collection<LocalDate> held) {
    TreeSet<LocalDate> dates = new TreeSet<>(held);
    if (dates.size() <= 2) return List.of();
    LocalDate latest = dates.last();
    LocalDate firstDaily = latest.minusDays(retainDailyDays - 1L);
    Map<YearMonth, LocalDate> monthEnds = new TreeMap<>();
    for (LocalDate d : dates) monthEnds.put(YearMonth.from(d), d);
    LocalDate secondLatest = dates.lower(latest);
    List<LocalDate> expired = new ArrayList<>();
    for (LocalDate d : dates) {
      boolean kept =
          !d.isBefore(firstDaily)
              || d.equals(monthEnds.get(YearMonth.from(d)))
              || d.equals(secondLatest);
      if (!kept) expired.add(d);
    }
    return expired;
  }

  /**
   * The first date from which every published date still has its snapshot: the start of the run of
   * held dates that ends at the latest published date (the first published date when none was
   * removed).
   */
  static LocalDate heldFrom(List<LocalDate> published, Set<LocalDate> held) {
    List<LocalDate> sorted = published.stream().sorted().toList();
    LocalDate from = sorted.get(sorted.size() - 1);
    for (int i = sorted.size() - 1; i >= 0 && held.contains(sorted.get(i)); i--) {
      from = sorted.get(i);
    }
    return from;
  }

  /**
   * Refuses, before anything is written, to publish {@code asOf} where snapshots around it were
   * removed: tier_history and tier_transitions could not be recomputed there.
   *
   * @param published every date published before this publish
   * @param held the dates customer_tiers holds a snapshot of before this publish
   */
  void checkPublishable(LocalDate asOf, Collection<LocalDate> published, Set<LocalDate> held) {
    Set<LocalDate> all = new TreeSet<>(published);
    all.add(asOf);
    Set<LocalDate> heldNow = new TreeSet<>(held);
    heldNow.add(asOf);
    if (heldNow.containsAll(all)) return;
    LocalDate from = heldFrom(List.copyOf(all), heldNow);
    if (asOf.isAfter(from)) return;
    throw new JobFailure(
        "as-of "
            + asOf
            + " cannot be published: customer_tiers no longer holds the daily snapshots around it"
            + " (it holds every published date from "
            + from
            + " on and only month ends before, "
            + KEY
            + " = "
            + retainDailyDays
            + "), so tier_history and tier_transitions cannot be recomputed there. Publish a date"
            + " after "
            + from
            + ", or raise "
            + KEY
            + " before publishing the dates you will want to republish.");
  }

  /** Removes the expired snapshots of {@code held} from customer_tiers in one commit. */
  List<LocalDate> prune(SparkSession spark, String tiersPath, Collection<LocalDate> held) {
    List<LocalDate> expired = expired(held);
    if (!expired.isEmpty()) {
      DeltaIO.deleteWhere(
          spark, tiersPath, col(AS_OF).isin(expired.stream().map(Date::valueOf).toArray()));
    }
    return expired;
  }
}
