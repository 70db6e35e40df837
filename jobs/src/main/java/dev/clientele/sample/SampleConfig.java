package dev.clientele.sample;

import dev.clientele.common.config.Settings;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * What {@code generate-sample} writes, bound from {@code clientele.sample.*}.
 *
 * @param output root folder of the raw files
 * @param seed every random choice derives from it: same seed and sizes, same bytes
 * @param customers customers in customers.csv (ids C0000001 upwards)
 * @param transactions target number of transaction lines over all day files, dirty lines and
 *     returns included; the result is within about 2% of it
 * @param days days of history, ending the day before {@code endDate}
 * @param endDate first day after the history: the as-of date the sample is made for
 * @param dirtyShare share of transaction lines written dirty
 */
public record SampleConfig(
    Path output,
    long seed,
    int customers,
    long transactions,
    int days,
    LocalDate endDate,
    double dirtyShare) {

  /** Fewest lines per customer that leave every buying customer at least one order. */
  static final int MIN_LINES_PER_CUSTOMER = 5;

  /** Order ids have nine digits. */
  static final long MAX_TRANSACTIONS = 999_999_999L;

  /**
   * Lapsing customers fall silent 120 to 180 days before the end, after at least 60 active days.
   */
  static final int MIN_DAYS = 250;

  /** Binds and validates {@code clientele.sample}; errors name the key and where it was set. */
  public static SampleConfig from(Settings sample) {
    String output = sample.string("output");
    if (output.isBlank()) {
      throw sample.error("output", "must name a folder, e.g. ./data/raw.");
    }
    long seed = sample.longAtLeast("seed", 0);
    // Customer ids have seven digits.
    int customers = sample.intBetween("customers", 1, 9_999_999);
    long transactions = sample.longAtLeast("transactions", 1);
    if (transactions < (long) MIN_LINES_PER_CUSTOMER * customers) {
      throw sample.error(
          "transactions",
          "must be at least "
              + MIN_LINES_PER_CUSTOMER
              + " lines per customer ("
              + (long) MIN_LINES_PER_CUSTOMER * customers
              + " for "
              + customers
              + " customers), got "
              + transactions
              + ".");
    }
    if (transactions > MAX_TRANSACTIONS) {
      throw sample.error(
          "transactions", "must be at most " + MAX_TRANSACTIONS + ", got " + transactions + ".");
    }
    int days = sample.intBetween("days", MIN_DAYS, 3650);
    LocalDate endDate = sample.optionalDate("end-date");
    if (endDate == null) {
      throw sample.error("end-date", "is required: the day after the history, e.g. 2026-11-21.");
    }
    double dirtyShare = sample.doubleBetween("dirty-share", 0.0, 0.5);
    return new SampleConfig(
        Path.of(output), seed, customers, transactions, days, endDate, dirtyShare);
  }

  /** First day of the history. */
  public LocalDate startDate() {
    return endDate.minusDays(days);
  }
}
