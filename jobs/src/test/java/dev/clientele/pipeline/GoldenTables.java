package dev.clientele.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.table.GoldDocs;
import dev.clientele.common.table.Published;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The published gold tables of {@link PipelineIT}'s seeded sample as golden files under {@code
 * jobs/src/test/resources/golden/}, one {@code <table>.tsv} per table, so a change that alters a
 * published figure cannot pass unnoticed. Regenerated only on purpose, with {@value #GENERATE} (see
 * the README, "Golden files"), in the style of Spark's {@code SQLQueryTestSuite}.
 *
 * <p>The form is reviewable text: a header line, then one tab-separated line per row; columns in
 * {@link GoldDocs} order (undocumented ones after, by name); rows sorted by the table's natural
 * {@link #KEYS key}, then by the whole line; doubles with 6 decimals (harmless float noise across
 * cores and partitionings does not show, {@code -0.000000} is written {@code 0.000000}); {@code \N}
 * for null; maps with their entries sorted by key; backslash, tab and newlines escaped. The text is
 * built by column expressions on the executors; only the finished lines of these small tables (a
 * few thousand rows of a 300-customer sample) come to the driver.
 */
final class GoldenTables {
  /** The system property that rewrites the golden files instead of comparing with them. */
  static final String GENERATE = "clientele.generate.golden";

  static final Path DIR = Path.of("src", "test", "resources", "golden");

  static final String REGENERATE =
      "mvn -B -pl jobs -am verify -Dtest=NONE -Dit.test=PipelineIT"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false"
          + " -D"
          + GENERATE
          + "=true";

  /** The null token: PostgreSQL's COPY convention, unambiguous because backslashes are escaped. */
  static final String NULL = "\\N";

  /** At most this many lines of a differing table are shown in the failure message. */
  static final int DIFF_LINES = 20;

  /** Each gold table's natural key (its grain in {@link GoldDocs}): rows are sorted by it first. */
  static final Map<Table, List<String>> KEYS =
      Map.of(
          Table.CUSTOMER_TIERS, List.of("as_of", "customer_id"),
          Table.SEGMENT_SUMMARY, List.of("as_of", "dimension", "label"),
          Table.KPI_MONTHLY, List.of("as_of", "month", "dimension", "label"),
          Table.TIER_HISTORY, List.of("customer_id", "dimension", "valid_from"),
          Table.TIER_TRANSITIONS, List.of("as_of", "dimension", "from_label", "to_label"),
          Table.AUDIENCE_MEMBERS, List.of("as_of", "audience", "customer_id"),
          Table.AUDIENCE_RESULTS, List.of("as_of", "audience"),
          Table.PREDICTION_SCORECARD, List.of("as_of", "model", "metric"),
          Table.PREDICTION_CALIBRATION, List.of("as_of", "model", "kind", "bucket_order"));

  /**
   * Columns left out of the golden text because they legitimately differ between two runs of the
   * same sample, with why. Everything else a pipeline publishes is pinned.
   */
  static final Map<String, String> EXCLUDED =
      Map.of("run_id", "names the run (a fresh id per run), not a published figure");

  private GoldenTables() {}

