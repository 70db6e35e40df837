package dev.clientele.common.columns;

import static dev.clientele.common.columns.TransactionsColumns.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Silver {@code surveys}: one row per survey answer; CSAT 1–5 and NPS 0–10, either may be null. */
public final class SurveysColumns {
  private SurveysColumns() {}

  public static final String SURVEY_ID = "survey_id";
  public static final String CUSTOMER_ID = "customer_id";
  public static final String ORDER_ID = "order_id";
  public static final String ANSWERED_AT = "answered_at";
  public static final String CSAT = "csat";
  public static final String NPS = "nps";
  public static final String INGEST_RUN_ID = "ingest_run_id";

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(SURVEY_ID, DataTypes.StringType, false),
            field(CUSTOMER_ID, DataTypes.StringType, false),
            field(ORDER_ID, DataTypes.StringType, true),
            field(ANSWERED_AT, DataTypes.TimestampType, false),
            field(CSAT, DataTypes.IntegerType, true),
            field(NPS, DataTypes.IntegerType, true),
            field(INGEST_RUN_ID, DataTypes.StringType, false),
          });
}
