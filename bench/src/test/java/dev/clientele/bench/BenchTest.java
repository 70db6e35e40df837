package dev.clientele.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.util.Utils;
import org.junit.jupiter.api.Test;

/** What the bench hands Spark for its executor JVM in {@code --local-cluster} mode. */
class BenchTest {
  @Test
  void executorJavaOptionsKeepEachFlagWholeAsSparkSplitsThem() {
    List<String> flags =
        List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "-Dlog4j2.configurationFile=/home/a b/clientele's \"x\" \\ y/conf/log4j2.properties",
            "-Duser.timezone=UTC");

    String options = Bench.javaOptions(flags);

    assertThat(scala.jdk.javaapi.CollectionConverters.asJava(Utils.splitCommandString(options))).containsExactlyElementsOf(flags);
  }
}
