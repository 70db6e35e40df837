package dev.clientele.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads a generated sample back for tests: raw lines with their file and line number, and rows. */
final class SampleFiles {
  /** One transaction line: file relative to the root, 1-based line number (header = 1). */
  record TxnLine(String file, int lineNo, String text, List<String> fields) {
    String key() {
      return file + ":" + lineNo;
    }

    String get(int i) {
      return fields.get(i);
    }
  }

  static final int ORDER_ID = 0;
  static final int LINE_NO = 1;
  static final int CUSTOMER_ID = 2;
  static final int TS = 3;
  static final int PRODUCT_ID = 4;
  static final int BRAND = 5;
  static final int CATEGORY = 6;
  static final int QUANTITY = 7;
  static final int UNIT_PRICE = 8;
  static final int DISCOUNT = 9;
  static final int UNIT_COST = 10;
  static final int CHANNEL = 11;
  static final int STORE_ID = 12;
  static final int ORIGINAL_ORDER_ID = 13;

  final Path root;
  final List<String> dayFiles;
  final List<TxnLine> lines = new ArrayList<>();

  /** "file:line" → kind. */
  final Map<String, String> dirty = new LinkedHashMap<>();

  SampleFiles(Path root) throws IOException {
    this.root = root;
    try (Stream<Path> files = Files.list(root.resolve("transactions"))) {
      dayFiles = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    for (String name : dayFiles) {
      List<String> text = readLines("transactions/" + name);
      for (int i = 1; i < text.size(); i++) {
        lines.add(new TxnLine("transactions/" + name, i + 1, text.get(i), parse(text.get(i))));
      }
    }
    for (List<String> row : rows("ground_truth/dirty_records.csv")) {
      dirty.put(row.get(0) + ":" + row.get(1), row.get(2));
    }
  }

  List<String> readLines(String relative) throws IOException {
    String text = Files.readString(root.resolve(relative), StandardCharsets.UTF_8);
    if (!text.endsWith("\n")) throw new AssertionError(relative + " does not end with \\n");
    if (text.contains("\r")) throw new AssertionError(relative + " has \\r");
    return List.of(text.substring(0, text.length() - 1).split("\n", -1));
  }

  String header(String relative) throws IOException {
    return readLines(relative).get(0);
  }

  /** Data rows (header skipped), parsed as CSV. */
  List<List<String>> rows(String relative) throws IOException {
    List<String> text = readLines(relative);
    return text.subList(1, text.size()).stream().map(SampleFiles::parse).toList();
  }

  List<TxnLine> cleanLines() {
    return lines.stream().filter(l -> !dirty.containsKey(l.key())).toList();
  }

  /** Minimal CSV: commas, double-quoted fields with doubled quotes inside. */
  static List<String> parse(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields;
  }
}
