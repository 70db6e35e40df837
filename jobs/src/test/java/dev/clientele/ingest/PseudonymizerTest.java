package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.config.ConfigError;
import dev.clientele.common.config.Settings;
import dev.clientele.testing.SparkTestExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkTestExtension.class)
class PseudonymizerTest {
  static String hmacHex(String key, String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Settings pii(String... overrides) {
    List<String> all = new ArrayList<>();
    for (String o : overrides) all.add("clientele.ingest.pii." + o);
    return ClienteleConfig.load((Path) null, List.of(), all).at("clientele.ingest.pii");
  }

  @Test
  void equalsJavaHmacSha256ForShortAndLongKeysAndUnicode(SparkSession spark) {
    String longKey =
        "k".repeat(100); // longer than the 64-byte block: hashed first, as RFC 2104 says
    for (String key : List.of("a-secret-of-16-chars", longKey)) {
      PiiKey piiKey = PiiKey.from(pii("key-env=K"), Map.of("K", key)::get);
      List<Row> rows =
          spark
              .createDataset(List.of("ann@example.com", " Zoë Ünal ", ""), Encoders.STRING())
              .toDF("v")
              .select(
                  Pseudonymizer.of(spark, piiKey)
                      .hmacSha256(org.apache.spark.sql.functions.col("v")))
              .collectAsList();
      assertThat(rows.get(0).getString(0)).isEqualTo(hmacHex(key, "ann@example.com"));
      assertThat(rows.get(1).getString(0)).isEqualTo(hmacHex(key, "Zoë Ünal"));
      assertThat(rows.get(2).isNullAt(0)).isTrue();
    }
  }

  @Test
  void theDevelopmentKeysPseudonymOfAKnownValueIsPinned(SparkSession spark) {
    PiiKey dev = PiiKey.from(pii("dev-key-allowed=true"), k -> null);
    try (Pseudonymizer p = Pseudonymizer.of(spark, dev)) {
      assertThat(
              spark
                  .createDataset(List.of("ann@example.com"), Encoders.STRING())
                  .toDF("v")
                  .select(p.hmacSha256(org.apache.spark.sql.functions.col("v")))
                  .first()
                  .getString(0))
          .isEqualTo("ad079556e9d79dcbd05614202ae4b060e7d6480a80b7c8db7724c36ff29f402f");
    }
  }

  @Test
  void missingKeyIsAStartupErrorUnlessTheDevKeyIsAllowed(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> PiiKey.from(pii(), k -> null))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Config key 'clientele.ingest.pii.key-env' (")
        .hasMessageEndingWith(
            "): no PII key: set the environment variable CLIENTELE_PII_KEY or clientele.ingest.pii.key-file "
                + "to a secret of at least 16 characters (for generated sample data only, "
                + "clientele.ingest.pii.dev-key-allowed = true).");
    assertThatThrownBy(() -> PiiKey.from(pii("key-env=\"sk-live-4f9a0c PASTED\""), k -> null))
        .isInstanceOf(ConfigError.class)
        .hasMessageEndingWith(
            "): is not a variable name (its value is not shown, in case it is a secret pasted by"
                + " mistake): set it to the name of an environment variable (letters, digits,"
                + " underscores), and the secret in that variable.")
        .hasMessageNotContaining("4f9a0c");
    assertThatThrownBy(() -> PiiKey.from(pii("key-env=K"), Map.of("K", "too-short")::get))
        .isInstanceOf(ConfigError.class)
        .hasMessageEndingWith("the key from environment variable K is shorter than 16 characters.");
    Path missing = dir.resolve("nokey");
    assertThatThrownBy(() -> PiiKey.from(pii("key-file=\"" + missing + "\""), k -> null))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("clientele.ingest.pii.key-file")
        .hasMessageEndingWith("names " + missing + ", which does not exist or cannot be read.");

    Path file = Files.writeString(dir.resolve("key"), "  file-secret-0123456789\n");
    PiiKey fromFile = PiiKey.from(pii("key-file=\"" + file + "\""), k -> null);
    assertThat(fromFile.isDevKey()).isFalse();
    assertThat(fromFile.toString())
        .isEqualTo("PiiKey(from key file " + file + ", ****)")
        .doesNotContain("file-secret");
    assertThat(PiiKey.from(pii("dev-key-allowed=true"), k -> null).isDevKey()).isTrue();
    // The environment variable wins over the file.
    assertThat(
            PiiKey.from(
                    pii("key-file=\"" + file + "\"", "key-env=K"),
                    Map.of("K", "env-secret-0123456789")::get)
                .toString())
        .isEqualTo("PiiKey(from environment variable K, ****)");
  }
}
