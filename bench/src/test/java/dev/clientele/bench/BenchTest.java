package dev.clientele.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.util.Utils;
import org.junit.jupiter.api.Test;

/** Paths and flags the bench hands Spark and DuckDB, spaces in the checkout path included. */
class BenchTest {
  @Test
  void executorJavaOptionsKeepEachFlagWholeAsSparkSplitsThem() {
    List<String> flags =
        List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "-Dlog4j2.configurationFile=/home/a b/clientele's \"x\" \\ y/conf/log4j2.properties",
            "-Duser.timezone=UTC");

    String options = Bench.javaOptions(flags);

    assertThat(scala.jdk.javaapi.CollectionConverters.asJava(Utils.splitCommandString(options)))
        .containsExactlyElementsOf(flags);
  }

  @Test
  void filesSparkListsBecomeLocalPathsSpacesIncluded() {
    assertThat(Bench.localPath("file:/tmp/a b/silver/txn_month=2025-07-01/part-0.parquet"))
        .isEqualTo("/tmp/a b/silver/txn_month=2025-07-01/part-0.parquet");
    assertThat(Bench.localPath("/tmp/plain/part-0.parquet")).isEqualTo("/tmp/plain/part-0.parquet");
  }
}
