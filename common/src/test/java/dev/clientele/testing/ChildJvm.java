package dev.clientele.testing;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Starts the CLI in a separate JVM with this JVM's classpath and Spark's add-opens flags, for tests
 * that kill a run mid-write and check that the rerun converges. Output goes to a log file.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** Starts {@code mainClass args} with {@code CLIENTELE_CONF_DIR} pointing at {@code workDir}. */
  public static Process start(Path workDir, String mainClass, List<String> args) throws Exception {
    return start(workDir, mainClass, args, java.util.Map.of());
  }

  /** As {@link #start(Path, String, List)}, with extra environment variables. */
  public static Process start(
      Path workDir, String mainClass, List<String> args, java.util.Map<String, String> env)
      throws Exception {
    return start(workDir, mainClass, List.of(), args, env);
  }

  /** As {@link #start(Path, String, List, java.util.Map)}, with extra JVM options first. */
  public static Process start(
      Path workDir,
      String mainClass,
      List<String> jvmOptions,
      List<String> args,
      java.util.Map<String, String> env)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.addAll(jvmOptions);
    cmd.addAll(sparkFlags());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve("child.log").toFile());
    pb.environment().put("CLIENTELE_CONF_DIR", workDir.toString());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().putAll(env);
    return pb.start();
  }

  /**
   * Waits until {@code condition} holds (polling every 20 ms), then kills the child at once.
   *
   * @return whether the child was still alive when the condition held
   */
  public static boolean killWhen(Process child, BooleanSupplier condition, long timeoutMinutes)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(timeoutMinutes);
    try {
      while (!condition.getAsBoolean() && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      return child.isAlive() && condition.getAsBoolean();
    } finally {
      child.destroyForcibly().waitFor();
    }
  }

  /** Number of commit files in a Delta table's log (0 when the table does not exist). */
  public static long commits(Path table) {
    Path log = table.resolve("_delta_log");
    if (!Files.isDirectory(log)) return 0;
    try (Stream<Path> files = Files.list(log)) {
      return files.filter(p -> p.getFileName().toString().matches("\\d{20}\\.json")).count();
    } catch (Exception e) {
      return 0;
    }
  }

  /**
   * The add-opens and related flags this JVM was started with: Spark needs them in the child too.
   */
  public static List<String> sparkFlags() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(
            a ->
                a.startsWith("--add-opens")
                    || a.startsWith("--add-modules")
                    || a.startsWith("-XX:+IgnoreUnrecognized")
                    || a.startsWith("-Djdk.reflect")
                    || a.startsWith("-Dio.netty"))
        .toList();
  }
}
