package dev.clientele.ingest;

import dev.clientele.common.config.Settings;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

/**
 * Validation rules from {@code clientele.ingest.rules}: what {@link ValidationRules} quarantines
 * and the reject-rate ceiling that fails a run.
 *
 * @param quarantineUnknownCustomer quarantine (true) or accept records whose customer is not in the
 *     customer source
 * @param quarantineMissingCustomerId quarantine (true) or accept as anonymous transactions without
 *     a customer id
 * @param maxRejectRate quarantined / read above which a source fails the run
 * @param futureToleranceMinutes slack after the end of the as-of day before a time is in the future
 * @param quarantineZeroPrice quarantine (true) or accept transactions with unit_price 0 (free
 *     items); a negative price is always quarantined
 * @param maxQuantity largest |quantity| of a transaction line; above it the line is bad_quantity
 * @param channels the transaction channels accepted, compared exactly (case-sensitive); empty = any
 *     channel
 * @param earliestDate event times before the start of this day (in the source's time zone) are
 *     implausible_timestamp
 */
public record IngestRules(
    boolean quarantineUnknownCustomer,
    boolean quarantineMissingCustomerId,
    double maxRejectRate,
    long futureToleranceMinutes,
    boolean quarantineZeroPrice,
    long maxQuantity,
    List<String> channels,
    LocalDate earliestDate) {

  public IngestRules {
    channels = List.copyOf(channels);
  }

  public static IngestRules from(Settings s) {
    Set<String> modes = Set.of("quarantine", "accept");
    List<String> channels = s.strings("channels");
    if (channels.stream().anyMatch(String::isBlank)) {
      throw s.error("channels", "must be a list of non-empty channel names ([] = any channel).");
    }
    LocalDate earliest = s.optionalDate("earliest-date");
    if (earliest == null) {
      throw s.error("earliest-date", "must be a date like 2000-01-01, got null.");
    }
    return new IngestRules(
        s.oneOf("unknown-customer", modes).equals("quarantine"),
        s.oneOf("missing-customer-id", modes).equals("quarantine"),
        s.doubleBetween("max-reject-rate", 0.0, 1.0),
        s.longAtLeast("future-timestamp-tolerance-minutes", 0),
        s.oneOf("zero-price", modes).equals("quarantine"),
        s.longAtLeast("max-quantity", 1),
        channels,
        earliest);
  }

  /**
   * Event times at or after this instant are future_timestamp: the start of the day after the as-of
   * day in the source's time zone (so 23:59:59 local on the as-of day is the last accepted second),
   * plus the tolerance.
   */
  public Instant futureCutoff(LocalDate asOf, ZoneId zone) {
    return asOf.plusDays(1).atStartOfDay(zone).toInstant().plusSeconds(60 * futureToleranceMinutes);
  }

  /**
   * Event times before this instant are implausible_timestamp: the start of {@link #earliestDate}
   * in the source's time zone.
   */
  public Instant earliestTime(ZoneId zone) {
    return earliestDate.atStartOfDay(zone).toInstant();
  }
}
