package dev.clientele.sample;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One CSV file of the sample: UTF-8, {@code \n} line ends, a header row, fields quoted only when
 * they contain a comma, quote or line break. Counts lines so dirty records can be located by line
 * number (header = line 1).
 */
final class CsvWriter implements Closeable {
  private static final int BUFFER = 1 << 13;

  private final BufferedWriter out;
  private final String name;
  private long lines;

  private CsvWriter(BufferedWriter out, String name) {
    this.out = out;
    this.name = name;
  }

  /** Creates (or replaces) {@code root/relative} and writes its header. */
  static CsvWriter open(Path root, String relative, String header) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    CsvWriter writer =
        new CsvWriter(
            new BufferedWriter(
                new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8),
                BUFFER),
            relative);
    writer.line(header);
    return writer;
  }

  /** The file's path relative to the output root, with {@code /} separators. */
  String name() {
    return name;
  }

  /** Lines written so far, header included. */
  long lines() {
    return lines;
  }

  /** Writes one already formatted line and returns its 1-based line number. */
  long line(String text) throws IOException {
    out.write(text);
    out.write('\n');
    return ++lines;
  }

  /** Writes one row of plain values, quoting where CSV needs it. */
  long row(String... fields) throws IOException {
    StringBuilder text = new StringBuilder(128);
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) text.append(',');
      text.append(quote(fields[i]));
    }
    return line(text.toString());
  }

  /**
   * The value as a CSV field: quoted (with doubled quotes) only when it holds , " or a line break.
   */
  static String quote(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ',' || c == '"' || c == '\n' || c == '\r') {
        return '"' + value.replace("\"", "\"\"") + '"';
      }
    }
    return value;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
