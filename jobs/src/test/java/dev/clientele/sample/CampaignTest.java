package dev.clientele.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.sample.Campaign.Reason;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The generator's emulation of the audiences' selection, on hand-built customers. */
class CampaignTest {
  static final int C = 400;
  static final int NEVER = CustomerBase.NEVER;

  /** One purchase order in the window, 60 days ago, nothing else against them. */
  private static Reason with(
      int orders, int lastSale, long lifetimeCents, int optOut, boolean open, int contacts) {
    return Campaign.reason(orders, lastSale, lifetimeCents, optOut, open, contacts, C);
  }

  @Test
  void theRuleAndEachSuppressionInTheAudiencesOrder() {
    assertThat(with(1, C - 60, 10_000, NEVER, false, 2)).isNull();
    // the rule: exactly one order, the last one 30..90 days before C
    assertThat(with(0, -1, 0, NEVER, false, 0)).isEqualTo(Reason.RULE);
    assertThat(with(2, C - 60, 10_000, NEVER, false, 0)).isEqualTo(Reason.RULE);
    assertThat(with(1, C - 29, 10_000, NEVER, false, 0)).isEqualTo(Reason.RULE);
    assertThat(with(1, C - 30, 10_000, NEVER, false, 0)).isNull();
    assertThat(with(1, C - 90, 10_000, NEVER, false, 0)).isNull();
    assertThat(with(1, C - 91, 10_000, NEVER, false, 0)).isEqualTo(Reason.RULE);
    // opted out on or before C; an opt-out after C does not count yet
    assertThat(with(1, C - 60, 10_000, C, false, 0)).isEqualTo(Reason.OPTED_OUT);
    assertThat(with(1, C - 60, 10_000, C + 1, false, 0)).isNull();
    // the first reason wins: opted out before open complaint, cap and audience limit
    assertThat(with(1, C - 60, 600_000, 10, true, 5)).isEqualTo(Reason.OPTED_OUT);
    assertThat(with(1, C - 60, 600_000, NEVER, true, 5)).isEqualTo(Reason.OPEN_COMPLAINT);
    assertThat(with(1, C - 60, 600_000, NEVER, false, 3)).isEqualTo(Reason.CONTACT_CAP);
    // vip-care (gold: 5,000 of lifetime net spend) has the smaller priority number
    assertThat(with(1, C - 60, 500_000, NEVER, false, 0)).isEqualTo(Reason.AUDIENCE_LIMIT);
    assertThat(with(1, C - 60, 499_999, NEVER, false, 0)).isNull();
  }

  @Test
  void holdoutIsTheRoundedShareWithTheSmallestHashes() {
    // The same hex as Spark's sha2(concat_ws(':', salt, audience, id), 256) (checked with Python's
    // hashlib).
    assertThat(Campaign.holdoutHash("C0000001"))
        .isEqualTo("252df5ef0c317a34d57851d0f9c4ff188985c2e6c0e0e82102bf6d8b6dd7edbf");
    List<String> ten = ids(10);
    assertThat(Campaign.holdout(ten)).containsExactly("C0000004");
    // round(0.1 × 25) = 3 (half up)
    assertThat(Campaign.holdout(ids(25))).containsExactly("C0000004", "C0000006", "C0000020");
    assertThat(Campaign.holdout(ids(4))).isEmpty();
    assertThat(Campaign.holdout(List.of())).isEmpty();
  }

  @Test
  void theCampaignDateIsTheMonthStartBeforeEndDateMinus30Days() {
    assertThat(Campaign.campaignDate(LocalDate.parse("2026-11-21")))
        .isEqualTo(LocalDate.parse("2026-10-01"));
    assertThat(Campaign.campaignDate(LocalDate.parse("2026-10-31")))
        .isEqualTo(LocalDate.parse("2026-10-01"));
    assertThat(Campaign.campaignDate(LocalDate.parse("2026-10-30")))
        .isEqualTo(LocalDate.parse("2026-09-01"));
  }

  private static List<String> ids(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> CustomerBase.customerId(i - 1)).toList();
  }
}
