package dev.clientele.sample;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The customers of the sample: writes {@code customers/customers.csv} (with a second, later row for
 * about 5% whose region or income changed, and a later row with {@code marketing_opt_out = true}
 * for about {@value #OPT_OUT_SHARE} of them) and {@code ground_truth/customer_groups.csv}, and
 * keeps in compact arrays what the purchase simulation needs per customer: group, purchase window,
 * home store, favourite brand, preferred channel and how much they buy relative to others.
 */
final class CustomerBase {
  static final String[] REGIONS = {
    "north", "south", "east", "west", "central", "northeast", "southwest", "coastal"
  };
  static final int STORES_PER_REGION = 4;
  static final String[] CHANNELS = {"store", "web", "app"};
  static final int STORE = 0;

  private static final String[] INCOME_BANDS = {"low", "lower_middle", "upper_middle", "high"};
  private static final String[] OCCUPATIONS = {
    "professional",
    "manager",
    "clerical",
    "sales",
    "service",
    "technician",
    "self_employed",
    "homemaker",
    "student",
    "retired",
    "unemployed"
  };
  private static final double[] OCCUPATION_WEIGHT = {20, 10, 12, 10, 12, 10, 8, 6, 4, 4, 4};
  private static final String[] FEMALE = {
    "Amelia", "Sofia", "Mia", "Hana", "Chloe", "Lina", "Grace", "Nora", "Yuki", "Aisha", "Elena",
    "Maya", "Clara", "Ines", "Zoe", "Mei", "Freya", "Leila", "Rosa", "Ada"
  };
  private static final String[] MALE = {
    "Liam", "Noah", "Lucas", "Kenji", "Omar", "Mateo", "Ethan", "Ravi", "Felix", "Hugo", "Leo",
    "Jonas", "Theo", "Samuel", "Arjun", "Wei", "Diego", "Oscar", "Elias", "Finn"
  };
  private static final String[] SURNAMES = {
    "Smith", "Garcia", "Chen", "Kowalski", "Nguyen", "Muller", "Rossi", "Silva", "Kim", "Patel",
    "Novak", "Okafor", "Jensen", "Dubois", "Tanaka", "Costa", "Fischer", "Haddad", "O'Brien",
        "Ivanova"
  };
  private static final String[] DOMAINS = {"example.com", "example.org", "example.net"};

  /** Share of customers who opt out of marketing at some day of the history. */
  static final double OPT_OUT_SHARE = 0.04;

  /** No opt-out: a day after every day of the history. */
  static final int NEVER = Integer.MAX_VALUE;

  /** Customers who signed up before the history may have done so up to three years earlier. */
  private static final int SIGNUP_LOOKBACK_DAYS = 3 * 365;

  final int count;
  final byte[] group;

  /** Purchase window, day indexes inclusive; empty (first > last) for prospects. */
  final int[] firstDay;

  final int[] lastDay;

  /** Expected orders relative to other customers, before scaling to the requested size. */
  final double[] intensity;

  final short[] homeStore;
  final short[] favouriteBrand;
  final byte[] channel;
  final String[] id;

  /** Signup day index (negative: before the history). */
  final int[] signupDay;

  /**
   * Day from which the customer is opted out of marketing (the day of their opt-out version), or
   * {@link #NEVER}.
   */
  final int[] optOutDay;

  /** Rows written to customers.csv: one per customer plus attribute changes. */
  long rows;

  private CustomerBase(int count) {
    this.count = count;
    this.group = new byte[count];
    this.firstDay = new int[count];
    this.lastDay = new int[count];
    this.intensity = new double[count];
    this.homeStore = new short[count];
    this.favouriteBrand = new short[count];
    this.channel = new byte[count];
    this.id = new String[count];
    this.signupDay = new int[count];
    this.optOutDay = new int[count];
  }

  /** {@code C0000001} for the first customer. */
  static String customerId(int index) {
    return Formats.id("C", index + 1L, 7);
  }

  static final int STORES = REGIONS.length * STORES_PER_REGION;
  private static final String[] STORE_IDS =
      IntStream.range(0, STORES).mapToObj(s -> Formats.id("S", s + 1L, 3)).toArray(String[]::new);

  static String storeId(int store) {
    return STORE_IDS[store];
  }

  BehaviourGroup groupOf(int customer) {
    return BehaviourGroup.of(group[customer]);
  }

  /**
   * Draws every customer, writes customers.csv and customer_groups.csv, returns the arrays.
   * Opt-outs come from their own stream {@code optOuts}, so they move nothing else.
   */
  static CustomerBase write(
      Path root,
      int customers,
      Seasonality calendar,
      Catalogue catalogue,
      SplittableRandom rng,
      SplittableRandom optOuts)
      throws IOException {
    CustomerBase base = new CustomerBase(customers);
    try (CsvWriter rows =
            CsvWriter.open(root, SampleLayout.CUSTOMERS, SampleLayout.CUSTOMERS_HEADER);
        CsvWriter groups =
            CsvWriter.open(
                root, SampleLayout.CUSTOMER_GROUPS, SampleLayout.CUSTOMER_GROUPS_HEADER)) {
      for (int i = 0; i < customers; i++) {
        base.draw(i, calendar, catalogue, rng, optOuts, rows);
        groups.row(base.id[i], base.groupOf(i).label);
      }
      base.rows = rows.lines() - 1;
    }
    return base;
  }

  private void draw(
      int i,
      Seasonality calendar,
      Catalogue catalogue,
      SplittableRandom rng,
      SplittableRandom optOuts,
      CsvWriter rows)
      throws IOException {
    BehaviourGroup g = BehaviourGroup.draw(rng.nextDouble());
    int days = calendar.days();
    id[i] = customerId(i);
    group[i] = (byte) g.ordinal();
    int region = rng.nextInt(REGIONS.length);
    homeStore[i] = (short) (region * STORES_PER_REGION + rng.nextInt(STORES_PER_REGION));
    favouriteBrand[i] = (short) rng.nextInt(catalogue.brands());
    channel[i] = (byte) Draws.weighted(rng, channelWeights(g));

    int signup = purchaseWindow(i, g, days, rng);
    intensity[i] =
        g.buys()
            ? g.ordersPerYear * Draws.factor(rng, 0.6) * (lastDay[i] - firstDay[i] + 1) / 365.0
            : 0;

    signupDay[i] = signup;
    writeRows(i, g, region, signup, calendar, rng, optOuts, rows);
  }

  /**
   * Sets the purchase window and returns the signup day (negative: before the history). The first
   * purchase is at least a day after signup; lapsing customers stop 120 to 180 days before the end.
   */
  private int purchaseWindow(int i, BehaviourGroup g, int days, SplittableRandom rng) {
    int last = days - 1;
    int signup;
    if (g == BehaviourGroup.LAPSING) {
      last = days - 1 - Draws.between(rng, 120, 180);
      signup = Draws.between(rng, -SIGNUP_LOOKBACK_DAYS, last - 90);
    } else if (g == BehaviourGroup.PROSPECT) {
      signup = Draws.between(rng, -SIGNUP_LOOKBACK_DAYS, days - 1);
    } else if (Draws.chance(rng, 0.6)) {
      signup = Draws.between(rng, -SIGNUP_LOOKBACK_DAYS, -1);
    } else {
      signup = Draws.between(rng, 0, days - 30);
    }
    firstDay[i] = g.buys() ? Math.max(0, signup + 1 + rng.nextInt(14)) : 1;
    lastDay[i] = g.buys() ? last : 0;
    return signup;
  }

  private static double[] channelWeights(BehaviourGroup g) {
    return switch (g) {
      case FREQUENT_SMALL -> new double[] {30, 20, 50};
      case BIG_SPENDER -> new double[] {60, 30, 10};
      default -> new double[] {50, 30, 20};
    };
  }

  private void writeRows(
      int i,
      BehaviourGroup g,
      int region,
      int signup,
      Seasonality calendar,
      SplittableRandom rng,
      SplittableRandom optOuts,
      CsvWriter rows)
      throws IOException {
    LocalDate signupDate = calendar.date(0).plusDays(signup);
    String gender = Draws.chance(rng, 0.03) ? "" : Draws.chance(rng, 0.56) ? "F" : "M";
    String first =
        Draws.pick(
            rng, gender.equals("F") || gender.isEmpty() && rng.nextBoolean() ? FEMALE : MALE);
    String last = Draws.pick(rng, SURNAMES);
    // A few systems export "Last, First": a quoted field.
    String name = Draws.chance(rng, 0.02) ? last + ", " + first : first + " " + last;
    String email =
        Draws.chance(rng, 0.02)
            ? ""
            : (first + "." + last).toLowerCase(Locale.ROOT).replace("'", "")
                + (rng.nextBoolean() ? Integer.toString(Draws.between(rng, 1, 999)) : "")
                + "@"
                + Draws.pick(rng, DOMAINS);
    String phone =
        Draws.chance(rng, 0.06)
            ? ""
            : "+1-555-"
                + Formats.id("", rng.nextInt(1000), 3)
                + "-"
                + Formats.id("", rng.nextInt(10000), 4);
    int age = age(g, rng);
    LocalDate birth = calendar.date(calendar.days()).minusYears(age).minusDays(rng.nextInt(365));
    String birthText = Draws.chance(rng, 0.03) ? "" : birth.toString();
    int income = Draws.weighted(rng, incomeWeights(g));
    String occupation = occupation(age, rng);
    String updated = signupDate + " " + time(rng);
    String[] initial = {
      id[i],
      name,
      email,
      phone,
      birthText,
      gender,
      INCOME_BANDS[income],
      occupation,
      REGIONS[region],
      signupDate.toString(),
      updated,
      ""
    };
    // Every version in time order: the first row, then the attribute change and the opt-out.
    List<String[]> versions = new ArrayList<>(3);
    versions.add(initial);

    // About 5% later changed region or income: a second row with a later updated_at.
    int changeFrom = Math.max(0, signup + 30);
    if (Draws.chance(rng, 0.05) && changeFrom < calendar.days()) {
      int changeDay = Draws.between(rng, changeFrom, calendar.days() - 1);
      boolean moved = Draws.chance(rng, 0.7);
      int newRegion =
          moved ? (region + 1 + rng.nextInt(REGIONS.length - 1)) % REGIONS.length : region;
      int newIncome =
          !moved || Draws.chance(rng, 0.3)
              ? (income + 1 + rng.nextInt(INCOME_BANDS.length - 1)) % INCOME_BANDS.length
              : income;
      String[] changed = initial.clone();
      changed[COL_INCOME] = INCOME_BANDS[newIncome];
      changed[COL_REGION] = REGIONS[newRegion];
      changed[COL_UPDATED] = calendar.dateText(changeDay) + " " + time(rng);
      versions.add(changed);
    }

    // A few opt out of marketing on a day after signup: a later version saying so, holding on.
    optOutDay[i] = NEVER;
    int optOutFrom = Math.max(0, signup + 1);
    if (Draws.chance(optOuts, OPT_OUT_SHARE) && optOutFrom < calendar.days()) {
      int day = Draws.between(optOuts, optOutFrom, calendar.days() - 1);
      String at = calendar.dateText(day) + " " + time(optOuts);
      String[] latest = versions.get(versions.size() - 1);
      int cmp = at.compareTo(latest[COL_UPDATED]);
      if (cmp > 0) {
        String[] out = latest.clone();
        out[COL_UPDATED] = at;
        out[COL_OPT_OUT] = "true";
        versions.add(out);
        optOutDay[i] = day;
      } else if (cmp < 0 && versions.size() == 2 && at.compareTo(initial[COL_UPDATED]) > 0) {
        // Before the attribute change: the change carries the opt-out on.
        String[] out = initial.clone();
        out[COL_UPDATED] = at;
        out[COL_OPT_OUT] = "true";
        versions.add(1, out);
        versions.get(2)[COL_OPT_OUT] = "true";
        optOutDay[i] = day;
      }
    }
    for (String[] v : versions) rows.row(v);
  }

  private static final int COL_INCOME = 6;
  private static final int COL_REGION = 8;
  private static final int COL_UPDATED = 10;
  private static final int COL_OPT_OUT = 11;

  private static int age(BehaviourGroup g, SplittableRandom rng) {
    return switch (g) {
      case BIG_SPENDER -> Draws.between(rng, 32, 70);
      case FREQUENT_SMALL -> Draws.between(rng, 19, 55);
      case DISCOUNT_HUNTER -> Draws.between(rng, 19, 65);
      default -> Draws.between(rng, 18, 82);
    };
  }

  private static double[] incomeWeights(BehaviourGroup g) {
    return switch (g) {
      case BIG_SPENDER -> new double[] {3, 12, 35, 50};
      case DISCOUNT_HUNTER -> new double[] {40, 38, 17, 5};
      default -> new double[] {25, 35, 28, 12};
    };
  }

  private static String occupation(int age, SplittableRandom rng) {
    if (age >= 66 && Draws.chance(rng, 0.7)) return "retired";
    if (age <= 23 && Draws.chance(rng, 0.6)) return "student";
    if (Draws.chance(rng, 0.05)) return "";
    return OCCUPATIONS[Draws.weighted(rng, OCCUPATION_WEIGHT)];
  }

  private static String time(SplittableRandom rng) {
    StringBuilder out = new StringBuilder(8);
    Formats.appendTime(out, rng.nextInt(86_400));
    return out.toString();
  }
}
