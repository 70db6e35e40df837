package dev.clientele.ingest;

import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.clientele.common.columns.QuarantineColumns;
import dev.clientele.common.config.ConfigError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;

/**
 * What {@code clientele ingest --replay-quarantine [--reason R]} asks for: besides the held records
 * (which every run reads again), the run reads again the unreleased record-level quarantine rows
 * that have one of {@code reasons}, or all of them when none is given, from their files through the
 * current mapping and rules ({@link HeldRecords}). Rows of files rejected whole (record number 0)
 * have no record to read again by position and are never selected.
 *
 * @param enabled whether the run replays quarantine at all; {@link #OFF} for an ordinary run
 * @param reasons the reason codes a row must have one of, as validated by {@link #of}: a whole code
 *     (non_positive_price), a column's code (missing_required:ts), or a column family's prefix
 *     (missing_required:, any column); empty = every record-level reason
 */
public record QuarantineReplay(boolean enabled, List<String> reasons) {
  /** An ordinary ingest: only held records are read again. */
  public static final QuarantineReplay OFF = new QuarantineReplay(false, List.of());

  private static final Pattern COLUMN = Pattern.compile("[A-Za-z0-9_]+");

  public QuarantineReplay {
    reasons = List.copyOf(reasons);
  }

  /**
   * A replay of the rows with any of {@code reasons} (each may be a comma list), all record-level
   * rows when there are none.
   *
   * @throws ConfigError naming the reasons a replay takes, for a reason that is not one, and for
   *     the reasons of a file rejected whole
   */
  public static QuarantineReplay of(List<String> reasons) {
    Set<String> codes = new LinkedHashSet<>();
    for (String list : reasons) {
      for (String given : list.split(",", -1)) {
        codes.add(code(given.trim()));
      }
    }
    return new QuarantineReplay(true, new ArrayList<>(codes));
  }

  private static String code(String reason) {
    if (ValidationRules.RECORD_REASONS.contains(reason)) return reason;
    for (String prefix : ValidationRules.COLUMN_REASONS) {
      String family = prefix.substring(0, prefix.length() - 1);
      if (reason.equals(family) || reason.equals(prefix)) return prefix;
      if (reason.startsWith(prefix)
          && COLUMN.matcher(reason.substring(prefix.length())).matches()) {
        return reason;
      }
    }
    for (String prefix : ValidationRules.FILE_REASONS) {
      String code = prefix.substring(0, prefix.indexOf(':'));
      if (reason.equals(code) || reason.startsWith(code + ":")) {
        throw new ConfigError(
            "--reason "
                + code
                + " is the reason of a file rejected whole: its quarantine row (record number 0)"
                + " has no record to read again. Touch the file (or deliver it again fixed) and the"
                + " next ingest reads it as new.");
      }
    }
    throw new ConfigError(
        "--reason '"
            + reason
            + "' is not a quarantine reason; a replay takes "
            + replayable()
            + " (one or more, repeated or comma-separated), or no --reason for every one.");
  }

  /** The reasons a replay takes, as the usage error lists them. */
  static String replayable() {
    List<String> names = new ArrayList<>(ValidationRules.RECORD_REASONS);
    for (String prefix : ValidationRules.COLUMN_REASONS) {
      names.add(prefix.substring(0, prefix.length() - 1) + "[:COLUMN]");
    }
    return String.join(", ", names);
  }

  /**
   * True on a quarantine row with one of the reasons, every row when there are none (held and
   * released rows are {@link HeldRecords}' concern).
   */
  Column matches() {
    if (reasons.isEmpty()) return lit(true);
    // Validated codes: letters, digits, '_' and ':' only, so they are safe in the SQL text.
    List<String> tests = new ArrayList<>();
    for (String r : reasons) {
      tests.add(r.endsWith(":") ? "startswith(r, '" + r + "')" : "r = '" + r + "'");
    }
    return expr(
        "exists(" + QuarantineColumns.REASONS + ", r -> " + String.join(" OR ", tests) + ")");
  }

  /** "non_positive_price, missing_required:*" or "every reason", for logs. */
  String describe() {
    if (reasons.isEmpty()) return "every reason";
    return String.join(", ", reasons.stream().map(r -> r.endsWith(":") ? r + "*" : r).toList());
  }
}
