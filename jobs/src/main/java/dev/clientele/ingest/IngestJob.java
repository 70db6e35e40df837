package dev.clientele.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.ComplaintsColumns;
import dev.clientele.common.columns.CustomersColumns;
import dev.clientele.common.columns.QuarantineColumns;
import dev.clientele.common.columns.TransactionsColumns;
import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.spark.SmallSides;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.RunLog;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.ingest.SourceResult.Tally;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code clientele ingest}: loads each configured source's new files into its silver table ({@code
 * transactions}, {@code customers} + {@code customer_history}, {@code surveys}, {@code
 * complaints}), every rejected record into {@code quarantine} with its reasons, the files into the
 * {@code ingest_files} ledger with their counts, and one {@code runs} row per source with read =
 * accepted + quarantined + duplicate + filtered (the sum of its files' ledger rows). A file that
 * cannot be read as a whole (a truncated gzip, a UTF-16 file in a UTF-8 source) is one file's
 * problem: it is rejected with a reason (a quarantine row with record number 0, a ledger row with
 * status rejected, one quarantined record in the counts) and the other files are ingested. Empty
 * and header-only files are recorded with 0 records. Customers and complaints keep versions: a
 * record delivered again with a later version time (a complaint resolved) updates the current row,
 * every version stays in {@code customer_history} / {@code complaint_history}. Quarantined records
 * are read again from their files ({@link HeldRecords}): held ones (dated after an earlier run's
 * as-of) by every run, and the rejects a {@link QuarantineReplay} selects ({@code
 * --replay-quarantine}); their runs row counts them in read and in the status they take now.
 *
 * <p>Order of writes, so a crash anywhere followed by a rerun gives the tables of a clean run:
 * quarantine (insert-only MERGE keyed by source, file and record number); then, if no source is
 * over its reject-rate ceiling, silver (insert-only MERGE by key; customers upsert only newer
 * versions); then the ledger, last, with every file's counts in the same commit. Files not in the
 * ledger are read again by the rerun, whose writes are then no-ops for rows the crashed run already
 * wrote; a run that stops after its ledger commit and before its runs rows has them rebuilt from
 * the ledger when it is found abandoned (RunLog#fromLedger). Last, one quarantine commit releases
 * the records read again; a run that crashed before it is repeated by its rerun, which takes its
 * silver rows as its own ({@link Dedupe}).
 */
public final class IngestJob implements ClienteleJob {
  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

  /**
   * A batch can be larger than the heap: what does not fit in storage memory goes to local disk.
   * Serialized, so its blocks are compressed (spark.rdd.compress): the batch holds each line's raw
   * text for the quarantine. At 20M lines on a 6 GB heap the deserialized cache spilled and every
   * pass over it read the spill back; compressed, ingest took 523 s instead of 646 s.
   */
  private static final StorageLevel BATCH = StorageLevel.MEMORY_AND_DISK_SER();

  private final IngestConfig config;
  private final QuarantineReplay replay;
  private final SmallSides smallSides = new SmallSides();

  /** The PII key on the executors for this run (see {@link Pseudonymizer}). */
  private Pseudonymizer pseudonyms;

  /** The rates file by currency and day, and the currencies it names (see {@link Currencies}). */
  private Dataset<Row> rates;

  private List<String> ratesNamed = List.of();

  public IngestJob(IngestConfig config) {
    this(config, QuarantineReplay.OFF);
  }

  /**
   * @param replay which quarantined records this run reads again besides the held ones ({@code
   *     --replay-quarantine [--reason R]}); {@link QuarantineReplay#OFF} for an ordinary run
   */
  public IngestJob(IngestConfig config, QuarantineReplay replay) {
    this.config = config;
    this.replay = replay;
  }

  /**
   * One source's work in this run. {@code checked} and {@code classified} are null when no file had
   * records to read (all empty or rejected). {@code outcomes}: every file's ledger entry, keyed by
   * its listed path. {@code idsKnown}: the unknown-customer rule applied, so every accepted
   * customer id already has a customers row.
   */
  private record Batch(
      SourceKind kind,
      List<FileLedger.SourceFile> files,
      Dataset<Row> checked,
      Map<String, FileLedger.FileStats> stats,
      Map<String, FileLedger.FileOutcome> outcomes,
      Dataset<Row> classified,
      SourceResult result,
      boolean idsKnown,
      Dataset<Row> replayed) {
    void unpersist() {
      if (checked != null) checked.unpersist();
      if (replayed != null) replayed.unpersist();
    }
  }

  /**
   * The classified batch counted: per file of the new records, the held records read again, the
   * rejects read again by a replay of quarantine, and the new records held for a later run.
   */
  private record Counts(Map<String, Tally> byFile, Tally released, Tally replayed, long held) {
    static final Counts NONE = new Counts(Map.of(), Tally.NONE, Tally.NONE, 0);
  }

  @Override
  public void run(SparkSession spark, RunContext run) {
    pseudonyms = Pseudonymizer.of(spark, config.pii());
    try {
      ingest(spark, run);
    } finally {
      pseudonyms.close();
    }
  }

  private void ingest(SparkSession spark, RunContext run) {
    Instant started = Instant.now();
    if (config.pii().isDevKey()) {
      LOG.warn(
          "*** PII pseudonyms use the PUBLIC DEVELOPMENT KEY (clientele.ingest.pii.dev-key-allowed = true). "
              + "Anyone can reverse them. Use this only for generated sample data; set {} for real data. ***",
          "CLIENTELE_PII_KEY or clientele.ingest.pii.key-file");
    }
    TableCatalog tables = run.tables();
    FileLedger ledger = new FileLedger(spark, tables.path(Table.INGEST_FILES));
    ledger.upgrade();
    String quarantinePath = tables.path(Table.QUARANTINE);
    // A quarantine of an older release takes released_run_id before held records are looked up.
    DeltaIO.addMissingColumns(spark, quarantinePath, QuarantineColumns.SCHEMA);
    // Checkpointed, not cached: a cached frame reading the ledger and quarantine would make every
    // write to them re-plan each cached frame built on it (Dedupe's lookups), minutes of driver
    // time.
    Dataset<Row> completedRuns = completedRuns(spark, ledger, quarantinePath).localCheckpoint();
    LocalDate asOf = run.asOf();
    if (replay.enabled()) {
      LOG.info(
          "Replaying quarantine: unreleased records with {} are read again from their files through"
              + " the current mapping and rules",
          replay.describe());
    }
    if (config.currencies().converts()) {
      rates = config.currencies().dailyRates(spark);
      ratesNamed = Currencies.named(rates);
      LOG.info(
          "Transactions in {}; rates for {} from {}",
          config.currencies().reporting(),
          ratesNamed,
          config.currencies().ratesPath());
    }

    Map<SourceKind, Batch> batches = new EnumMap<>(SourceKind.class);
    Map<SourceKind, SourceResult> results = new EnumMap<>(SourceKind.class);
    // Per source, the rejects a replay of quarantine selected at the run's start.
    Map<SourceKind, Long> replays = new EnumMap<>(SourceKind.class);
    boolean customerFilesExist = false;
    // Every source's quarantine rows to read again, from one query: nothing writes quarantine
    // before every source is classified.
    Map<String, List<HeldRecords.HeldFile>> heldBySource =
        HeldRecords.filesBySource(spark, quarantinePath, replay, asOf);
    for (Map.Entry<SourceKind, SourceConfig> e : config.sources().entrySet()) {
      SourceKind kind = e.getKey();
      SourceConfig src = e.getValue();
      List<FileLedger.SourceFile> files = ledger.list(src.path());
      if (files.isEmpty()) {
        if (src.required()) {
          throw new JobFailure(
              "No "
                  + kind.sourceName
                  + " files at "
                  + src.path()
                  + " (clientele.ingest.sources."
                  + kind.sourceName
                  + ".path or --input "
                  + kind.sourceName
                  + "=PATH).");
        }
        LOG.info("Source {}: no files at {}, skipped", kind.sourceName, src.path());
        results.put(kind, SourceResult.skipped(kind, "no files"));
        continue;
      }
      if (kind == SourceKind.CUSTOMERS) customerFilesExist = true;
      List<FileLedger.SourceFile> pending = ledger.pending(kind, files);
      List<HeldRecords.HeldFile> held =
          heldToReadAgain(heldBySource.getOrDefault(kind.sourceName, List.of()), pending);
      LOG.info(
          "Source {}: {} file(s) at {}, {} new; {} held record(s) that may be due in {} file(s) to"
              + " look at again",
          kind.sourceName,
          files.size(),
          src.path(),
          pending.size(),
          held.stream().mapToLong(HeldRecords.HeldFile::held).sum(),
          held.stream().filter(h -> h.held() > 0).count());
      long replaySelected = held.stream().mapToLong(HeldRecords.HeldFile::rejects).sum();
      if (replay.enabled()) {
        replays.put(kind, replaySelected);
        LOG.info(
            "Source {}: replay selected {} quarantined record(s) ({}) in {} file(s)",
            kind.sourceName,
            replaySelected,
            replay.describe(),
            held.stream().filter(h -> h.rejects() > 0).count());
        long wholeFiles =
            replay.reasons().isEmpty() ? HeldRecords.wholeFileRows(spark, quarantinePath, kind) : 0;
        if (wholeFiles > 0) {
          LOG.info(
              "Source {}: {} quarantine row(s) of files rejected whole (record number 0) are not"
                  + " replayable by position and stay; touch such a file or deliver it again"
                  + " fixed, and it is read as new",
              kind.sourceName,
              wholeFiles);
        }
      }
      if (pending.isEmpty() && held.isEmpty()) {
        results.put(kind, SourceResult.skipped(kind, "no new files"));
        continue;
      }
      Dataset<Row> known =
          kind != SourceKind.CUSTOMERS
                  && customerFilesExist
                  && config.rules().quarantineUnknownCustomer()
              ? knownCustomers(spark, tables, batches.get(SourceKind.CUSTOMERS))
              : null;
      Batch batch = classify(spark, tables, src, pending, held, known, asOf, completedRuns, ledger);
      SourceResult result = batch.result();
      if (pending.isEmpty() && result.read() == 0) {
        // Held records whose day has not come, or files gone: nothing to do for this source.
        batch.unpersist();
        results.put(kind, SourceResult.skipped(kind, "no new files"));
        continue;
      }
      batches.put(kind, batch);
      results.put(kind, result);
      LOG.info(
          "Source {}: read {} = accepted {} + quarantined {} + duplicate {} + filtered {};"
              + " of these, released {} (held records read again), held {} (for a later as-of){}{}",
          kind.sourceName,
          result.read(),
          result.accepted(),
          result.quarantined(),
          result.duplicate(),
          result.filtered(),
          result.released(),
          result.held(),
          result.replayed().records() == 0
              ? ""
              : ", replayed "
                  + result.replayed().records()
                  + " (quarantined records read again: to release "
                  + result.replayed().released()
                  + ", quarantined again "
                  + result.replayed().quarantined()
                  + ")",
          result.topReasons().isEmpty() ? "" : "; top reasons " + result.topReasons());
      if (!result.reconciles()) {
        throw new IllegalStateException(
            "Counts of " + kind.sourceName + " do not reconcile: " + result);
      }
    }

    Map<String, Long> versions = new LinkedHashMap<>();
    if (!batches.isEmpty()) {
      timed("quarantine", () -> writeQuarantine(spark, tables, run.runId(), batches.values()));
      versions.put(
          Table.QUARANTINE.tableName, DeltaIO.version(spark, tables.path(Table.QUARANTINE)));
      failOverCeiling(spark, run, results, started, versions);
      writeSilver(spark, tables, run.runId(), batches, versions);
      List<FileLedger.Delivery> deliveries = new ArrayList<>();
      for (Batch b : batches.values()) {
        if (!b.files().isEmpty()) {
          deliveries.add(new FileLedger.Delivery(b.kind(), b.files(), b.outcomes()));
        }
      }
      if (!deliveries.isEmpty()) {
        ledger.record(deliveries, run.runId(), Instant.now());
        LOG.info(
            "Recorded {} file(s) in ingest_files",
            deliveries.stream().mapToInt(d -> d.files().size()).sum());
        versions.put(
            Table.INGEST_FILES.tableName, DeltaIO.version(spark, tables.path(Table.INGEST_FILES)));
      }
      // After the ledger: a crash before this commit leaves the records in quarantine as they were,
      // and the rerun reads them again (Dedupe then takes this run's silver rows as its own).
      Map<SourceKind, Dataset<Row>> readAgain = new EnumMap<>(SourceKind.class);
      for (Batch b : batches.values()) {
        SourceResult r = b.result();
        if (r.released() + r.replayed().records() > 0) readAgain.put(b.kind(), b.classified());
      }
      if (!readAgain.isEmpty()) {
        HeldRecords.release(spark, quarantinePath, readAgain, replay, run.runId());
      }
      for (Batch b : batches.values()) {
        if (b.result().released() > 0) {
          LOG.info(
              "Source {}: released {} held record(s) in quarantine",
              b.kind().sourceName,
              b.result().released());
        }
      }
      versions.put(Table.QUARANTINE.tableName, DeltaIO.version(spark, quarantinePath));
    }
    for (Map.Entry<SourceKind, Long> e : replays.entrySet()) {
      SourceResult r = results.get(e.getKey());
      Tally t = r == null ? Tally.NONE : r.replayed();
      LOG.info(
          "Source {}: replay of quarantine: {} selected, {} released (accepted {}, duplicate {},"
              + " filtered {}), {} quarantined again (reasons updated, left for a later replay), {}"
              + " stay as they were (file gone or changed, or still after the as-of)",
          e.getKey().sourceName,
          e.getValue(),
          t.released(),
          t.accepted(),
          t.duplicate(),
          t.filtered(),
          t.quarantined(),
          e.getValue() - t.records());
    }
    List<RunLog.Entry> entries = new ArrayList<>();
    Instant finished = Instant.now();
    for (SourceResult r : results.values()) {
      String status = r.status().equals("skipped") ? "skipped" : "succeeded";
      results.put(r.kind(), r.withStatus(status, r.note()));
      entries.add(entry(results.get(r.kind()), started, finished, versions));
    }
    RunLog.record(spark, run, entries);
    // Dependents first: unpersisting a frame re-plans every cached frame built on it.
    smallSides.close();
    for (Batch b : batches.values()) b.unpersist();
    String table = SourceResult.table(new ArrayList<>(results.values()));
    LOG.info("Ingest summary for run {}:\n{}", run.runId(), table);
    System.out.print(table);
  }

  /**
   * The source's records classified and counted by status. What is cached is the checked batch
   * (parsed, mapped, every rule but unknown-customer applied, the raw inputs dropped): the lookups
   * that classify read a few of its columns, and the classification on top of it is a projection
   * with broadcast joins, recomputed by each consumer instead of cached a second time.
   */
  private Batch classify(
      SparkSession spark,
      TableCatalog tables,
      SourceConfig src,
      List<FileLedger.SourceFile> pending,
      List<HeldRecords.HeldFile> held,
      Dataset<Row> knownCustomers,
      LocalDate asOf,
      Dataset<Row> completedRuns,
      FileLedger ledger) {
    SourceKind kind = src.kind();
    // Files rejected whole, by listed path, with the reason; 0-byte files are not even opened.
    Map<String, String> rejected = new LinkedHashMap<>();
    Map<String, String> firstLines = new HashMap<>();
    List<FileLedger.SourceFile> readable = new ArrayList<>();
    List<FileLedger.SourceFile> nonEmpty = pending.stream().filter(f -> f.size() > 0).toList();
    Map<String, RawRecords.Head> heads = RawRecords.heads(spark, src, nonEmpty);
    for (FileLedger.SourceFile f : nonEmpty) {
      RawRecords.Head head = heads.get(f.path());
      if (head != null && head.rejection() != null) {
        rejected.put(f.path(), head.rejection());
      } else {
        if (head != null) firstLines.put(f.path(), head.firstLine());
        readable.add(f);
      }
    }
    Dataset<Row> checked = null;
    long parsed = 0;
    long start = System.nanoTime();
    while (!readable.isEmpty()) {
      try {
        checked = checkedRecords(spark, src, readable, firstLines, asOf).persist(BATCH);
        parsed = checked.count();
        break;
      } catch (Exception e) {
        // A compressed file damaged past its first KB, or a damaged Parquet file, fails the read;
        // find it, only now (no check costs anything while files are sound), and read the others.
        if (checked != null) checked.unpersist();
        checked = null;
        Map<String, String> found = RawRecords.corruptFiles(spark, src, readable);
        if (found.isEmpty()) throw e;
        found.forEach(
            (file, problem) -> rejected.put(file, ValidationRules.CORRUPT_FILE + problem));
        readable.removeIf(f -> found.containsKey(f.path()));
      }
    }
    rejected.forEach(
        (file, reason) ->
            LOG.warn("Source {}: {} rejected as a whole: {}", kind.sourceName, file, reason));
    Dataset<Row> replayed = null;
    try {
      replayed = readAgain(spark, tables, src, held, asOf);
      LOG.info("Parsed and checked {} {} record(s) in {}", parsed, kind.sourceName, seconds(start));
      Map<String, FileLedger.FileStats> stats =
          checked == null ? Map.of() : RawRecords.fileStats(checked);
      List<String> copies =
          checked == null ? List.of() : copies(kind, pending, stats, ledger.knownContent(kind));
      Dataset<Row> classified = null;
      Counts counts = Counts.NONE;
      Map<String, Long> byReason = new HashMap<>();
      Dataset<Row> fresh =
          checked == null
              ? null
              : HeldRecords.markNew(
                  copies.isEmpty()
                      ? checked
                      : checked.where(not(col(RawRecords.FILE).isin(copies.toArray()))));
      Dataset<Row> due = replayed == null ? null : replayed.where(not(stillEarly()));
      // Held records whose day has come are records of this batch like any other.
      fresh = fresh == null ? due : due == null ? fresh : fresh.unionByName(due);
      if (fresh != null) {
        Dataset<Row> validated =
            ValidationRules.withUnknownCustomers(
                fresh, kind, knownCustomers, smallSides::materialise);
        // A table written before a column was added (original_currency) reads it as null.
        DeltaIO.addMissingColumns(spark, tables.path(kind.dedupeTable()), kind.dedupeSchema());
        Dataset<Row> existing =
            DeltaIO.readOrEmpty(spark, tables.path(kind.dedupeTable()), kind.dedupeSchema());
        classified =
            Dedupe.classify(
                validated, kind, src.identity(), existing, completedRuns, smallSides::materialise);
        start = System.nanoTime();
        counts = count(classified, byReason);
        LOG.info("Classified the {} batch in {}", kind.sourceName, seconds(start));
      }
      Map<String, FileLedger.FileOutcome> outcomes = new LinkedHashMap<>();
      for (FileLedger.SourceFile f : pending) {
        outcomes.put(f.path(), outcome(f, rejected, stats, copies, counts.byFile()));
      }
      for (String reason : rejected.values()) byReason.merge(code(reason), 1L, Long::sum);
      SourceResult result = result(kind, pending.size(), outcomes.values(), counts, byReason);
      long read = 0;
      for (FileLedger.FileStats st : stats.values()) read += st.records();
      // Every parsed record has one file with one status: a lookup joined twice to a record, or a
      // record without its file, would show here.
      if (read != parsed) {
        throw new IllegalStateException(
            "The "
                + kind.sourceName
                + " files have "
                + read
                + " records for "
                + parsed
                + " parsed");
      }
      if (!rejected.isEmpty()) {
        result =
            result.withStatus(
                result.status(),
                rejected.size()
                    + " file(s) rejected whole (see ingest_files): "
                    + rejectedCodes(rejected));
      }
      return new Batch(
          kind,
          pending,
          checked,
          stats,
          outcomes,
          classified,
          result,
          knownCustomers != null,
          replayed);
    } catch (RuntimeException e) {
      if (checked != null) checked.unpersist();
      if (replayed != null) replayed.unpersist();
      throw e;
    }
  }

  /** A re-read held record that still has future_timestamp: its day has not come, it stays held. */
  private static Column stillEarly() {
    return org.apache.spark.sql.functions.array_contains(
        col(ValidationRules.REASONS), ValidationRules.FUTURE_TIMESTAMP);
  }

  /**
   * The runs whose silver rows are complete: those that committed their ledger write ({@link
   * Dedupe#BY_LEDGER}) or a release of held records ({@link Dedupe#BY_RELEASE}).
   */
  private static Dataset<Row> completedRuns(
      SparkSession spark, FileLedger ledger, String quarantinePath) {
    Dataset<Row> byLedger = ledger.completedRunIds();
    String run = byLedger.columns()[0];
    return byLedger
        .select(col(run), lit(true).as(Dedupe.BY_LEDGER), lit(false).as(Dedupe.BY_RELEASE))
        .unionByName(
            HeldRecords.releasingRuns(spark, quarantinePath)
                .select(
                    col("run_id").as(run),
                    lit(false).as(Dedupe.BY_LEDGER),
                    lit(true).as(Dedupe.BY_RELEASE)))
        .groupBy(run)
        .agg(
            org.apache.spark.sql.functions.max(Dedupe.BY_LEDGER).as(Dedupe.BY_LEDGER),
            org.apache.spark.sql.functions.max(Dedupe.BY_RELEASE).as(Dedupe.BY_RELEASE));
  }

  /**
   * Of {@code held} (a source's files with held records, and with the rejects a replay selects),
   * those this run does not read as new anyway (a run that failed on its reject ceiling quarantined
   * them without recording them in the ledger).
   */
  private static List<HeldRecords.HeldFile> heldToReadAgain(
      List<HeldRecords.HeldFile> held, List<FileLedger.SourceFile> pending) {
    java.util.Set<String> fresh = new java.util.HashSet<>();
    for (FileLedger.SourceFile f : pending) fresh.add(FileLedger.normalise(f.path()));
    return held.stream().filter(h -> !fresh.contains(FileLedger.normalise(h.file()))).toList();
  }

  /**
   * The selected records of {@code held}'s files (held ones, and the rejects a replay selected)
   * read again from their files through the current mapping and rules as of {@code asOf}
   * (persisted; null when there are none to read), with {@link HeldRecords#REPLAYED} true; those
   * still dated after the as-of are left where they are. A file that is gone or whose content
   * changed cannot give its records back: they stay in quarantine as they are, and a warning names
   * the file and their number.
   */
  private Dataset<Row> readAgain(
      SparkSession spark,
      TableCatalog tables,
      SourceConfig src,
      List<HeldRecords.HeldFile> held,
      LocalDate asOf) {
    if (held.isEmpty()) return null;
    String source = src.kind().sourceName;
    org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<FileLedger.SourceFile> present = new ArrayList<>();
    // A file changed in place has rows under its old and its new checksum: it is read once.
    java.util.Set<String> listed = new java.util.HashSet<>();
    for (HeldRecords.HeldFile h : held) {
      try {
        org.apache.hadoop.fs.Path path =
            new org.apache.hadoop.fs.Path(java.net.URI.create(h.file()));
        org.apache.hadoop.fs.FileStatus st = path.getFileSystem(conf).getFileStatus(path);
        if (listed.add(h.file())) {
          present.add(
              new FileLedger.SourceFile(
                  h.file(), st.getLen(), Instant.ofEpochMilli(st.getModificationTime())));
        }
      } catch (java.io.FileNotFoundException e) {
        LOG.warn(
            "Source {}: {} is gone: its {} record(s) to read again from quarantine ({} held, {}"
                + " replayed) cannot be read and stay in quarantine as they are; deliver the file"
                + " again to ingest them",
            source,
            h.file(),
            h.records(),
            h.held(),
            h.rejects());
      } catch (java.io.IOException e) {
        throw new JobFailure("Cannot open " + h.file() + " to read its quarantined records: " + e);
      }
    }
    if (present.isEmpty()) return null;
    Dataset<Row> records = checkedRecords(spark, src, present, Map.of(), asOf);
    Map<String, FileLedger.FileStats> stats = RawRecords.fileStats(records);
    List<HeldRecords.HeldFile> unchanged = new ArrayList<>();
    for (HeldRecords.HeldFile h : held) {
      FileLedger.FileStats st = stats.get(FileLedger.normalise(h.file()));
      if (st == null) continue; // gone: warned above
      if (st.checksum().equals(h.checksum())) {
        unchanged.add(h);
      } else {
        LOG.warn(
            "Source {}: {} changed since its records were quarantined (checksum {}, was {}): its {}"
                + " record(s) to read again ({} held, {} replayed) cannot be read and stay in"
                + " quarantine as they are",
            source,
            h.file(),
            st.checksum(),
            h.checksum(),
            h.records(),
            h.held(),
            h.rejects());
      }
    }
    if (unchanged.isEmpty()) return null;
    Dataset<Row> selected =
        HeldRecords.select(
                spark, tables.path(Table.QUARANTINE), src.kind(), replay, unchanged, asOf, records)
            .persist(BATCH);
    // [held, replayed] x [due, still early]
    long[][] found = new long[2][2];
    for (Row r :
        selected
            .groupBy(col(HeldRecords.REJECT), stillEarly().as("early"))
            .count()
            .collectAsList()) {
      found[r.getBoolean(0) ? 1 : 0][r.getBoolean(1) ? 1 : 0] = r.getLong(2);
    }
    long due = found[0][0] + found[1][0];
    if (found[0][0] + found[0][1] > 0) {
      LOG.info(
          "Source {}: {} held record(s) are due by the as-of {} and read again; {} stay held",
          source,
          found[0][0],
          asOf,
          found[0][1]);
    }
    if (found[1][0] + found[1][1] > 0) {
      LOG.info(
          "Source {}: {} replayed record(s) read again; {} still dated after the as-of {} stay"
              + " as they are",
          source,
          found[1][0],
          found[1][1],
          asOf);
    }
    if (due == 0) {
      selected.unpersist();
      return null;
    }
    return selected;
  }

  /**
   * One file's ledger entry: rejected whole, read (its records per status, or all duplicates for a
   * copy of a file already ingested), or without records.
   */
  private static FileLedger.FileOutcome outcome(
      FileLedger.SourceFile f,
      Map<String, String> rejected,
      Map<String, FileLedger.FileStats> stats,
      List<String> copies,
      Map<String, Tally> tallies) {
    if (rejected.containsKey(f.path())) {
      return FileLedger.FileOutcome.rejected(f, rejected.get(f.path()));
    }
    FileLedger.FileStats st = stats.get(FileLedger.normalise(f.path()));
    if (st == null) return FileLedger.FileOutcome.empty();
    if (copies.contains(st.file())) {
      return new FileLedger.FileOutcome(st.checksum(), st.records(), 0, 0, st.records(), 0, null);
    }
    Tally t = tallies.getOrDefault(FileLedger.normalise(st.file()), new Tally(0, 0, 0, 0));
    if (t.records() != st.records()) {
      throw new IllegalStateException(
          "Classifying " + st.file() + " gave " + t.records() + " rows for " + st.records());
    }
    return new FileLedger.FileOutcome(
        st.checksum(),
        st.records(),
        t.accepted(),
        t.quarantined(),
        t.duplicate(),
        t.filtered(),
        null);
  }

  /** The code of a file's rejection reason: "corrupt_file" of "corrupt_file: <problem>". */
  private static String code(String reason) {
    return reason.substring(0, reason.indexOf(':'));
  }

  /** "corrupt_file 1, wrong_encoding 2": the reason codes of the rejected files. */
  private static String rejectedCodes(Map<String, String> rejected) {
    Map<String, Long> codes = new java.util.TreeMap<>();
    for (String reason : rejected.values()) codes.merge(code(reason), 1L, Long::sum);
    return String.join(
        ", ", codes.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList());
  }

  /**
   * Builds a plan with ANSI mode off: casts and arithmetic in user mapping expressions are fixed at
   * plan construction, so bad values become null (and the record is quarantined) instead of failing
   * the run. Likewise {@code decode} of a non-UTF-8 source puts U+FFFD for bytes invalid in its
   * charset (the record is then bad_encoding) instead of failing the read. The session's settings
   * are restored at once.
   */
  static <T> T lenient(SparkSession spark, Supplier<T> plan) {
    String ansi = "spark.sql.ansi.enabled";
    String coding = "spark.sql.legacy.codingErrorAction";
    String ansiBefore = spark.conf().get(ansi);
    String codingBefore = spark.conf().get(coding);
    spark.conf().set(ansi, "false");
    spark.conf().set(coding, "true");
    try {
      return plan.get();
    } finally {
      spark.conf().set(ansi, ansiBefore);
      spark.conf().set(coding, codingBefore);
    }
  }

  /** The files' records parsed, mapped and checked by every rule but unknown-customer. */
  private Dataset<Row> checkedRecords(
      SparkSession spark,
      SourceConfig src,
      List<FileLedger.SourceFile> files,
      Map<String, String> firstLines,
      LocalDate asOf) {
    return lenient(
        spark,
        () -> {
          Dataset<Row> records =
              RawRecords.withFilter(
                  RawRecords.read(
                      spark,
                      src,
                      files.stream().map(FileLedger.SourceFile::path).toList(),
                      firstLines),
                  src);
          Dataset<Row> redacted =
              RawRecords.redact(records, RawRecords.sourceColumns(records), pseudonyms);
          Dataset<Row> mapped = ColumnMapping.apply(redacted, src, pseudonyms);
          if (src.kind() != SourceKind.TRANSACTIONS) {
            return ValidationRules.check(mapped, src, config.rules(), asOf);
          }
          Currencies currencies = config.currencies();
          if (currencies.converts()) mapped = currencies.withRates(mapped, rates, ratesNamed);
          return currencies.convert(ValidationRules.check(mapped, src, config.rules(), asOf));
        });
  }

  /**
   * The pending files (as the reader spells their paths) whose content the ledger already holds
   * under another path or modification time: a landing folder moved or a file renamed or touched.
   * Their records are duplicates, not read again.
   */
  private static List<String> copies(
      SourceKind kind,
      List<FileLedger.SourceFile> pending,
      Map<String, FileLedger.FileStats> stats,
      Map<String, String> knownContent) {
    List<String> copies = new ArrayList<>();
    for (FileLedger.SourceFile f : pending) {
      FileLedger.FileStats st = stats.get(FileLedger.normalise(f.path()));
      if (st == null) continue; // no records: nothing to read twice
      String known = knownContent.get(FileLedger.contentIdentity(f.size(), st.checksum()));
      if (known != null) {
        LOG.info(
            "Source {}: {} has the content of {}, already ingested: its {} record(s) are duplicates",
            kind.sourceName,
            f.path(),
            known,
            st.records());
        copies.add(st.file());
      }
    }
    return copies;
  }

  /** Customers in silver from a customer source, plus those this run accepts. */
  private static Dataset<Row> knownCustomers(
      SparkSession spark, TableCatalog tables, Batch customers) {
    Dataset<Row> known =
        DeltaIO.readOrEmpty(spark, tables.path(Table.CUSTOMERS), CustomersColumns.SCHEMA)
            .where(col(CustomersColumns.IS_DERIVED).equalTo(false))
            .select(CustomersColumns.CUSTOMER_ID);
    if (customers != null && customers.classified() != null) {
      known =
          known.unionByName(
              customers
                  .classified()
                  .where(col(Dedupe.STATUS).notEqual(Dedupe.QUARANTINED))
                  .select(CustomersColumns.CUSTOMER_ID));
    }
    return known;
  }

  /**
   * Records per file (normalised path) and status, in one pass over the batch: it is counted per
   * file, status, list of reasons (a few dozen combinations per file) and whether replayed, summed
   * here; the quarantined records' reasons are added to {@code byReason}. Records read again from
   * quarantine are counted apart, held and replayed rejects each (their files' ledger rows are
   * those of their first delivery), and new records whose only reason is future_timestamp are
   * counted as held too.
   */
  private static Counts count(Dataset<Row> classified, Map<String, Long> byReason) {
    Map<String, long[]> byFile = new HashMap<>();
    long[] released = new long[4];
    long[] replayed = new long[4];
    long held = 0;
    Column isQuarantined = col(Dedupe.STATUS).equalTo(Dedupe.QUARANTINED);
    for (Row r :
        classified
            .groupBy(
                col(RawRecords.FILE),
                col(Dedupe.STATUS),
                when(isQuarantined, col(ValidationRules.REASONS)).as("reasons"),
                col(HeldRecords.REPLAYED),
                col(HeldRecords.REJECT))
            .count()
            .collectAsList()) {
      long records = r.getLong(5);
      boolean again = r.getBoolean(3);
      long[] t =
          !again
              ? byFile.computeIfAbsent(FileLedger.normalise(r.getString(0)), k -> new long[4])
              : r.getBoolean(4) ? replayed : released;
      String status = r.getString(1);
      if (!again && !r.isNullAt(2) && HeldRecords.isHeld(r.<String>getList(2))) held += records;
      int slot =
          switch (status) {
            case Dedupe.ACCEPTED -> 0;
            case Dedupe.QUARANTINED -> 1;
            case Dedupe.DUPLICATE -> 2;
            case Dedupe.FILTERED -> 3;
            default -> throw new IllegalStateException("Unknown record status " + status);
          };
      t[slot] += records;
      if (!r.isNullAt(2)) {
        for (String reason : r.<String>getList(2)) byReason.merge(reason, records, Long::sum);
      }
    }
    Map<String, Tally> tallies = new HashMap<>();
    byFile.forEach((file, t) -> tallies.put(file, new Tally(t[0], t[1], t[2], t[3])));
    return new Counts(tallies, tally(released), tally(replayed), held);
  }

  private static Tally tally(long[] t) {
    return new Tally(t[0], t[1], t[2], t[3]);
  }

  /**
   * The source's counts: the sum of its files' ledger entries plus the records it read again from
   * quarantine (held and replayed), and its top three reasons.
   */
  private static SourceResult result(
      SourceKind kind,
      int files,
      java.util.Collection<FileLedger.FileOutcome> outcomes,
      Counts counts,
      Map<String, Long> byReason) {
    Tally released = counts.released();
    Tally replayed = counts.replayed();
    long read = released.records() + replayed.records();
    long accepted = released.accepted() + replayed.accepted();
    long quarantined = released.quarantined() + replayed.quarantined();
    long duplicate = released.duplicate() + replayed.duplicate();
    long filtered = released.filtered() + replayed.filtered();
    for (FileLedger.FileOutcome o : outcomes) {
      read += o.records();
      accepted += o.accepted();
      quarantined += o.quarantined();
      duplicate += o.duplicate();
      filtered += o.filtered();
    }
    List<String> top =
        byReason.entrySet().stream()
            .sorted(
                Map.Entry.<String, Long>comparingByValue()
                    .reversed()
                    .thenComparing(Map.Entry.comparingByKey()))
            .limit(3)
            .map(e -> e.getKey() + " " + e.getValue())
            .toList();
    return new SourceResult(
        kind,
        "running",
        files,
        read,
        accepted,
        quarantined,
        duplicate,
        filtered,
        released.records(),
        counts.held(),
        replayed,
        top,
        null);
  }

  private static void writeQuarantine(
      SparkSession spark, TableCatalog tables, String runId, Iterable<Batch> batches) {
    Dataset<Row> all = null;
    Timestamp now = Timestamp.from(Instant.now());
    List<Row> rejectedFiles = new ArrayList<>();
    for (Batch b : batches) {
      if (b.classified() != null) {
        // A replayed record already has its row: HeldRecords.release updates it.
        Dataset<Row> q =
            b.classified()
                .where(col(Dedupe.STATUS).equalTo(Dedupe.QUARANTINED))
                .where(not(col(HeldRecords.REPLAYED)))
                .select(
                    lit(b.kind().sourceName).as(QuarantineColumns.SOURCE),
                    col(RawRecords.FILE).as(QuarantineColumns.SOURCE_FILE),
                    col(RawRecords.LINE).cast("long").as(QuarantineColumns.RECORD_NUMBER),
                    col(RawRecords.RAW).as(QuarantineColumns.RAW),
                    col(ValidationRules.REASONS).as(QuarantineColumns.REASONS),
                    lit(runId).as(QuarantineColumns.RUN_ID),
                    lit(now).as(QuarantineColumns.QUARANTINED_AT),
                    fileChecksum(b.stats()).as(QuarantineColumns.FILE_CHECKSUM),
                    lit(null).cast("string").as(QuarantineColumns.RELEASED_RUN_ID),
                    HeldRecords.heldUntil(b.kind()).as(QuarantineColumns.HELD_UNTIL));
        all = all == null ? q : all.unionByName(q);
      }
      // A file rejected whole: one row, record number 0, no raw text.
      b.outcomes()
          .forEach(
              (file, o) -> {
                if (o.reason() != null) {
                  rejectedFiles.add(
                      RowFactory.create(
                          b.kind().sourceName,
                          FileLedger.normalise(file),
                          0L,
                          null,
                          List.of(o.reason()),
                          runId,
                          now,
                          o.checksum(),
                          null,
                          null));
                }
              });
    }
    if (!rejectedFiles.isEmpty()) {
      Dataset<Row> files = spark.createDataFrame(rejectedFiles, QuarantineColumns.SCHEMA);
      all = all == null ? files : all.unionByName(files);
    }
    if (all == null) return; // only empty files: nothing to quarantine
    String path = tables.path(Table.QUARANTINE);
    DeltaIO.insertNew(
        spark,
        all,
        path,
        "t.source = s.source AND t.source_file = s.source_file AND t.record_number = s.record_number"
            + " AND t.file_checksum <=> s.file_checksum");
  }

  /**
   * Each record's file checksum, looked up in a literal map of the batch's files (one flat
   * expression: a when-chain per file overflowed the stack at 730 day files).
   */
  private static Column fileChecksum(Map<String, FileLedger.FileStats> stats) {
    if (stats.isEmpty()) return lit(null).cast("string");
    List<FileLedger.FileStats> files = new ArrayList<>(stats.values());
    return org.apache.spark.sql.functions.element_at(
        org.apache.spark.sql.functions.map_from_arrays(
            lit(files.stream().map(FileLedger.FileStats::file).toArray(String[]::new)),
            lit(files.stream().map(FileLedger.FileStats::checksum).toArray(String[]::new))),
        col(RawRecords.FILE));
  }

  private void failOverCeiling(
      SparkSession spark,
      RunContext run,
      Map<SourceKind, SourceResult> results,
      Instant started,
      Map<String, Long> versions) {
    List<String> problems = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (SourceResult r : results.values()) {
      SourceConfig src = config.sources().get(r.kind());
      double ceiling =
          src == null ? config.rules().maxRejectRate() : src.rejectCeiling(config.rules());
      if (r.rejectRate() > ceiling) {
        problems.add(
            String.format(
                "%s rejected %d of %d records (%.2f%%, ceiling %.2f%%%s%s); top reasons: %s",
                r.kind().sourceName,
                r.rejected(),
                r.read() - r.held() - r.replayed().records(),
                100 * r.rejectRate(),
                100 * ceiling,
                r.held() == 0 ? "" : "; " + r.held() + " held, not counted",
                r.replayed().records() == 0
                    ? ""
                    : "; " + r.replayed().records() + " replayed from quarantine, not counted",
                String.join(", ", r.topReasons())));
        keys.add(
            src != null && src.maxRejectRate() != null
                ? "clientele.ingest.sources." + r.kind().sourceName + ".max-reject-rate"
                : "clientele.ingest.rules.max-reject-rate (every source) or clientele.ingest.sources."
                    + r.kind().sourceName
                    + ".max-reject-rate");
      }
    }
    if (problems.isEmpty()) return;
    String message =
        String.join("; ", problems)
            + ". Quarantine is written (table quarantine); silver is unchanged. Fix the input or raise "
            + String.join("; ", keys)
            + ".";
    Instant finished = Instant.now();
    List<RunLog.Entry> entries = new ArrayList<>();
    for (SourceResult r : results.values()) {
      entries.add(
          entry(
              r.withStatus(r.status().equals("skipped") ? "skipped" : "failed", message),
              started,
              finished,
              versions));
    }
    RunLog.record(spark, run, entries);
    throw new JobFailure(message);
  }

  private void writeSilver(
      SparkSession spark,
      TableCatalog tables,
      String runId,
      Map<SourceKind, Batch> batches,
      Map<String, Long> versions) {
    for (Batch b : batches.values()) {
      timed("silver " + b.kind().table.tableName, () -> writeSilver(spark, tables, runId, b));
      versions.put(b.kind().table.tableName, DeltaIO.version(spark, tables.path(b.kind().table)));
    }
    writeDerivedCustomers(spark, tables, runId, batches);
    for (SourceKind kind : batches.keySet()) {
      if (kind.versioned()) {
        versions.put(
            kind.dedupeTable().tableName, DeltaIO.version(spark, tables.path(kind.dedupeTable())));
      }
    }
    versions.put(Table.CUSTOMERS.tableName, DeltaIO.version(spark, tables.path(Table.CUSTOMERS)));
  }

  /** One source's accepted records into its silver table(s). */
  private void writeSilver(SparkSession spark, TableCatalog tables, String runId, Batch b) {
    if (b.classified() == null) return; // no file had records
    SourceKind kind = b.kind();
    Dataset<Row> accepted = b.classified().where(col(Dedupe.STATUS).equalTo(Dedupe.ACCEPTED));
    switch (kind) {
      case CUSTOMERS -> {
        Dataset<Row> versionsFrame =
            accepted.withColumn(CustomersColumns.INGEST_RUN_ID, lit(runId));
        String historyPath = tables.path(Table.CUSTOMER_HISTORY);
        Dataset<Row> existing =
            DeltaIO.readOrEmpty(spark, historyPath, CustomersColumns.HISTORY_SCHEMA);
        DeltaIO.upsert(
            spark,
            CustomerVersions.history(versionsFrame, existing),
            historyPath,
            "t.customer_id = s.customer_id AND t.valid_from = s.valid_from",
            "NOT (t.valid_to <=> s.valid_to)");
        DeltaIO.upsert(
            spark,
            CustomerVersions.latest(versionsFrame),
            tables.path(Table.CUSTOMERS),
            "t.customer_id = s.customer_id",
            "t.is_derived OR t.updated_at IS NULL OR s.updated_at > t.updated_at");
      }
      case COMPLAINTS -> {
        List<String> key = config.sources().get(kind).key();
        Dataset<Row> history =
            CustomerVersions.history(
                accepted.withColumn(ComplaintsColumns.INGEST_RUN_ID, lit(runId)),
                DeltaIO.readOrEmpty(
                    spark, tables.path(Table.COMPLAINT_HISTORY), ComplaintsColumns.HISTORY_SCHEMA),
                key,
                ComplaintsColumns.HISTORY_SCHEMA);
        DeltaIO.upsert(
            spark,
            history,
            tables.path(Table.COMPLAINT_HISTORY),
            matchOn(key) + " AND t.valid_from = s.valid_from",
            "NOT (t.valid_to <=> s.valid_to)");
        // The current version of every complaint with a new version: its latest in history, which
        // an older version delivered late leaves as it was.
        DeltaIO.upsert(
            spark,
            CustomerVersions.latest(history, key, ComplaintsColumns.SCHEMA),
            tables.path(Table.COMPLAINTS),
            matchOn(key),
            "NOT ("
                + String.join(
                    " AND ",
                    java.util.Arrays.stream(ComplaintsColumns.SCHEMA.fieldNames())
                        .map(c -> "t." + c + " <=> s." + c)
                        .toList())
                + ")");
      }
      case TRANSACTIONS -> {
        Dataset<Row> rows =
            accepted
                .withColumn(TransactionsColumns.SOURCE_FILE, col(RawRecords.FILE))
                .withColumn(TransactionsColumns.INGEST_RUN_ID, lit(runId))
                .select(CustomerVersions.columns(kind.schema));
        String partition = TransactionsColumns.TXN_DATE;
        if (config.partitionByMonth()) {
          rows =
              rows.withColumn(
                  TransactionsColumns.TXN_MONTH, trunc(col(TransactionsColumns.TXN_DATE), "month"));
          partition = TransactionsColumns.TXN_MONTH;
        }
        DeltaIO.insertNew(
            spark,
            rows,
            tables.path(Table.TRANSACTIONS),
            matchOn(config.sources().get(kind).key()) + " AND t." + partition + " = s." + partition,
            TransactionsColumns.STATS_COLUMNS,
            partition);
      }
      default ->
          DeltaIO.insertNew(
              spark,
              accepted
                  .withColumn(TransactionsColumns.INGEST_RUN_ID, lit(runId))
                  .select(CustomerVersions.columns(kind.schema)),
              tables.path(kind.table),
              matchOn(config.sources().get(kind).key()));
    }
  }

  /** t.k = s.k for every column of a key. */
  private static String matchOn(List<String> key) {
    return String.join(" AND ", key.stream().map(k -> "t." + k + " = s." + k).toList());
  }

  private static void writeDerivedCustomers(
      SparkSession spark, TableCatalog tables, String runId, Map<SourceKind, Batch> batches) {
    // Every customer id in the accepted log has a customers row: derived where no source gave one.
    Dataset<Row> ids = null;
    for (Batch b : batches.values()) {
      // Ids checked against the known customers need no derived row: they all have one already.
      if (b.kind() == SourceKind.CUSTOMERS || b.idsKnown() || b.classified() == null) continue;
      Dataset<Row> part =
          b.classified()
              .where(col(Dedupe.STATUS).equalTo(Dedupe.ACCEPTED))
              .select(CustomersColumns.CUSTOMER_ID);
      ids = ids == null ? part : ids.unionByName(part);
    }
    if (ids != null) {
      Dataset<Row> derived = CustomerVersions.derived(ids, runId);
      timed(
          "derived customers",
          () ->
              DeltaIO.insertNew(
                  spark, derived, tables.path(Table.CUSTOMERS), "t.customer_id = s.customer_id"));
    }
  }

  /** Runs one write and logs how long it took (ingest's writes are most of its time). */
  private static void timed(String what, Runnable write) {
    long start = System.nanoTime();
    write.run();
    LOG.info("Wrote {} in {}", what, seconds(start));
  }

  private static String seconds(long startNanos) {
    return String.format("%.1fs", (System.nanoTime() - startNanos) / 1e9);
  }

  private static RunLog.Entry entry(
      SourceResult r, Instant started, Instant finished, Map<String, Long> versions) {
    List<String> notes = new ArrayList<>();
    if (r.released() > 0) {
      notes.add("released " + r.released() + " held record(s) (in read and in their status)");
    }
    if (r.replayed().records() > 0) {
      notes.add(
          "replayed "
              + r.replayed().records()
              + " quarantined record(s) (in read and in their status): released "
              + r.replayed().released()
              + ", quarantined again "
              + r.replayed().quarantined());
    }
    if (r.held() > 0) notes.add("held " + r.held() + " record(s) dated after the as-of");
    if (!r.topReasons().isEmpty()) notes.add("top reasons: " + String.join(", ", r.topReasons()));
    String reasons = notes.isEmpty() ? null : String.join("; ", notes);
    // A failure's note already names the top reasons.
    String message =
        r.note() == null
            ? reasons
            : reasons == null || r.status().equals("failed") ? r.note() : r.note() + "; " + reasons;
    return new RunLog.Entry(
        r.kind().sourceName,
        r.status(),
        r.read(),
        r.accepted(),
        r.quarantined(),
        r.duplicate(),
        started,
        finished,
        message,
        versions.isEmpty() ? null : Map.copyOf(versions),
        null,
        r.filtered());
  }
}
