package dev.clientele.common.spark;

import dev.clientele.common.job.JobFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs independent Spark work at the same time, each task from its own thread in its own FAIR pool
 * and job group (named by its key), so one cannot starve the others: the pipeline's aggregate
 * stages, publish's gold writes. A small Delta write is mostly driver-side fixed cost (planning,
 * commit, checksum) that leaves the cores idle, so several overlap well. Waits for all; if any
 * failed, logs each and throws one {@link JobFailure} naming every failure (a lone JobFailure is
 * rethrown as it is).
 */
public final class Concurrently {
  private static final Logger LOG = LoggerFactory.getLogger(Concurrently.class);

  private Concurrently() {}

  public static void run(SparkSession spark, Map<String, Runnable> tasks) {
    Map<String, Callable<Object>> callables = new LinkedHashMap<>();
    tasks.forEach((name, task) -> callables.put(name, Executors.callable(task)));
    call(spark, callables);
  }

  /**
   * @return each task's result, in the map's order
   */
  public static <T> List<T> call(SparkSession spark, Map<String, Callable<T>> tasks) {
    ExecutorService threads =
        Executors.newFixedThreadPool(
            Math.max(1, tasks.size()),
            r -> {
              Thread t = new Thread(r);
              t.setDaemon(true);
              t.setName("clientele-concurrent");
              return t;
            });
    try {
      Map<String, Future<T>> running = new LinkedHashMap<>();
      for (Map.Entry<String, Callable<T>> task : tasks.entrySet()) {
        running.put(
            task.getKey(),
            threads.submit(
                () -> {
                  spark.sparkContext().setLocalProperty("spark.scheduler.pool", task.getKey());
                  spark
                      .sparkContext()
                      .setJobGroup(task.getKey(), "clientele " + task.getKey(), false);
                  try {
                    return task.getValue().call();
                  } finally {
                    spark.sparkContext().setLocalProperty("spark.scheduler.pool", null);
                    spark.sparkContext().clearJobGroup();
                  }
                }));
      }
      List<T> results = new ArrayList<>();
      List<String> failures = new ArrayList<>();
      Throwable first = null;
      for (Map.Entry<String, Future<T>> f : running.entrySet()) {
        try {
          results.add(f.getValue().get());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          LOG.error("'{}' failed", f.getKey(), cause);
          failures.add(f.getKey() + ": " + cause.getMessage());
          if (first == null) first = cause;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new JobFailure("interrupted while running " + tasks.keySet(), e);
        }
      }
      if (failures.size() == 1 && first instanceof JobFailure lone) throw lone;
      if (!failures.isEmpty()) throw new JobFailure(String.join("; ", failures), first);
      return results;
    } finally {
      threads.shutdownNow();
    }
  }
}
