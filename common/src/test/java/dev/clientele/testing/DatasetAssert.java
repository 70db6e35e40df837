package dev.clientele.testing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.assertj.core.api.AbstractAssert;

/**
 * Dataset equality with a readable diff, in the spirit of spark-fast-tests' {@code
 * DataFrameComparer}: order-insensitive by default, numbers equal within a tolerance, nullability
 * ignored unless asked, and on failure the missing and unexpected rows listed. Only for small test
 * datasets: both sides are collected.
 *
 * <pre>{@code
 * assertThatDataset(actual).withTolerance(1e-9).isEqualTo(expected);
 * }</pre>
 */
public final class DatasetAssert extends AbstractAssert<DatasetAssert, Dataset<Row>> {
  private boolean ignoreRowOrder = true;
  private boolean ignoreNullable = true;
  private boolean ignoreColumnOrder = false;
  private double tolerance = 0.0;

  private DatasetAssert(Dataset<Row> actual) {
    super(actual, DatasetAssert.class);
  }

  public static DatasetAssert assertThatDataset(Dataset<Row> actual) {
    return new DatasetAssert(actual);
  }

  /** Compare rows in order (the default ignores row order). */
  public DatasetAssert withRowOrder() {
    ignoreRowOrder = false;
    return this;
  }

  /** Also require the same nullability of every column. */
  public DatasetAssert withNullability() {
    ignoreNullable = false;
    return this;
  }

  /** Match columns by name, whatever their order. */
  public DatasetAssert ignoringColumnOrder() {
    ignoreColumnOrder = true;
    return this;
  }

  /** Floating-point and decimal values equal when within this absolute difference. */
  public DatasetAssert withTolerance(double tolerance) {
    this.tolerance = tolerance;
    return this;
  }

  public DatasetAssert isEqualTo(Dataset<Row> expected) {
    isNotNull();
    Dataset<Row> actualDs = actual;
    if (ignoreColumnOrder) {
      String[] cols = expected.columns().clone();
      actualDs =
          actual.selectExpr(Arrays.stream(cols).map(c -> "`" + c + "`").toArray(String[]::new));
    }
    String schemaDiff = schemaDifference(actualDs.schema(), expected.schema());
    if (schemaDiff != null) {
      failWithMessage(
          "Schemas differ: %s%nactual:   %s%nexpected: %s",
          schemaDiff, actualDs.schema().simpleString(), expected.schema().simpleString());
    }
    List<List<Object>> actualRows = normalise(actualDs.collectAsList());
    List<List<Object>> expectedRows = normalise(expected.collectAsList());
    if (ignoreRowOrder) {
      compareAsBags(actualRows, expectedRows);
    } else {
      compareInOrder(actualRows, expectedRows);
    }
    return this;
  }

  /** Shorthand: the dataset holds exactly these rows (values in column order). */
  public DatasetAssert containsExactlyRows(List<List<Object>> expectedRows) {
    isNotNull();
    List<List<Object>> actualRows = normalise(actual.collectAsList());
    List<List<Object>> expected = new ArrayList<>();
    for (List<Object> r : expectedRows) expected.add(normaliseRow(r.toArray()));
    if (ignoreRowOrder) compareAsBags(actualRows, expected);
    else compareInOrder(actualRows, expected);
    return this;
  }

  private String schemaDifference(StructType a, StructType e) {
    if (a.fields().length != e.fields().length) {
      return "column count " + a.fields().length + " vs " + e.fields().length;
    }
    for (int i = 0; i < a.fields().length; i++) {
      StructField fa = a.fields()[i];
      StructField fe = e.fields()[i];
      if (!fa.name().equals(fe.name()))
        return "column " + i + " is '" + fa.name() + "', expected '" + fe.name() + "'";
      if (!fa.dataType().sameType(fe.dataType()) && !fa.dataType().equals(fe.dataType())) {
        return "column '"
            + fa.name()
            + "' is "
            + fa.dataType().simpleString()
            + ", expected "
            + fe.dataType().simpleString();
      }
      if (!ignoreNullable && fa.nullable() != fe.nullable()) {
        return "column '"
            + fa.name()
            + "' nullable="
            + fa.nullable()
            + ", expected "
            + fe.nullable();
      }
    }
    return null;
  }

