package dev.clientele.cli;

import dev.clientele.common.config.ClienteleConfig;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every job subcommand takes: the as-of date and the config layers. */
public final class JobOptions {
  @Option(
      names = "--as-of",
      paramLabel = "DATE",
      description =
          "Date every computation is relative to, e.g. 2026-11-21 (default: today, UTC). "
              + "A rerun for the same date replaces that snapshot.")
  LocalDate asOf;

  @Option(
      names = "--conf",
      paramLabel = "FILE",
      description =
          "Extra HOCON config file layered over conf/application.conf (repeatable, later wins).")
  List<Path> confFiles = new ArrayList<>();

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "Override one config key, e.g. --set clientele.warehouse=/tmp/wh (repeatable, wins over files). "
              + "The 'clientele.' prefix may be omitted.")
  List<String> overrides = new ArrayList<>();

  public LocalDate asOf() {
    return asOf != null ? asOf : LocalDate.now(ZoneOffset.UTC);
  }

  /**
   * The --as-of date as given, or null when it was not (for commands whose default is not today).
   */
  public LocalDate explicitAsOf() {
    return asOf;
  }

  public ClienteleConfig loadConfig() {
    return ClienteleConfig.load(confFiles, overrides);
  }

  /** Adds an override after parsing, for options that are shorthands for config keys. */
  public void addOverride(String keyValue) {
    overrides.add(keyValue);
  }
}
