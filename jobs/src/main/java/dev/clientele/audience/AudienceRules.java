package dev.clientele.audience;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import dev.clientele.common.config.Settings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code clientele.audiences}, validated before Spark starts: the holdout, the caps, the measure
 * window and the audience definitions, each rule parsed by Spark's own SQL parser and checked
 * against the columns of gold {@code customer_tiers} ({@link AudienceRule}).
 *
 * @param holdoutShare share of each audience's eligible customers held out, 0 to 0.5
 * @param holdoutSalt key of the holdout hash
 * @param maxAudiencesPerCustomer audiences a customer may be in per as-of (by priority)
 * @param maxContacts contacts in the window that make a customer capped
 * @param windowDays length of the contact-cap window ending on the as-of date
 * @param measureDays days after an audience's as-of over which its uplift is measured
 * @param definitions the audiences, in config order, names unique
 */
public record AudienceRules(
    double holdoutShare,
    String holdoutSalt,
    int maxAudiencesPerCustomer,
    int maxContacts,
    int windowDays,
    int measureDays,
    List<Definition> definitions) {

  public static final String KEY = "clientele.audiences";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
  private static final Set<String> DEFINITION_KEYS =
      Set.of("name", "rule", "priority", "channel", "exclude-open-complaint", "exclude-lifecycle");

  public AudienceRules {
    definitions = List.copyOf(definitions);
  }

  /**
   * One audience.
   *
   * @param name lower-case id, unique
   * @param rule the Spark SQL boolean expression over customer_tiers columns
   * @param columns the customer_tiers columns the rule names, sorted, lower case
   * @param priority smaller wins when a customer is eligible for too many audiences
   * @param channel free text for the campaign tool, or null
   * @param excludeOpenComplaint suppress customers with an open complaint
   * @param excludeLifecycle lifecycle_stage values suppressed
   */
  public record Definition(
      String name,
      String rule,
      List<String> columns,
      int priority,
      String channel,
      boolean excludeOpenComplaint,
      List<String> excludeLifecycle) {
    public Definition {
      columns = List.copyOf(columns);
      excludeLifecycle = List.copyOf(excludeLifecycle);
    }
  }

  /** Binds {@code clientele.audiences} of a loaded config. */
  public static AudienceRules from(ClienteleConfig config) {
    Settings s = config.at(KEY);
    List<Definition> definitions = new ArrayList<>();
    Set<String> names = new HashSet<>();
    String listKey = s.key("definitions");
    List<? extends Config> entries;
    try {
      entries = config.raw().getConfigList(listKey);
    } catch (ConfigException e) {
      throw new ConfigError(
          listKey,
          s.origin("definitions"),
          "must be a list of audience objects: " + e.getMessage());
    }
    for (int i = 0; i < entries.size(); i++) {
      Definition d = definition(entries.get(i), listKey + "[" + i + "]", s.origin("definitions"));
      if (!names.add(d.name())) {
        throw new ConfigError(
            listKey, s.origin("definitions"), "audience name '" + d.name() + "' is used twice.");
      }
      definitions.add(d);
    }
    return new AudienceRules(
        s.doubleBetween("holdout-share", 0.0, 0.5),
        nonBlank(s, "holdout-salt"),
        s.intBetween("max-audiences-per-customer", 1, 1000),
        s.intBetween("contact-cap.max-contacts", 1, 100_000),
        s.intBetween("contact-cap.window-days", 1, 3650),
        s.intBetween("measure-days", 1, 3650),
        definitions);
  }

  /** The definition named {@code name}, or null. */
  public Definition definition(String name) {
    return definitions.stream().filter(d -> d.name().equals(name)).findFirst().orElse(null);
  }

  /** The audience names, in config order. */
  public List<String> names() {
    return definitions.stream().map(Definition::name).toList();
  }

  private static String nonBlank(Settings s, String child) {
    String value = s.string(child);
    if (value.isBlank()) throw s.error(child, "must not be empty.");
    return value;
  }

  private static Definition definition(Config c, String key, String listOrigin) {
    String origin = c.origin() == null ? listOrigin : c.origin().description();
    for (String k : c.root().keySet()) {
      if (!DEFINITION_KEYS.contains(k)) {
        throw new ConfigError(
            key + "." + k,
            origin,
            "unknown key of an audience; allowed: " + new TreeSet<>(DEFINITION_KEYS) + ".");
      }
    }
    String name = string(c, key, origin, "name");
    if (!NAME.matcher(name).matches()) {
      throw new ConfigError(
          key + ".name",
          origin,
          "must be a lower-case id (letters, digits and -, starting with a letter or digit, at"
              + " most 40 characters: it names the export table), got '"
              + name
              + "'.");
    }
    String rule = string(c, key, origin, "rule");
    List<String> columns = AudienceRule.columns(name, rule, key + ".rule", origin);
    int priority;
    try {
      priority = c.getInt("priority");
    } catch (ConfigException e) {
      throw new ConfigError(
          key + ".priority", origin, "audience '" + name + "': " + problem(e, "a whole number"));
    }
    String channel = c.hasPath("channel") ? string(c, key, origin, "channel") : null;
    boolean excludeComplaint = false;
    List<String> excludeLifecycle = List.of();
    try {
      if (c.hasPath("exclude-open-complaint")) {
        excludeComplaint = c.getBoolean("exclude-open-complaint");
      }
      if (c.hasPath("exclude-lifecycle")) excludeLifecycle = c.getStringList("exclude-lifecycle");
    } catch (ConfigException e) {
      throw new ConfigError(key, origin, "audience '" + name + "': " + e.getMessage());
    }
    return new Definition(
        name,
        rule,
        columns,
        priority,
        channel == null || channel.isBlank() ? null : channel,
        excludeComplaint,
        excludeLifecycle);
  }

  private static String string(Config c, String key, String origin, String child) {
    try {
      String value = c.getString(child);
      if (value.isBlank()) throw new ConfigError(key + "." + child, origin, "must not be empty.");
      return value;
    } catch (ConfigException e) {
      throw new ConfigError(key + "." + child, origin, problem(e, "a string"));
    }
  }

  private static String problem(ConfigException e, String expected) {
    return e instanceof ConfigException.Missing
        ? "is required but not set."
        : "must be " + expected + ": " + e.getMessage();
  }
}
