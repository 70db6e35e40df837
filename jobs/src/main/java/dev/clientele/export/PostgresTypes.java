package dev.clientele.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.CharType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.types.VarcharType;

/**
 * How a gold table's Spark schema becomes a PostgreSQL table. Scalars map to their exact Postgres
 * counterpart ({@code decimal(p,s)} → {@code numeric(p,s)} so money stays exact, {@code timestamp}
 * → {@code timestamptz}, {@code timestamp_ntz} → {@code timestamp}); arrays of scalars → Postgres
 * arrays ({@code text[]}, {@code numeric(18,2)[]}, ...), which BI tools unnest; maps, structs and
 * arrays of those and arrays of arrays → {@code jsonb} holding Spark's {@code to_json} text,
 * queryable with {@code ->>}. Every column is nullable: the gold tables' contracts are enforced by
 * the publish gates, not here.
 */
public final class PostgresTypes {
  private PostgresTypes() {}

  /** The Postgres type of one Spark column type; {@code jsonb} for nested types. */
  public static String postgresType(DataType type) {
    if (type instanceof StringType || type instanceof VarcharType || type instanceof CharType)
      return "text";
    if (type instanceof BooleanType) return "boolean";
    if (type instanceof ByteType || type instanceof ShortType) return "smallint";
    if (type instanceof IntegerType) return "integer";
    if (type instanceof LongType) return "bigint";
    if (type instanceof FloatType) return "real";
    if (type instanceof DoubleType) return "double precision";
    if (type instanceof DecimalType d) return "numeric(" + d.precision() + "," + d.scale() + ")";
    if (type instanceof DateType) return "date";
    if (type instanceof TimestampType) return "timestamptz";
    if (type instanceof TimestampNTZType) return "timestamp";
    if (type instanceof BinaryType) return "bytea";
    if (type instanceof ArrayType a && !isNested(type)) return postgresType(a.elementType()) + "[]";
    if (isNested(type)) return "jsonb";
    throw new IllegalArgumentException(
        "no PostgreSQL mapping for Spark type " + type.simpleString());
  }

  /** The column list of a {@code CREATE TABLE}: quoted names and their Postgres types. */
  public static String columnDefinitions(StructType schema) {
    List<String> columns = new ArrayList<>();
    for (StructField f : schema.fields())
      columns.add(quote(f.name()) + " " + postgresType(f.dataType()));
    return String.join(", ", columns);
  }

  /**
   * The frame as the JDBC writer can insert it: nested columns (maps, structs, arrays of those)
   * rendered as JSON text for their {@code jsonb} columns; every other column as is.
   */
  public static Dataset<Row> forJdbc(Dataset<Row> frame) {
    List<Column> columns = new ArrayList<>();
    for (StructField f : frame.schema().fields()) {
      Column c = col("`" + f.name().replace("`", "``") + "`");
      columns.add(isNested(f.dataType()) ? to_json(c).as(f.name()) : c);
    }
    return frame.select(columns.toArray(Column[]::new));
  }

  /** A double-quoted Postgres identifier (embedded quotes doubled). */
  public static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static boolean isNested(DataType type) {
    return type instanceof MapType
        || type instanceof StructType
        || (type instanceof ArrayType a
            && (a.elementType() instanceof ArrayType || isNested(a.elementType())));
  }
}
