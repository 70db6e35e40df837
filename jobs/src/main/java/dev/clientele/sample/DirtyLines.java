package dev.clientele.sample;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Writes transaction lines, making exactly every {@code 1/share}-th line slot dirty (so the dirty
 * count is {@code floor(lines × share)}, never off by more than one) and listing each in {@code
 * ground_truth/dirty_records.csv}. Corrupting kinds replace the clean line; duplicate kinds add a
 * copy of a recent clean line before it.
 */
final class DirtyLines implements Closeable {
  /** The kinds of dirty line, with how often each is chosen. */
  enum Kind {
    MALFORMED("malformed", 15),
    BAD_TIMESTAMP("bad_timestamp", 12),
    FUTURE_TIMESTAMP("future_timestamp", 8),
    NEGATIVE_PRICE("negative_price", 12),
    UNKNOWN_CUSTOMER("unknown_customer", 14),
    MISSING_CUSTOMER_ID("missing_customer_id", 10),
    EXACT_DUPLICATE("exact_duplicate", 15),
    CONFLICTING_DUPLICATE("conflicting_duplicate", 14);

    final String label;
    final double weight;

    Kind(String label, double weight) {
      this.label = label;
      this.weight = weight;
    }

    boolean isDuplicate() {
      return this == EXACT_DUPLICATE || this == CONFLICTING_DUPLICATE;
    }

    static final Kind[] ALL = values();
    static final double[] WEIGHTS = Arrays.stream(ALL).mapToDouble(k -> k.weight).toArray();

    /** Share of dirty lines that are added copies rather than replaced lines. */
    static double duplicateShare() {
      double dup = 0;
      double all = 0;
      for (Kind k : ALL) {
        all += k.weight;
        if (k.isDuplicate()) dup += k.weight;
      }
      return dup / all;
    }
  }

  private static final String[] BAD_TIMES = {
    "%s 25:61:00", "2025-02-30 10:15:00", "2026-13-01 09:00:00", "not-a-date", "0000-00-00 00:00:00"
  };
  private static final String[] GARBAGE = {
    "#ERR upstream record truncated",
    "~~~~~~~~",
    "NULL",
    "<html><body>502 Bad Gateway</body></html>"
  };
  private static final int RECENT = 4096;

  /** A clean line already written, for duplicates. */
  private record Written(Order order, int lineNo, Order.Line line, String text) {}

  private final double share;
  private final LineFormat format;
  private final int customers;
  private final LocalDate endDate;
  private final SplittableRandom rng;
  private final CsvWriter records;
  private final Written[] recent = new Written[RECENT];
  private long written;
  private long slots;
  private long dirty;

  DirtyLines(
      Path root,
      double share,
      LineFormat format,
      int customers,
      LocalDate endDate,
      SplittableRandom rng)
      throws IOException {
    this.share = share;
    this.format = format;
    this.customers = customers;
    this.endDate = endDate;
    this.rng = rng;
    this.records =
        CsvWriter.open(root, SampleLayout.DIRTY_RECORDS, SampleLayout.DIRTY_RECORDS_HEADER);
  }

  /** Writes one generated line to {@code file}: clean, corrupted, or after a dirty duplicate. */
  void write(CsvWriter file, Order order, int lineNo, Order.Line line) throws IOException {
    while (true) {
      slots++;
      if (!isDirtySlot(slots)) {
        String text = format.clean(order, lineNo, line);
        file.line(text);
        recent[(int) (written++ % RECENT)] = new Written(order, lineNo, line, text);
        return;
      }
      Kind kind = Kind.ALL[Draws.weighted(rng, Kind.WEIGHTS)];
      if (kind.isDuplicate() && written == 0) kind = Kind.MALFORMED;
      if (kind.isDuplicate()) {
        record(file, file.line(duplicate(kind)), kind);
        continue; // the generated line still needs a slot of its own
      }
      line.dirty = true;
      record(file, file.line(corrupt(kind, order, lineNo, line)), kind);
      return;
    }
  }

  /** Slot n is dirty when floor(n × share) steps up at n. */
  private boolean isDirtySlot(long n) {
    return (long) Math.floor(n * share) > (long) Math.floor((n - 1) * share);
  }

  private String duplicate(Kind kind) {
    Written source = recent[rng.nextInt((int) Math.min(written, RECENT))];
    if (kind == Kind.EXACT_DUPLICATE) return source.text;
    Order.Line l = source.line;
    int quantity = l.quantity + (l.quantity > 0 ? 1 : -1);
    return format.text(
        source.order,
        source.lineNo,
        l,
        format.customerId(source.order),
        format.ts(source.order),
        quantity,
        l.unitPrice);
  }

  private String corrupt(Kind kind, Order order, int lineNo, Order.Line line) {
    String customer = format.customerId(order);
    String ts = format.ts(order);
    return switch (kind) {
      case MALFORMED -> malformed(format.clean(order, lineNo, line));
      case BAD_TIMESTAMP ->
          format.text(order, lineNo, line, customer, badTime(ts), line.quantity, line.unitPrice);
      case FUTURE_TIMESTAMP ->
          format.text(order, lineNo, line, customer, futureTime(ts), line.quantity, line.unitPrice);
      case NEGATIVE_PRICE ->
          format.text(
              order, lineNo, line, customer, ts, line.quantity, -Math.max(1, line.unitPrice));
      case UNKNOWN_CUSTOMER ->
          format.text(order, lineNo, line, unknownCustomer(), ts, line.quantity, line.unitPrice);
      case MISSING_CUSTOMER_ID ->
          format.text(order, lineNo, line, "", ts, line.quantity, line.unitPrice);
      default -> throw new IllegalStateException("not a corrupting kind: " + kind);
    };
  }

  /** Too few fields (cut before the brand, which may be quoted), too many, or garbage. */
  private String malformed(String clean) {
    return switch (rng.nextInt(3)) {
      case 0 -> clean.substring(0, ordinalIndexOf(clean, ',', Draws.between(rng, 2, 5)));
      case 1 -> clean + ",EXTRA," + rng.nextInt(1000);
      default -> Draws.pick(rng, GARBAGE);
    };
  }

  private static int ordinalIndexOf(String s, char c, int n) {
    int at = -1;
    for (int i = 0; i < n; i++) at = s.indexOf(c, at + 1);
    return at;
  }

  private String badTime(String ts) {
    String pattern = Draws.pick(rng, BAD_TIMES);
    return pattern.contains("%s") ? pattern.replace("%s", ts.substring(0, 10)) : pattern;
  }

  private String futureTime(String ts) {
    LocalDate future = endDate.plusDays(Draws.between(rng, 1, 400));
    return future + ts.substring(10);
  }

  /** An id of the customers.csv shape that no customer has. */
  private String unknownCustomer() {
    return CustomerBase.customerId(customers + rng.nextInt(Math.max(1, 9_999_999 - customers)));
  }

  private void record(CsvWriter file, long lineNumber, Kind kind) throws IOException {
    dirty++;
    records.row(file.name(), Long.toString(lineNumber), kind.label);
  }

  /** Transaction lines written so far, dirty included. */
  long lines() {
    return slots;
  }

  long dirty() {
    return dirty;
  }

  @Override
  public void close() throws IOException {
    records.close();
  }
}
