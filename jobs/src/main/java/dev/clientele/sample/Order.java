package dev.clientele.sample;

/**
 * One order of a day while it is being generated: a sale, or a return that reverses lines of an
 * earlier sale. Its id is given when the day is written in time order, so ids grow with time.
 */
final class Order {
  final int customer;
  final int day;
  final int secondOfDay;
  final int channel;

  /** Store index, or -1 for web and app. */
  final int store;

  /** The sale a return reverses; null on a sale. */
  final Order original;

  final Line[] lines;
  String id;

  /** The generated campaign's extra sale (see {@link Campaign}): no feedback, never returned. */
  boolean extra;

  /** The formatted timestamp, made once for all lines. */
  String ts;

  Order(
      int customer,
      int day,
      int secondOfDay,
      int channel,
      int store,
      Order original,
      Line[] lines) {
    this.customer = customer;
    this.day = day;
    this.secondOfDay = secondOfDay;
    this.channel = channel;
    this.store = store;
    this.original = original;
    this.lines = lines;
  }

  boolean isReturn() {
    return original != null;
  }

  /**
   * One line; amounts in cents. A return line has negative quantity and names the line it reverses.
   */
  static final class Line {
    final int product;
    final int quantity;
    final long unitPrice;
    final long discount;
    final long unitCost;
    final Line original;

    /** Set when the line was written dirty in place of its clean self: no return may reverse it. */
    boolean dirty;

    Line(int product, int quantity, long unitPrice, long discount, long unitCost, Line original) {
      this.product = product;
      this.quantity = quantity;
      this.unitPrice = unitPrice;
      this.discount = discount;
      this.unitCost = unitCost;
      this.original = original;
    }
  }
}
