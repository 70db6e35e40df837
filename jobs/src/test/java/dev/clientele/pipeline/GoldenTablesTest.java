package dev.clientele.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.table.Table;
import dev.clientele.testing.SparkTestExtension;
import java.sql.Date;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The golden text's rules and its failure message, on literal rows (PipelineIT uses them). */
@ExtendWith(SparkTestExtension.class)
class GoldenTablesTest {
  static final StructType SCHEMA =
      new StructType()
          .add("zeta", DataTypes.StringType) // undocumented: after the documented ones, by name
          .add("customers", DataTypes.LongType)
          .add("to_label", DataTypes.StringType)
          .add("dimension", DataTypes.StringType)
          .add("as_of", DataTypes.DateType)
          .add("share", DataTypes.DoubleType)
          .add("signals", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, true))
          .add("run_id", DataTypes.StringType); // excluded: differs per run

  static Row row(String asOf, String dimension, String to, Long n, Double share, String zeta) {
    return RowFactory.create(
        zeta,
        n,
        to,
        dimension,
        Date.valueOf(asOf),
        share,
        Map.of("b", 0.1 + 0.2, "a", -1e-12),
        "run-" + n);
  }

  @Test
  void sortedByKeyThenLineWithFixedDecimalsNullTokenAndEscapes(SparkSession spark) {
    String text =
        GoldenTables.render(
            spark.createDataFrame(
                List.of(
                    row("2026-11-21", "value_tier", "low", 3L, 1.0 / 3, "tab\there"),
                    row("2026-11-20", "value_tier", "high", null, -1e-9, null),
                    row("2026-11-20", "abc_grade", "A", 2L, Double.NaN, "back\\slash\nline"),
                    row("2026-11-20", "value_tier", "high", 1L, 0.1234565, "x")),
                SCHEMA),
            Table.TIER_TRANSITIONS);
    assertThat(text)
        .isEqualTo(
            String.join(
                "\n",
                "as_of\tdimension\tto_label\tcustomers\tshare\tsignals\tzeta",
                "2026-11-20\tabc_grade\tA\t2\tNaN\t{\"a\":\"0.000000\",\"b\":\"0.300000\"}"
                    + "\tback\\\\slash\\nline",
                "2026-11-20\tvalue_tier\thigh\t1\t0.123457\t{\"a\":\"0.000000\",\"b\":\"0.300000\"}"
                    + "\tx",
                "2026-11-20\tvalue_tier\thigh\t\\N\t0.000000\t{\"a\":\"0.000000\",\"b\":\"0.300000\"}"
                    + "\t\\N",
                "2026-11-21\tvalue_tier\tlow\t3\t0.333333\t{\"a\":\"0.000000\",\"b\":\"0.300000\"}"
                    + "\ttab\\there",
                ""));
  }

  @Test
  void aDifferenceNamesTheTableTheLinesTheColumnsAndTheCommand() {
    String expected = "k\tv\tw\na\t1\tx\nb\t2\ty\nc\t3\tz\n";
    String actual = "k\tv\tw\na\t1\tx\nb\t2\tY\nc\t3\tz\n";
    assertThat(GoldenTables.difference("t.tsv", expected, actual))
        .isEqualTo(
            String.join(
                "\n",
                "golden jobs/src/test/resources/golden/t.tsv differs from the published table (4"
                    + " lines expected, 4 actual); first difference at line 3:",
                "-     3 b\t2\ty",
                "+     3 b\t2\tY",
                "columns differing at line 3:",
                "  w: y -> Y",
                "If this change is meant to alter published figures, regenerate the golden files"
                    + " and say so in the commit message: "
                    + GoldenTables.REGENERATE));
  }

  @Test
  void aChangedHeaderIsShownAsLineOne() {
    assertThat(GoldenTables.difference("t.tsv", "k\tv\na\t1\n", "k\tv\tnew\na\t1\t0\n"))
        .contains("first difference at line 1 (the header)")
        .contains("-     1 k\tv\n-     2 a\t1\n+     1 k\tv\tnew\n+     2 a\t1\t0\n")
        .doesNotContain("columns differing");
  }
}