  /**
   * Compares every table of the latest publish under {@code tables} with its golden file, or
   * rewrites the files when {@value #GENERATE} is true. Returns one message per difference (a table
   * whose text differs, a missing golden file, a golden file of a table not published): empty when
   * everything matches.
   */
  static List<String> check(SparkSession spark, TableCatalog tables) throws IOException {
    Published.Publish publish = Published.current(spark, tables).orElseThrow();
    Map<String, String> actual = new LinkedHashMap<>();
    for (Table table : publish.tables()) {
      actual.put(
          table.tableName + ".tsv", render(Published.read(spark, tables, publish, table), table));
    }
    boolean generate = Boolean.getBoolean(GENERATE);
    if (generate) Files.createDirectories(DIR);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : actual.entrySet()) {
      Path file = DIR.resolve(e.getKey());
      if (generate) Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
      if (!Files.exists(file)) {
        problems.add(
            "golden file jobs/"
                + file
                + " is missing (a new gold table?); create it on purpose with: "
                + REGENERATE);
        continue;
      }
      String expected = Files.readString(file, StandardCharsets.UTF_8);
      if (!expected.equals(e.getValue())) {
        problems.add(difference(e.getKey(), expected, e.getValue()));
      }
    }
    try (Stream<Path> files = Files.exists(DIR) ? Files.list(DIR) : Stream.empty()) {
      for (Path stray : files.sorted().toList()) {
        if (actual.containsKey(stray.getFileName().toString())) continue;
        if (generate) {
          Files.delete(stray);
        } else {
          problems.add(
              "golden file jobs/"
                  + stray
                  + " names no table of the publish (a gold table removed?); remove it on"
                  + " purpose with: "
                  + REGENERATE);
        }
      }
    }
    return problems;
  }

  /** The golden text of one gold table: header, then the sorted rows. */
  static String render(Dataset<Row> frame, Table table) {
    List<StructField> fields = columns(frame.schema(), table);
    Column[] cells =
        fields.stream().map(f -> cell(col(quoted(f.name())), f.dataType())).toArray(Column[]::new);
    List<String> keys =
        KEYS.getOrDefault(table, List.of()).stream()
            .filter(Arrays.asList(frame.columns())::contains)
            .toList();
    List<Column> order = new ArrayList<>();
    for (String key : keys) order.add(col(quoted(key)).asc_nulls_first());
    order.add(col("line"));
    List<String> lines =
        frame
            .select(
                Stream.concat(
                        keys.stream().map(k -> col(quoted(k))),
                        Stream.of(concat_ws("\t", cells).as("line")))
                    .toArray(Column[]::new))
            .orderBy(order.toArray(Column[]::new))
            .select("line")
            .as(Encoders.STRING())
            .collectAsList();
    StringBuilder text = new StringBuilder();
    text.append(String.join("\t", fields.stream().map(StructField::name).toList())).append('\n');
    for (String line : lines) text.append(line).append('\n');
    return text.toString();
  }

  /** The table's columns in documented order, undocumented ones after by name, less EXCLUDED. */
  private static List<StructField> columns(StructType schema, Table table) {
    List<String> documented =
        GoldDocs.ALL.containsKey(table)
            ? new ArrayList<>(GoldDocs.ALL.get(table).columns().keySet())
            : new ArrayList<>();
    List<StructField> ordered = new ArrayList<>();
    for (String name : documented) {
      if (Arrays.asList(schema.fieldNames()).contains(name)) ordered.add(schema.apply(name));
    }
    Arrays.stream(schema.fields())
        .filter(f -> !documented.contains(f.name()))
        .sorted((a, b) -> a.name().compareTo(b.name()))
        .forEach(ordered::add);
    ordered.removeIf(f -> EXCLUDED.containsKey(f.name()));
    return ordered;
  }

  /** One value as golden text, never null. */
  private static Column cell(Column value, DataType type) {
    Column text;
    if (type instanceof ArrayType || type instanceof MapType || type instanceof StructType) {
      text = functions.to_json(nested(value, type));
    } else if (type.equals(DataTypes.StringType)) {
      text =
          regexp_replace(
              regexp_replace(
                  regexp_replace(regexp_replace(value, "\\\\", "\\\\\\\\"), "\t", "\\\\t"),
                  "\n",
                  "\\\\n"),
              "\r",
              "\\\\r");
    } else if (isFloating(type)) {
      text = decimals(value);
    } else {
      text = value.cast(DataTypes.StringType);
    }
    return functions.coalesce(text, lit(NULL));
  }

  /**
   * A nested value with every floating-point leaf as fixed-decimal text and every map's entries
   * sorted by key, so its JSON is as stable as a plain cell.
   */
  private static Column nested(Column value, DataType type) {
    if (isFloating(type)) return decimals(value);
    if (type instanceof ArrayType array) {
      return functions.transform(value, x -> nested(x, array.elementType()));
    }
    if (type instanceof MapType map) {
      Column sorted =
          functions.map_from_entries(functions.array_sort(functions.map_entries(value)));
      return functions.transform_values(sorted, (k, v) -> nested(v, map.valueType()));
    }
    if (type instanceof StructType struct) {
      Column[] fields =
          Arrays.stream(struct.fields())
              .map(f -> nested(value.getField(f.name()), f.dataType()).as(f.name()))
              .toArray(Column[]::new);
      return when(value.isNull(), lit(null)).otherwise(functions.struct(fields));
    }
    return value;
  }

  private static boolean isFloating(DataType type) {
    return type.equals(DataTypes.DoubleType) || type.equals(DataTypes.FloatType);
  }

  /** 6 decimals, half up (NaN and Infinity as Java writes them), negative zero as zero. */
  private static Column decimals(Column value) {
    return when(
        value.isNotNull(), regexp_replace(format_string("%.6f", value), "^-(0\\.0+)$", "$1"));
  }

  private static String quoted(String name) {
    return "`" + name + "`";
  }

  /**
   * Names the table and shows the first differing lines, expected ({@code -}) then actual ({@code
   * +}), with their line numbers, and the command that regenerates the files.
   */
  static String difference(String file, String expected, String actual) {
    List<String> want = expected.lines().toList();
    List<String> got = actual.lines().toList();
    int first = 0;
    while (first < want.size() && first < got.size() && want.get(first).equals(got.get(first))) {
      first++;
    }
    int wantEnd = want.size();
    int gotEnd = got.size();
    while (wantEnd > first && gotEnd > first && want.get(wantEnd - 1).equals(got.get(gotEnd - 1))) {
      wantEnd--;
      gotEnd--;
    }
    StringBuilder m = new StringBuilder();
    m.append("golden jobs/")
        .append(DIR.resolve(file))
        .append(" differs from the published table (")
        .append(want.size())
        .append(" lines expected, ")
        .append(got.size())
        .append(" actual); first difference at line ")
        .append(first + 1)
        .append(first == 0 ? " (the header)" : "")
        .append(":\n");
    // Wide lines are shown from a little before their first difference (keys kept in front).
    int from = 0;
    if (first < want.size() && first < got.size()) {
      String a = want.get(first);
      String b = got.get(first);
      while (from < a.length() && from < b.length() && a.charAt(from) == b.charAt(from)) from++;
    }
    int budget = DIFF_LINES;
    int half = DIFF_LINES / 2;
    int shownWant = Math.min(wantEnd - first, gotEnd == first ? budget : half);
    for (int i = first; i < first + shownWant; i++) {
      m.append(String.format("-%6d %s\n", i + 1, excerpt(want.get(i), from)));
    }
    budget -= shownWant;
    int shownGot = Math.min(gotEnd - first, budget);
    for (int i = first; i < first + shownGot; i++) {
      m.append(String.format("+%6d %s\n", i + 1, excerpt(got.get(i), from)));
    }
    if (shownWant < wantEnd - first || shownGot < gotEnd - first) {
      m.append(
          String.format(
              "... %d expected and %d actual lines differ in all\n",
              wantEnd - first, gotEnd - first));
    }
    m.append(columnsThatDiffer(want, got, first));
    m.append(
            "If this change is meant to alter published figures, regenerate the golden files"
                + " and say so in the commit message: ")
        .append(REGENERATE);
    return m.toString();
  }

  /**
   * For a first differing row under an unchanged header: its columns that differ, expected then
   * actual (wide tables such as customer_tiers have ~90 columns per line).
   */
  private static String columnsThatDiffer(List<String> want, List<String> got, int line) {
    if (line == 0 || line >= want.size() || line >= got.size()) return "";
    if (!want.get(0).equals(got.get(0))) return "";
    String[] header = want.get(0).split("\t", -1);
    String[] expected = want.get(line).split("\t", -1);
    String[] actual = got.get(line).split("\t", -1);
    if (expected.length != header.length || actual.length != header.length) return "";
    StringBuilder m = new StringBuilder("columns differing at line " + (line + 1) + ":");
    for (int i = 0; i < header.length; i++) {
      if (expected[i].equals(actual[i])) continue;
      m.append(
          String.format(
              "\n  %s: %s -> %s", header[i], clip(expected[i], 120), clip(actual[i], 120)));
    }
    return m.append('\n').toString();
  }

  /** The line's first 40 characters (its keys), then from 100 before {@code from}, clipped. */
  private static String excerpt(String line, int from) {
    int start = from - 100;
    if (start <= 40) return clip(line, 400);
    return line.substring(0, 40)
        + " ... "
        + clip(line.substring(Math.min(start, line.length())), 360);
  }

  private static String clip(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "...";
  }
}
