package dev.clientele.ingest;

import java.util.List;

/**
 * One source's outcome in one run: read = accepted + quarantined + duplicate + filtered (the
 * reconciliation identity, checked by {@link IngestJob} before anything is written to silver).
 *
 * @param status succeeded, failed or skipped (no files, or no new files)
 * @param topReasons the most frequent quarantine reasons with counts, most frequent first
 */
public record SourceResult(
    SourceKind kind,
    String status,
    int files,
    long read,
    long accepted,
    long quarantined,
    long duplicate,
    long filtered,
    List<String> topReasons,
    String note) {

  public static SourceResult skipped(SourceKind kind, String note) {
    return new SourceResult(kind, "skipped", 0, 0, 0, 0, 0, 0, List.of(), note);
  }

  public boolean reconciles() {
    return read == accepted + quarantined + duplicate + filtered;
  }

  /** Quarantined / the records in scope (read − filtered); 0 with none. */
  public double rejectRate() {
    long inScope = read - filtered;
    return inScope == 0 ? 0.0 : (double) quarantined / inScope;
  }

  public SourceResult withStatus(String newStatus, String newNote) {
    return new SourceResult(
        kind,
        newStatus,
        files,
        read,
        accepted,
        quarantined,
        duplicate,
        filtered,
        topReasons,
        newNote);
  }

  /** The per-source table printed at the end of a run. */
  public static String table(List<SourceResult> results) {
    StringBuilder out = new StringBuilder();
    String format = "%-13s %6s %10s %10s %12s %10s %10s  %s%n";
    out.append(
        String.format(
            format,
            "source",
            "files",
            "read",
            "accepted",
            "quarantined",
            "duplicate",
            "filtered",
            "status"));
    for (SourceResult r : results) {
      out.append(
          String.format(
              format,
              r.kind().sourceName,
              r.files(),
              r.read(),
              r.accepted(),
              r.quarantined(),
              r.duplicate(),
              r.filtered(),
              r.status() + (r.note() == null ? "" : " (" + r.note() + ")")));
    }
    return out.toString();
  }
}
