package dev.clientele.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The cluster jar bundles Delta's data source registration and leaves Spark to the cluster. */
class ShadedJarIT {
  private static Path shadedJar() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      List<Path> jars =
          files.filter(p -> p.getFileName().toString().endsWith("-shaded.jar")).toList();
      assertThat(jars).as("shaded jar in jobs/target").hasSize(1);
      return jars.get(0);
    }
  }

  @Test
  void containsDeltaServiceRegistrationAndNoSparkClasses() throws IOException {
    try (JarFile jar = new JarFile(shadedJar().toFile())) {
      var services =
          jar.getJarEntry("META-INF/services/org.apache.spark.sql.sources.DataSourceRegister");
      assertThat(services).isNotNull();
      try (InputStream in = jar.getInputStream(services)) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
            .contains("org.apache.spark.sql.delta.sources.DeltaDataSource");
      }
      assertThat(jar.getJarEntry("dev/clientele/cli/Clientele.class")).isNotNull();
      assertThat(jar.getJarEntry("io/delta/tables/DeltaTable.class")).isNotNull();
      assertThat(jar.getJarEntry("com/typesafe/config/Config.class")).isNotNull();
      assertThat(jar.getJarEntry("picocli/CommandLine.class")).isNotNull();
      // `clientele export` needs the PostgreSQL driver, which Spark does not ship.
      assertThat(jar.getJarEntry("org/postgresql/Driver.class")).isNotNull();
      // Spark, Hadoop and Scala come from the cluster.
      assertThat(jar.getJarEntry("org/apache/spark/SparkContext.class")).isNull();
      assertThat(jar.getJarEntry("org/apache/spark/sql/SparkSession.class")).isNull();
      assertThat(jar.getJarEntry("org/apache/hadoop/fs/FileSystem.class")).isNull();
      assertThat(jar.getJarEntry("scala/Option.class")).isNull();
      assertThat(jar.stream().noneMatch(e -> e.getName().matches("META-INF/.*\\.(SF|DSA|RSA)")))
          .isTrue();
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("dev.clientele.cli.Clientele");
    }
  }
}
