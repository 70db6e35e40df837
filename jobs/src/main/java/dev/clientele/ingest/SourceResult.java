package dev.clientele.ingest;

import java.util.List;

/**
 * One source's outcome in one run: read = accepted + quarantined + duplicate + filtered (the
 * reconciliation identity, checked by {@link IngestJob} before anything is written to silver).
 *
 * @param status succeeded, failed or skipped (no files, or no new files)
 * @param released held records read again in this run (their day has come), counted in read and in
 *     the status each took; the other records are those of the run's new files
 * @param held records of the new files held for a later run (only reason future_timestamp): in
 *     quarantined, but not in the reject rate
 * @param replayed rejects read again from quarantine by {@code --replay-quarantine}, per status
 *     they took now (in read and in those statuses too); they were rejects before this run, so they
 *     are outside the reject rate on both sides: a replay never fails on rows that were already in
 *     quarantine
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
    long released,
    long held,
    Tally replayed,
    List<String> topReasons,
    String note) {

  /** Records per status. */
  public record Tally(long accepted, long quarantined, long duplicate, long filtered) {
    public static final Tally NONE = new Tally(0, 0, 0, 0);

    public long records() {
      return accepted + quarantined + duplicate + filtered;
    }

    /** Records that left quarantine for good: accepted, duplicate or filtered. */
    public long released() {
      return accepted + duplicate + filtered;
    }
  }

  public static SourceResult skipped(SourceKind kind, String note) {
    return new SourceResult(kind, "skipped", 0, 0, 0, 0, 0, 0, 0, 0, Tally.NONE, List.of(), note);
  }

  public boolean reconciles() {
    return read == accepted + quarantined + duplicate + filtered;
  }

  /** Quarantined records that are new rejects: all but the held and the replayed ones. */
  public long rejected() {
    return quarantined - held - replayed.quarantined();
  }

  /** The records the reject rate is of: read − filtered − held − replayed (not filtered). */
  public long inScope() {
    return read - filtered - held - (replayed.records() - replayed.filtered());
  }

  /**
   * Rejected / the records in scope; 0 with none. A held record is not bad input, only early, and a
   * replayed one was in quarantine before the run: neither counts against the ceiling.
   */
  public double rejectRate() {
    long inScope = inScope();
    return inScope == 0 ? 0.0 : (double) rejected() / inScope;
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
        released,
        held,
        replayed,
        topReasons,
        newNote);
  }

  /** The per-source table printed at the end of a run. */
  public static String table(List<SourceResult> results) {
    StringBuilder out = new StringBuilder();
    String format = "%-13s %6s %10s %10s %12s %10s %10s %10s %10s  %s%n";
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
            "held",
            "released",
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
              r.held(),
              r.released(),
              r.status() + (r.note() == null ? "" : " (" + r.note() + ")")));
    }
    return out.toString();
  }
}
