package dev.clientele.ingest;

import static org.apache.spark.sql.functions.col;

import dev.clientele.common.columns.IngestFilesColumns;
import dev.clientele.common.table.DeltaIO;
import java.net.URI;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The exactly-once ledger, table {@code ingest_files}: lists a source's files, tells which are not
 * yet ingested, and records them once every table they feed has been written. Works on file
 * metadata only (one driver-side row per file), never on records.
 *
 * <p>A file is known by its path, size and modification time (a cheap first test, no read), and
 * then by its content: {@link #knownContent} gives the size and record checksum of every recorded
 * file, so a file moved or renamed into the landing folder, whose content is already recorded under
 * another path, is recognised once read and its records counted as duplicates (see {@link
 * IngestJob}). The checksum is computed on the executors while the batch is read anyway (XOR of
 * each record's xxHash64 of its number and text): no second pass over the bytes. A file changed in
 * place has a new size or modification time and a new checksum, so it is read as new content.
 *
 * <p>A file that cannot be read as a whole is recorded as rejected with its reason ({@link
 * FileOutcome#rejected}), so later runs skip it like any recorded file; delivered again with
 * another size or modification time (fixed, or just touched to retry) it is read as new. Every row
 * carries its file's counts, committed with it: the runs row of a source is their sum.
 */
public final class FileLedger {
  /** A source file as listed: fully qualified path, bytes, last modification. */
  public record SourceFile(String path, long size, Instant modificationTime) {
    /** Identity of a delivered file in the ledger. */
    String identity() {
      return normalise(path) + "|" + size + "|" + modificationTime.toEpochMilli();
    }
  }

  /**
   * What ingest learnt about one file while reading it.
   *
   * @param file the path as the reader spelt it (in the records' file column)
   */
  public record FileStats(String file, String checksum, long records) {}

  /**
   * One file's ledger entry in a run: its checksum and what became of its records, {@code records}
   * = accepted + quarantined + duplicate + filtered.
   *
   * @param reason why the file was rejected as a whole; null when its records were read
   */
  public record FileOutcome(
      String checksum,
      long records,
      long accepted,
      long quarantined,
      long duplicate,
      long filtered,
      String reason) {

    /** A file without records: 0 bytes, a header only, or blank lines. */
    static FileOutcome empty() {
      return new FileOutcome(RawRecords.EMPTY_CHECKSUM, 0, 0, 0, 0, 0, null);
    }

    /**
     * A file rejected as a whole: it counts as one record, itself, quarantined (its quarantine row
     * has record number 0), since its lines are not read. Its checksum names the delivery
     * ("unread:" size ":" modification epoch ms), so a later delivery of it gets rows of its own.
     */
    static FileOutcome rejected(SourceFile f, String reason) {
      return new FileOutcome(
          "unread:" + f.size() + ":" + f.modificationTime().toEpochMilli(), 1, 0, 1, 0, 0, reason);
    }

    public String status() {
      return reason == null ? IngestFilesColumns.INGESTED : IngestFilesColumns.REJECTED;
    }
  }

  /**
   * Identity of a file's content: its size and the checksum of its records. Two files with the same
   * content identity hold the same records at the same record numbers.
   */
  static String contentIdentity(long size, String checksum) {
    return size + "|" + checksum;
  }

  /** One recorded file, as {@link #pending} and {@link #knownContent} need it. */
  private record Entry(
      String source, SourceFile file, String status, Instant ingestedAt, String checksum) {}

  private final SparkSession spark;
  private final String ledgerPath;

  /**
   * Every recorded file, read once per run (null until first asked, and again after {@link
   * #upgrade} and {@link #record}): asked per source, each of {@link #pending} and {@link
   * #knownContent} was a Delta read of its own.
   */
  private List<Entry> entries;

  public FileLedger(SparkSession spark, String ledgerPath) {
    this.spark = spark;
    this.ledgerPath = ledgerPath;
  }

  /**
   * The files at a directory (its files; names starting with "." or "_" skipped) or glob, sorted by
   * path; empty when nothing matches. Listed by Spark's binaryFile source without reading content,
   * so any Hadoop file system works.
   */
  public List<SourceFile> list(String pathOrGlob) {
    // A plain path that is not there has no files: asked of Spark, it logs a WARN with a stack
    // trace on every run (an optional source such as redemptions that a deployment does not have).
    if (!pathOrGlob.matches(".*[*?\\[{].*") && !exists(pathOrGlob)) return List.of();
    List<SourceFile> files = emptyFiles(pathOrGlob);
    Dataset<Row> listing;
    try {
      listing =
          spark
              .read()
              .format("binaryFile")
              .load(pathOrGlob)
              .select("path", "length", "modificationTime");
    } catch (Exception e) {
      if (!(e instanceof org.apache.spark.sql.AnalysisException)) throw e;
      listing = null; // nothing there
    }
    if (listing != null) {
      for (Row r : listing.collectAsList()) {
        files.add(new SourceFile(r.getString(0), r.getLong(1), r.getTimestamp(2).toInstant()));
      }
    }
    files.sort(Comparator.comparing(SourceFile::path));
    return files;
  }

  /**
   * The 0-byte files at a directory or glob (and in the directories a glob matches): Spark's file
   * sources skip them, so they are listed here, by the file system, to be recorded with 0 records.
   */
  private List<SourceFile> emptyFiles(String pathOrGlob) {
    List<SourceFile> empty = new ArrayList<>();
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(pathOrGlob);
      org.apache.hadoop.fs.FileSystem fs =
          p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      org.apache.hadoop.fs.FileStatus[] matched = fs.globStatus(p);
      if (matched == null) return empty;
      for (org.apache.hadoop.fs.FileStatus m : matched) {
        org.apache.hadoop.fs.FileStatus[] files =
            m.isDirectory()
                ? fs.listStatus(m.getPath())
                : new org.apache.hadoop.fs.FileStatus[] {m};
        for (org.apache.hadoop.fs.FileStatus f : files) {
          String name = f.getPath().getName();
          if (f.isFile() && f.getLen() == 0 && !name.startsWith(".") && !name.startsWith("_")) {
            empty.add(
                new SourceFile(
                    f.getPath().toString(), 0, Instant.ofEpochMilli(f.getModificationTime())));
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new dev.clientele.common.job.JobFailure(
          "Cannot list " + pathOrGlob + ": " + e.getMessage());
    }
    return empty;
  }

  /**
   * Gives a ledger written by an older release this release's columns: every row it holds is an
   * ingested file (rejected files were not recorded), its counts unknown (null). Idempotent: a
   * crash between the two commits is finished by the next run.
   */
  public void upgrade() {
    entries = null;
    if (!DeltaIO.exists(spark, ledgerPath)) return;
    DeltaIO.addMissingColumns(spark, ledgerPath, IngestFilesColumns.SCHEMA);
    if (!DeltaIO.read(spark, ledgerPath).where(col(IngestFilesColumns.STATUS).isNull()).isEmpty()) {
      DeltaIO.update(
          spark,
          ledgerPath,
          IngestFilesColumns.STATUS + " IS NULL",
          Map.of(IngestFilesColumns.STATUS, "'" + IngestFilesColumns.INGESTED + "'"));
    }
  }

  /** The files not yet recorded in the ledger for this source. */
  public List<SourceFile> pending(SourceKind kind, List<SourceFile> files) {
    Set<String> done = new HashSet<>();
    for (Entry e : entries()) {
      if (e.source().equals(kind.sourceName)) done.add(e.file().identity());
    }
    return files.stream().filter(f -> !done.contains(f.identity())).toList();
  }

  /**
   * The content identities ({@link #contentIdentity}) of the files ingested for this source, each
   * with the path it was first recorded under (rejected files have no content identity).
   */
  public Map<String, String> knownContent(SourceKind kind) {
    Map<String, String> known = new java.util.HashMap<>();
    entries().stream()
        .filter(e -> e.source().equals(kind.sourceName))
        .filter(e -> IngestFilesColumns.INGESTED.equals(e.status()))
        .sorted(Comparator.comparing(Entry::ingestedAt).thenComparing(e -> e.file().path()))
        .forEach(
            e ->
                known.putIfAbsent(contentIdentity(e.file().size(), e.checksum()), e.file().path()));
    return known;
  }

  /** The ledger's rows, read at the first question of the run (call {@link #upgrade} first). */
  private List<Entry> entries() {
    if (entries != null) return entries;
    List<Entry> read = new ArrayList<>();
    if (DeltaIO.exists(spark, ledgerPath)) {
      for (Row r :
          DeltaIO.read(spark, ledgerPath)
              .select(
                  IngestFilesColumns.SOURCE,
                  IngestFilesColumns.PATH,
                  IngestFilesColumns.SIZE,
                  IngestFilesColumns.MODIFICATION_TIME,
                  IngestFilesColumns.STATUS,
                  IngestFilesColumns.INGESTED_AT,
                  IngestFilesColumns.CHECKSUM)
              .collectAsList()) {
        SourceFile f = new SourceFile(r.getString(1), r.getLong(2), r.getTimestamp(3).toInstant());
        read.add(
            new Entry(
                r.getString(0), f, r.getString(4), r.getTimestamp(5).toInstant(), r.getString(6)));
      }
    }
    entries = read;
    return entries;
  }

  /**
   * Run ids that completed a ledger write: rows in silver from any other run come from an
   * interrupted run.
   */
  public Dataset<Row> completedRunIds() {
    return DeltaIO.readOrEmpty(spark, ledgerPath, IngestFilesColumns.SCHEMA)
        .select(col(IngestFilesColumns.RUN_ID))
        .distinct();
  }

  /**
   * The files of one source taken in by a run, each with its outcome.
   *
   * @param outcomes keyed by {@link SourceFile#path()}; one for every file
   */
  public record Delivery(
      SourceKind kind, List<SourceFile> files, Map<String, FileOutcome> outcomes) {}

  /**
   * Records the files of every source, with their counts, in one commit, insert-only on (path,
   * size, modification time), so a repeat is a no-op. Call last, after every table the files feed
   * is written (call {@link #upgrade} first).
   */
  public void record(List<Delivery> deliveries, String runId, Instant now) {
    List<Row> rows = new ArrayList<>();
    for (Delivery d : deliveries) {
      for (SourceFile f : d.files()) {
        FileOutcome o = d.outcomes().get(f.path());
        if (o == null) throw new IllegalStateException("No outcome for " + f.path());
        rows.add(
            RowFactory.create(
                d.kind().sourceName,
                f.path(),
                f.size(),
                Timestamp.from(f.modificationTime()),
                o.checksum(),
                o.records(),
                runId,
                Timestamp.from(now),
                o.status(),
                o.reason(),
                o.accepted(),
                o.quarantined(),
                o.duplicate(),
                o.filtered()));
      }
    }
    entries = null;
    DeltaIO.insertNew(
        spark,
        spark.createDataFrame(rows, IngestFilesColumns.SCHEMA),
        ledgerPath,
        "t.path = s.path AND t.size = s.size AND t.modification_time = s.modification_time");
  }

  /**
   * One spelling per file whether Hadoop ("file:/x") or Spark ("file:///x", %-encoded) wrote it.
   */
  public static String normalise(String path) {
    URI uri = URI.create(path.replace(" ", "%20")).normalize();
    String scheme = uri.getScheme() == null ? "file" : uri.getScheme();
    String authority = uri.getAuthority() == null ? "" : uri.getAuthority();
    return scheme + "://" + authority + uri.getPath();
  }

  /** Whether a plain path exists; true when that cannot be told (Spark then decides). */
  private boolean exists(String path) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    } catch (java.io.IOException | IllegalArgumentException e) {
      return true;
    }
  }
}
