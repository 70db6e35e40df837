package dev.clientele.sample;

import java.io.Closeable;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The contacts feed and one generated campaign with a known effect (docs/sample-data.md).
 *
 * <p>Newsletters: about half the customers subscribe, each at their own rate of 0.5 to 3 messages
 * per 30 days, over the last {@value #NEWSLETTER_DAYS} days of the history, so the audiences'
 * contact cap ({@value #MAX_CONTACTS} in {@value #WINDOW_DAYS} days) binds for some customers.
 *
 * <p>The campaign: audience {@value #AUDIENCE} at the campaign day C (the first day of the month
 * containing end-date - 30 days). At the end of day C it emulates the audiences' selection
 * (docs/audiences.md, the defaults of {@code clientele.audiences}) on what it wrote: the rule (one
 * distinct purchase order in the 365 days ending on C, the last one 30 to 90 days before C),
 * opted_out, open_complaint, contact_cap, and audience_limit against vip-care (lifetime net spend
 * of gold or more); the eligible customers are ranked by the holdout hash and the first {@value
 * #HOLDOUT_SHARE} of them held out. Each selected customer gets a message on C + 1 and, with
 * probability {@value #TREATMENT_CHANCE}, an extra sale on a day of (C, C + {@value
 * #MEASURE_DAYS}]. The truth is exact: per selected customer the effect on "bought in the window"
 * is 1 when the extra sale kept a clean line and no other sale did, and the effect on net spend is
 * the extra sale's clean net amount (it is never returned).
 */
final class Campaign implements Closeable {
  static final String AUDIENCE = "second-purchase-nudge";
  static final String CHANNEL = "email";
  static final String NEWSLETTER = "newsletter";

  // The defaults of clientele.audiences (docs/audiences.md), which the emulation must match.
  static final String HOLDOUT_SALT = "clientele-holdout-v1";
  static final double HOLDOUT_SHARE = 0.10;
  static final int MAX_CONTACTS = 3;
  static final int WINDOW_DAYS = 30;
  static final int MEASURE_DAYS = 30;

  /** The nudge's rule: order_count = 1 in the features window, recency 30 to 90 days. */
  static final int ORDER_WINDOW_DAYS = 365;

  static final int MIN_RECENCY = 30;
  static final int MAX_RECENCY = 90;

  /** vip-care (priority 2) wins over the nudge (3): membership gold and up, in cents. */
  static final long VIP_LIFETIME_CENTS = 500_000;

  static final double TREATMENT_CHANCE = 0.6;
  static final int NEWSLETTER_DAYS = 180;
  private static final double SUBSCRIBE = 0.5;
  private static final int DAY = 86_400;

  /** Why a customer is not eligible at C (the audiences' reason codes), or null. */
  enum Reason {
    RULE,
    OPTED_OUT,
    OPEN_COMPLAINT,
    CONTACT_CAP,
    AUDIENCE_LIMIT
  }

  private final Seasonality calendar;
  private final CustomerBase customers;
  private final SplittableRandom rng;
  private final CsvWriter contacts;
  private final Path root;
  final int day;
  private final LocalDate date;

  // Per customer, as of the end of day C.
  private final int[] windowOrders;
  private final int[] lastSale;
  private final long[] lifetimeNet;
  private final int[] recentContacts;
  // Per selected customer, over (C, C + MEASURE_DAYS].
  private final boolean[] selected;
  private final boolean[] boughtAnyway;
  private final boolean[] extraBought;
  private final long[] extraNet;
  private final List<List<Order>> extraDue;
  private int selectedCount;

  Campaign(
      Path root,
      Seasonality calendar,
      CustomerBase customers,
      LocalDate endDate,
      SplittableRandom newsletterDraws,
      SplittableRandom rng)
      throws IOException {
    this.root = root;
    this.calendar = calendar;
    this.customers = customers;
    this.rng = rng;
    this.date = campaignDate(endDate);
    this.day = (int) ChronoUnit.DAYS.between(calendar.date(0), date);
    int n = customers.count;
    this.windowOrders = new int[n];
    this.lastSale = new int[n];
    Arrays.fill(lastSale, -1);
    this.lifetimeNet = new long[n];
    this.recentContacts = new int[n];
    this.selected = new boolean[n];
    this.boughtAnyway = new boolean[n];
    this.extraBought = new boolean[n];
    this.extraNet = new long[n];
    this.extraDue = new ArrayList<>();
    for (int d = 0; d <= MEASURE_DAYS; d++) extraDue.add(new ArrayList<>());
    this.contacts = CsvWriter.open(root, SampleLayout.CONTACTS, SampleLayout.CONTACTS_HEADER);
    writeNewsletters(newsletterDraws);
  }

  /** C: the first day of the month that contains {@code endDate - 30} days. */
  static LocalDate campaignDate(LocalDate endDate) {
    return endDate.minusDays(MEASURE_DAYS).withDayOfMonth(1);
  }

  private void writeNewsletters(SplittableRandom draws) throws IOException {
    int days = calendar.days();
    int from = Math.max(0, days - NEWSLETTER_DAYS);
    for (int c = 0; c < customers.count; c++) {
      if (!Draws.chance(draws, SUBSCRIBE)) continue;
      double perDay = (0.5 + 2.5 * draws.nextDouble()) / 30.0;
      double t = Math.max(from, customers.signupDay[c] + 1);
      while (true) {
        t += -StrictMath.log(1.0 - draws.nextDouble()) / perDay;
        int d = (int) t;
        if (d >= days) break;
        String channel = Draws.chance(draws, 0.85) ? "email" : "sms";
        send(c, d, 8 * 3_600 + draws.nextInt(4 * 3_600), channel, NEWSLETTER);
        if (d <= day && d > day - WINDOW_DAYS) recentContacts[c]++;
      }
    }
  }

  private void send(int c, int d, int second, String channel, String campaign) throws IOException {
    StringBuilder at = new StringBuilder(19).append(calendar.dateText(d)).append(' ');
    Formats.appendTime(at, second);
    contacts.row(
        Formats.id("M", contacts.lines(), 8), customers.id[c], channel, campaign, at.toString());
  }

  /** The extra sales due on day d (empty outside the measure window). */
  List<Order> extraSalesOn(int d) {
    int i = d - day;
    return i >= 1 && i <= MEASURE_DAYS ? extraDue.get(i) : List.of();
  }

  /** Books a written order: the state at C up to day C, the outcomes after it. */
  void afterOrder(Order order) {
    int c = order.customer;
    long net = 0;
    boolean clean = false;
    for (Order.Line l : order.lines) {
      if (l.dirty) continue;
      clean = true;
      net += l.quantity * l.unitPrice + (l.quantity < 0 ? l.discount : -l.discount);
    }
    if (order.day <= day) {
      lifetimeNet[c] += net;
      if (clean && !order.isReturn()) {
        if (order.day > day - ORDER_WINDOW_DAYS) windowOrders[c]++;
        lastSale[c] = order.day;
      }
    } else if (order.day <= day + MEASURE_DAYS && selected[c]) {
      if (order.extra) {
        extraBought[c] = clean;
        extraNet[c] = net;
      } else if (clean && !order.isReturn()) {
        boughtAnyway[c] = true;
      }
    }
  }

  /**
   * Why customer c is not in the audience at day C, or null when eligible: the audiences' reasons
   * in their order.
   */
  static Reason reason(
      int windowOrders,
      int lastSale,
      long lifetimeNetCents,
      int optOutDay,
      boolean openComplaint,
      int recentContacts,
      int day) {
    int recency = lastSale < 0 ? -1 : day - lastSale;
    if (windowOrders != 1 || recency < MIN_RECENCY || recency > MAX_RECENCY) return Reason.RULE;
    if (optOutDay <= day) return Reason.OPTED_OUT;
    if (openComplaint) return Reason.OPEN_COMPLAINT;
    if (recentContacts >= MAX_CONTACTS) return Reason.CONTACT_CAP;
    if (lifetimeNetCents >= VIP_LIFETIME_CENTS) return Reason.AUDIENCE_LIMIT;
    return null;
  }

  /** h = hex SHA-256 of salt:audience:customer_id, as docs/audiences.md defines it. */
  static String holdoutHash(String customerId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  (HOLDOUT_SALT + ":" + AUDIENCE + ":" + customerId)
                      .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The held-out ids of the eligible ones: the first round(share × n) by hash, ties by id. */
  static List<String> holdout(List<String> eligible) {
    long n = Math.round(HOLDOUT_SHARE * eligible.size());
    return eligible.stream()
        .sorted(Comparator.comparing(Campaign::holdoutHash).thenComparing(id -> id))
        .limit(n)
        .toList();
  }

  /**
   * At the end of day C: selects the audience, writes a message on C + 1 to each selected customer
   * and plans the extra sales, each made by {@code sale}.
   */
  void select(Feedback feedback, SaleMaker sale) throws IOException {
    List<Integer> eligible = new ArrayList<>();
    for (int c = 0; c < customers.count; c++) {
      Reason r =
          reason(
              windowOrders[c],
              lastSale[c],
              lifetimeNet[c],
              customers.optOutDay[c],
              feedback.openOnWatchDay(c),
              recentContacts[c],
              day);
      if (r == null) eligible.add(c);
    }
    Set<String> held = new HashSet<>(holdout(eligible.stream().map(c -> customers.id[c]).toList()));
    int lastDay = Math.min(day + MEASURE_DAYS, calendar.days() - 1);
    for (int c : eligible) {
      if (held.contains(customers.id[c])) continue;
      selected[c] = true;
      selectedCount++;
      send(c, day + 1, 9 * 3_600 + rng.nextInt(3_600), CHANNEL, AUDIENCE);
      if (!Draws.chance(rng, TREATMENT_CHANCE) || lastDay <= day) continue;
      int d = Draws.between(rng, day + 1, lastDay);
      Order extra = sale.make(c, d, rng);
      extra.extra = true;
      extraDue.get(d - day).add(extra);
    }
  }

  /** Builds a sale of customer c on day d from the given stream. */
  interface SaleMaker {
    Order make(int customer, int day, SplittableRandom rng);
  }

  long contacts() {
    return contacts.lines() - 1;
  }

  int selected() {
    return selectedCount;
  }

  /** Writes the ground truth: the mean effect over the selected customers. */
  private void writeTruth() throws IOException {
    long repurchase = 0;
    long spend = 0;
    for (int c = 0; c < customers.count; c++) {
      if (!selected[c]) continue;
      if (extraBought[c] && !boughtAnyway[c]) repurchase++;
      spend += extraNet[c];
    }
    try (CsvWriter truth =
        CsvWriter.open(root, SampleLayout.CAMPAIGN_UPLIFT, SampleLayout.CAMPAIGN_UPLIFT_HEADER)) {
      boolean none = selectedCount == 0;
      truth.row(
          AUDIENCE,
          date.toString(),
          Integer.toString(MEASURE_DAYS),
          Integer.toString(selectedCount),
          none
              ? ""
              : BigDecimal.valueOf(repurchase)
                  .divide(BigDecimal.valueOf(selectedCount), 6, RoundingMode.HALF_UP)
                  .toPlainString(),
          none
              ? ""
              : BigDecimal.valueOf(spend)
                  .divide(BigDecimal.valueOf(100L * selectedCount), 4, RoundingMode.HALF_UP)
                  .toPlainString());
    }
  }

  @Override
  public void close() throws IOException {
    try (contacts) {
      writeTruth();
    }
  }
}
