package dev.clientele.sample;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Loyalty points redemptions at checkout. Each customer's points are tracked as the default rules
 * count them (one point per whole unit of a clean line's net amount, a return line taking its
 * points back, everything expiring on 01-01); after a sale, a customer holding at least {@value
 * #MIN_BALANCE} points redeems with probability {@value #CHANCE} a multiple of 100 points, at most
 * half of what they hold, a few seconds after a sale with a clean line, on its day and against its
 * order. So a redemption never spends more than the customer holds under the default points rules,
 * and none is dated on or after the end date.
 */
final class Redemptions implements Closeable {
  static final double CHANCE = 0.15;
  static final long MIN_BALANCE = 200;
  private static final int DAY = 86_400;

  private final Seasonality calendar;
  private final CustomerBase customers;
  private final SplittableRandom rng;
  private final CsvWriter file;
  private final long[] balance;
  private final int[] year;

  Redemptions(Path root, Seasonality calendar, CustomerBase customers, SplittableRandom rng)
      throws IOException {
    this.calendar = calendar;
    this.customers = customers;
    this.rng = rng;
    this.file = CsvWriter.open(root, SampleLayout.REDEMPTIONS, SampleLayout.REDEMPTIONS_HEADER);
    this.balance = new long[customers.count];
    this.year = new int[customers.count];
  }

  /**
   * Books a written order's points (a sale's lines earn, a return's reverse), then maybe redeems.
   */
  void afterOrder(Order order) throws IOException {
    int c = order.customer;
    int orderYear = Integer.parseInt(calendar.dateText(order.day).substring(0, 4));
    if (orderYear != year[c]) {
      balance[c] = 0; // the 01-01 expiry took everything earned before
      year[c] = orderYear;
    }
    long points = 0;
    boolean clean = false;
    for (Order.Line line : order.lines) {
      if (line.dirty) continue; // quarantined or never reversed: earns nothing here
      clean = true;
      long cents = Math.abs((long) line.quantity) * line.unitPrice - line.discount;
      points += Math.max(0, cents) / 100;
    }
    balance[c] = Math.max(0, balance[c] + (order.isReturn() ? -points : points));
    // Only at the checkout of a sale the log keeps (one with a clean line).
    if (order.isReturn() || !clean || balance[c] < MIN_BALANCE || !Draws.chance(rng, CHANCE)) {
      return;
    }
    long spent = 100L * (1 + rng.nextInt((int) Math.min(Integer.MAX_VALUE, balance[c] / 200)));
    balance[c] -= spent;
    // A few seconds after the sale, never past its day (so never across the yearly expiry).
    int second = Math.min(order.secondOfDay + 30, DAY - 1);
    StringBuilder at = new StringBuilder(19).append(calendar.dateText(order.day)).append(' ');
    Formats.appendTime(at, second);
    file.row(
        Formats.id("X", file.lines(), 8),
        customers.id[c],
        order.id,
        at.toString(),
        Long.toString(spent),
        "checkout");
  }

  long redemptions() {
    return file.lines() - 1;
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
