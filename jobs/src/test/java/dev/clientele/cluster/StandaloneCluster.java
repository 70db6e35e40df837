package dev.clientele.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone master and one worker, each a separate JVM started with {@code
 * bin/spark-class} of a {@link SparkHome}, on loopback and free ports. The worker runs drivers
 * (cluster deploy mode) and executors from the same Spark home, in a work folder kept for debugging
 * with the daemons' logs. {@link #close()} (also run by a shutdown hook) kills both and whatever
 * drivers and executors they started.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  private final Path sparkHome;
  private final Path logs;
  private final List<Process> processes = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::kill, "standalone-cluster-shutdown");
  private final HttpClient http = HttpClient.newHttpClient();
  final String masterUrl;
  final URI masterUi;
  final Path workDir;

  private StandaloneCluster(Path sparkHome, Path dir) throws IOException {
    this.sparkHome = sparkHome;
    this.logs = Files.createDirectories(dir.resolve("logs"));
    this.workDir = Files.createDirectories(dir.resolve("work"));
    int masterPort = freePort();
    int uiPort = freePort();
    this.masterUrl = "spark://127.0.0.1:" + masterPort;
    this.masterUi = URI.create("http://127.0.0.1:" + uiPort + "/json/");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts a master and one worker with {@code cores} and {@code memory} for executors and drivers,
   * and waits until the worker has registered.
   */
  static StandaloneCluster start(Path sparkHome, Path dir, int cores, String memory)
      throws Exception {
    StandaloneCluster cluster = new StandaloneCluster(sparkHome, dir);
    try {
      URI ui = cluster.masterUi;
      cluster.daemon(
          "master",
          "org.apache.spark.deploy.master.Master",
          "--host",
          "127.0.0.1",
          "--port",
          cluster.masterUrl.substring(cluster.masterUrl.lastIndexOf(':') + 1),
          "--webui-port",
          Integer.toString(ui.getPort()));
      cluster.daemon(
          "worker",
          "org.apache.spark.deploy.worker.Worker",
          "--host",
          "127.0.0.1",
          "--port",
          Integer.toString(freePort()),
          "--webui-port",
          Integer.toString(freePort()),
          "--cores",
          Integer.toString(cores),
          "--memory",
          memory,
          "--work-dir",
          cluster.workDir.toString(),
          cluster.masterUrl);
      cluster.awaitWorker();
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** The environment every Spark process of this cluster, and spark-submit, runs with. */
  Map<String, String> environment() {
    return Map.of(
        "SPARK_HOME", sparkHome.toString(),
        "SPARK_LOCAL_IP", "127.0.0.1",
        // Master and worker are small; a distribution's spark-env.sh would set these.
        "SPARK_DAEMON_MEMORY", "512m",
        // No REST submission server on a fixed port (6066): spark-submit uses the master's port.
        "SPARK_MASTER_OPTS", "-Dspark.master.rest.enabled=false",
        "SPARK_WORKER_OPTS", "-Dspark.worker.cleanup.enabled=false");
  }

  private void daemon(String name, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(sparkHome.resolve("bin/spark-class").toString());
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve(name + ".log").toFile());
    pb.environment().putAll(environment());
    track(pb.start());
  }

  private void awaitWorker() throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "a Spark daemon exited with " + p.exitValue() + "; see " + logs);
        }
      }
      String state = stateOrNull();
      if (state != null && state.contains("\"aliveworkers\" : 1")) return;
      Thread.sleep(250);
    }
    throw new IllegalStateException("no worker registered within " + START_TIMEOUT + "; " + logs);
  }

  /** The master's JSON state, or null while it does not answer. */
  private String stateOrNull() {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(masterUi).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The master's JSON state ({@code /json/}): workers, applications and drivers. */
  String state() {
    String state = stateOrNull();
    if (state == null) throw new UncheckedIOException(new IOException("master does not answer"));
    return state;
  }

  /**
   * The state of a driver the master ran (cluster deploy mode): FINISHED when its main method
   * returned and the JVM exited 0, FAILED, ERROR or KILLED otherwise; null while none is known.
   */
  String completedDriverState(String driverId) {
    Matcher m =
        Pattern.compile(
                "\"id\" : \"" + Pattern.quote(driverId) + "\",[^}]*?\"state\" : \"([A-Z]+)\"")
            .matcher(state());
    return m.find() ? m.group(1) : null;
  }

  /**
   * Kills {@code process} and its children with the cluster, also when this JVM is stopped: for the
   * spark-submit processes (a client-mode driver among them).
   */
  synchronized Process track(Process process) {
    processes.add(process);
    return process;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Kills in reverse start order: spark-submit processes, then the worker (which kills its drivers
   * and executors), then the master.
   */
  private synchronized void kill() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      try {
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    processes.clear();
  }

  @Override
  public void close() {
    kill();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }
}
