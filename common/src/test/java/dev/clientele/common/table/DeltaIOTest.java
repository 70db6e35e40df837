package dev.clientele.common.table;

import static dev.clientele.testing.DatasetAssert.assertThatDataset;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.testing.SparkTestExtension;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class DeltaIOTest {
  private static Dataset<Row> snapshot(SparkSession spark, String asOf, String... labels) {
    StringBuilder sql = new StringBuilder("SELECT * FROM VALUES ");
    for (int i = 0; i < labels.length; i++) {
      if (i > 0) sql.append(", ");
      sql.append("(DATE'").append(asOf).append("', 'c").append(i).append("', '").append(labels[i]).append("')");
    }
    return spark.sql(sql + " AS t(as_of, customer_id, label)");
  }

  @Test
  void replaceSnapshotReplacesOnlyThatDateAndARerunChangesNothing(SparkSession spark) {
    String path = SparkTestExtension.freshDir(spark, "snap").resolve("t").toString();
    DeltaIO.replaceSnapshot(snapshot(spark, "2026-11-20", "a", "b"), path, LocalDate.parse("2026-11-20"));
    DeltaIO.replaceSnapshot(snapshot(spark, "2026-11-21", "x"), path, LocalDate.parse("2026-11-21"));
    DeltaIO.replaceSnapshot(snapshot(spark, "2026-11-21", "y", "z"), path, LocalDate.parse("2026-11-21"));
    DeltaIO.replaceSnapshot(snapshot(spark, "2026-11-21", "y", "z"), path, LocalDate.parse("2026-11-21"));

    Dataset<Row> expected =
        snapshot(spark, "2026-11-20", "a", "b").union(snapshot(spark, "2026-11-21", "y", "z"));
    assertThatDataset(DeltaIO.read(spark, path).select("as_of", "customer_id", "label")).isEqualTo(expected);
    assertThat(DeltaIO.readSnapshot(spark, path, LocalDate.parse("2026-11-20")).count()).isEqualTo(2);
    assertThat(DeltaIO.version(spark, path)).isEqualTo(3);
  }

  @Test
  void appendOnceSkipsARepeatedTransactionVersion(SparkSession spark) {
    String path = SparkTestExtension.freshDir(spark, "once").resolve("t").toString();
    DeltaIO.appendOnce(snapshot(spark, "2026-11-21", "a"), path, "ingest-test", 7);
    DeltaIO.appendOnce(snapshot(spark, "2026-11-21", "a"), path, "ingest-test", 7);
    DeltaIO.appendOnce(snapshot(spark, "2026-11-21", "b"), path, "ingest-test", 8);
    assertThat(DeltaIO.read(spark, path).count()).isEqualTo(2);
    assertThat(DeltaIO.version(spark, "/nonexistent/clientele")).isEqualTo(-1);
  }
}
