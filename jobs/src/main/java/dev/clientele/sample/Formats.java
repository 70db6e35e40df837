package dev.clientele.sample;

/**
 * Fast, locale-free text for ids, money and times: the generator writes tens of millions of them.
 */
final class Formats {
  private Formats() {}

  /** {@code prefix} followed by {@code value} zero-padded to at least {@code width} digits. */
  static String id(String prefix, long value, int width) {
    String digits = Long.toString(value);
    StringBuilder out = new StringBuilder(prefix.length() + Math.max(width, digits.length()));
    out.append(prefix);
    for (int i = digits.length(); i < width; i++) out.append('0');
    return out.append(digits).toString();
  }

  /** Cents as a decimal with two places, e.g. -1234 → {@code -12.34}. */
  static void appendMoney(StringBuilder out, long cents) {
    if (cents < 0) {
      out.append('-');
      cents = -cents;
    }
    out.append(cents / 100).append('.');
    long rest = cents % 100;
    if (rest < 10) out.append('0');
    out.append(rest);
  }

  static String money(long cents) {
    StringBuilder out = new StringBuilder(12);
    appendMoney(out, cents);
    return out.toString();
  }

  /** {@code HH:mm:ss} of a second of the day (0 to 86399). */
  static void appendTime(StringBuilder out, int secondOfDay) {
    appendTwo(out, secondOfDay / 3600);
    out.append(':');
    appendTwo(out, secondOfDay / 60 % 60);
    out.append(':');
    appendTwo(out, secondOfDay % 60);
  }

  private static void appendTwo(StringBuilder out, int value) {
    if (value < 10) out.append('0');
    out.append(value);
  }
}
