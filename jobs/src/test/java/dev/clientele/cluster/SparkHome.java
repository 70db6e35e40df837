package dev.clientele.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark home for the cluster tests, assembled from the Maven build when the machine has no Spark
 * distribution: {@code jars/} holds what a Spark 4.1 distribution ships (symbolic links into the
 * local Maven repository) and {@code bin/spark-class} and {@code bin/spark-submit} run Spark's own
 * launcher over it (see {@code src/test/resources/spark-home/bin}). The standalone master, worker,
 * driver and executors all start from this folder, so it holds Spark and nothing of Clientele's:
 * whatever the jobs need beyond Spark must come from the shaded jar.
 *
 * <p>The jars are those of the {@code provided} dependencies (Spark, Hadoop's client), which the
 * package phase records in {@code target/spark-classpath.txt}, plus the runtime dependencies (from
 * {@code target/runtime-classpath.txt}) that one of those jars' own POMs declares as a dependency
 * of its users (not test, provided or optional), repeated until none is added: Maven lists such a
 * jar under the runtime scope because a bundled library needs it too (Delta needs Parquet, Jackson,
 * Scala), but a Spark distribution ships it. A runtime dependency that no Spark jar declares (one
 * that only Delta or the PostgreSQL driver needs) is left out, as it would be missing on a real
 * cluster unless the shaded jar bundles it.
 */
final class SparkHome {
  private static final Pattern MANAGEMENT =
      Pattern.compile("<dependencyManagement>.*?</dependencyManagement>", Pattern.DOTALL);
  private static final Pattern DEPENDENCY =
      Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
  private static final Pattern ARTIFACT_ID = Pattern.compile("<artifactId>\\s*([^<\\s]+)\\s*<");
  private static final Pattern NOT_SHIPPED =
      Pattern.compile("<scope>\\s*(test|provided)\\s*<|<optional>\\s*true\\s*<");

  private SparkHome() {}

  /**
   * Builds the Spark home in {@code home} (replacing what was there) from the class path files the
   * package phase wrote to {@code target}.
   */
  static Path assemble(Path target, Path home) throws IOException {
    Map<String, Path> jars = sparkJars(target);
    Path jarsDir = home.resolve("jars");
    Path bin = home.resolve("bin");
    deleteRecursively(home);
    Files.createDirectories(jarsDir);
    Files.createDirectories(bin);
    for (Path jar : jars.values()) {
      Files.createSymbolicLink(jarsDir.resolve(jar.getFileName()), jar);
    }
    for (String script : List.of("spark-class", "spark-submit")) {
      try (InputStream in = SparkHome.class.getResourceAsStream("/spark-home/bin/" + script)) {
        if (in == null) throw new IllegalStateException("missing test resource " + script);
        Path file = bin.resolve(script);
        Files.copy(in, file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    return home;
  }

  /** The distribution's jars by file name: Spark's closure as described in the class comment. */
  static Map<String, Path> sparkJars(Path target) throws IOException {
    List<Path> provided = classPath(target.resolve("spark-classpath.txt"));
    List<Path> runtime = classPath(target.resolve("runtime-classpath.txt"));
    Map<String, Path> jars = new LinkedHashMap<>();
    Set<String> declared = new TreeSet<>();
    List<Path> added = new ArrayList<>(provided);
    while (!added.isEmpty()) {
      for (Path jar : added) {
        Path previous = jars.put(jar.getFileName().toString(), jar);
        if (previous != null && !previous.equals(jar)) {
          throw new IllegalStateException("two jars named " + jar.getFileName());
        }
        declared.addAll(declaredArtifacts(jar));
      }
      added = new ArrayList<>();
      for (Path jar : runtime) {
        if (!jars.containsValue(jar) && declared.contains(artifactId(jar))) added.add(jar);
      }
    }
    return jars;
  }

  private static List<Path> classPath(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(file + " is missing: run `mvn package` first");
    }
    List<Path> entries = new ArrayList<>();
    for (String entry : Files.readString(file).trim().split(java.io.File.pathSeparator)) {
      if (!entry.isBlank()) entries.add(Path.of(entry));
    }
    return entries;
  }

  /** A repository jar sits in {@code .../artifactId/version/}: its artifact id. */
  private static String artifactId(Path jar) {
    return jar.getParent().getParent().getFileName().toString();
  }

  /**
   * Artifact ids that the jar's POM (next to it in the Maven repository) declares as dependencies
   * its users get: not under dependency management, not test, provided or optional.
   */
  private static Set<String> declaredArtifacts(Path jar) throws IOException {
    Path versionDir = jar.getParent();
    Path pom = versionDir.resolve(artifactId(jar) + "-" + versionDir.getFileName() + ".pom");
    Set<String> artifacts = new TreeSet<>();
    if (!Files.isRegularFile(pom)) return artifacts;
    String declarations = MANAGEMENT.matcher(Files.readString(pom)).replaceAll("");
    Matcher dependency = DEPENDENCY.matcher(declarations);
    while (dependency.find()) {
      String body = dependency.group(1);
      Matcher artifact = ARTIFACT_ID.matcher(body);
      if (artifact.find() && !NOT_SHIPPED.matcher(body).find()) artifacts.add(artifact.group(1));
    }
    return artifacts;
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
    try (var files = Files.walk(dir)) {
      files
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
