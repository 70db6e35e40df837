package dev.clientele.cli;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.table.CatalogRegistration;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code clientele sql "SELECT ..."}: runs one query against the catalog database {@code clientele}
 * (every table registered by name; the gold tables as views pinned to the latest publish, see
 * {@link dev.clientele.common.table.Published}) and prints the result as an aligned table, CSV or
 * JSON lines, so the tiers can be looked at without a BI tool.
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

  PrintStream out = System.out;

  @Override
  protected String jobName() {
    return "sql";
  }

  @Override
  protected ClienteleJob bind(ClienteleConfig config) {
    return (spark, context) -> {
      CatalogRegistration.registerAll(spark, context.tables());
      spark.sql("USE " + dev.clientele.common.table.TableCatalog.DATABASE);
      for (String query : queries) {
        Dataset<Row> result;
        try {
          result = spark.sql(query);
        } catch (Exception e) {
          // Scala throws AnalysisException unchecked; a bad query is the user's to fix, not a
          // crash.
          if (e instanceof AnalysisException)
            throw new JobFailure("query failed: " + e.getMessage());
          throw e;
        }
        print(result.limit(limit));
      }
    };
  }

  void print(Dataset<Row> result) {
    switch (format) {
      case csv -> {
        out.println(String.join(",", result.columns()));
        for (Row r : result.collectAsList()) {
          List<String> cells = new ArrayList<>();
          for (int i = 0; i < r.length(); i++) cells.add(csvCell(r.get(i)));
          out.println(String.join(",", cells));
        }
      }
      case json -> result.toJSON().collectAsList().forEach(out::println);
      case table -> out.println(alignedTable(result.columns(), result.collectAsList()));
    }
  }

  static String csvCell(Object value) {
    if (value == null) return "";
    String s = String.valueOf(value);
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
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
        line[i] = v == null ? "NULL" : String.valueOf(v);
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
