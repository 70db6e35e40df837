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
 */
public final class FileLedger {
  /** A source file as listed: fully qualified path, bytes, last modification. */
  public record SourceFile(String path, long size, Instant modificationTime) {
    /** Identity of a delivered file in the ledger. */
    String identity() {
      return normalise(path) + "|" + size + "|" + modificationTime.toEpochMilli();
    }
  }

  /** What ingest learnt about one file while reading it. */
  public record FileStats(String checksum, long records) {}

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
                .getOrDefault(normalise(f.path()), new FileStats(RawRecords.EMPTY_CHECKSUM, 0));
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
}
