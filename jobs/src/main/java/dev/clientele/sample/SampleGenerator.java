package dev.clientele.sample;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes the raw sample described in docs/sample-data.md: transaction lines split into one CSV per
 * day, customers, surveys, complaints, points redemptions and the ground truth (hidden groups,
 * dirty lines).
 *
 * <p>Deterministic: every draw comes from a {@link SplittableRandom} seeded by {@code seed}, in a
 * fixed order; text is formatted without locale; iteration never depends on hashing. The same
 * config gives byte-identical files.
 *
 * <p>Sized by {@code transactions}: each buying customer gets a number of orders proportional to
 * their group's rate, their own appetite and the length of their purchase window, scaled so the
 * expected line count (sales, returns and dirty copies) equals the target; the result is within
 * about 2% of it. Orders are placed on days drawn from the seasonal weights (see {@link
 * Seasonality}) as sorted draws, one customer at a time per day, so the history is generated day by
 * day: memory holds per-customer state, one day of orders and the returns still due, never all
 * lines.
 */
public final class SampleGenerator {
  /** Return lines per sale line, so returns are about 3% of all lines. */
  static final double RETURN_RATIO = 0.03 / 0.97;

  private static final int RETURN_WITHIN_DAYS = 21;
  private static final int MAX_LINES_PER_ORDER = 12;
  private static final double PREFERRED_CHANNEL = 0.75;
  private static final double HOME_STORE = 0.85;
  // Order hour weights: stores open 09:00 to 21:00, web and app around the clock.
  private static final double[] STORE_HOURS = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 4, 5, 7, 6, 5, 5, 6, 7, 8, 7, 5, 0, 0, 0
  };
  private static final double[] ONLINE_HOURS = {
    2, 1, 0.5, 0.3, 0.3, 0.5, 1, 2, 3, 4, 4, 5, 6, 5, 4, 4, 4, 5, 6, 8, 9, 8, 6, 4
  };

  private final Path root;
  private final Catalogue catalogue;
  private final Seasonality calendar;
  private final CustomerBase customers;
  private final SplittableRandom rng;
  private final int days;

  // Per customer: orders still to place and how far through their window the last one was (0..1).
  private final int[] remaining;
  private final double[] position;
  // Customers due to order on a day, as linked lists in insertion order (no per-day objects).
  private final int[] dueHead;
  private final int[] dueTail;
  private final int[] dueNext;
  // Return orders due on a day; only the next RETURN_WITHIN_DAYS days are ever filled.
  private final List<List<Order>> returnsDue;
  private long lastOrderNumber;
  private int dayFiles;

  private SampleGenerator(
      Path root,
      Catalogue catalogue,
      Seasonality calendar,
      CustomerBase customers,
      SplittableRandom rng) {
    this.root = root;
    this.catalogue = catalogue;
    this.calendar = calendar;
    this.customers = customers;
    this.rng = rng;
    this.days = calendar.days();
    this.remaining = new int[customers.count];
    this.position = new double[customers.count];
    this.dueHead = new int[days];
    this.dueTail = new int[days];
    this.dueNext = new int[customers.count];
    Arrays.fill(dueHead, -1);
    this.returnsDue = new ArrayList<>(days);
    for (int d = 0; d < days; d++) returnsDue.add(null);
  }

  /** Writes the whole sample under {@code config.output()}, replacing an earlier one there. */
  public static SampleSummary generate(SampleConfig config) throws IOException {
    long started = System.nanoTime();
    Path root = config.output();
    Files.createDirectories(root.resolve(SampleLayout.TRANSACTIONS_DIR));
    removeDayFiles(root);

    // One independent stream per concern, so e.g. the dirty share does not move purchases around.
    SplittableRandom seed = new SplittableRandom(config.seed());
    Catalogue catalogue = Catalogue.generate(seed.split());
    Seasonality calendar = new Seasonality(config.endDate(), config.days(), seed.split());
    SplittableRandom customerDraws = seed.split();
    SplittableRandom purchases = seed.split();
    SplittableRandom dirtyDraws = seed.split();
    SplittableRandom feedbackDraws = seed.split();
    // Split after the others, so adding redemptions moved nothing else.
    SplittableRandom redemptionDraws = seed.split();
    // Then opt-outs, newsletters and the campaign (the campaign's extra sales and their lines
    // move later dirty lines and redemptions, nothing before it).
    SplittableRandom optOutDraws = seed.split();
    SplittableRandom newsletterDraws = seed.split();
    SplittableRandom campaignDraws = seed.split();
    CustomerBase customers =
        CustomerBase.write(
            root, config.customers(), calendar, catalogue, customerDraws, optOutDraws);

    SampleGenerator generator =
        new SampleGenerator(root, catalogue, calendar, customers, purchases);
    LineFormat format = new LineFormat(catalogue, customers, calendar);
    long lineCount;
    long dirtyCount;
    long surveys;
    long complaints;
    long redemptionCount;
    long contactCount;
    int campaignCustomers;
    try (DirtyLines lines =
            new DirtyLines(
                root,
                config.dirtyShare(),
                format,
                config.customers(),
                config.endDate(),
                dirtyDraws);
        Campaign campaign =
            new Campaign(
                root, calendar, customers, config.endDate(), newsletterDraws, campaignDraws);
        Feedback feedback = new Feedback(root, calendar, customers, feedbackDraws, campaign.day);
        Redemptions redemptions = new Redemptions(root, calendar, customers, redemptionDraws)) {
      generator.planOrders(targetSaleLines(config));
      for (int d = 0; d < generator.days; d++) {
        List<Order> due = generator.ordersOf(d);
        due.addAll(campaign.extraSalesOn(d));
        generator.writeDay(d, due, lines, feedback, redemptions, campaign);
        if (d == campaign.day) campaign.select(feedback, generator::sale);
      }
      contactCount = campaign.contacts();
      campaignCustomers = campaign.selected();
      redemptionCount = redemptions.redemptions();
      lineCount = lines.lines();
      dirtyCount = lines.dirty();
      surveys = feedback.surveys();
      complaints = feedback.complaints();
    }
    return new SampleSummary(
        root,
        generator.dayFiles,
        lineCount,
        dirtyCount,
        config.customers(),
        customers.rows,
        surveys,
        complaints,
        redemptionCount,
        contactCount,
        campaignCustomers,
        (System.nanoTime() - started) / 1e9);
  }

  /** Sale lines to generate so that sales + returns + added dirty copies ≈ the requested lines. */
  static double targetSaleLines(SampleConfig config) {
    double copies = config.dirtyShare() * DirtyLines.Kind.duplicateShare();
    return config.transactions() * (1.0 - copies) / (1.0 + RETURN_RATIO);
  }

  /** Removes the day files of an earlier sample in the same folder (only files named like days). */
  private static void removeDayFiles(Path root) throws IOException {
    try (DirectoryStream<Path> old =
        Files.newDirectoryStream(
            root.resolve(SampleLayout.TRANSACTIONS_DIR),
            "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9].csv")) {
      for (Path file : old) Files.delete(file);
    }
  }

  // ---- how many orders, on which days ----

  /**
   * Gives each buying customer {@code max(1, k × intensity)} orders (rounded at random so the
   * expectation is exact), with {@code k} chosen so expected sale lines meet the target, and
   * schedules each customer's first order.
   */
  private void planOrders(double targetSaleLines) {
    double k = scaleFor(targetSaleLines);
    for (int c = 0; c < customers.count; c++) {
      if (!customers.groupOf(c).buys()) continue;
      remaining[c] = Math.max(1, (int) Math.floor(k * customers.intensity[c] + rng.nextDouble()));
      schedule(c, nextOrderDay(c));
    }
  }

  /** Bisection for k: expected lines grow with k, and never fall below one order per buyer. */
  private double scaleFor(double target) {
    double lo = 0;
    double hi = 1;
    while (expectedSaleLines(hi) < target && hi < 1e12) hi *= 2;
    for (int i = 0; i < 100 && hi - lo > 1e-12 * hi; i++) {
      double mid = (lo + hi) / 2;
      if (expectedSaleLines(mid) < target) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  private double expectedSaleLines(double k) {
    double sum = 0;
    for (int c = 0; c < customers.count; c++) {
      BehaviourGroup g = customers.groupOf(c);
      if (g.buys()) sum += Math.max(1.0, k * customers.intensity[c]) * linesPerOrder(g);
    }
    return sum;
  }

  /** Mean of 1 + geometric with mean {@code meanLines}, capped at {@link #MAX_LINES_PER_ORDER}. */
  private static double linesPerOrder(BehaviourGroup g) {
    double more = 1.0 - 1.0 / g.meanLines;
    return (1.0 - StrictMath.pow(more, MAX_LINES_PER_ORDER)) / (1.0 - more);
  }

  /**
   * The day of the customer's next order: the smallest of the {@code remaining} order positions
   * still to come, drawn uniformly over the seasonal weight of their purchase window, so the days
   * come out in order without storing them.
   */
  private int nextOrderDay(int c) {
    int left = remaining[c]--;
    double from = position[c];
    double next = from + (1.0 - from) * (1.0 - StrictMath.pow(rng.nextDouble(), 1.0 / left));
    position[c] = next;
    boolean hunter = customers.groupOf(c) == BehaviourGroup.DISCOUNT_HUNTER;
    int first = customers.firstDay[c];
    int last = customers.lastDay[c];
    double lo = calendar.weightBefore(first, hunter);
    double hi = calendar.weightBefore(last + 1, hunter);
    return calendar.dayAt(lo + next * (hi - lo), first, last, hunter);
  }

  private void schedule(int c, int day) {
    dueNext[c] = -1;
    if (dueHead[day] < 0) dueHead[day] = c;
    else dueNext[dueTail[day]] = c;
    dueTail[day] = c;
  }

  /** The day's returns and sales, in no particular order yet. */
  private List<Order> ordersOf(int day) {
    List<Order> due = new ArrayList<>(returnsFor(day));
    for (int c = dueHead[day]; c >= 0; ) {
      int following = dueNext[c]; // read first: rescheduling c rewrites its link
      while (true) {
        due.add(sale(c, day, rng));
        if (remaining[c] == 0) break;
        int next = nextOrderDay(c);
        if (next != day) {
          schedule(c, next);
          break;
        }
      }
      c = following;
    }
    return due;
  }

  // ---- what is bought ----

  /** A sale of customer c on the day, every draw from {@code rng}. */
  private Order sale(int c, int day, SplittableRandom rng) {
    BehaviourGroup g = customers.groupOf(c);
    int channel =
        Draws.chance(rng, PREFERRED_CHANNEL)
            ? customers.channel[c]
            : rng.nextInt(CustomerBase.CHANNELS.length);
    int store =
        channel != CustomerBase.STORE
            ? -1
            : Draws.chance(rng, HOME_STORE)
                ? customers.homeStore[c]
                : rng.nextInt(CustomerBase.STORES);
    Order.Line[] lines = new Order.Line[Draws.atLeastOne(rng, g.meanLines, MAX_LINES_PER_ORDER)];
    boolean promo = calendar.isPromo(day);
    for (int i = 0; i < lines.length; i++) {
      int product = product(c, g, rng);
      int quantity = quantity(g, rng);
      long price = catalogue.priceCents[product];
      long discount = Math.round(quantity * price * discountRate(g, promo, rng));
      lines[i] =
          new Order.Line(product, quantity, price, discount, catalogue.costCents[product], null);
    }
    return new Order(c, day, secondOfDay(channel, rng), channel, store, null, lines);
  }

  /** Brand loyalists mostly buy their brand; small baskets are cheap, big spenders premium. */
  private int product(int c, BehaviourGroup g, SplittableRandom rng) {
    if (g == BehaviourGroup.BRAND_LOYAL && Draws.chance(rng, 0.8)) {
      int[] own = catalogue.byBrand[customers.favouriteBrand[c]];
      return own[rng.nextInt(own.length)];
    }
    int[] shelf = catalogue.byCategory[Draws.weighted(rng, Catalogue.CATEGORY_WEIGHT)];
    int n = shelf.length;
    return switch (g) {
      case FREQUENT_SMALL -> shelf[rng.nextInt(Math.max(1, n * 2 / 5))];
      case BIG_SPENDER -> shelf[n - 1 - rng.nextInt(Math.max(1, n * 3 / 10))];
      default -> shelf[rng.nextInt(n)];
    };
  }

  private static int quantity(BehaviourGroup g, SplittableRandom rng) {
    return switch (g) {
      case FREQUENT_SMALL -> Draws.chance(rng, 0.9) ? 1 : 2;
      case BIG_SPENDER -> 1 + Draws.weighted(rng, new double[] {60, 30, 10});
      case DISCOUNT_HUNTER -> Draws.between(rng, 1, 4);
      default -> 1 + Draws.weighted(rng, new double[] {75, 20, 5});
    };
  }

  /** Share of the line's value given as discount: hunters usually get 15–40%, others sometimes. */
  private static double discountRate(BehaviourGroup g, boolean promo, SplittableRandom rng) {
    if (g == BehaviourGroup.DISCOUNT_HUNTER) {
      return Draws.chance(rng, promo ? 0.8 : 0.6) ? 0.15 + 0.25 * rng.nextDouble() : 0;
    }
    return Draws.chance(rng, promo ? 0.45 : 0.08) ? 0.05 + 0.20 * rng.nextDouble() : 0;
  }

  private static int secondOfDay(int channel, SplittableRandom rng) {
    int hour = Draws.weighted(rng, channel == CustomerBase.STORE ? STORE_HOURS : ONLINE_HOURS);
    return hour * 3_600 + rng.nextInt(3_600);
  }

  // ---- returns ----

  /**
   * Each sale line is returned with probability {@link #RETURN_RATIO}; the returned lines of a sale
   * form one return order 1 to 21 days later (none if that is past the history), in the sale's
   * channel and store, refunding part or all of the quantity and the same share of the discount.
   */
  private void scheduleReturn(Order sale) {
    List<Order.Line> back = new ArrayList<>(0);
    for (Order.Line line : sale.lines) {
      if (!Draws.chance(rng, RETURN_RATIO)) continue;
      int quantity =
          line.quantity == 1 || Draws.chance(rng, 0.7)
              ? line.quantity
              : Draws.between(rng, 1, line.quantity - 1);
      long discount = Math.round((double) line.discount * quantity / line.quantity);
      back.add(
          new Order.Line(line.product, -quantity, line.unitPrice, discount, line.unitCost, line));
    }
    if (back.isEmpty()) return;
    int day = sale.day + 1 + rng.nextInt(RETURN_WITHIN_DAYS);
    if (day >= days) return;
    if (returnsDue.get(day) == null) returnsDue.set(day, new ArrayList<>());
    returnsDue
        .get(day)
        .add(
            new Order(
                sale.customer,
                day,
                secondOfDay(sale.channel, rng),
                sale.channel,
                sale.store,
                sale,
                back.toArray(new Order.Line[0])));
  }

  /** The day's returns, without lines whose sale line was written dirty (nothing to reverse). */
  private List<Order> returnsFor(int day) {
    List<Order> due = returnsDue.set(day, null);
    if (due == null) return List.of();
    List<Order> kept = new ArrayList<>(due.size());
    for (Order r : due) {
      Order.Line[] clean =
          Arrays.stream(r.lines).filter(l -> !l.original.dirty).toArray(Order.Line[]::new);
      if (clean.length > 0) {
        kept.add(
            new Order(r.customer, r.day, r.secondOfDay, r.channel, r.store, r.original, clean));
      }
    }
    return kept;
  }

  // ---- writing a day ----

  /**
   * Sorts the day's orders by time, numbers them, writes their lines, then points redemptions, the
   * campaign's bookkeeping, feedback and returns (none for the campaign's extra sales).
   */
  private void writeDay(
      int day,
      List<Order> due,
      DirtyLines lines,
      Feedback feedback,
      Redemptions redemptions,
      Campaign campaign)
      throws IOException {
    if (due.isEmpty()) return;
    due.sort(Comparator.comparingInt(o -> o.secondOfDay)); // stable: ties keep generation order
    try (CsvWriter file =
        CsvWriter.open(
            root, SampleLayout.dayFile(calendar.dateText(day)), SampleLayout.TRANSACTIONS_HEADER)) {
      for (Order order : due) {
        order.id = Formats.id("O", ++lastOrderNumber, 9);
        for (int i = 0; i < order.lines.length; i++) {
          lines.write(file, order, i + 1, order.lines[i]);
        }
      }
    }
    dayFiles++;
    // Points first, in time order, with every line's dirty flag known.
    for (Order order : due) redemptions.afterOrder(order);
    for (Order order : due) campaign.afterOrder(order);
    for (Order order : due) {
      if (order.isReturn() || order.extra) continue;
      feedback.afterSale(order);
      scheduleReturn(order);
    }
  }
}
