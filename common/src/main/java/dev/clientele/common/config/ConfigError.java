package dev.clientele.common.config;

/**
 * A configuration or usage problem the user can fix: names the key, where it came from and what is
 * allowed. The job runner turns it into exit code 2 before any SparkSession exists.
 */
public final class ConfigError extends RuntimeException {
  private final String key;

  public ConfigError(String key, String origin, String problem) {
    super(format(key, origin, problem));
    this.key = key;
  }

  public ConfigError(String message) {
    super(message);
    this.key = null;
  }

  /** The fully qualified config key at fault, or null for a usage error not tied to one key. */
  public String key() {
    return key;
  }

  private static String format(String key, String origin, String problem) {
    String where = origin == null || origin.isBlank() ? "" : " (" + origin + ")";
    return "Config key '" + key + "'" + where + ": " + problem;
  }
}
