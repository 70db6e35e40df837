package dev.clientele.cli;

import dev.clientele.common.table.TableCatalog;
import io.delta.sql.parser.DeltaSqlParser;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.QueryPlan;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ParsedStatement;
import org.apache.spark.sql.execution.SparkSqlParser;
import org.apache.spark.sql.execution.command.ExplainCommand;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Decides, before Spark starts, whether a {@code clientele sql} statement only reads: a query
 * (SELECT, WITH, VALUES, TABLE), SHOW, DESCRIBE or EXPLAIN, over tables of the catalog database
 * {@value TableCatalog#DATABASE} only. It judges the statement by the plan Spark's and Delta's own
 * parsers make of it, not by its first word, so comments, {@code WITH ... INSERT} or a write hidden
 * in a subquery cannot pass. A statement that does not parse is let through: Spark then reports the
 * syntax error itself and nothing runs.
 */
final class ReadOnlySql {
  private static final ParserInterface PARSER = new DeltaSqlParser(new SparkSqlParser());

  private ReadOnlySql() {}

  /** Why {@code statement} is not read-only, or empty when it only reads. */
  static Optional<String> refusal(String statement) {
    LogicalPlan plan;
    try {
      plan = PARSER.parsePlan(statement);
    } catch (Exception unparsable) { // ParseException, declared checked by the Scala signature
      return Optional.empty();
    }
    return refusal(plan);
  }

  private static Optional<String> refusal(QueryPlan<?> plan) {
    if (isReadOnlyCommand(plan)) return Optional.empty();
    if (plan instanceof Command || plan instanceof ParsedStatement || namedAsStatement(plan)) {
      return Optional.of(
          "it is not a query ("
              + plan.nodeName()
              + "): only SELECT, WITH, SHOW, DESCRIBE and EXPLAIN run without --allow-write");
    }
    // IDENTIFIER('text.`/etc/hostname`') names its table only at analysis, after this check.
    if (plan.getClass().getSimpleName().equals("PlanWithUnresolvedIdentifier")) {
      return Optional.of(
          "it names a table with IDENTIFIER(...), which is only judged when it runs: name the"
              + " table of database "
              + TableCatalog.DATABASE
              + " directly");
    }
    if (plan instanceof UnresolvedRelation relation) {
      List<String> name = CollectionConverters.asJava(relation.multipartIdentifier());
      if (!inClienteleDatabase(name)) {
        return Optional.of(
            "it reads "
                + String.join(".", name)
                + ", which is not a table of database "
                + TableCatalog.DATABASE
                + " (files and other databases are not readable here)");
      }
    }
    // Children are the plan's inputs; inner children include CTE definitions and subqueries.
    for (QueryPlan<?> child : CollectionConverters.asJava(plan.children())) {
      Optional<String> found = refusal(child);
      if (found.isPresent()) return found;
    }
    for (QueryPlan<?> inner : CollectionConverters.asJava(plan.innerChildren())) {
      Optional<String> found = refusal(inner);
      if (found.isPresent()) return found;
    }
    return Optional.empty();
  }

  /** SHOW ..., DESCRIBE ... (Delta's DESCRIBE HISTORY and DETAIL too) and EXPLAIN only read. */
  private static boolean isReadOnlyCommand(QueryPlan<?> plan) {
    String name = plan.getClass().getSimpleName();
    return plan instanceof ExplainCommand || name.startsWith("Show") || name.startsWith("Describe");
  }

  /**
   * Delta's parser makes some writes that are neither a Command nor a ParsedStatement (RESTORE is a
   * {@code RestoreTableStatement}): by their names they are still refused.
   */
  private static boolean namedAsStatement(QueryPlan<?> plan) {
    String name = plan.getClass().getSimpleName();
    return name.endsWith("Statement") || name.endsWith("Command");
  }

  /** {@code t} (after USE clientele), {@code clientele.t} or {@code spark_catalog.clientele.t}. */
  private static boolean inClienteleDatabase(List<String> name) {
    return switch (name.size()) {
      case 1 -> true;
      case 2 -> name.get(0).toLowerCase(Locale.ROOT).equals(TableCatalog.DATABASE);
      case 3 ->
          name.get(0).equalsIgnoreCase("spark_catalog")
              && name.get(1).toLowerCase(Locale.ROOT).equals(TableCatalog.DATABASE);
      default -> false;
    };
  }
}
