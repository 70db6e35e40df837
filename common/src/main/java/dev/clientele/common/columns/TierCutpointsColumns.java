package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code tier_cutpoints}: the cut points each scoring run used, one row per {@code as_of},
 * dimension and cut name (e.g. {@code rfm_recency / p20 / 14.0}, {@code value_tier /
 * high_min_net_spend / 2890.12}), so a BI user can check any label's reason against the run's
 * numbers. Partitioned by {@code as_of} and {@code dimension}: the segment and value jobs each
 * replace only their own dimensions. A cut is null when no customer was eligible.
 */
public final class TierCutpointsColumns {
  private TierCutpointsColumns() {}

  public static final String AS_OF = "as_of";
  public static final String DIMENSION = "dimension";
  public static final String NAME = "name";
  public static final String VALUE = "value";

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(AS_OF, DataTypes.DateType, false),
            field(DIMENSION, DataTypes.StringType, false),
            field(NAME, DataTypes.StringType, false),
            field(VALUE, DataTypes.DoubleType, true),
          });
}
