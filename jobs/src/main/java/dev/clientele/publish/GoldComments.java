package dev.clientele.publish;

import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.GoldDocs;
import dev.clientele.common.table.TableCatalog;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * Stores {@link GoldDocs} as Delta column comments; only columns whose comment differs are altered.
 */
final class GoldComments {
  private GoldComments() {}

  static void apply(SparkSession spark, TableCatalog tables) {
    for (GoldDocs.TableDoc doc : GoldDocs.ALL.values()) {
      String path = tables.path(doc.table());
      if (!DeltaIO.exists(spark, path)) continue;
      for (StructField field : DeltaIO.read(spark, path).schema().fields()) {
        String wanted = doc.columns().get(field.name());
        if (wanted == null) continue;
        String current = field.getComment().isDefined() ? field.getComment().get() : null;
        if (wanted.equals(current)) continue;
        spark.sql(
            "ALTER TABLE delta.`"
                + path
                + "` ALTER COLUMN `"
                + field.name()
                + "` COMMENT '"
                + wanted.replace("\\", "\\\\").replace("'", "\\'")
                + "'");
      }
    }
  }

  /** For tests: the comment map of one table as stored. */
  static Map<String, String> stored(SparkSession spark, String path) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (StructField f : DeltaIO.read(spark, path).schema().fields()) {
      if (f.getComment().isDefined()) out.put(f.name(), f.getComment().get());
    }
    return out;
  }
}
