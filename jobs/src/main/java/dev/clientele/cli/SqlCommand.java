package dev.clientele.cli;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.CatalogRegistration;
import dev.clientele.common.table.RunLog;
import dev.clientele.common.table.TableCatalog;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code clientele sql "SELECT ..."}: runs one query against the catalog database {@code clientele}
 * (every table registered by name; the gold tables as views pinned to the latest publish, see
 * {@link dev.clientele.common.table.Published}) and prints the result as an aligned table, CSV or
 * JSON lines, so the tiers can be looked at without a BI tool.
 *
 * <p>Read-only by default: a statement that is not a query, SHOW, DESCRIBE or EXPLAIN over the
 * tables of database {@code clientele} is refused before Spark starts (exit 2), file-path reads
 * ({@code text.`/path`}) included, and the queries run in a session with {@code
 * spark.sql.runSQLOnFiles=false}, so no path is read whatever the check let through. {@code
 * --allow-write} lets the documented maintenance statements (RESTORE, GENERATE, OPTIMIZE, VACUUM)
 * run and records each such run in {@code runs}.
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run a SQL query against the Clientele tables and print the result.",
      "Tables are in database 'clientele'; the gold tables are views of the latest publish",
      "(clientele.published says which), so a query never mixes two publishes, e.g.:",
      "  clientele sql \"SELECT value_tier, count(*) FROM clientele.customer_tiers GROUP BY 1\""
    })
public final class SqlCommand extends JobCommand {
  enum Format {
    table,
    csv,
    json
  }

  @Parameters(
      arity = "1..*",
      paramLabel = "QUERY",
      description = "One or more SQL queries, run in order in one session.")
  List<String> queries = new ArrayList<>();

  @Option(names = "--format", description = "table (default), csv or json (one object per line).")
  Format format = Format.table;

  @Option(
      names = "--limit",
      description = "At most this many rows are printed (default ${DEFAULT-VALUE}).")
  int limit = 1000;

  @Option(
      names = "--allow-write",
      description =
          "Also run statements that change tables (RESTORE, GENERATE, OPTIMIZE, VACUUM, DML, DDL);"
              + " the run is recorded in clientele.runs.")
  boolean allowWrite;

  @Option(
      names = "--csv-raw",
      description =
          "Print CSV string values exactly as stored; by default a value starting with =, +, -, @,"
              + " tab or CR is prefixed with ' so a spreadsheet does not run it as a formula.")
  boolean rawCsv;

  PrintStream out = System.out;

  @Override
  protected String jobName() {
    return "sql";
  }

  @Override
  protected boolean writesWarehouse() {
    return allowWrite;
  }

  @Override
  protected ClienteleJob bind(ClienteleConfig config) {
    if (!allowWrite) {
      for (String query : queries) {
        Optional<String> refusal = ReadOnlySql.refusal(query);
        if (refusal.isPresent()) {
          throw new ConfigError(
              "refused \""
                  + abbreviate(query)
                  + "\": "
                  + refusal.get()
                  + ". Rerun with --allow-write to change tables (the run is recorded in runs).");
        }
      }
    }
    return (spark, context) -> {
      CatalogRegistration.registerAll(spark, context.tables());
      if (allowWrite) {
        spark.sql("USE " + TableCatalog.DATABASE);
        runRecorded(spark, context);
        return;
      }
      runAll(readOnlySession(spark));
    };
  }

  /**
   * A session over the same catalog that cannot read a file by path: the second line of defence
   * behind {@link ReadOnlySql}. The maintenance statements of {@code --allow-write} name tables by
   * path ({@code RESTORE TABLE delta.`...`}), so they keep the caller's session.
   */
  static SparkSession readOnlySession(SparkSession spark) {
    SparkSession session = spark.newSession();
    session.conf().set("spark.sql.runSQLOnFiles", "false");
    session.sql("USE " + TableCatalog.DATABASE);
    return session;
  }

  /** A writing run leaves a runs row whatever its end: the statements and how it ended. */
  private void runRecorded(SparkSession spark, RunContext context) {
    Instant started = Instant.now();
    String status = "failed";
    String message = String.join("; ", queries.stream().map(SqlCommand::abbreviate).toList());
    try {
      runAll(spark);
      status = "succeeded";
    } catch (RuntimeException e) {
      message = message + " -> " + e.getMessage();
      throw e;
    } finally {
      RunLog.record(
          spark,
          context,
          List.of(
              new RunLog.Entry(
                  "sql", status, null, null, null, null, started, Instant.now(), message, null)));
    }
  }

