package dev.clientele.common.spark;

import static org.apache.spark.sql.functions.broadcast;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames that are usually small (unknown customer ids, keys claimed twice, the labels that changed
 * since the last published date), materialised once and returned broadcast when they have at most
 * {@value #BROADCAST_ROWS} rows, so joining one to a large frame needs no shuffle of the large one.
 * A larger one is returned as it is and joined the usual way. {@link #close} unpersists them all.
 */
public final class SmallSides implements AutoCloseable {
  public static final long BROADCAST_ROWS = 250_000;
  private static final Logger LOG = LoggerFactory.getLogger(SmallSides.class);

  private final List<Dataset<Row>> kept = new ArrayList<>();

  public Dataset<Row> materialise(Dataset<Row> frame) {
    long start = System.nanoTime();
    Dataset<Row> persisted = frame.persist(StorageLevel.MEMORY_AND_DISK());
    kept.add(persisted);
    long rows = persisted.count();
    LOG.info(
        "Found {} row(s) of {} in {}",
        rows,
        String.join(", ", persisted.columns()),
        String.format("%.1fs", (System.nanoTime() - start) / 1e9));
    return rows <= BROADCAST_ROWS ? broadcast(persisted) : persisted;
  }

  @Override
  public void close() {
    for (Dataset<Row> frame : kept) frame.unpersist();
    kept.clear();
  }
}
