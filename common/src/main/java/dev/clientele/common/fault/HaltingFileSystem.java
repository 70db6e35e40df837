package dev.clientele.common.fault;

import dev.clientele.common.table.Table;
import java.io.IOException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system, counting each data file (Parquet outside a Delta log) it creates for a
 * table other than the lease.
 */
public final class HaltingFileSystem extends LocalFileSystem {
  @Override
  public FSDataOutputStream create(
      Path f,
      FsPermission permission,
      boolean overwrite,
      int bufferSize,
      short replication,
      long blockSize,
      Progressable progress)
      throws IOException {
    FSDataOutputStream out =
        super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    String path = f.toString();
    // Not the lease's files either: its heartbeats come with time, not with the run's progress.
    if (path.endsWith(".parquet")
        && !path.contains("/_delta_log/")
        && !f.getParent().getName().equals(Table.LEASE.tableName)) {
      FaultInjection.dataFileCreated(path);
    }
    return out;
  }
}
