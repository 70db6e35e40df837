package dev.clientele.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one CSV header line into column names (quotes and doubled quotes honoured, BOM dropped).
 */
final class CsvHeader {
  private CsvHeader() {}

  static List<String> split(String line, char delimiter, char quote) {
    String s = line.startsWith("\uFEFF") ? line.substring(1) : line;
    if (s.endsWith("\r")) s = s.substring(0, s.length() - 1);
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted) {
        if (c == quote && i + 1 < s.length() && s.charAt(i + 1) == quote) {
          cur.append(quote);
          i++;
        } else if (c == quote) {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == quote) {
        quoted = true;
      } else if (c == delimiter) {
        out.add(cur.toString().trim());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString().trim());
    return out;
  }
}
