package dev.clientele.ingest;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.testing.SparkTestExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A temp folder with raw source files and a warehouse, and a way to run ingest over them
 * in-process.
 */
final class IngestFixture {
  static final LocalDate AS_OF = LocalDate.of(2026, 11, 21);
  static final String TXN_HEADER =
      "order_id,line_no,customer_id,ts,product_id,brand,category,quantity,unit_price,discount,unit_cost,channel,store_id,original_order_id";
  static final String CUSTOMER_HEADER =
      "customer_id,name,email,phone,birth_date,gender,income_band,occupation,region,signup_date,updated_at";

  final SparkSession spark;
  final Path root;
  final Path raw;
  final Path warehouse;
  final List<String> overrides = new ArrayList<>();
  final List<Path> confFiles = new ArrayList<>();

  IngestFixture(SparkSession spark, String name) {
    this.spark = spark;
    this.root = SparkTestExtension.freshDir(spark, name);
    this.raw = root.resolve("raw");
    this.warehouse = root.resolve("warehouse");
    overrides.add("clientele.warehouse=\"" + warehouse + "\"");
    for (SourceKind k : SourceKind.values()) {
      overrides.add(
          "clientele.ingest.sources."
              + k.sourceName
              + ".path=\""
              + raw.resolve(k.sourceName)
              + "\"");
    }
    overrides.add("clientele.ingest.pii.dev-key-allowed=true");
    overrides.add("clientele.ingest.rules.max-reject-rate=1.0");
  }

  IngestFixture set(String keyValue) {
    overrides.add(keyValue);
    return this;
  }

  /** Writes raw/source/file with the given lines, each ended by \n. */
  Path write(String source, String file, String... lines) {
    Path path = raw.resolve(source).resolve(file);
    try {
      Files.createDirectories(path.getParent());
      Files.writeString(
          path,
          Arrays.stream(lines).map(l -> l + "\n").collect(Collectors.joining()),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return path;
  }

  ClienteleConfig config() {
    return ClienteleConfig.load((Path) null, confFiles, overrides);
  }

  IngestConfig ingestConfig() {
    return IngestConfig.from(config().at("clientele.ingest"), k -> null);
  }

  /** Runs ingest in this JVM's shared session; returns the run id. */
  String ingest() {
    return ingest(AS_OF);
  }

  /** Runs ingest as of {@code asOf}; returns the run id. */
  String ingest(LocalDate asOf) {
    return ingest(asOf, QuarantineReplay.OFF);
  }

  /**
   * Runs ingest as of {@code asOf} with {@code replay} (--replay-quarantine); returns the run id.
   */
  String ingest(LocalDate asOf, QuarantineReplay replay) {
    ClienteleConfig config = config();
    RunContext run = new RunContext(RunContext.newRunId(), "ingest", asOf, config, catalog());
    new IngestJob(IngestConfig.from(config.at("clientele.ingest"), k -> null), replay)
        .run(spark, run);
    return run.runId();
  }

  TableCatalog catalog() {
    return new TableCatalog(warehouse.toString());
  }

  Dataset<Row> table(Table table) {
    return DeltaIO.read(spark, catalog().path(table));
  }

  boolean exists(Table table) {
    return DeltaIO.exists(spark, catalog().path(table));
  }

  long version(Table table) {
    return DeltaIO.version(spark, catalog().path(table));
  }

  /** Quarantine rows of a source as "record_number [reasons]", ordered by record number. */
  List<String> quarantine(String source) {
    return table(Table.QUARANTINE)
        .where("source = '" + source + "'")
        .orderBy("record_number")
        .collectAsList()
        .stream()
        .map(r -> r.getAs("record_number") + " " + r.getList(r.fieldIndex("reasons")))
        .toList();
  }

  /** Quarantine rows as "record_number [reasons] released_run_id", by file and record number. */
  List<String> quarantineReleases() {
    return table(Table.QUARANTINE).orderBy("source_file", "record_number").collectAsList().stream()
        .map(
            r ->
                r.getAs("record_number")
                    + " "
                    + r.getList(r.fieldIndex("reasons"))
                    + " "
                    + r.getAs("released_run_id"))
        .toList();
  }

  /** Silver transactions as "txn_id quantity ingest_run_id", by txn_id. */
  List<String> transactions() {
    return table(Table.TRANSACTIONS)
        .orderBy("txn_id")
        .selectExpr("concat_ws(' ', txn_id, cast(cast(quantity as int) as string), ingest_run_id)")
        .collectAsList()
        .stream()
        .map(r -> r.getString(0))
        .toList();
  }

  /**
   * The transactions runs row of a run: status, read, accepted, quarantined, duplicate, filtered
   * and message.
   */
  String transactionCounts(String runId) {
    return table(Table.RUNS)
        .where("source = 'transactions' AND run_id = '" + runId + "'")
        .selectExpr(
            "status",
            "records_read",
            "records_accepted",
            "records_quarantined",
            "records_duplicate",
            "records_filtered",
            "message")
        .collectAsList()
        .stream()
        .map(Row::toString)
        .reduce((a, b) -> a + " | " + b)
        .orElse("no row");
  }

  /** The ledger as "[file name,records,accepted,quarantined,duplicate,filtered]", by path. */
  List<String> ledgerCounts() {
    return table(Table.INGEST_FILES)
        .orderBy("path")
        .selectExpr(
            "regexp_extract(path, '[^/]+$', 0)",
            "records",
            "records_accepted",
            "records_quarantined",
            "records_duplicate",
            "records_filtered")
        .collectAsList()
        .stream()
        .map(Row::toString)
        .toList();
  }

  /**
   * The runs rows as sorted "[source,status,read,accepted,quarantined,duplicate]", of the runs
   * matching {@code where} (SQL over runs' columns).
   */
  List<String> runCounts(String where) {
    return table(Table.RUNS)
        .where(where)
        .selectExpr(
            "source",
            "status",
            "records_read",
            "records_accepted",
            "records_quarantined",
            "records_duplicate")
        .collectAsList()
        .stream()
        .map(Row::toString)
        .sorted()
        .toList();
  }

  /**
   * The table's rows as sorted strings, without the {@code drop} columns: for equality of tables.
   */
  List<String> content(Table table, String... drop) {
    Dataset<Row> t = table(table);
    for (String c : drop) t = t.drop(c);
    return t.collectAsList().stream().map(Row::toString).sorted().toList();
  }
}
