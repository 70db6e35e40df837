package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.table.Table;
import dev.clientele.testing.SparkTestExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.EventLoggingListener;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The PII key never is data of a plan: an ingest run with Spark's event log on, its log output at
 * INFO and the plans of the pseudonymising frames hold neither the key nor its padded forms (K XOR
 * ipad, K XOR opad) in hex, base64 or raw, and the pseudonyms are still HMAC-SHA256.
 */
@ExtendWith(SparkTestExtension.class)
class PiiKeyNotInPlanTest {
  static final String KEY = "a-test-secret-key-0123";

  @Test
  void noKeyBytesInTheEventLogThePlansOrTheLogOutput(SparkSession spark) throws Exception {
    IngestFixture f = new IngestFixture(spark, "pii-plan");
    Path keyFile = Files.writeString(f.root.resolve("pii.key"), KEY + "\n");
    f.set("clientele.ingest.pii.key-file=\"" + keyFile + "\"");
    f.write("customers", "customers.csv", IngestJobTest.CUSTOMERS);
    f.write(
        "customers",
        "customers-bad.csv",
        IngestFixture.CUSTOMER_HEADER,
        "C3,Cy Doe,cy@example.com,+44 3,1990-01-01,F,low,,east,2024-03-01,not a time");
    f.write(
        "transactions",
        "2026-11-20.csv",
        IngestFixture.TXN_HEADER,
        "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,2,10.00,1.00,5.00,store,S01,");

    Path events = Files.createDirectories(f.root.resolve("events"));
    SparkConf conf =
        spark
            .sparkContext()
            .getConf()
            .clone()
            .set("spark.eventLog.enabled", "true")
            .set("spark.eventLog.dir", events.toUri().toString())
            .set("spark.eventLog.compress", "false");
    // What spark.eventLog.enabled installs at startup, on the test's running context.
    EventLoggingListener eventLog =
        new EventLoggingListener(
            "pii-plan-test",
            scala.Option.empty(),
            events.toUri(),
            conf,
            spark.sparkContext().hadoopConfiguration());
    eventLog.start();
    spark.sparkContext().addSparkListener(eventLog);
    StringWriter logs = new StringWriter();
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (AutoCloseable capture = captureLogs(logs)) {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      f.ingest();
    } finally {
      System.setOut(stdout);
      spark.sparkContext().listenerBus().waitUntilEmpty();
      spark.sparkContext().removeSparkListener(eventLog);
      eventLog.stop();
    }

    // The pseudonyms are unchanged: HMAC-SHA256 of the value with the key.
    assertThat(
            f.table(Table.CUSTOMERS)
                .where("customer_id = 'C1'")
                .first()
                .<String>getAs("email_hash"))
        .isEqualTo("83e396bf25fe2879e9ae287eaf6c212af62f2de81833622094540f6c2ca07254")
        .isEqualTo(PseudonymizerTest.hmacHex(KEY, "ann@example.com"));
    // The bad line's quarantine row holds pseudonyms too (the redaction went through the UDF).
    assertThat(f.table(Table.QUARANTINE).where("source = 'customers'").first().<String>getAs("raw"))
        .contains(PseudonymizerTest.hmacHex(KEY, "cy@example.com"))
        .doesNotContain("cy@example.com");

    // The plans of the frames that pseudonymise, as explain prints them.
    IngestConfig config = f.ingestConfig();
    SourceConfig src = config.sources().get(SourceKind.CUSTOMERS);
    StringBuilder plans = new StringBuilder();
    try (Pseudonymizer p = Pseudonymizer.of(spark, config.pii())) {
      Dataset<Row> records =
          RawRecords.read(spark, src, List.of(f.raw.resolve("customers/customers.csv").toString()));
      Dataset<Row> mapped =
          ColumnMapping.apply(
              RawRecords.redact(records, RawRecords.sourceColumns(records), p), src, p);
      plans.append(mapped.queryExecution().toString());
      plans.append(
          mapped
              .queryExecution()
              .explainString(org.apache.spark.sql.execution.ExtendedMode$.MODULE$));
    }
    assertThat(plans.toString()).contains("hmac_sha256");

    String eventText;
    try (Stream<Path> files = Files.walk(events)) {
      StringBuilder all = new StringBuilder();
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        all.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
      }
      eventText = all.toString();
    }
    assertThat(eventText).contains("SparkListenerSQLExecutionStart").contains("hmac_sha256");

    Map<String, String> sources = new LinkedHashMap<>();
    sources.put("event log", eventText);
    sources.put("explain", plans.toString());
    sources.put("log output", logs.toString() + printed.toString(StandardCharsets.UTF_8));
    List<String> forms = keyForms(KEY.getBytes(StandardCharsets.UTF_8));
    for (Map.Entry<String, String> s : sources.entrySet()) {
      String text = s.getValue().toLowerCase(java.util.Locale.ROOT);
      for (String form : forms) {
        assertThat(text).as(s.getKey() + " holds " + form).doesNotContain(form.toLowerCase());
      }
    }

    // The search finds a key where one is: a padded key as a literal shows in the plan.
    String literalPlan =
        spark
            .range(1)
            .select(functions.lit(padded(KEY.getBytes(StandardCharsets.UTF_8), 0x36)))
            .queryExecution()
            .toString()
            .toLowerCase(java.util.Locale.ROOT);
    assertThat(forms.stream().filter(literalPlan::contains)).isNotEmpty();
  }

  /**
   * The key and its padded forms as text: raw, hex and base64 of the key part (the padding after it
   * is the pad byte alone, so the key part is what identifies the key).
   */
  static List<String> keyForms(byte[] key) {
    List<String> forms = new ArrayList<>();
    forms.add(new String(key, StandardCharsets.ISO_8859_1));
    for (int pad : new int[] {0, 0x36, 0x5c}) {
      byte[] part = new byte[key.length];
      for (int i = 0; i < key.length; i++) part[i] = (byte) (key[i] ^ pad);
      forms.add(HexFormat.of().formatHex(part));
      String b64 = Base64.getEncoder().withoutPadding().encodeToString(part);
      forms.add(b64.substring(0, b64.length() - 2)); // the last characters depend on what follows
      forms.add(Base64.getEncoder().encodeToString(padded(key, pad)));
      if (pad != 0) forms.add(new String(part, StandardCharsets.ISO_8859_1));
    }
    return forms;
  }

  static byte[] padded(byte[] key, int pad) {
    byte[] out = new byte[64];
    for (int i = 0; i < 64; i++) out[i] = (byte) ((i < key.length ? key[i] : 0) ^ pad);
    return out;
  }

  /** Sends every log line at INFO and above to {@code out} until closed. */
  private static AutoCloseable captureLogs(StringWriter out) {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    WriterAppender appender =
        WriterAppender.createAppender(
            PatternLayout.newBuilder().withPattern("%p %c %m%n%ex").build(),
            null,
            out,
            "pii-capture",
            false,
            true);
    appender.start();
    LoggerConfig root = config.getRootLogger();
    Level before = root.getLevel();
    root.addAppender(appender, Level.INFO, null);
    root.setLevel(Level.INFO);
    context.updateLoggers();
    return () -> {
      root.removeAppender("pii-capture");
      root.setLevel(before);
      context.updateLoggers();
      appender.stop();
    };
  }
}
