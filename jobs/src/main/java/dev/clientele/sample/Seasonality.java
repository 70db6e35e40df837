package dev.clientele.sample;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.YearMonth;
import java.time.temporal.TemporalAdjusters;
import java.util.SplittableRandom;

/**
 * The calendar of the history: day {@code 0} is the start date, day {@code days - 1} the day before
 * the end date. Each day has a purchase weight (more on weekends, in November and December, on
 * promotion days and slowly growing over time); customers' order days are drawn in proportion to
 * it. Discount hunters weigh promotion days much more.
 */
final class Seasonality {
  // Monday .. Sunday
  private static final double[] WEEKDAY = {0.90, 0.90, 0.95, 1.00, 1.10, 1.35, 1.25};
  // January .. December
  private static final double[] MONTH = {
    0.85, 0.85, 0.95, 0.95, 1.00, 1.00, 0.95, 0.95, 1.00, 1.05, 1.30, 1.60
  };
  private static final double PROMO = 1.3;
  private static final double PROMO_FOR_HUNTERS = 3.5;
  private static final double GROWTH_PER_YEAR = 0.10;
  private static final int PROMO_LENGTH = 3;

  private final LocalDate start;
  private final int days;
  private final String[] dateText;
  private final boolean[] promo;
  private final double[] cumulative;
  private final double[] hunterCumulative;

  Seasonality(LocalDate endDate, int days, SplittableRandom rng) {
    this.start = endDate.minusDays(days);
    this.days = days;
    this.dateText = new String[days];
    this.promo = promotionDays(rng);
    this.cumulative = new double[days + 1];
    this.hunterCumulative = new double[days + 1];
    for (int d = 0; d < days; d++) {
      LocalDate date = start.plusDays(d);
      dateText[d] = date.toString();
      double base =
          WEEKDAY[date.getDayOfWeek().getValue() - 1]
              * MONTH[date.getMonthValue() - 1]
              * (1.0 + GROWTH_PER_YEAR * d / 365.0);
      cumulative[d + 1] = cumulative[d] + base * (promo[d] ? PROMO : 1.0);
      hunterCumulative[d + 1] = hunterCumulative[d] + base * (promo[d] ? PROMO_FOR_HUNTERS : 1.0);
    }
  }

  /** A three-day sale each month at a seeded date, plus 11 November and Black Friday. */
  private boolean[] promotionDays(SplittableRandom rng) {
    boolean[] flags = new boolean[days];
    LocalDate end = start.plusDays(days);
    for (YearMonth month = YearMonth.from(start);
        !month.atDay(1).isAfter(end);
        month = month.plusMonths(1)) {
      int first = 1 + rng.nextInt(26);
      for (int i = 0; i < PROMO_LENGTH; i++) mark(flags, month.atDay(first + i));
      if (month.getMonth() == Month.NOVEMBER) {
        mark(flags, month.atDay(11));
        LocalDate thanksgiving =
            month.atDay(1).with(TemporalAdjusters.dayOfWeekInMonth(4, DayOfWeek.THURSDAY));
        mark(flags, thanksgiving.plusDays(1));
      }
    }
    return flags;
  }

  private void mark(boolean[] flags, LocalDate date) {
    long d = date.toEpochDay() - start.toEpochDay();
    if (d >= 0 && d < days) flags[(int) d] = true;
  }

  int days() {
    return days;
  }

  LocalDate date(int day) {
    return start.plusDays(day);
  }

  /** {@code yyyy-MM-dd} of a day index. */
  String dateText(int day) {
    return dateText[day];
  }

  boolean isPromo(int day) {
    return promo[day];
  }

  /** Total weight of the days before {@code day}. */
  double weightBefore(int day, boolean hunter) {
    return (hunter ? hunterCumulative : cumulative)[day];
  }

  /** The day in [{@code first}, {@code last}] whose weight interval holds {@code position}. */
  int dayAt(double position, int first, int last, boolean hunter) {
    double[] cum = hunter ? hunterCumulative : cumulative;
    int lo = first;
    int hi = last;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (cum[mid] <= position) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
