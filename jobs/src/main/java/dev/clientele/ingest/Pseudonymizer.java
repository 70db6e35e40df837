package dev.clientele.ingest;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.encode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.unhex;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.spark.sql.Column;

/**
 * Keyed pseudonyms for personal data: hex HMAC-SHA256 (RFC 2104) of the trimmed value, null for a
 * null or blank value. Spark 4.1 has no HMAC function, so the construction is spelled out with the
 * built-in {@code sha2}: {@code H((K ^ opad) || H((K ^ ipad) || m))}. Vectorised, no UDF; the same
 * value and key always give the same pseudonym, so pseudonyms still join.
 *
 * <p>The two padded keys appear as binary literals in the query plan (as any key passed to a
 * built-in would); plans are not logged by Clientele.
 */
public final class Pseudonymizer {
  private static final int BLOCK = 64;

  private Pseudonymizer() {}

  public static Column hmacSha256(Column value, PiiKey key) {
    byte[] k = key.bytes();
    if (k.length > BLOCK) k = sha256(k);
    byte[] inner = new byte[BLOCK];
    byte[] outer = new byte[BLOCK];
    for (int i = 0; i < BLOCK; i++) {
      byte b = i < k.length ? k[i] : 0;
      inner[i] = (byte) (b ^ 0x36);
      outer[i] = (byte) (b ^ 0x5c);
    }
    Column message = encode(nullif(trim(value.cast("string")), lit("")), "UTF-8");
    Column innerHash = unhex(sha2(concat(lit(inner), message), 256));
    return sha2(concat(lit(outer), innerHash), 256);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
