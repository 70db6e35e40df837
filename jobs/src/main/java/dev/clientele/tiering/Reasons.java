package dev.clientele.tiering;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.translate;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * The one grammar of every {@code *_reason} value in {@code customer_tiers} and {@code
 * tier_history} (documented in docs/aggregates.md), built with Spark's own string functions:
 *
 * <pre>
 *   reason = code [ ":" param { "," param } ]
 *   code   = [a-z][a-z0-9_]*          a stable rule code, e.g. top_share
 *   param  = name "=" value           name like code; value never holds "," (a "," in data is
 *                                     written ";"; null prints "null")
 * </pre>
 *
 * e.g. {@code top_share:rank=812/9646,share=0.20}. A BI filter matches the rule with {@code reason
 * LIKE 'top_share:%' OR reason = 'top_share'} or {@code split_part(reason, ':', 1) = 'top_share'}.
 * Comparisons inside a value read {@code left>=right}; intervals {@code (4.00..7.00]}.
 */
public final class Reasons {
  private Reasons() {}

  /** Codes and parameter names. */
  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  /** A whole reason value, for tests and checks. */
  public static final Pattern GRAMMAR =
      Pattern.compile("[a-z][a-z0-9_]*(:[a-z][a-z0-9_]*=[^,]*(,[a-z][a-z0-9_]*=[^,]*)*)?");

  /** One parameter: a name and its value, already a string column or any column cast to string. */
  public record Param(String name, Column value) {}

  public static Param p(String name, Column value) {
    return new Param(name, value);
  }

  public static Param p(String name, Object literal) {
    return new Param(name, lit(String.valueOf(literal)));
  }

  /** A number with {@code decimals} fixed decimals, e.g. 1000.00; null stays null. */
  public static Column fixed(Column number, int decimals) {
    // format_string("%.2f", null) gives "nu" (the precision cuts the word "null"), so guard.
    return when(
        number.isNotNull(),
        format_string("%." + decimals + "f", number.cast(DataTypes.DoubleType)));
  }

  /** {@code left op right}, e.g. {@code 200>=180}. */
  public static Column cmp(Column left, String op, Column right) {
    return concat(str(left), lit(op), str(right));
  }

  /** The reason {@code code:name=value,...}; a code alone when there are no parameters. */
  public static Column of(String code, Param... params) {
    check(code);
    List<Column> parts = new ArrayList<>();
    StringBuilder pending = new StringBuilder(code);
    for (int i = 0; i < params.length; i++) {
      check(params[i].name());
      pending.append(i == 0 ? ":" : ",").append(params[i].name()).append('=');
      parts.add(lit(pending.toString()));
      pending.setLength(0);
      parts.add(str(params[i].value()));
    }
    if (pending.length() > 0) parts.add(lit(pending.toString()));
    return parts.size() == 1 ? parts.get(0) : concat(parts.toArray(Column[]::new));
  }

  private static Column str(Column value) {
    // A comma separates parameters, so one inside a value (a brand name) is written as ';'.
    return translate(coalesce(value.cast(DataTypes.StringType), lit("null")), ",", ";");
  }

  private static void check(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a reason code or parameter name: '" + name + "'");
    }
  }
}
