package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.config.ConfigError;
import dev.clientele.testing.SparkTestExtension;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** timestamp-format: one pattern or a list tried in order; a value's own offset is kept. */
@ExtendWith(SparkTestExtension.class)
class TimestampPatternsTest {
  /** New York: 5 h behind UTC in winter, 4 h in summer, so a wrong shift shows. */
  static final String ZONE = "America/New_York";

  private static List<String> parse(SparkSession spark, List<String> patterns, String... values) {
    return spark
        .createDataset(List.of(values), Encoders.STRING())
        .toDF("v")
        .select(
            functions.col("v"),
            ColumnMapping.timestamp(functions.col("v"), patterns, ZONE).cast("string"))
        .collectAsList()
        .stream()
        .map(Row::toString)
        .toList();
  }

  @Test
  void onlineRetailIsoAndWorkbookTimesBothParseWithAListOfPatterns(SparkSession spark) {
    assertThat(
            parse(
                spark,
                List.of("yyyy-MM-dd HH:mm:ss", "M/d/yyyy H:mm"),
                "2010-12-01 08:26:00",
                "12/1/2010 8:26",
                "1.12.2010 08:26"))
        .containsExactly(
            "[2010-12-01 08:26:00,2010-12-01 13:26:00]",
            "[12/1/2010 8:26,2010-12-01 13:26:00]",
            "[1.12.2010 08:26,null]");
    // One pattern alone reads only its own form.
    assertThat(parse(spark, List.of("M/d/yyyy H:mm"), "2010-12-01 08:26:00", "12/1/2010 8:26"))
        .containsExactly("[2010-12-01 08:26:00,null]", "[12/1/2010 8:26,2010-12-01 13:26:00]");
  }

  @Test
  void aValueWithItsOwnOffsetKeepsItAndOnlyTheOthersAreLocalTime(SparkSession spark) {
    String[] orderExport = {
      "2017-08-30 11:41:01.000000", // local (summer: UTC-4)
      "2017-09-10 03:27:54+00:00", // its own offset: not shifted
      "2017-09-10T03:27:54Z",
      "2017-09-10 05:27:54+0200",
      "2017-09-10", // a date is local midnight, its "-10" is no offset
    };
    List<String> expected =
        List.of(
            "[2017-08-30 11:41:01.000000,2017-08-30 15:41:01]",
            "[2017-09-10 03:27:54+00:00,2017-09-10 03:27:54]",
            "[2017-09-10T03:27:54Z,2017-09-10 03:27:54]",
            "[2017-09-10 05:27:54+0200,2017-09-10 03:27:54]",
            "[2017-09-10,2017-09-10 04:00:00]");
    assertThat(parse(spark, List.of(), orderExport)).containsExactlyElementsOf(expected);
    // The same with explicit patterns: one with an offset field (XXX) and one without.
    assertThat(
            parse(
                spark,
                List.of("yyyy-MM-dd HH:mm:ss.SSSSSS", "yyyy-MM-dd HH:mm:ssXXX"),
                "2017-08-30 11:41:01.000000",
                "2017-09-10 03:27:54+00:00"))
        .containsExactly(
            "[2017-08-30 11:41:01.000000,2017-08-30 15:41:01]",
            "[2017-09-10 03:27:54+00:00,2017-09-10 03:27:54]");
  }

  @Test
  void theSettingTakesOneOrAListAndABadPatternIsAStartupError(SparkSession spark) {
    IngestFixture f = new IngestFixture(spark, "ts-config");
    assertThat(
            f.set("clientele.ingest.sources.transactions.timestamp-format=\"M/d/yyyy H:mm\"")
                .ingestConfig()
                .sources()
                .get(SourceKind.TRANSACTIONS)
                .timestampFormats())
        .containsExactly("M/d/yyyy H:mm");
    assertThat(
            f.set(
                    "clientele.ingest.sources.transactions.timestamp-format="
                        + "[\"yyyy-MM-dd HH:mm:ss\", \"M/d/yyyy H:mm\"]")
                .ingestConfig()
                .sources()
                .get(SourceKind.TRANSACTIONS)
                .timestampFormats())
        .containsExactly("yyyy-MM-dd HH:mm:ss", "M/d/yyyy H:mm");
    assertThat(
            new IngestFixture(spark, "ts-config-2")
                .ingestConfig()
                .sources()
                .get(SourceKind.TRANSACTIONS)
                .timestampFormats())
        .isEmpty();
    assertThatThrownBy(
            () ->
                new IngestFixture(spark, "ts-config-3")
                    .set(
                        "clientele.ingest.sources.transactions.timestamp-format=[\"yyyy-MM-dd\", \"bb\"]")
                    .ingestConfig())
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("clientele.ingest.sources.transactions.timestamp-format")
        .hasMessageContaining("'bb' is not a datetime pattern");
    assertThat(SourceConfig.readsOffset("yyyy-MM-dd HH:mm:ssXXX")).isTrue();
    assertThat(SourceConfig.readsOffset("yyyy-MM-dd'T'HH:mm:ss")).isFalse();
    assertThat(SourceConfig.readsOffset("yyyy-MM-dd 'Zulu' HH:mm")).isFalse();
  }
}
