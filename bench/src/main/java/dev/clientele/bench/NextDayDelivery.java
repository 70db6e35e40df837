package dev.clientele.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The new data of the benchmark's incremental refresh: the raw transaction day files seen through a
 * folder of hard links (so the raw cache is never written), plus one more day file that looks like
 * the source system's next delivery, built from the valid lines of the last days of the sample.
 *
 * <p>The new day holds {@code share} of the data set's transaction lines (whole orders, so up to
 * one order more): the latest orders of the latest day files, valid lines only (the field count of
 * the header, an order id {@code O<digits>}, a line number, a customer id of the customer files, a
 * timestamp of the file's own day, positive price, numbers that parse, first occurrence of an order
 * id and line number in the file), so ingest should accept every line. The lines are moved to the
 * new day at their time of day, ordered by time like a generated day, and their orders get new ids
 * following the highest in the data set (in the generator's {@code O} + 9 digits form) and line
 * numbers 1..n; customers, products, amounts and the ids of returned orders are kept.
 *
 * <p>Streaming: one pass over every day file counts lines and finds the highest order id; then one
 * day file at a time, newest first, until enough lines are picked. Memory holds the customer ids
 * and the picked lines (about {@code share} of the data set), never the data set.
 */
final class NextDayDelivery {
  private NextDayDelivery() {}

  private static final Pattern DAY_FILE = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})\\.csv");
  private static final Pattern ORDER_ID = Pattern.compile("O(\\d+)");
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);

  /**
   * What {@link #write} wrote: the new file, its lines and orders, the data set's transaction lines
   * (header rows excluded) and the first and last day the lines were taken from.
   */
  record Delivery(
      Path file,
      long lines,
      long orders,
      long dataSetLines,
      LocalDate firstSourceDay,
      LocalDate lastSourceDay) {}

  /** Where the columns the builder reads or rewrites sit in a transactions header. */
  private record Layout(
      String header,
      int fields,
      int orderId,
      int lineNo,
      int customerId,
      int ts,
      int[] numbers,
      int unitPrice) {
    static Layout of(String header) {
      List<String> names = Arrays.asList(split(header));
      int[] numbers = {
        index(names, "quantity"),
        index(names, "unit_price"),
        index(names, "discount"),
        index(names, "unit_cost")
      };
      return new Layout(
          header,
          names.size(),
          index(names, "order_id"),
          index(names, "line_no"),
          index(names, "customer_id"),
          index(names, "ts"),
          numbers,
          index(names, "unit_price"));
    }

    private static int index(List<String> names, String column) {
      int i = names.indexOf(column);
      if (i < 0)
        throw new IllegalStateException(
            "transactions header has no column " + column + ": " + names);
      return i;
    }
  }

  /** A picked line and its second of the day, the sort key of the new file. */
  private record Picked(int secondOfDay, String text) {}

  /**
   * Hard-links every file of {@code from} into {@code to} (created), copying a file where the file
   * system cannot link it. Returns the number of files.
   */
  static int mirror(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    int files = 0;
    try (DirectoryStream<Path> all = Files.newDirectoryStream(from, Files::isRegularFile)) {
      for (Path file : all) {
        Path link = to.resolve(file.getFileName().toString());
        try {
          Files.createLink(link, file);
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(file, link, StandardCopyOption.COPY_ATTRIBUTES);
        }
        files++;
      }
    }
    return files;
  }

  /**
   * Writes {@code target/<day>.csv} from the day files of {@code transactions} and the customer ids
   * of the CSV files in {@code customers}; refuses to replace an existing file (it could be a link
   * into the raw cache).
   */
  static Delivery write(Path transactions, Path customers, Path target, LocalDate day, double share)
      throws IOException {
    List<Path> days = dayFiles(transactions);
    if (days.isEmpty())
      throw new IllegalStateException("no day files (yyyy-MM-dd.csv) in " + transactions);
    Layout layout = Layout.of(header(days.get(days.size() - 1)));
    Set<String> known = customerIds(customers);

    long lines = 0;
    long lastOrder = 0;
    for (Path file : days) {
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        in.readLine();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines++;
          lastOrder = Math.max(lastOrder, orderNumber(line));
        }
      }
    }
    long wanted = Math.max(1, Math.round(lines * share));

    // Newest day first; from the oldest day needed, only its latest orders.
    Deque<List<Picked>> picked = new ArrayDeque<>();
    long count = 0;
    LocalDate first = null;
    for (int i = days.size() - 1; i >= 0 && count < wanted; i--) {
      LocalDate fileDay = dayOf(days.get(i));
      List<List<Picked>> orders = orders(layout, validLines(layout, days.get(i), fileDay, known));
      int from = orders.size();
      while (from > 0 && count < wanted) count += orders.get(--from).size();
      List<Picked> taken = new ArrayList<>();
      for (List<Picked> order : orders.subList(from, orders.size())) taken.addAll(order);
      picked.addFirst(taken);
      first = fileDay;
    }
    List<Picked> all = new ArrayList<>();
    for (List<Picked> d : picked) all.addAll(d);
    all.sort(
        Comparator.comparingInt(Picked::secondOfDay)); // stable: an order's lines stay together

    Path out = target.resolve(day + ".csv");
    long orders = 0;
    try (BufferedWriter w =
        Files.newBufferedWriter(
            out, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      w.write(layout.header());
      w.write('\n');
      String previous = null;
      int lineNo = 0;
      for (Picked p : all) {
        String[] f = split(p.text());
        if (!f[layout.orderId()].equals(previous)) {
          previous = f[layout.orderId()];
          orders++;
          lineNo = 0;
        }
        f[layout.orderId()] = orderId(lastOrder + orders);
        f[layout.lineNo()] = Integer.toString(++lineNo);
        f[layout.ts()] = day + f[layout.ts()].substring(10);
        w.write(join(f));
        w.write('\n');
      }
    }
    return new Delivery(out, all.size(), orders, lines, first, dayOf(days.get(days.size() - 1)));
  }

  /** The file's data lines that ingest accepts, as picked lines in file order. */
  private static List<Picked> validLines(
      Layout layout, Path file, LocalDate fileDay, Set<String> known) throws IOException {
    List<Picked> valid = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      in.readLine();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = split(line);
        if (f == null || f.length != layout.fields()) continue;
        if (!ORDER_ID.matcher(f[layout.orderId()]).matches()
            || !known.contains(f[layout.customerId()])) continue;
        LocalDateTime ts;
        try {
          if (Integer.parseInt(f[layout.lineNo()]) < 1) continue;
          for (int n : layout.numbers()) if (!f[n].isEmpty()) new BigDecimal(f[n]);
          if (new BigDecimal(f[layout.unitPrice()]).signum() <= 0) continue;
          ts = LocalDateTime.parse(f[layout.ts()], TS);
        } catch (NumberFormatException | DateTimeParseException e) {
          continue;
        }
        if (!ts.toLocalDate().equals(fileDay)) continue;
        // A later line with the same key is a duplicate delivery (exact or conflicting) of the
        // first.
        if (!keys.add(f[layout.orderId()] + ":" + f[layout.lineNo()])) continue;
        valid.add(new Picked(ts.toLocalTime().toSecondOfDay(), line));
      }
    }
    return valid;
  }

  /** Consecutive lines with the same order id, as orders. */
  private static List<List<Picked>> orders(Layout layout, List<Picked> lines) {
    List<List<Picked>> orders = new ArrayList<>();
    String current = null;
    for (Picked p : lines) {
      String id = split(p.text())[layout.orderId()];
      if (!id.equals(current)) {
        orders.add(new ArrayList<>());
        current = id;
      }
      orders.get(orders.size() - 1).add(p);
    }
    return orders;
  }

  private static List<Path> dayFiles(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, "*.csv")) {
      for (Path f : all) if (DAY_FILE.matcher(f.getFileName().toString()).matches()) files.add(f);
    }
    files.sort(Comparator.comparing(f -> f.getFileName().toString()));
    return files;
  }

  private static LocalDate dayOf(Path dayFile) {
    Matcher m = DAY_FILE.matcher(dayFile.getFileName().toString());
    if (!m.matches()) throw new IllegalArgumentException("not a day file: " + dayFile);
    return LocalDate.parse(m.group(1));
  }

  private static String header(Path file) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null) throw new IllegalStateException("empty day file " + file);
      return header;
    }
  }

  /** The customer_id values of every CSV file (with a header) in {@code dir}. */
  private static Set<String> customerIds(Path dir) throws IOException {
    Set<String> ids = new HashSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.csv")) {
      for (Path file : files) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          String header = in.readLine();
          int at = header == null ? -1 : Arrays.asList(split(header)).indexOf("customer_id");
          if (at < 0) throw new IllegalStateException("no customer_id column in " + file);
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] f = split(line);
            if (f != null && f.length > at && !f[at].isEmpty()) ids.add(f[at]);
          }
        }
      }
    }
    return ids;
  }

  /**
   * The number of the line's order id {@code O<digits>}, or 0 when the line does not start with
   * one.
   */
  private static long orderNumber(String line) {
    int comma = line.indexOf(',');
    if (comma < 2 || comma > 19 || line.charAt(0) != 'O') return 0;
    for (int i = 1; i < comma; i++) if (!Character.isDigit(line.charAt(i))) return 0;
    return Long.parseLong(line, 1, comma, 10);
  }

  /** The generator's order id form: {@code O} and the number zero-padded to 9 digits. */
  static String orderId(long number) {
    return String.format("O%09d", number);
  }

  /**
   * The fields of one CSV line ({@code "} quotes, {@code ""} inside them), or null when a quote is
   * unbalanced.
   */
  static String[] split(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c != '"') field.append(c);
        else if (i + 1 < line.length() && line.charAt(i + 1) == '"') field.append(line.charAt(++i));
        else quoted = false;
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    if (quoted) return null;
    fields.add(field.toString());
    return fields.toArray(String[]::new);
  }

  /**
   * A CSV line quoting only fields with a comma, quote or line break, as the generator writes them.
   */
  static String join(String[] fields) {
    StringBuilder out = new StringBuilder(160);
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) out.append(',');
      String v = fields[i];
      boolean quote =
          v.indexOf(',') >= 0
              || v.indexOf('"') >= 0
              || v.indexOf('\n') >= 0
              || v.indexOf('\r') >= 0;
      out.append(quote ? '"' + v.replace("\"", "\"\"") + '"' : v);
    }
    return out.toString();
  }
}
