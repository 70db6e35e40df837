package dev.clientele.sample;

import java.nio.file.Path;
import java.util.Locale;

/** What one {@code generate-sample} run wrote. */
public record SampleSummary(
    Path output,
    int dayFiles,
    long transactionLines,
    long dirtyLines,
    int customers,
    long customerRows,
    long surveys,
    long complaints,
    long redemptions,
    long contacts,
    int campaignCustomers,
    double seconds) {

  /**
   * Day files plus customers, surveys, complaints, complaint updates, redemptions, contacts and the
   * three ground-truth files.
   */
  public int files() {
    return dayFiles + 9;
  }

  /** The one-line summary the command prints. */
  public String line() {
    return String.format(
        Locale.ROOT,
        "generate-sample: %d files in %s: %,d transaction lines in %d day files (%,d dirty), "
            + "%,d customers (%,d rows), %,d surveys, %,d complaints, %,d redemptions, "
            + "%,d contacts (campaign %s to %,d customers) in %.1fs",
        files(),
        output,
        transactionLines,
        dayFiles,
        dirtyLines,
        customers,
        customerRows,
        surveys,
        complaints,
        redemptions,
        contacts,
        Campaign.AUDIENCE,
        campaignCustomers,
        seconds);
  }
}
