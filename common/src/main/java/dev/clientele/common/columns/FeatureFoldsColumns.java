package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Ops {@code feature_folds}: one row per ingest run whose transaction lines {@code customer_days}
 * holds. The features stage refreshes only the days of runs not listed here, then lists them.
 */
public final class FeatureFoldsColumns {
  private FeatureFoldsColumns() {}

  public static final String INGEST_RUN_ID = "ingest_run_id";

  /**
   * Fingerprint of the points rules the days were computed with; a change rebuilds customer_days.
   */
  public static final String POINTS_RULES = "points_rules";

  /** How many days this fold recomputed (all days on a rebuild). */
  public static final String DAYS_REFRESHED = "days_refreshed";

  public static final String FOLDED_AT = "folded_at";

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(INGEST_RUN_ID, DataTypes.StringType, false),
            field(POINTS_RULES, DataTypes.StringType, false),
            field(DAYS_REFRESHED, DataTypes.LongType, false),
            field(FOLDED_AT, DataTypes.TimestampType, false),
          });
}
