package dev.clientele.testing;

import dev.clientele.common.spark.SparkSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives every test class the same local SparkSession: one per test JVM, kept in JUnit's root store
 * and stopped when the JVM's tests end. {@code local[2]}, 2 shuffle partitions, UI off, UTC,
 * loopback driver, Delta extension and catalog, a temporary warehouse, query code interpreted.
 *
 * <p>Use with {@code @ExtendWith(SparkTestExtension.class)} and a {@code SparkSession} parameter on
 * a constructor, {@code @BeforeAll} or test method. {@link #warehouse(SparkSession)} gives the temp
 * warehouse root; tests should write under a fresh subfolder of it.
 */
public final class SparkTestExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(SparkTestExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == SparkSession.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
      throws ParameterResolutionException {
    return session(context);
  }

  /** The shared session, created on first use. */
  public static SparkSession session(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NS)
        .getOrComputeIfAbsent("spark", key -> new SharedSpark(), SharedSpark.class)
        .spark;
  }

  /** Root of the shared session's temporary warehouse. */
  public static Path warehouse(SparkSession spark) {
    return Path.of(spark.conf().get("clientele.test.warehouse"));
  }

  /** A fresh, empty folder under the temp warehouse, for one test's tables. */
  public static Path freshDir(SparkSession spark, String name) {
    try {
      return Files.createTempDirectory(warehouse(spark), name + "-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class SharedSpark
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final SparkSession spark;
    final Path warehouse;

    SharedSpark() {
      try {
        warehouse = Files.createTempDirectory("clientele-test-warehouse-");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      spark =
          SparkSession.builder()
              .config(SparkSessions.baseConf(warehouse.toString()))
              .master("local[2]")
              .appName("clientele-tests")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.default.parallelism", "2")
              .config("spark.ui.enabled", "false")
              .config("spark.ui.showConsoleProgress", "false")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.databricks.delta.snapshotPartitions", "1")
              .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2")
              // Interpreted, not compiled: on the tests' small frames compiling a query's classes
              // costs more than running it (a fifth to a third off a test class, measured in
              // docs/benchmarks.md). Spark's own tests use these keys to run queries both ways.
              // The compiled path is what StandaloneClusterIT's submitted runs and the crash tests'
              // child JVMs run, and StandaloneClusterIT compares their tables with this session's.
              .config("spark.sql.codegen.wholeStage", "false")
              .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
              .config("clientele.test.warehouse", warehouse.toString())
              .getOrCreate();
    }

    @Override
    public void close() throws IOException {
      spark.stop();
      try (Stream<Path> files = Files.walk(warehouse)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
