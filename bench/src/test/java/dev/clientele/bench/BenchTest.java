package dev.clientele.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.clv.ClvColumns;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
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

  @Test
  void theClvLineGivesTheDriverFitTimeCustomersAndCompressedRowsOfClvFits() {
    java.util.Map<String, Double> diagnostics = new java.util.LinkedHashMap<>();
    diagnostics.put("se_r", 0.01);
    diagnostics.put("fit_ms", 1234.4);
    Object[] values = {
      java.sql.Date.valueOf("2026-11-21"),
      "run-1",
      "fitted",
      null,
      "day",
      1_000_000L,
      612_345L,
      48_211,
      30_002,
      1.2,
      27.7,
      723.0,
      833_696.0,
      -1.0,
      6.25,
      3.74,
      15.44,
      -2.0,
      35.2,
      scala.jdk.javaapi.CollectionConverters.asScala(diagnostics),
      java.sql.Timestamp.valueOf("2026-11-21 03:00:00")
    };
    Row fit = new GenericRowWithSchema(values, ClvColumns.FITS_SCHEMA);

    assertThat(Bench.clvFitLine(fit, 42.25))
        .isEqualTo(
            "  CLV fit (fitted, period day): 1,234 ms on the driver for 1,000,000 customers (612,345"
                + " repeat), fitted on 48,211 (x, tx, T) and 30,002 (x, m̄) compressed rows; clv"
                + " stage 42.3 s"
                + System.lineSeparator());

    values[2] = "skipped";
    values[3] = "too few repeat customers with positive spend: 3";
    diagnostics.remove("fit_ms");
    assertThat(Bench.clvFitLine(new GenericRowWithSchema(values, ClvColumns.FITS_SCHEMA), null))
        .endsWith(
            "- ms on the driver for 1,000,000 customers (612,345 repeat), fitted on 48,211 (x, tx,"
                + " T) and 30,002 (x, m̄) compressed rows; clv stage - s (skipped: too few repeat"
                + " customers with positive spend: 3)"
                + System.lineSeparator());
  }
}
