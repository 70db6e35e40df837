package dev.clientele.features;

import dev.clientele.common.config.Settings;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Loyalty points rules ({@code clientele.value.points}): points per unit of net amount, multipliers
 * for designated products and categories, bonus events, and the yearly expiry day. The features job
 * sums each line's {@link LinePoints} in its one scan, so the rules belong to features; the config
 * key keeps its place under {@code value}.
 */
public record PointsRules(
    BigDecimal rate,
    Map<String, BigDecimal> productMultipliers,
    Map<String, BigDecimal> categoryMultipliers,
    List<BonusEvent> bonusEvents,
    MonthDay expiryDay) {

  /** A bonus event: lines dated {@code from..to} inclusive earn {@code multiplier} times. */
  public record BonusEvent(String name, LocalDate from, LocalDate to, BigDecimal multiplier) {}

  /** A name usable in a config key: letters, digits, '-' and '_' (also membership tiers). */
  public static final Pattern SIMPLE_ID = Pattern.compile("[A-Za-z0-9_-]+");

  private static final DateTimeFormatter MONTH_DAY = DateTimeFormatter.ofPattern("MM-dd");

  public PointsRules {
    productMultipliers = Map.copyOf(productMultipliers);
    categoryMultipliers = Map.copyOf(categoryMultipliers);
    bonusEvents = List.copyOf(bonusEvents);
  }

  /** Binds {@code clientele.value.points}. */
  public static PointsRules from(Settings s) {
    BigDecimal rate = BigDecimal.valueOf(s.doubleBetween("rate", 0, 1_000_000));
    Map<String, BigDecimal> products = multipliers(s, "multipliers.products");
    Map<String, BigDecimal> categories = multipliers(s, "multipliers.categories");
    List<BonusEvent> events = new ArrayList<>();
    Settings ev = s.at("bonus-events");
    for (String name : s.childKeys("bonus-events")) {
      if (!ev.has(name)) continue;
      if (!SIMPLE_ID.matcher(name).matches()) {
        throw ev.error(name, "event names may use only letters, digits, '-' and '_'.");
      }
      Settings e = ev.at(name);
      LocalDate from = e.optionalDate("from");
      LocalDate to = e.optionalDate("to");
      if (from == null || to == null) {
        throw e.error(from == null ? "from" : "to", "is required: a date like 2026-11-11.");
      }
      if (to.isBefore(from)) {
        throw e.error("to", "must not be before from (" + from + "), got " + to + ".");
      }
      events.add(
          new BonusEvent(
              name, from, to, BigDecimal.valueOf(e.doubleBetween("multiplier", 0, 1000))));
    }
    String md = s.string("expiry-month-day");
    MonthDay expiry;
    try {
      expiry = MonthDay.parse(md, MONTH_DAY);
    } catch (DateTimeParseException e) {
      throw s.error("expiry-month-day", "must be a month and day like 01-01, got '" + md + "'.");
    }
    if (expiry.equals(MonthDay.of(2, 29))) {
      throw s.error("expiry-month-day", "must exist every year; 02-29 does not.");
    }
    return new PointsRules(rate, products, categories, events, expiry);
  }

  private static Map<String, BigDecimal> multipliers(Settings s, String child) {
    Map<String, BigDecimal> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : s.stringMap(child).entrySet()) {
      try {
        BigDecimal m = new BigDecimal(e.getValue());
        if (m.signum() < 0) throw new NumberFormatException();
        out.put(e.getKey(), m);
      } catch (NumberFormatException ex) {
        throw s.error(
            child + "." + e.getKey(), "must be a non-negative number, got '" + e.getValue() + "'.");
      }
    }
    return out;
  }

  /** The most recent expiry day on or before {@code asOf}: points dated before it have expired. */
  public LocalDate lastExpiry(LocalDate asOf) {
    LocalDate thisYear = expiryDay.atYear(asOf.getYear());
    return thisYear.isAfter(asOf) ? expiryDay.atYear(asOf.getYear() - 1) : thisYear;
  }
}
