package dev.clientele.publish;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;

/** Physical plans as tests read them. */
final class Plans {
  private Plans() {}

  /**
   * The executed plan of {@code frame} with automatic broadcasts off, so that the tests' tiny
   * frames are joined as large ones would be (only hinted broadcasts stay).
   */
  static String withoutAutoBroadcasts(SparkSession spark, Dataset<?> frame) {
    String key = "spark.sql.autoBroadcastJoinThreshold";
    String before = spark.conf().get(key);
    spark.conf().set(key, "-1");
    try {
      return frame.queryExecution().executedPlan().toString();
    } finally {
      spark.conf().set(key, before);
    }
  }
}
