package dev.clientele.common.table;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the symlink manifests of the gold tables current, so engines without a Delta reader
 * (DuckDB, Presto, Athena) read exactly the published snapshot. The publish step calls {@link
 * #refreshGold} after it commits; docs/bi-access.md shows how DuckDB reads a manifest.
 */
public final class ReaderManifests {
  private static final Logger LOG = LoggerFactory.getLogger(ReaderManifests.class);

  private ReaderManifests() {}

  /** Regenerates the manifest of every gold table that exists; returns the tables refreshed. */
  public static List<Table> refreshGold(SparkSession spark, TableCatalog tables) {
    List<Table> refreshed = new ArrayList<>();
    for (Table table : Table.values()) {
      if (table.layer != Table.Layer.GOLD) continue;
      String path = tables.path(table);
      if (!DeltaIO.exists(spark, path)) continue;
      DeltaIO.generateManifest(spark, path);
      refreshed.add(table);
    }
    LOG.info("Refreshed the reader manifests of {}", refreshed);
    return refreshed;
  }
}
