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
   * Identity of a file's content: its size and the checksum of its records. Two files with the same
   * content identity hold the same records at the same record numbers.
   */
  static String contentIdentity(long size, String checksum) {
    return size + "|" + checksum;
  }

  private final SparkSession spark;
  private final String ledgerPath;

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
    Dataset<Row> listing;
    try {
      listing =
          spark
              .read()
              .format("binaryFile")
              .load(pathOrGlob)
              .select("path", "length", "modificationTime");
    } catch (Exception e) {
      if (e instanceof org.apache.spark.sql.AnalysisException) return List.of(); // nothing there
      throw e;
    }
    List<SourceFile> files = new ArrayList<>();
    for (Row r : listing.collectAsList()) {
      files.add(new SourceFile(r.getString(0), r.getLong(1), r.getTimestamp(2).toInstant()));
    }
    files.sort(Comparator.comparing(SourceFile::path));
    return files;
  }

  /** The files not yet recorded in the ledger for this source. */
  public List<SourceFile> pending(SourceKind kind, List<SourceFile> files) {
    Set<String> done = new HashSet<>();
    if (DeltaIO.exists(spark, ledgerPath)) {
      for (Row r :
          DeltaIO.read(spark, ledgerPath)
              .where(col(IngestFilesColumns.SOURCE).equalTo(kind.sourceName))
              .select(
                  IngestFilesColumns.PATH,
                  IngestFilesColumns.SIZE,
                  IngestFilesColumns.MODIFICATION_TIME)
              .collectAsList()) {
        done.add(
            new SourceFile(r.getString(0), r.getLong(1), r.getTimestamp(2).toInstant()).identity());
      }
    }
    return files.stream().filter(f -> !done.contains(f.identity())).toList();
  }

  /**
   * The content identities ({@link #contentIdentity}) of the files recorded for this source, each
   * with the path it was first recorded under.
   */
  public Map<String, String> knownContent(SourceKind kind) {
    Map<String, String> known = new java.util.HashMap<>();
    if (!DeltaIO.exists(spark, ledgerPath)) return known;
    for (Row r :
        DeltaIO.read(spark, ledgerPath)
            .where(col(IngestFilesColumns.SOURCE).equalTo(kind.sourceName))
            .orderBy(IngestFilesColumns.INGESTED_AT, IngestFilesColumns.PATH)
            .select(IngestFilesColumns.SIZE, IngestFilesColumns.CHECKSUM, IngestFilesColumns.PATH)
            .collectAsList()) {
      known.putIfAbsent(contentIdentity(r.getLong(0), r.getString(1)), r.getString(2));
    }
    return known;
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

  /** The files of one source read by a run, with what ingest learnt of each. */
  public record Delivery(SourceKind kind, List<SourceFile> files, Map<String, FileStats> stats) {}

  /**
   * Records the files of every source in one commit, insert-only on (path, size, modification
   * time), so a repeat is a no-op. Call last, after every table the files feed is written.
   *
   * @param deliveries per source; stats are keyed by normalised path (see {@link #normalise}), and
   *     a file without records has none
   */
  public void record(List<Delivery> deliveries, String runId, Instant now) {
    List<Row> rows = new ArrayList<>();
    for (Delivery d : deliveries) {
      for (SourceFile f : d.files()) {
        FileStats s =
            d.stats()
                .getOrDefault(
                    normalise(f.path()), new FileStats(f.path(), RawRecords.EMPTY_CHECKSUM, 0));
        rows.add(
            RowFactory.create(
                d.kind().sourceName,
                f.path(),
                f.size(),
                Timestamp.from(f.modificationTime()),
                s.checksum(),
                s.records(),
                runId,
                Timestamp.from(now)));
      }
    }
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
