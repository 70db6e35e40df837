package dev.clientele.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which customer_tiers snapshots retention keeps: the daily window, month ends, two latest. */
class TierRetentionTest {
  private static LocalDate day(String iso) {
    return LocalDate.parse(iso);
  }

  @Test
  void keepsTheDailyWindowAndEveryMonthsLastPublishedDate() {
    List<LocalDate> daily = new ArrayList<>();
    for (LocalDate d = day("2026-01-01"); !d.isAfter(day("2026-04-15")); d = d.plusDays(1)) {
      daily.add(d);
    }
    List<LocalDate> expired = new TierRetention(35).expired(daily);
    List<LocalDate> kept = new ArrayList<>(daily);
    kept.removeAll(expired);
    assertThat(daily).hasSize(105);
    assertThat(expired).hasSize(68).startsWith(day("2026-01-01")).endsWith(day("2026-03-11"));
    assertThat(kept.subList(0, 3))
        .containsExactly(day("2026-01-31"), day("2026-02-28"), day("2026-03-12"));
    assertThat(kept).hasSize(37).endsWith(day("2026-04-15"));
  }

  @Test
  void keepsTheTwoLatestDatesWhateverTheirAge() {
    assertThat(
            new TierRetention(35)
                .expired(List.of(day("2026-01-10"), day("2026-01-20"), day("2026-06-01"))))
        .containsExactly(day("2026-01-10"));
    assertThat(
            new TierRetention(1)
                .expired(List.of(day("2026-03-01"), day("2026-03-02"), day("2026-03-03"))))
        .containsExactly(day("2026-03-01"));
    assertThat(new TierRetention(1).expired(List.of(day("2026-03-01"), day("2026-03-02"))))
        .isEmpty();
  }

  @Test
  void theHeldRunEndsAtTheLatestPublishedDate() {
    List<LocalDate> published =
        List.of(day("2026-03-30"), day("2026-03-31"), day("2026-04-01"), day("2026-04-02"));
    assertThat(TierRetention.heldFrom(published, Set.copyOf(published)))
        .isEqualTo(published.get(0));
    assertThat(
            TierRetention.heldFrom(
                published, Set.of(day("2026-03-31"), day("2026-04-01"), day("2026-04-02"))))
        .isEqualTo(day("2026-03-31"));
    assertThat(TierRetention.heldFrom(published, Set.of(day("2026-03-31"), day("2026-04-02"))))
        .isEqualTo(day("2026-04-02"));
  }
}
