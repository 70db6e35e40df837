package dev.clientele.ingest;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.trim;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Keyed pseudonyms for personal data: hex HMAC-SHA256 (RFC 2104) of the trimmed value, null for a
 * null or blank value. The same value and key always give the same pseudonym, so pseudonyms still
 * join.
 *
 * <p>The key never is data of a query plan. Spark 4.1 has no HMAC function, and every built-in that
 * could compute one ({@code sha2} over {@code concat(K ^ ipad, m)}) takes the key as a literal: the
 * padded key bytes then show in {@code explain}, the UI's SQL tab and the event log (where XOR 0x36
 * gives the key back). So the key travels as a broadcast variable, which Spark ships to executors
 * as a block, never in a plan or an event, and the HMAC is a Java UDF ({@code hmac_sha256} in
 * plans) that reads it on the executor; the plan holds only the broadcast's id. The UDF is per row,
 * but only PII columns go through it (a few per customer record).
 */
public final class Pseudonymizer implements AutoCloseable {
  private final Broadcast<byte[]> key;
  private final UserDefinedFunction hmac;
  private final List<String> columns;

  private Pseudonymizer(Broadcast<byte[]> key, List<String> columns) {
    this.key = key;
    this.columns = columns;
    this.hmac = functions.udf(new Hmac(key), DataTypes.StringType).withName("hmac_sha256");
  }

  /** Broadcasts the key to the session's executors; {@link #close} removes it. */
  public static Pseudonymizer of(SparkSession spark, PiiKey pii) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return new Pseudonymizer(sc.broadcast(pii.bytes()), pii.columns());
  }

  /** The pseudonym of a value: hex HMAC-SHA256 of its trimmed text, null when null or blank. */
  public Column hmacSha256(Column value) {
    return hmac.apply(nullif(trim(value.cast("string")), lit("")));
  }

  /** Source columns that are personal data. */
  public List<String> columns() {
    return columns;
  }

  @Override
  public void close() {
    key.destroy();
  }

  /** The UDF: holds the broadcast (serialised as its id only) and one Mac per executor thread. */
  private static final class Hmac implements UDF1<String, String> {
    private final Broadcast<byte[]> key;
    private transient ThreadLocal<Mac> mac;

    Hmac(Broadcast<byte[]> key) {
      this.key = key;
    }

    @Override
    public String call(String value) throws GeneralSecurityException {
      if (value == null) return null;
      if (mac == null) mac = ThreadLocal.withInitial(this::newMac);
      return HexFormat.of().formatHex(mac.get().doFinal(value.getBytes(StandardCharsets.UTF_8)));
    }

    private Mac newMac() {
      try {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key.value(), "HmacSHA256"));
        return m;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is not available", e);
      }
    }
  }
}
