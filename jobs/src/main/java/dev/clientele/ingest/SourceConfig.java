package dev.clientele.ingest;

import dev.clientele.common.config.ConfigError;
import dev.clientele.common.config.Settings;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.types.StructField;

/**
 * One configured source, bound from {@code clientele.ingest.sources.<name>}: where its files are,
 * how to read them and how their columns map to the canonical columns. Mapping expressions are
 * parsed here, so a typo fails at startup with the key that holds it.
 *
 * @param timestampFormats datetime patterns tried in order; empty = ISO forms
 * @param dateFormats likewise for dates
 * @param key canonical columns that identify a record across files and runs
 * @param updatedAt customers and complaints: SQL over the canonical columns giving a record's
 *     version time (the latest version wins); null for kinds without versions
 * @param maxRejectRate this source's reject ceiling; null = {@code rules.max-reject-rate}
 * @param filter SQL over the source's own columns: records for which it is false are counted as
 *     filtered and kept nowhere (a feed mixing complaints with other reviews); null = every record
 * @param layout how a CSV line splits into fields
 * @param widths the field widths of a {@link Layout#FIXED_WIDTH} layout, in characters; else empty
 */
public record SourceConfig(
    SourceKind kind,
    String path,
    Format format,
    boolean header,
    String delimiter,
    String quote,
    String encoding,
    List<String> columns,
    List<String> timestampFormats,
    List<String> dateFormats,
    ZoneId timeZone,
    String currency,
    boolean required,
    Map<String, String> mapping,
    List<String> key,
    String updatedAt,
    Double maxRejectRate,
    Layout layout,
    List<Integer> widths,
    String filter) {

  /**
   * How a line of a CSV source splits into fields: at the delimiter (quotes honoured), at every run
   * of blanks and tabs (a whitespace-aligned log), or at fixed character positions.
   */
  public enum Layout {
    DELIMITED,
    WHITESPACE,
    FIXED_WIDTH;

    static Layout named(String name) {
      return valueOf(name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
  }

  /** Input file formats. */
  public enum Format {
    CSV,
    JSON,
    PARQUET
  }

  static final Set<String> KEYS =
      Set.of(
          "path",
          "format",
          "header",
          "delimiter",
          "quote",
          "encoding",
          "columns",
          "timestamp-format",
          "date-format",
          "time-zone",
          "currency",
          "required",
          "mapping",
          "key",
          "updated-at",
          "max-reject-rate",
          "layout",
          "widths",
          "filter");

  /**
   * Encodings whose line ends are the byte 0x0A, so files can be split into lines before decoding.
   */
  static final Set<String> ENCODINGS =
      Set.of(
          StandardCharsets.UTF_8.name(),
          StandardCharsets.ISO_8859_1.name(),
          StandardCharsets.US_ASCII.name());

  /** Binds {@code sources.<kind>}; {@code sources} is the reader for clientele.ingest.sources. */
  public static SourceConfig from(Settings sources, SourceKind kind) {
    Settings s = sources.at(kind.sourceName);
    for (String key : sources.childKeys(kind.sourceName)) {
      if (!KEYS.contains(key)) {
        throw s.error(key, "unknown source setting; allowed: " + new TreeSet<>(KEYS) + ".");
      }
    }
    Format format =
        Format.valueOf(s.oneOf("format", Set.of("csv", "json", "parquet")).toUpperCase());
    String delimiter = s.string("delimiter");
    if (delimiter.length() != 1)
      throw s.error("delimiter", "must be one character, got '" + delimiter + "'.");
    String quote = s.string("quote");
    if (quote.length() != 1) throw s.error("quote", "must be one character, got '" + quote + "'.");
    String encoding = s.string("encoding").toUpperCase(java.util.Locale.ROOT);
    if (!ENCODINGS.contains(encoding)) {
      throw s.error(
          "encoding", "must be one of " + new TreeSet<>(ENCODINGS) + ", got '" + encoding + "'.");
    }
    List<String> columns = s.has("columns") ? List.copyOf(s.strings("columns")) : null;
    if (format == Format.JSON && columns == null) {
      throw s.error(
          "columns", "must list the JSON fields to read (an explicit schema) for format json.");
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(s.string("time-zone"));
    } catch (DateTimeException e) {
      throw s.error(
          "time-zone", "must be a time zone id like UTC or Europe/London: " + e.getMessage());
    }
    Map<String, String> mapping = s.stringMap("mapping");
    Set<String> mappable = new TreeSet<>();
    for (StructField f : kind.mappedFields()) mappable.add(f.name());
    for (Map.Entry<String, String> m : mapping.entrySet()) {
      String key = "mapping." + m.getKey();
      if (!mappable.contains(m.getKey())) {
        throw s.error(
            key,
            "is not a canonical column of " + kind.sourceName + "; allowed: " + mappable + ".");
      }
      try {
        CatalystSqlParser$.MODULE$.parseExpression(m.getValue());
      } catch (Exception e) { // the parser's ParseException is checked in Java's eyes
        throw s.error(key, "is not a valid SQL expression: " + firstLine(e.getMessage()));
      }
    }
    List<String> key = List.copyOf(s.strings("key"));
    Set<String> canonical = new TreeSet<>(List.of(kind.schema.fieldNames()));
    canonical.removeAll(SourceKind.FILLED_BY_INGEST);
    if (key.isEmpty() || !canonical.containsAll(key)) {
      throw s.error(
          "key", "must list canonical columns of " + kind.sourceName + " from " + canonical + ".");
    }
    if (kind == SourceKind.CUSTOMERS && !key.equals(SourceKind.CUSTOMERS.key)) {
      throw s.error("key", "must be [customer_id]: customers has one row per customer.");
    }
    String updatedAt = s.optionalString("updated-at");
    if (kind.versioned() && updatedAt == null) {
      throw s.error(
          "updated-at",
          "must give the version time of a "
              + kind.sourceName
              + " record (a SQL expression over its canonical columns): the latest version wins.");
    }
    if (!kind.versioned() && updatedAt != null) {
      throw s.error(
          "updated-at",
          "must be null: "
              + kind.sourceName
              + " records have no versions (only customers and complaints do); the same key with"
              + " other content is a duplicate_conflict.");
    }
    String filter = s.optionalString("filter");
    if (filter != null) {
      try {
        CatalystSqlParser$.MODULE$.parseExpression(filter);
      } catch (Exception e) {
        throw s.error("filter", "is not a valid SQL expression: " + firstLine(e.getMessage()));
      }
    }
    if (updatedAt != null) {
      try {
        CatalystSqlParser$.MODULE$.parseExpression(updatedAt);
      } catch (Exception e) {
        throw s.error("updated-at", "is not a valid SQL expression: " + firstLine(e.getMessage()));
      }
    }
    String path = s.string("path");
    if (path.isBlank()) throw s.error("path", "must name a directory or glob.");
    Layout layout =
        Layout.named(s.oneOf("layout", Set.of("delimited", "whitespace", "fixed-width")));
    List<Integer> widths = s.has("widths") ? List.copyOf(s.ints("widths")) : List.of();
    if (layout != Layout.DELIMITED && format != Format.CSV) {
      throw s.error("layout", "applies to format csv only; set it to \"delimited\" or drop it.");
    }
    if (layout == Layout.FIXED_WIDTH) {
      if (columns == null
          || widths.size() != columns.size()
          || widths.stream().anyMatch(w -> w < 1)) {
        throw s.error(
            "widths",
            "must give one positive width (in characters) per entry of columns for layout"
                + " fixed-width, got "
                + widths
                + " for columns "
                + columns
                + ".");
      }
    } else if (!widths.isEmpty()) {
      throw s.error("widths", "applies to layout fixed-width only; set it to null.");
    }
    return new SourceConfig(
        kind,
        path,
        format,
        s.bool("header"),
        delimiter,
        quote,
        encoding,
        columns,
        patterns(s, "timestamp-format"),
        patterns(s, "date-format"),
        zone,
        s.optionalString("currency"),
        s.bool("required"),
        Map.copyOf(mapping),
        key,
        updatedAt,
        s.has("max-reject-rate") ? s.doubleBetween("max-reject-rate", 0.0, 1.0) : null,
        layout,
        widths,
        filter);
  }

  /** The quarantined / read share above which this source fails the run. */
  public double rejectCeiling(IngestRules rules) {
    return maxRejectRate != null ? maxRejectRate : rules.maxRejectRate();
  }

  /**
   * The columns that identify one accepted record: the key, plus the version time in a kind with
   * versions (two versions of a complaint are two records of its history).
   */
  public List<String> identity() {
    if (!kind.versioned()) return key;
    List<String> identity = new java.util.ArrayList<>(key);
    identity.add(SourceKind.VERSION);
    return List.copyOf(identity);
  }

  /** Datetime patterns, checked at startup; empty = ISO forms. */
  private static List<String> patterns(Settings s, String key) {
    List<String> patterns = s.oneOrMoreStrings(key);
    for (String p : patterns) {
      try {
        java.time.format.DateTimeFormatter.ofPattern(p);
      } catch (IllegalArgumentException e) {
        throw s.error(key, "'" + p + "' is not a datetime pattern: " + e.getMessage());
      }
    }
    return patterns;
  }

  /**
   * Whether a datetime pattern reads a zone offset or id (X, x, Z, O, V, z outside quotes): its
   * values carry their own offset, which the source's time-zone must not shift.
   */
  static boolean readsOffset(String pattern) {
    boolean quoted = false;
    for (char c : pattern.toCharArray()) {
      if (c == '\'') quoted = !quoted;
      else if (!quoted && "XxZOVz".indexOf(c) >= 0) return true;
    }
    return false;
  }

  private static String firstLine(String message) {
    if (message == null) return "";
    message = message.strip();
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }

  /** Thrown when a mapping cannot be evaluated over the actual source columns. */
  ConfigError mappingError(String column, String problem) {
    return new ConfigError(
        "clientele.ingest.sources." + kind.sourceName + ".mapping." + column, null, problem);
  }
}
