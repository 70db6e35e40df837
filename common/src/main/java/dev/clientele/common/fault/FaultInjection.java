package dev.clientele.common.fault;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;

/**
 * Fault injection for kill trials (scripts/kill-trials.sh, docs/reliability.md): halts the JVM with
 * {@link Runtime#halt} (no shutdown hook, no finally block, like {@code kill -9}) at a chosen point
 * of a run. Off unless one of two system properties is set on the JVM:
 *
 * <ul>
 *   <li>{@value #AFTER_COMMIT}=N: right after the N-th Delta commit file of this JVM is written
 *       (counted over every table but the lease, whose heartbeats come with time, by {@link
 *       HaltingLogStore});
 *   <li>{@value #IN_DATA_FILE}=K: when the K-th data file of this JVM (again not the lease's) has
 *       just been created and nothing written to it, in the middle of a task's writes (by {@link
 *       HaltingFileSystem}).
 * </ul>
 *
 * Both hooks sit on the local file system ({@code file:} paths), where the trials run.
 */
public final class FaultInjection {
  public static final String AFTER_COMMIT = "clientele.fault.halt-after-commit";
  public static final String IN_DATA_FILE = "clientele.fault.halt-in-data-file";

  /** The exit status of a halted JVM, so a trial can tell the halt from a failure. */
  public static final int HALT_STATUS = 86;

  private static final AtomicLong COMMITS = new AtomicLong();
  private static final AtomicLong DATA_FILES = new AtomicLong();

  private FaultInjection() {}

  /** Routes local Delta commits and data files through the halting hooks, when asked to. */
  public static void configure(SparkConf conf) {
    if (System.getProperty(AFTER_COMMIT) != null) {
      conf.set("spark.delta.logStore.file.impl", HaltingLogStore.class.getName());
    }
    if (System.getProperty(IN_DATA_FILE) != null) {
      conf.set("spark.hadoop.fs.file.impl", HaltingFileSystem.class.getName());
      conf.set("spark.hadoop.fs.file.impl.disable.cache", "true");
    }
  }

  static void committed(String path) {
    haltAt(AFTER_COMMIT, COMMITS.incrementAndGet(), "after commit", path);
  }

  static void dataFileCreated(String path) {
    haltAt(IN_DATA_FILE, DATA_FILES.incrementAndGet(), "in data file", path);
  }

  private static void haltAt(String property, long count, String what, String path) {
    String target = System.getProperty(property);
    if (target != null && Long.parseLong(target.trim()) == count) {
      // stderr, unbuffered: the trial reads which commit or file the halt came after.
      System.err.println("FAULT INJECTION: halting " + what + " " + count + ": " + path);
      System.err.flush();
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }
}
