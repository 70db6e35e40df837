package dev.clientele.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads Clientele's configuration with one documented precedence, lowest first:
 *
 * <ol>
 *   <li>built-in defaults: {@code reference.conf} on the classpath (every key is declared there);
 *   <li>{@code conf/application.conf} in the working directory, if present (or the file named by
 *       the environment variable {@code CLIENTELE_CONF_DIR}/application.conf);
 *   <li>each {@code --conf FILE}, later files winning;
 *   <li>each {@code --set key=value}, later ones winning.
 * </ol>
 *
 * <p>Only keys declared in {@code reference.conf} are accepted, so a misspelt key fails loudly with
 * its file and line instead of being ignored. Maps whose keys are the user's own (source mappings,
 * extra Spark settings, label maps) are declared as open in {@link #OPEN_MAPS}.
 */
public final class ClienteleConfig {
  /** Paths under which any key is allowed: their keys are data, not settings. */
  static final List<String> OPEN_MAPS =
      List.of(
          "clientele.spark.conf",
          "clientele.ingest.sources",
          "clientele.value.membership.tiers",
          "clientele.value.points.multipliers",
          "clientele.value.points.bonus-events",
          "clientele.segment.rfm.segments",
          "clientele.satisfaction.churn.weights",
          "clientele.publish.share-bounds");

  /**
   * Keys that were removed because another key now holds the same concept: setting one fails with a
   * message naming its replacement (documented in reference.conf next to the replacement).
   */
  static final Map<String, String> RENAMED =
      Map.of(
          "clientele.features.churn-horizon-days", "clientele.satisfaction.churn.horizon-days",
          "clientele.segment.lifecycle.overdue-factor",
              "clientele.satisfaction.churn.overdue-factor",
          "clientele.segment.lifecycle.spend-drop-share",
              "clientele.satisfaction.churn.spend-drop-bar",
          "clientele.segment.activity.lost-days", "clientele.satisfaction.churn.horizon-days");

  private final Config config;

  private ClienteleConfig(Config config) {
    this.config = config;
  }

  /** The resolved configuration tree, rooted above {@code clientele}. */
  public Config raw() {
    return config;
  }

  /**
   * A reader for the subtree at {@code path}, which names keys in its errors by their full path.
   */
  public Settings at(String path) {
    return new Settings(config, path);
  }

  /** Loads with the standard precedence; {@code confFiles} and {@code overrides} may be empty. */
  public static ClienteleConfig load(List<Path> confFiles, List<String> overrides) {
    return load(defaultConfFile(), confFiles, overrides);
  }

  /** Loads with an explicit application.conf (null for none); used by tests. */
  public static ClienteleConfig load(
      Path applicationConf, List<Path> confFiles, List<String> overrides) {
    Config reference = ConfigFactory.defaultReference();
    Config merged = ConfigFactory.empty();
    List<Config> layers = new ArrayList<>();
    if (applicationConf != null && Files.isRegularFile(applicationConf)) {
      layers.add(parseFile(applicationConf));
    }
    for (Path file : confFiles) {
      if (!Files.isRegularFile(file)) {
        throw new ConfigError(
            "Config file " + file + " (from --conf) does not exist or is not a file.");
      }
      layers.add(parseFile(file));
    }
    for (String override : overrides) {
      layers.add(parseOverride(override));
    }
    for (Config layer : layers) {
      rejectUnknownKeys(layer, reference);
      merged = layer.withFallback(merged);
    }
    try {
      Config resolved =
          merged
              .withFallback(reference)
              .resolve(ConfigResolveOptions.defaults().setAllowUnresolved(false));
      resolved.checkValid(reference, "clientele");
      return new ClienteleConfig(resolved);
    } catch (ConfigException.ValidationFailed e) {
      ConfigException.ValidationProblem first = e.problems().iterator().next();
      throw new ConfigError(
          first.path(),
          first.origin() == null ? null : first.origin().description(),
          first.problem());
    } catch (ConfigException e) {
      throw new ConfigError(e.getMessage());
    }
  }

  /** {@code $CLIENTELE_CONF_DIR/application.conf}, else {@code conf/application.conf}. */
  public static Path defaultConfFile() {
    String dir = System.getenv("CLIENTELE_CONF_DIR");
    return Path.of(dir == null || dir.isBlank() ? "conf" : dir, "application.conf");
  }

  private static Config parseFile(Path file) {
    try {
      return ConfigFactory.parseFile(
          file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new ConfigError("Cannot parse config file " + file + ": " + e.getMessage());
    }
  }

  private static Config parseOverride(String override) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new ConfigError(
          "--set expects key=value (for example --set clientele.value.high-share=0.2), got '"
              + override
              + "'.");
    }
    String key = override.substring(0, eq).trim();
    String value = override.substring(eq + 1).trim();
    String fullKey = key.startsWith("clientele.") ? key : "clientele." + key;
    try {
      // Parse the value as HOCON so numbers, booleans and lists keep their types; fall back to a
      // string.
      return ConfigFactory.parseString(
          fullKey + " = " + value,
          ConfigParseOptions.defaults()
              .setSyntax(ConfigSyntax.CONF)
              .setOriginDescription("--set " + key));
    } catch (ConfigException e) {
      return ConfigFactory.parseMap(Map.of(fullKey, value), "--set " + key);
    }
  }

  private static void rejectUnknownKeys(Config layer, Config reference) {
    for (Map.Entry<String, ConfigValue> entry : layer.entrySet()) {
      String path = entry.getKey();
      if (!path.startsWith("clientele.")) {
        throw new ConfigError(
            path,
            entry.getValue().origin().description(),
            "every Clientele setting lives under 'clientele.'; see conf/application.conf for the keys.");
      }
      if (isUnderOpenMap(path) || reference.hasPathOrNull(path)) {
        continue;
      }
      if (RENAMED.containsKey(path)) {
        throw new ConfigError(
            path,
            entry.getValue().origin().description(),
            "was removed: the one definition every table uses is '"
                + RENAMED.get(path)
                + "'; set that key instead.");
      }
      throw new ConfigError(
          path,
          entry.getValue().origin().description(),
          "unknown key."
              + suggestion(path, reference)
              + " Allowed keys are listed in conf/application.conf.");
    }
  }

  private static boolean isUnderOpenMap(String path) {
    for (String open : OPEN_MAPS) {
      if (path.startsWith(open + ".")) return true;
    }
    return false;
  }

  private static String suggestion(String path, Config reference) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : leafPaths(reference)) {
      int d = editDistance(path, candidate);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best != null && bestDistance <= 3 ? " Did you mean '" + best + "'?" : "";
  }

  private static Set<String> leafPaths(Config reference) {
    Set<String> paths = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : reference.withOnlyPath("clientele").entrySet()) {
      paths.add(e.getKey());
    }
    return paths;
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** The resolved config as HOCON text with secret-looking values masked, for the run log. */
  public String renderMasked() {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, ConfigValue> e : new java.util.TreeMap<>(toMap()).entrySet()) {
      String key = e.getKey();
      String value = String.valueOf(e.getValue().unwrapped());
      if (isSecret(key)) value = "****";
      out.append(key).append(" = ").append(value).append('\n');
    }
    return out.toString();
  }

  private Map<String, ConfigValue> toMap() {
    Map<String, ConfigValue> map = new java.util.HashMap<>();
    for (Map.Entry<String, ConfigValue> e : config.withOnlyPath("clientele").entrySet()) {
      map.put(e.getKey(), e.getValue());
    }
    return map;
  }

  static boolean isSecret(String key) {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    return k.contains("password")
        || k.contains("secret")
        || k.endsWith(".key")
        || k.contains("token");
  }
}
