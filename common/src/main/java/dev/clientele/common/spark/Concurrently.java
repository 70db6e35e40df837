package dev.clientele.common.spark;

import dev.clientele.common.job.JobFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.SparkSession;

/**
 * Runs independent Spark writes at the same time, each from its own thread in its own FAIR pool:
 * a small Delta write is mostly driver-side fixed cost (planning, commit, checksum) that leaves the
 * cores idle, so several overlap well. Waits for all; if any failed, throws one {@link JobFailure}
 * naming each failure.
 */
public final class Concurrently {
  private Concurrently() {}

  public static void run(SparkSession spark, Map<String, Runnable> tasks) {
    ExecutorService threads = Executors.newFixedThreadPool(Math.max(1, tasks.size()), r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      t.setName("clientele-write");
      return t;
    });
    try {
      Map<String, Future<?>> running = new LinkedHashMap<>();
      for (Map.Entry<String, Runnable> task : tasks.entrySet()) {
        running.put(task.getKey(), threads.submit(() -> {
          spark.sparkContext().setLocalProperty("spark.scheduler.pool", task.getKey());
          try {
            task.getValue().run();
          } finally {
            spark.sparkContext().setLocalProperty("spark.scheduler.pool", null);
          }
        }));
      }
      List<String> failures = new ArrayList<>();
      RuntimeException first = null;
      for (Map.Entry<String, Future<?>> f : running.entrySet()) {
        try {
          f.getValue().get();
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          failures.add(f.getKey() + ": " + cause.getMessage());
          if (first == null) first = cause instanceof RuntimeException r ? r : new RuntimeException(cause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new JobFailure("interrupted while writing " + tasks.keySet(), e);
        }
      }
      if (failures.size() == 1 && first instanceof JobFailure) throw first;
      if (!failures.isEmpty()) throw new JobFailure(String.join("; ", failures), first);
    } finally {
      threads.shutdownNow();
    }
  }
}