  private void runAll(SparkSession spark) {
    for (String query : queries) {
      Dataset<Row> result;
      try {
        result = spark.sql(query);
      } catch (Exception e) {
        // Scala throws AnalysisException unchecked; a bad query is the user's to fix, not a crash.
        if (e instanceof AnalysisException) throw new JobFailure("query failed: " + e.getMessage());
        throw e;
      }
      print(result.limit(limit));
    }
  }

  /** A statement as it appears in a message: one line, at most 200 characters. */
  static String abbreviate(String query) {
    String oneLine = query.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 197) + "...";
  }

  void print(Dataset<Row> result) {
    switch (format) {
      case csv -> {
        out.println(String.join(",", result.columns()));
        for (Row r : result.collectAsList()) {
          List<String> cells = new ArrayList<>();
          for (int i = 0; i < r.length(); i++) cells.add(csvCell(cell(r.get(i)), !rawCsv));
          out.println(String.join(",", cells));
        }
      }
      case json -> result.toJSON().collectAsList().forEach(out::println);
      case table -> out.println(alignedTable(result.columns(), result.collectAsList()));
    }
  }

  /**
   * One CSV field. With {@code neutralise}, a string that a spreadsheet would run as a formula
   * (starting with =, +, -, @, tab or CR) gets a leading apostrophe (OWASP's CSV injection advice);
   * numbers are never changed.
   */
  static String csvCell(Object value, boolean neutralise) {
    if (value == null) return "";
    String s = String.valueOf(value);
    if (neutralise
        && value instanceof String
        && !s.isEmpty()
        && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
      s = "'" + s;
    }
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }

  /**
   * A value as a reader expects it, as Spark's {@code show} writes nested values: a map as {@code
   * {key -> value, ...}} (entries sorted by key, so the text does not depend on hashing), an array
   * as {@code [a, b]}, a struct as {@code {a, b}}; other values as they are. Without this, a map
   * printed as Scala's {@code HashMap(customer_tiers -> 0, ...)}.
   */
  static Object cell(Object v) {
    if (v instanceof scala.collection.Map<?, ?> map) {
      java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
      scala.jdk.javaapi.CollectionConverters.asJava(map)
          .forEach((k, x) -> sorted.put(text(k), text(x)));
      List<String> entries = new ArrayList<>();
      sorted.forEach((k, x) -> entries.add(k + " -> " + x));
      return "{" + String.join(", ", entries) + "}";
    }
    if (v instanceof scala.collection.Seq<?> seq) {
      List<String> items = new ArrayList<>();
      scala.jdk.javaapi.CollectionConverters.asJava(seq).forEach(x -> items.add(text(x)));
      return "[" + String.join(", ", items) + "]";
    }
    if (v instanceof Row row) {
      List<String> fields = new ArrayList<>();
      for (int i = 0; i < row.length(); i++) fields.add(text(row.get(i)));
      return "{" + String.join(", ", fields) + "}";
    }
    return v;
  }

  private static String text(Object v) {
    return v == null ? "null" : String.valueOf(cell(v));
  }

  /** Column-aligned text: numbers right-aligned, everything else left-aligned, nulls as NULL. */
  static String alignedTable(String[] columns, List<Row> rows) {
    int n = columns.length;
    int[] width = new int[n];
    boolean[] numeric = new boolean[n];
    List<String[]> cells = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      width[i] = columns[i].length();
      numeric[i] = true;
    }
    for (Row r : rows) {
      String[] line = new String[n];
      for (int i = 0; i < n; i++) {
        Object v = r.get(i);
        line[i] = v == null ? "NULL" : String.valueOf(cell(v));
        if (v != null && !(v instanceof Number)) numeric[i] = false;
        width[i] = Math.max(width[i], line[i].length());
      }
      cells.add(line);
    }
    StringBuilder out = new StringBuilder();
    appendLine(out, columns, width, new boolean[n]);
    String[] rule = new String[n];
    for (int i = 0; i < n; i++) rule[i] = "-".repeat(width[i]);
    appendLine(out, rule, width, new boolean[n]);
    for (String[] line : cells) appendLine(out, line, width, numeric);
    out.append("(").append(rows.size()).append(rows.size() == 1 ? " row)" : " rows)");
    return out.toString();
  }

  private static void appendLine(StringBuilder out, String[] cells, int[] width, boolean[] right) {
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) out.append("  ");
      String pad = " ".repeat(width[i] - cells[i].length());
      out.append(right[i] ? pad + cells[i] : cells[i] + (i == cells.length - 1 ? "" : pad));
    }
    out.append('\n');
  }
}
