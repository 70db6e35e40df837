package dev.clientele.ingest;

import dev.clientele.common.config.ConfigError;
import dev.clientele.common.config.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The secret key of the PII pseudonyms and the source columns that are personal data, bound from
 * {@code clientele.ingest.pii}. The key comes from an environment variable, else a key file, else —
 * only when {@code dev-key-allowed = true} — a fixed public development key. It is never logged:
 * {@link #toString()} names only where it came from.
 */
public final class PiiKey {
  /** The development key: public, so its pseudonyms protect nothing. Sample data only. */
  static final String DEV_KEY = "clientele-development-key-not-secret";

  static final int MIN_LENGTH = 16;

  private final byte[] key;
  private final String origin;
  private final boolean devKey;
  private final List<String> columns;

  private PiiKey(byte[] key, String origin, boolean devKey, List<String> columns) {
    this.key = key;
    this.origin = origin;
    this.devKey = devKey;
    this.columns = columns;
  }

  /**
   * Resolves the key; {@code env} looks up environment variables (System::getenv outside tests).
   *
   * @throws ConfigError when no key is found and the dev key is not allowed, or the key is too
   *     short
   */
  public static PiiKey from(Settings s, UnaryOperator<String> env) {
    List<String> columns = List.copyOf(s.strings("columns"));
    String envName = s.optionalEnvName("key-env");
    if (envName != null) {
      String value = env.apply(envName);
      if (value != null && !value.isBlank()) {
        return checked(s, "key-env", value.trim(), "environment variable " + envName, columns);
      }
    }
    String file = s.optionalString("key-file");
    if (file != null) {
      Path path = Path.of(file);
      if (!Files.isReadable(path)) {
        throw s.error(
            "key-file",
            "names " + path.toAbsolutePath() + ", which does not exist or cannot be read.");
      }
      try {
        String value = Files.readString(path, StandardCharsets.UTF_8).trim();
        return checked(s, "key-file", value, "key file " + path, columns);
      } catch (IOException e) {
        throw s.error("key-file", "cannot read " + path + ": " + e.getMessage());
      }
    }
    if (s.bool("dev-key-allowed")) {
      return new PiiKey(
          DEV_KEY.getBytes(StandardCharsets.UTF_8), "the built-in development key", true, columns);
    }
    throw s.error(
        "key-env",
        "no PII key: set the environment variable "
            + (envName == null ? "named by this key" : envName)
            + " or clientele.ingest.pii.key-file to a secret of at least "
            + MIN_LENGTH
            + " characters (for generated sample data only, clientele.ingest.pii.dev-key-allowed = true).");
  }

  private static PiiKey checked(
      Settings s, String key, String value, String origin, List<String> columns) {
    if (value.length() < MIN_LENGTH) {
      throw s.error(
          key, "the key from " + origin + " is shorter than " + MIN_LENGTH + " characters.");
    }
    return new PiiKey(value.getBytes(StandardCharsets.UTF_8), origin, false, columns);
  }

  /** The key bytes, for {@link Pseudonymizer} only. */
  byte[] bytes() {
    return key.clone();
  }

  public boolean isDevKey() {
    return devKey;
  }

  /** Source columns that are personal data. */
  public List<String> columns() {
    return columns;
  }

  @Override
  public String toString() {
    return "PiiKey(from " + origin + ", ****)";
  }
}
