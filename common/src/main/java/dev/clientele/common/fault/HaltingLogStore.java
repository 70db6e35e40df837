package dev.clientele.common.fault;

import dev.clientele.common.table.Table;
import io.delta.storage.HDFSLogStore;
import java.io.IOException;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Delta's log store for local paths, counting each commit file of a table other than the lease once
 * it is written.
 */
public final class HaltingLogStore extends HDFSLogStore {
  public HaltingLogStore(Configuration conf) {
    super(conf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration conf)
      throws IOException {
    super.write(path, actions, overwrite, conf);
    // Commits only: not checksums (.crc) nor _last_checkpoint; and not the lease's, whose
    // heartbeats come with time, not with the run's progress.
    if (path.getName().matches("\\d{20}\\.json")
        && !path.getParent().getParent().getName().equals(Table.LEASE.tableName)) {
      FaultInjection.committed(path.toString());
    }
  }
}
