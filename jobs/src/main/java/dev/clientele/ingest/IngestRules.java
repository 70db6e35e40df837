package dev.clientele.ingest;

import dev.clientele.common.config.Settings;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
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
 */
public record IngestRules(
    boolean quarantineUnknownCustomer,
    boolean quarantineMissingCustomerId,
    double maxRejectRate,
    long futureToleranceMinutes,
    boolean quarantineZeroPrice) {

  public static IngestRules from(Settings s) {
    Set<String> modes = Set.of("quarantine", "accept");
    return new IngestRules(
        s.oneOf("unknown-customer", modes).equals("quarantine"),
        s.oneOf("missing-customer-id", modes).equals("quarantine"),
        s.doubleBetween("max-reject-rate", 0.0, 1.0),
        s.longAtLeast("future-timestamp-tolerance-minutes", 0),
        s.oneOf("zero-price", modes).equals("quarantine"));
  }

  /**
   * Event times after this instant are future_timestamp: end of the as-of day (UTC) plus the
   * tolerance.
   */
  public Instant futureCutoff(LocalDate asOf) {
    return asOf.plusDays(1)
        .atStartOfDay(ZoneOffset.UTC)
        .toInstant()
        .plusSeconds(60 * futureToleranceMinutes);
  }
}
