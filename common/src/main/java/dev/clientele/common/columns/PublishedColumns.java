package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Ops {@code published}: one row per successful publish, committed after every gold table it wrote
 * (see {@code dev.clientele.common.table.Published}). The row with the highest {@code
 * publish_number} is what readers see.
 */
public final class PublishedColumns {
  private PublishedColumns() {}

  /** 1 for the first publish of the warehouse, then one more per publish. */
  public static final String PUBLISH_NUMBER = "publish_number";

  /** The as-of date that publish wrote (gold tables keep the other dates' snapshots too). */
  public static final String AS_OF = "as_of";

  public static final String RUN_ID = "run_id";
  public static final String PUBLISHED_AT = "published_at";

  /** Gold table name to the Delta version readers see. */
  public static final String TABLE_VERSIONS = "table_versions";

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(PUBLISH_NUMBER, DataTypes.LongType, false),
            field(AS_OF, DataTypes.DateType, false),
            field(RUN_ID, DataTypes.StringType, false),
            field(PUBLISHED_AT, DataTypes.TimestampType, false),
            field(
                TABLE_VERSIONS,
                DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, false),
                false),
          });
}
