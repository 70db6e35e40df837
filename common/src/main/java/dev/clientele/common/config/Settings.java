package dev.clientele.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Typed, validating reads from one subtree of the configuration. Every failure is a {@link
 * ConfigError} naming the full key, the file and line it came from, and what is allowed, so job
 * config records can bind themselves in a few readable lines.
 */
public final class Settings {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private final Config root;
  private final String prefix;

  Settings(Config root, String prefix) {
    this.root = root;
    this.prefix = prefix;
  }

  /** A reader for a child subtree. */
  public Settings at(String child) {
    return new Settings(root, key(child));
  }

  public String key(String child) {
    return prefix.isEmpty() ? child : prefix + "." + child;
  }

  public boolean has(String child) {
    return root.hasPath(key(child));
  }

  public String string(String child) {
    return read(child, () -> root.getString(key(child)));
  }

  /** A string that may be null (declared as {@code null} in reference.conf) or empty. */
  public String optionalString(String child) {
    String k = key(child);
    if (!root.hasPath(k)) return null;
    String value = read(child, () -> root.getString(k));
    return value.isBlank() ? null : value;
  }

  /**
   * The name of an environment variable that holds a secret, or null when unset. A value that is
   * not a variable name is refused without echoing it: it may be the secret itself, pasted into the
   * wrong setting.
   */
  public String optionalEnvName(String child) {
    String name = optionalString(child);
    if (name != null && !ENV_NAME.matcher(name).matches()) {
      throw error(
          child,
          "is not a variable name (its value is not shown, in case it is a secret pasted by"
              + " mistake): set it to the name of an environment variable (letters, digits,"
              + " underscores), and the secret in that variable.");
    }
    return name;
  }

  /**
   * One string or a list of them, as a list; empty when null (declared as {@code null} in
   * reference.conf) or absent. Blank entries are an error.
   */
  public List<String> oneOrMoreStrings(String child) {
    String k = key(child);
    if (!root.hasPath(k)) return List.of();
    List<String> values =
        root.getValue(k).valueType() == ConfigValueType.LIST
            ? strings(child)
            : List.of(read(child, () -> root.getString(k)));
    if (values.stream().anyMatch(String::isBlank)) {
      throw error(child, "must be a string or a list of non-empty strings.");
    }
    return List.copyOf(values);
  }

  public boolean bool(String child) {
    return read(child, () -> root.getBoolean(key(child)));
  }

  public int intBetween(String child, int min, int max) {
    int value = read(child, () -> root.getInt(key(child)));
    if (value < min || value > max) {
      throw error(
          child, "must be a whole number from " + min + " to " + max + ", got " + value + ".");
    }
    return value;
  }

  public long longAtLeast(String child, long min) {
    long value = read(child, () -> root.getLong(key(child)));
    if (value < min) {
      throw error(child, "must be at least " + min + ", got " + value + ".");
    }
    return value;
  }

  public double doubleBetween(String child, double min, double max) {
    double value = read(child, () -> root.getDouble(key(child)));
    if (!(value >= min && value <= max)) {
      throw error(child, "must be a number from " + min + " to " + max + ", got " + value + ".");
    }
    return value;
  }

  public String oneOf(String child, Set<String> allowed) {
    String value = string(child);
    if (!allowed.contains(value)) {
      throw error(
          child, "must be one of " + new java.util.TreeSet<>(allowed) + ", got '" + value + "'.");
    }
    return value;
  }

  public LocalDate optionalDate(String child) {
    String value = optionalString(child);
    if (value == null) return null;
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw error(child, "must be a date like 2026-11-21, got '" + value + "'.");
    }
  }

  public List<String> strings(String child) {
    return read(child, () -> root.getStringList(key(child)));
  }

  public List<Double> doubles(String child) {
    return read(child, () -> root.getDoubleList(key(child)));
  }

  public List<Integer> ints(String child) {
    return read(child, () -> root.getIntList(key(child)));
  }

  /** Child keys of an object, in file order is not guaranteed by HOCON: sorted for determinism. */
  public List<String> childKeys(String child) {
    String k = key(child);
    if (!root.hasPath(k)) return List.of();
    Config obj = read(child, () -> root.getConfig(k));
    List<String> keys = new ArrayList<>(obj.root().keySet());
    keys.sort(String::compareTo);
    return keys;
  }

  /** A map of simple string values (numbers and booleans rendered as text), sorted by key. */
  public Map<String, String> stringMap(String child) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : childKeys(child)) {
      ConfigValue v = root.getConfig(key(child)).root().get(name);
      if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
        throw error(
            child + "." + name,
            "must be a single value, got " + v.valueType().name().toLowerCase() + ".");
      }
      if (v.valueType() != ConfigValueType.NULL) out.put(name, String.valueOf(v.unwrapped()));
    }
    return out;
  }

  /** Where a key was set, for error messages: "conf/application.conf: 12" or "reference.conf". */
  public String origin(String child) {
    String k = key(child);
    if (!root.hasPathOrNull(k)) return null;
    try {
      return root.getValue(k).origin().description();
    } catch (ConfigException.Null e) {
      return null;
    }
  }

  public ConfigError error(String child, String problem) {
    return new ConfigError(key(child), origin(child), problem);
  }

  private <T> T read(String child, java.util.function.Supplier<T> reader) {
    try {
      return reader.get();
    } catch (ConfigException.Missing e) {
      throw new ConfigError(key(child), null, "is required but not set.");
    } catch (ConfigException.WrongType e) {
      throw new ConfigError(key(child), origin(child), "has the wrong type: " + e.getMessage());
    } catch (ConfigException.BadValue e) {
      throw new ConfigError(key(child), origin(child), e.getMessage());
    }
  }
}
