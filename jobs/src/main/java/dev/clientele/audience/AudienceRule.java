package dev.clientele.audience;

import dev.clientele.common.config.ConfigError;
import dev.clientele.common.table.GoldDocs;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.expressions.UnresolvedNamedLambdaVariable;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Checks an audience rule without a SparkSession: Spark's own SQL parser reads it, and every column
 * it names must be a documented column of gold {@code customer_tiers} ({@link GoldDocs}), so a typo
 * fails when the config loads instead of at the next publish.
 */
public final class AudienceRule {
  private AudienceRule() {}

  /** The customer_tiers columns a rule may name (lower case). */
  public static Set<String> allowedColumns() {
    Set<String> allowed = new TreeSet<>();
    for (String c : GoldDocs.CUSTOMER_TIERS.columns().keySet()) allowed.add(lower(c));
    return allowed;
  }

  /**
   * The customer_tiers columns {@code rule} names, sorted, lower case.
   *
   * @throws ConfigError naming the audience, the key and the unknown column or the syntax error
   */
  public static List<String> columns(String audience, String rule, String key, String origin) {
    Expression expression;
    try {
      expression = CatalystSqlParser$.MODULE$.parseExpression(rule);
    } catch (Exception e) { // ParseException, checked to javac but not declared by Scala
      throw new ConfigError(
          key,
          origin,
          "audience '"
              + audience
              + "': the rule is not a valid Spark SQL expression: "
              + e.getMessage().strip());
    }
    Set<String> allowed = allowedColumns();
    Set<String> lambdaVariables = new HashSet<>();
    Set<String> named = new TreeSet<>();
    Deque<Expression> pending = new ArrayDeque<>();
    pending.push(expression);
    List<Expression> attributes = new java.util.ArrayList<>();
    while (!pending.isEmpty()) {
      Expression e = pending.pop();
      if (e instanceof SubqueryExpression) {
        throw new ConfigError(
            key,
            origin,
            "audience '" + audience + "': a rule is an expression over one row, not a subquery.");
      }
      if (e instanceof UnresolvedNamedLambdaVariable v) {
        lambdaVariables.add(lower(v.name()));
      }
      if (e instanceof UnresolvedAttribute) attributes.add(e);
      for (Expression child : CollectionConverters.asJava(e.children())) pending.push(child);
    }
    for (Expression e : attributes) {
      List<String> parts = CollectionConverters.asJava(((UnresolvedAttribute) e).nameParts());
      String column = lower(parts.get(0));
      if (lambdaVariables.contains(column)) continue;
      if (!allowed.contains(column)) {
        throw new ConfigError(
            key,
            origin,
            "audience '"
                + audience
                + "': the rule names unknown column '"
                + parts.get(0)
                + "'; a rule may name the columns of customer_tiers (docs/tables.md): "
                + allowed
                + ".");
      }
      named.add(column);
    }
    return List.copyOf(named);
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
