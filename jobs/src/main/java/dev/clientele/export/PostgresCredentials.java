package dev.clientele.export;

import dev.clientele.common.config.ConfigError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.function.Function;

/**
 * The database user and password, read from the environment or a secret file named in config (never
 * from config itself). {@link #toString()} masks the password so it cannot reach a log line.
 */
public record PostgresCredentials(String user, String password) {

  /**
   * Reads the user from {@code userEnv} and the password from {@code passwordFile} (first line)
   * when set, else from {@code passwordEnv}. Errors name the config key and the variable or file,
   * never a value.
   *
   * @param env environment lookup, {@code System::getenv} outside tests
   */
  public static PostgresCredentials resolve(ExportSettings settings, Function<String, String> env) {
    String user = env.apply(settings.userEnv());
    if (user == null || user.isBlank()) {
      throw new ConfigError(
          "clientele.export.user-env",
          null,
          "names environment variable " + settings.userEnv() + ", which is not set.");
    }
    return new PostgresCredentials(user, password(settings, env));
  }

  private static String password(ExportSettings settings, Function<String, String> env) {
    if (settings.passwordFile() != null) {
      List<String> lines;
      try {
        lines = Files.readAllLines(settings.passwordFile(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ConfigError(
            "clientele.export.password-file",
            null,
            "names " + settings.passwordFile() + ", which cannot be read: " + e);
      }
      if (lines.isEmpty() || lines.get(0).isEmpty()) {
        throw new ConfigError(
            "clientele.export.password-file",
            null,
            "names " + settings.passwordFile() + ", whose first line is empty.");
      }
      return lines.get(0);
    }
    String password = env.apply(settings.passwordEnv());
    if (password == null || password.isEmpty()) {
      throw new ConfigError(
          "clientele.export.password-env",
          null,
          "names environment variable "
              + settings.passwordEnv()
              + ", which is not set (or set export.password-file).");
    }
    return password;
  }

  @Override
  public String toString() {
    return "PostgresCredentials[user=" + user + ", password=****]";
  }
}