  private void compareInOrder(List<List<Object>> actualRows, List<List<Object>> expectedRows) {
    int n = Math.max(actualRows.size(), expectedRows.size());
    List<String> diffs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<Object> a = i < actualRows.size() ? actualRows.get(i) : null;
      List<Object> e = i < expectedRows.size() ? expectedRows.get(i) : null;
      if (a == null || e == null || !rowsEqual(a, e)) {
        diffs.add("row " + i + ": actual " + a + ", expected " + e);
      }
    }
    if (!diffs.isEmpty()) {
      failWithMessage("Datasets differ in %d row(s):%n%s", diffs.size(), String.join("\n", diffs));
    }
  }

  private void compareAsBags(List<List<Object>> actualRows, List<List<Object>> expectedRows) {
    List<List<Object>> unexpected = new ArrayList<>(actualRows);
    List<List<Object>> missing = new ArrayList<>();
    for (List<Object> e : expectedRows) {
      int match = -1;
      for (int i = 0; i < unexpected.size(); i++) {
        if (rowsEqual(unexpected.get(i), e)) {
          match = i;
          break;
        }
      }
      if (match >= 0) unexpected.remove(match);
      else missing.add(e);
    }
    if (!missing.isEmpty() || !unexpected.isEmpty()) {
      failWithMessage(
          "Datasets differ (%d actual rows, %d expected).%nMissing (expected, not found) %d:%n%s%nUnexpected (found, not expected) %d:%n%s",
          actualRows.size(),
          expectedRows.size(),
          missing.size(),
          render(missing),
          unexpected.size(),
          render(unexpected));
    }
  }

  private static String render(List<List<Object>> rows) {
    return rows.stream().limit(50).map(r -> "  " + r).collect(Collectors.joining("\n"))
        + (rows.size() > 50 ? "\n  ... " + (rows.size() - 50) + " more" : "");
  }

  private boolean rowsEqual(List<Object> a, List<Object> e) {
    if (a.size() != e.size()) return false;
    for (int i = 0; i < a.size(); i++) {
      if (!valuesEqual(a.get(i), e.get(i))) return false;
    }
    return true;
  }

  private boolean valuesEqual(Object a, Object e) {
    if (a == null || e == null) return a == e;
    if (a instanceof Double da && e instanceof Double de) {
      if (da.isNaN() || de.isNaN()) return da.isNaN() && de.isNaN();
      return Math.abs(da - de) <= tolerance || da.equals(de);
    }
    if (a instanceof List<?> la && e instanceof List<?> le) {
      if (la.size() != le.size()) return false;
      for (int i = 0; i < la.size(); i++) if (!valuesEqual(la.get(i), le.get(i))) return false;
      return true;
    }
    return Objects.equals(a, e);
  }

  private static List<List<Object>> normalise(List<Row> rows) {
    List<List<Object>> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      Object[] values = new Object[r.length()];
      for (int i = 0; i < r.length(); i++) values[i] = r.get(i);
      out.add(normaliseRow(values));
    }
    return out;
  }

  /** As Spark's QueryTest does: numbers to double, decimals to double, arrays and maps to lists. */
  static List<Object> normaliseRow(Object[] values) {
    List<Object> out = new ArrayList<>(values.length);
    for (Object v : values) out.add(normaliseValue(v));
    return out;
  }

  private static Object normaliseValue(Object v) {
    if (v == null) return null;
    if (v instanceof BigDecimal bd) return bd.doubleValue();
    if (v instanceof Float f) return f.doubleValue();
    if (v instanceof Double) return v;
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof scala.collection.Seq<?> seq) {
      List<Object> list = new ArrayList<>();
      scala.collection.Iterator<?> it = seq.iterator();
      while (it.hasNext()) list.add(normaliseValue(it.next()));
      return list;
    }
    if (v instanceof scala.collection.Map<?, ?> map) {
      Map<Object, Object> m = new HashMap<>();
      scala.collection.Iterator<?> it = map.iterator();
      while (it.hasNext()) {
        scala.Tuple2<?, ?> t = (scala.Tuple2<?, ?>) it.next();
        m.put(normaliseValue(t._1()), normaliseValue(t._2()));
      }
      return new java.util.TreeMap<>(m).toString();
    }
    if (v instanceof Row row) {
      Object[] inner = new Object[row.length()];
      for (int i = 0; i < row.length(); i++) inner[i] = row.get(i);
      return normaliseRow(inner);
    }
    if (v instanceof java.util.List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object o : list) out.add(normaliseValue(o));
      return out;
    }
    if (v instanceof Object[] arr) {
      return normaliseRow(arr);
    }
    return v;
  }
}
