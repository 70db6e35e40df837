package dev.clientele.sample;

import static dev.clientele.sample.SampleFiles.*;
import static java.util.stream.Collectors.averagingDouble;
import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.clientele.sample.SampleFiles.TxnLine;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample generator at a small size: 300 customers, 20,000 lines, two years to 2026-11-21. */
class SampleGeneratorTest {
  static final LocalDate END = LocalDate.of(2026, 11, 21);
  static final LocalDate START = END.minusDays(730);
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
  static final Set<String> KINDS =
      Set.of(
          "malformed",
          "bad_timestamp",
          "future_timestamp",
          "negative_price",
          "unknown_customer",
          "missing_customer_id",
          "exact_duplicate",
          "conflicting_duplicate");

  @TempDir static Path dir;
  static SampleSummary summary;
  static SampleFiles sample;
  static Map<String, String> groupOf;
  static Set<String> customerIds;

  static SampleConfig config(Path output, long seed) {
    return new SampleConfig(output, seed, 300, 20_000, 730, END, 0.01);
  }

  @BeforeAll
  static void generate() throws IOException {
    summary = SampleGenerator.generate(config(dir.resolve("a"), 7));
    sample = new SampleFiles(dir.resolve("a"));
    groupOf = new HashMap<>();
    for (List<String> row : sample.rows("ground_truth/customer_groups.csv")) {
      groupOf.put(row.get(0), row.get(1));
    }
    customerIds =
        sample.rows("customers/customers.csv").stream().map(r -> r.get(0)).collect(toSet());
  }

  // ---- determinism and layout ----

  @Test
  void sameSeedGivesByteIdenticalFilesAndAnotherSeedDoesNot() throws IOException {
    // A shorter history than the shared sample keeps the three runs quick; sizes do not matter
    // here.
    Map<String, byte[]> first = contents(generateSmall("same1", 7));
    Map<String, byte[]> second = contents(generateSmall("same2", 7));
    assertThat(second.keySet()).isEqualTo(first.keySet()).hasSizeGreaterThan(250);
    for (String file : first.keySet()) {
      assertThat(second.get(file)).as(file).isEqualTo(first.get(file));
    }

    Map<String, byte[]> third = contents(generateSmall("other", 8));
    for (String file :
        List.of("customers/customers.csv", "surveys/surveys.csv", "transactions/2026-06-01.csv")) {
      assertThat(third.get(file)).as(file).isNotNull().isNotEqualTo(first.get(file));
    }
  }

  private static Path generateSmall(String name, long seed) throws IOException {
    Path out = dir.resolve(name);
    SampleGenerator.generate(new SampleConfig(out, seed, 150, 6_000, 300, END, 0.01));
    return out;
  }

  @Test
  void regeneratingIntoTheSameFolderReplacesOldDayFiles() throws IOException {
    Path out = dir.resolve("replace");
    Files.createDirectories(out.resolve("transactions"));
    Files.writeString(out.resolve("transactions/2001-01-01.csv"), "stale\n");
    Files.writeString(out.resolve("transactions/notes.txt"), "kept\n");
    SampleGenerator.generate(new SampleConfig(out, 7, 50, 1_000, 300, END, 0.01));
    assertThat(out.resolve("transactions/2001-01-01.csv")).doesNotExist();
    assertThat(out.resolve("transactions/notes.txt")).exists();
  }

  @Test
  void headersAreExact() throws IOException {
    assertThat(sample.header("customers/customers.csv"))
        .isEqualTo(
            "customer_id,name,email,phone,birth_date,gender,income_band,occupation,region,"
                + "signup_date,updated_at,marketing_opt_out");
    assertThat(sample.header("contacts/contacts.csv"))
        .isEqualTo("contact_id,customer_id,channel,campaign,sent_at");
    assertThat(sample.header("ground_truth/campaign_uplift.csv"))
        .isEqualTo(
            "audience,as_of,measure_days,customers,true_repurchase_uplift,true_spend_uplift");
    assertThat(sample.header("surveys/surveys.csv"))
        .isEqualTo("survey_id,customer_id,order_id,answered_at,csat,nps");
    assertThat(sample.header("complaints/complaints.csv"))
        .isEqualTo("complaint_id,customer_id,order_id,opened_at,resolved_at,category,severity");
    assertThat(sample.header("complaints/complaints-updates.csv"))
        .isEqualTo("complaint_id,customer_id,order_id,opened_at,resolved_at,category,severity");
    assertThat(sample.header("redemptions/redemptions.csv"))
        .isEqualTo("redemption_id,customer_id,order_id,redeemed_at,points,reward");
    assertThat(sample.header("ground_truth/customer_groups.csv")).isEqualTo("customer_id,group");
    assertThat(sample.header("ground_truth/dirty_records.csv")).isEqualTo("file,line,kind");
    for (String day : sample.dayFiles) {
      assertThat(sample.header("transactions/" + day))
          .isEqualTo(
              "order_id,line_no,customer_id,ts,product_id,brand,category,quantity,unit_price,"
                  + "discount,unit_cost,channel,store_id,original_order_id");
    }
  }

  @Test
  void dayFilesAreNamedByTheDaysOfTheHistory() {
    assertThat(sample.dayFiles).allMatch(f -> f.matches("\\d{4}-\\d{2}-\\d{2}\\.csv"));
    assertThat(sample.dayFiles.get(0).substring(0, 10)).isGreaterThanOrEqualTo(START.toString());
    assertThat(sample.dayFiles.get(sample.dayFiles.size() - 1).substring(0, 10))
        .isLessThan(END.toString());
    // 20,000 lines over 730 days: every day has some.
    assertThat(sample.dayFiles).hasSize(730);
    assertThat(summary.dayFiles()).isEqualTo(730);
    assertThat(summary.files()).isEqualTo(739);
  }

  // ---- size and dirty lines ----

  @Test
  void lineCountIsWithinTwoPercentOfTheRequestedSize() {
    assertThat(summary.transactionLines()).isEqualTo(sample.lines.size());
    assertThat((double) sample.lines.size()).isCloseTo(20_000, within(400.0));
  }

  @Test
  void dirtyShareIsTheSettingToWithinOneLineAndEveryKindOccurs() {
    long total = sample.lines.size();
    assertThat(summary.dirtyLines()).isEqualTo(sample.dirty.size());
    // Every 100th line slot is dirty: floor(total × 0.01), exact up to rounding of the last slot.
    assertThat((double) sample.dirty.size()).isCloseTo(total * 0.01, within(1.0));
    assertThat(Set.copyOf(sample.dirty.values())).isEqualTo(KINDS);
  }

  @Test
  void everyDirtyRecordPointsAtALineOfItsKind() {
    Map<String, TxnLine> byKey = new HashMap<>();
    Map<String, Integer> firstSeen = new HashMap<>();
    Map<String, String> firstKey = new HashMap<>();
    for (int i = 0; i < sample.lines.size(); i++) {
      TxnLine l = sample.lines.get(i);
      byKey.put(l.key(), l);
      firstSeen.putIfAbsent(l.text(), i);
      if (l.fields().size() == 14)
        firstKey.putIfAbsent(l.get(ORDER_ID) + "/" + l.get(LINE_NO), l.text());
    }
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < sample.lines.size(); i++) position.put(sample.lines.get(i).key(), i);

    for (Map.Entry<String, String> e : sample.dirty.entrySet()) {
      TxnLine l = byKey.get(e.getKey());
      assertThat(l).as(e.getKey()).isNotNull();
      String kind = e.getValue();
      switch (kind) {
        case "malformed" -> assertThat(l.fields().size()).as(l.text()).isNotEqualTo(14);
        case "bad_timestamp" -> assertThat(parsesAsTimestamp(l.get(TS))).as(l.text()).isFalse();
        case "future_timestamp" ->
            assertThat(LocalDateTime.parse(l.get(TS), TIME).toLocalDate()).isAfterOrEqualTo(END);
        case "negative_price" -> assertThat(new BigDecimal(l.get(UNIT_PRICE))).isNegative();
        case "unknown_customer" -> {
          assertThat(l.get(CUSTOMER_ID)).matches("C\\d{7}");
          assertThat(customerIds).doesNotContain(l.get(CUSTOMER_ID));
        }
        case "missing_customer_id" -> assertThat(l.get(CUSTOMER_ID)).isEmpty();
        case "exact_duplicate" ->
            assertThat(firstSeen.get(l.text())).as(l.text()).isLessThan(position.get(l.key()));
        case "conflicting_duplicate" -> {
          String earlier = firstKey.get(l.get(ORDER_ID) + "/" + l.get(LINE_NO));
          assertThat(earlier).as(l.text()).isNotEqualTo(l.text());
          assertThat(parse(earlier).get(QUANTITY)).isNotEqualTo(l.get(QUANTITY));
        }
        default -> throw new AssertionError("unexpected kind " + kind);
      }
    }
  }

  @Test
  void cleanLinesAreWellFormedAndTheirCustomersExist() {
    Set<String> keys = new HashSet<>();
    for (TxnLine l : sample.cleanLines()) {
      assertThat(l.fields()).as(l.text()).hasSize(14);
      assertThat(l.get(ORDER_ID)).matches("O\\d{9}");
      assertThat(keys.add(l.get(ORDER_ID) + "/" + l.get(LINE_NO))).as(l.text()).isTrue();
      assertThat(customerIds).as(l.text()).contains(l.get(CUSTOMER_ID));
      LocalDateTime ts = LocalDateTime.parse(l.get(TS), TIME);
      assertThat(l.file()).isEqualTo("transactions/" + ts.toLocalDate() + ".csv");
      assertThat(l.get(PRODUCT_ID)).matches("P\\d{5}");
      assertThat(l.get(CATEGORY)).isIn((Object[]) Catalogue.CATEGORIES);
      assertThat(Integer.parseInt(l.get(QUANTITY))).isNotZero();
      assertThat(new BigDecimal(l.get(UNIT_PRICE))).isPositive();
      assertThat(new BigDecimal(l.get(DISCOUNT))).isNotNegative();
      assertThat(new BigDecimal(l.get(UNIT_COST)))
          .isPositive()
          .isLessThan(new BigDecimal(l.get(UNIT_PRICE)));
      assertThat(l.get(CHANNEL)).isIn("store", "web", "app");
      if (l.get(CHANNEL).equals("store")) assertThat(l.get(STORE_ID)).matches("S\\d{3}");
      else assertThat(l.get(STORE_ID)).isEmpty();
      boolean isReturn = Integer.parseInt(l.get(QUANTITY)) < 0;
      assertThat(l.get(ORIGINAL_ORDER_ID).isEmpty()).as(l.text()).isEqualTo(!isReturn);
    }
  }

  @Test
  void dirtyLinesOnlyBreakCustomerIdsWhereTheirKindSays() {
    for (TxnLine l : sample.lines) {
      String kind = sample.dirty.get(l.key());
      if (kind == null || kind.equals("malformed")) continue;
      if (kind.equals("unknown_customer") || kind.equals("missing_customer_id")) {
        assertThat(customerIds).doesNotContain(l.get(CUSTOMER_ID));
      } else {
        assertThat(customerIds).as(kind + ": " + l.text()).contains(l.get(CUSTOMER_ID));
      }
    }
  }

  // ---- returns ----

  @Test
  void returnsAreAboutThreePercentAndReverseAnEarlierSaleOfTheSameCustomer() {
    List<TxnLine> clean = sample.cleanLines();
    Map<String, List<TxnLine>> salesByOrder =
        clean.stream()
            .filter(l -> l.get(ORIGINAL_ORDER_ID).isEmpty())
            .collect(groupingBy(l -> l.get(ORDER_ID)));
    List<TxnLine> returns =
        clean.stream().filter(l -> !l.get(ORIGINAL_ORDER_ID).isEmpty()).toList();
    assertThat((double) returns.size() / sample.lines.size()).isBetween(0.02, 0.04);
    for (TxnLine r : returns) {
      List<TxnLine> sale = salesByOrder.get(r.get(ORIGINAL_ORDER_ID));
      assertThat(sale).as(r.text()).isNotNull();
      assertThat(sale.get(0).get(CUSTOMER_ID)).isEqualTo(r.get(CUSTOMER_ID));
      assertThat(sale.get(0).get(TS)).isLessThan(r.get(TS));
      assertThat(r.get(ORDER_ID)).isGreaterThan(sale.get(0).get(ORDER_ID));
      int returned = -Integer.parseInt(r.get(QUANTITY));
      assertThat(sale)
          .as(r.text())
          .anyMatch(
              l ->
                  l.get(PRODUCT_ID).equals(r.get(PRODUCT_ID))
                      && returned >= 1
                      && returned <= Integer.parseInt(l.get(QUANTITY))
                      && l.get(UNIT_PRICE).equals(r.get(UNIT_PRICE)));
    }
  }

  // ---- customers and their hidden groups ----

  @Test
  void everyCustomerHasOneGroupAndEveryGroupOccurs() throws IOException {
    List<List<String>> groups = sample.rows("ground_truth/customer_groups.csv");
    assertThat(groups).hasSize(300);
    assertThat(groups.get(0).get(0)).isEqualTo("C0000001");
    assertThat(groups.get(299).get(0)).isEqualTo("C0000300");
    assertThat(Set.copyOf(groupOf.values()))
        .containsExactlyInAnyOrder(
            "frequent_small",
            "big_spender",
            "discount_hunter",
            "brand_loyal",
            "lapsing",
            "occasional",
            "prospect");
    assertThat(customerIds).isEqualTo(groupOf.keySet());
  }

  @Test
  void customerRowsCarryAttributesAndSomeHaveALaterChangedRow() throws IOException {
    List<List<String>> rows = sample.rows("customers/customers.csv");
    Map<String, List<String>> first = new TreeMap<>();
    int changes = 0;
    int optOuts = 0;
    for (List<String> row : rows) {
      assertThat(row).hasSize(12);
      assertThat(row.get(6)).isIn("low", "lower_middle", "upper_middle", "high");
      assertThat(row.get(5)).isIn("F", "M", "");
      assertThat(row.get(8)).isIn((Object[]) CustomerBase.REGIONS);
      assertThat(LocalDate.parse(row.get(9))).isBefore(END);
      assertThat(LocalDateTime.parse(row.get(10), TIME).toLocalDate())
          .isAfterOrEqualTo(LocalDate.parse(row.get(9)));
      List<String> earlier = first.putIfAbsent(row.get(0), row);
      if (earlier == null) assertThat(row.get(11)).isEmpty();
      if (earlier != null) {
        assertThat(row.get(10)).isGreaterThan(earlier.get(10));
        assertThat(row.subList(0, 6)).isEqualTo(earlier.subList(0, 6));
        if (row.get(8).equals(earlier.get(8)) && row.get(6).equals(earlier.get(6))) {
          optOuts++; // only the opt-out changed (checked in optOutsAreALaterVersion...)
          assertThat(row.get(11)).isEqualTo("true");
        } else {
          changes++;
        }
      }
    }
    assertThat(first).hasSize(300);
    assertThat(rows.size()).isEqualTo(300 + changes + optOuts);
    assertThat(changes).isBetween(5, 30); // about 5% of 300
    assertThat(rows.stream().filter(r -> r.get(1).contains(","))).isNotEmpty(); // quoted names
    assertThat(rows.stream().filter(r -> r.get(2).endsWith("@example.com"))).isNotEmpty();
  }

  @Test
  void customersSignUpBeforeTheirFirstPurchase() throws IOException {
    Map<String, String> signup = new HashMap<>();
    for (List<String> row : sample.rows("customers/customers.csv"))
      signup.put(row.get(0), row.get(9));
    Map<String, String> firstPurchase = new TreeMap<>();
    for (TxnLine l : sample.cleanLines())
      firstPurchase.merge(l.get(CUSTOMER_ID), l.get(TS), (a, b) -> a.compareTo(b) <= 0 ? a : b);
    firstPurchase.forEach(
        (c, ts) -> assertThat(signup.get(c)).as(c).isLessThan(ts.substring(0, 10)));
  }

  @Test
  void prospectsNeverBuyAndEveryoneElseDoes() {
    Set<String> buyers = sample.cleanLines().stream().map(l -> l.get(CUSTOMER_ID)).collect(toSet());
    groupOf.forEach(
        (c, g) -> assertThat(buyers.contains(c)).as(c + " " + g).isEqualTo(!g.equals("prospect")));
  }

  @Test
  void bigSpendersOrdersAreWorthMoreThanThreeTimesFrequentSmallOnes() {
    Map<String, Double> meanOrderValue =
        saleOrderValues().entrySet().stream()
            .collect(
                groupingBy(
                    e -> groupOf.get(e.getKey().split("/")[0]),
                    averagingDouble(Map.Entry::getValue)));
    assertThat(meanOrderValue.get("big_spender"))
        .isGreaterThan(3 * meanOrderValue.get("frequent_small"));
  }

  @Test
  void frequentSmallCustomersOrderFarMoreOftenThanOccasionalOnes() {
    Map<String, Long> ordersPerCustomer =
        saleOrderValues().keySet().stream().collect(groupingBy(k -> k.split("/")[0], counting()));
    Map<String, Double> mean =
        ordersPerCustomer.entrySet().stream()
            .collect(groupingBy(e -> groupOf.get(e.getKey()), averagingDouble(e -> e.getValue())));
    assertThat(mean.get("frequent_small")).isGreaterThan(4 * mean.get("occasional"));
  }

  @Test
  void lapsingCustomersBuyEarlyButNotInTheLast90Days() {
    String cutoff = END.minusDays(90).toString();
    List<TxnLine> lapsing =
        sample.cleanLines().stream()
            .filter(l -> groupOf.get(l.get(CUSTOMER_ID)).equals("lapsing"))
            .toList();
    assertThat(lapsing).isNotEmpty();
    assertThat(lapsing).allMatch(l -> l.get(TS).compareTo(cutoff) < 0);
    // Everyone else is still buying in those 90 days.
    assertThat(sample.cleanLines().stream().filter(l -> l.get(TS).compareTo(cutoff) >= 0))
        .hasSizeGreaterThan(1500);
  }

  @Test
  void discountHuntersMostlyBuyDiscountedAndBrandLoyalistsStickToOneBrand() {
    Map<String, Double> discountedShare =
        sales()
            .collect(
                groupingBy(
                    l -> groupOf.get(l.get(CUSTOMER_ID)),
                    averagingDouble(l -> new BigDecimal(l.get(DISCOUNT)).signum() > 0 ? 1 : 0)));
    assertThat(discountedShare.get("discount_hunter")).isGreaterThan(0.5);
    assertThat(discountedShare.get("occasional")).isLessThan(0.25);

    Map<String, Map<String, Long>> brandsOfLoyalists =
        sales()
            .filter(l -> groupOf.get(l.get(CUSTOMER_ID)).equals("brand_loyal"))
            .collect(
                groupingBy(l -> l.get(CUSTOMER_ID), groupingBy(l -> l.get(BRAND), counting())));
    double meanTopShare =
        brandsOfLoyalists.values().stream()
            .mapToDouble(
                m ->
                    (double) m.values().stream().mapToLong(x -> x).max().orElse(0)
                        / m.values().stream().mapToLong(x -> x).sum())
            .average()
            .orElse(0);
    assertThat(meanTopShare).isGreaterThan(0.6);
  }

  @Test
  void moreIsBoughtInDecemberAndAtWeekends() {
    Map<LocalDate, Long> perDay =
        sales()
            .collect(
                groupingBy(
                    l -> LocalDate.parse(l.get(TS).substring(0, 10)), TreeMap::new, counting()));
    double december = meanPerDay(perDay, d -> d.getMonthValue() == 12);
    double spring = meanPerDay(perDay, d -> d.getMonthValue() >= 3 && d.getMonthValue() <= 9);
    assertThat(december).isGreaterThan(1.25 * spring);
    double weekend =
        meanPerDay(perDay, d -> d.getDayOfWeek().getValue() >= DayOfWeek.SATURDAY.getValue());
    double midweek =
        meanPerDay(perDay, d -> d.getDayOfWeek().getValue() <= DayOfWeek.THURSDAY.getValue());
    assertThat(weekend).isGreaterThan(1.2 * midweek);
  }

  // ---- surveys and complaints ----

  @Test
  void surveysAreAboutOnePerTenSalesAndLapsingCustomersAreLessSatisfied() throws IOException {
    List<List<String>> surveys = sample.rows("surveys/surveys.csv");
    long saleOrders = saleOrderValues().size();
    assertThat((double) surveys.size() / saleOrders).isBetween(0.08, 0.12);
    assertThat(summary.surveys()).isEqualTo(surveys.size());
    for (List<String> s : surveys) {
      assertThat(s.get(0)).matches("V\\d{8}");
      assertThat(customerIds).contains(s.get(1));
      assertThat(s.get(3).substring(0, 10)).isLessThan(END.toString());
      if (!s.get(4).isEmpty()) assertThat(Integer.parseInt(s.get(4))).isBetween(1, 5);
      if (!s.get(5).isEmpty()) assertThat(Integer.parseInt(s.get(5))).isBetween(0, 10);
    }
    Map<Boolean, Double> csat =
        surveys.stream()
            .filter(s -> !s.get(4).isEmpty())
            .collect(
                groupingBy(
                    s -> groupOf.get(s.get(1)).equals("lapsing"),
                    averagingDouble(s -> Integer.parseInt(s.get(4)))));
    assertThat(csat.get(true)).isLessThan(csat.get(false) - 0.8);
  }

  @Test
  void complaintsAreAboutOnePerFiftySalesWithCategoriesAndSomeStillOpen() throws IOException {
    List<List<String>> complaints = sample.rows("complaints/complaints.csv");
    long saleOrders = saleOrderValues().size();
    assertThat((double) complaints.size() / saleOrders).isBetween(0.01, 0.035);
    long open = 0;
    for (List<String> c : complaints) {
      assertThat(c.get(0)).matches("K\\d{7}");
      assertThat(c.get(5)).isIn("quality", "service", "price", "delivery");
      assertThat(c.get(6)).isIn("low", "medium", "high");
      assertThat(c.get(3).substring(0, 10)).isLessThan(END.toString());
      if (c.get(4).isEmpty()) open++;
      else assertThat(c.get(4)).isGreaterThan(c.get(3)).isLessThan(END.toString());
    }
    assertThat(open).isPositive();
    assertThat(complaints.stream().map(c -> c.get(5)).distinct()).hasSize(4);
  }

  @Test
  void everyThirdResolvedComplaintIsDeliveredOpenThenResolvedInTheUpdatesFile() throws IOException {
    Map<String, List<String>> first = new java.util.HashMap<>();
    long resolvedFirst = 0;
    for (List<String> c : sample.rows("complaints/complaints.csv")) {
      first.put(c.get(0), c);
      if (!c.get(4).isEmpty()) resolvedFirst++;
    }
    List<List<String>> updates = sample.rows("complaints/complaints-updates.csv");
    assertThat(updates).isNotEmpty();
    for (List<String> u : updates) {
      List<String> opened = first.get(u.get(0));
      assertThat(opened).as(u.get(0)).isNotNull();
      assertThat(opened.get(4)).as("first delivery of " + u.get(0) + " is open").isEmpty();
      assertThat(u.get(4)).isGreaterThan(u.get(3)).isLessThan(END.toString());
      // The same complaint: only resolved_at differs.
      List<String> same = new java.util.ArrayList<>(u);
      same.set(4, "");
      assertThat(same).isEqualTo(opened);
    }
    // One in three of the resolved complaints, so about half as many as resolved at first.
    long resolved = resolvedFirst + updates.size();
    assertThat(updates.size()).isEqualTo((int) (resolved / 3));
  }

  // ---- points redemptions ----

  /**
   * Redemptions are at checkout: against a sale of the same customer, seconds after it on its day,
   * in multiples of 100 points, and per customer and year never more than the points its clean sale
   * lines earned that year (one point per whole unit of net amount; points expire on 01-01).
   */
  @Test
  void redemptionsSpendPointsTheCustomerEarnedThatYearAtCheckout() throws IOException {
    List<List<String>> redemptions = sample.rows("redemptions/redemptions.csv");
    assertThat(summary.redemptions()).isEqualTo(redemptions.size()).isGreaterThan(50);
    Map<String, String> saleTimes = new HashMap<>();
    Map<String, Long> earned = new HashMap<>();
    sales()
        .forEach(
            l -> {
              saleTimes.put(l.get(CUSTOMER_ID) + "/" + l.get(ORDER_ID), l.get(TS));
              long points =
                  new BigDecimal(l.get(UNIT_PRICE))
                      .multiply(new BigDecimal(l.get(QUANTITY)))
                      .subtract(new BigDecimal(l.get(DISCOUNT)))
                      .longValue();
              earned.merge(l.get(CUSTOMER_ID) + "/" + l.get(TS).substring(0, 4), points, Long::sum);
            });
    Map<String, Long> redeemed = new HashMap<>();
    Set<String> ids = new HashSet<>();
    for (List<String> r : redemptions) {
      assertThat(ids.add(r.get(0))).as("unique id %s", r.get(0)).isTrue();
      String sale = saleTimes.get(r.get(1) + "/" + r.get(2));
      assertThat(sale).as("sale of %s", r).isNotNull();
      assertThat(r.get(3).substring(0, 10)).isEqualTo(sale.substring(0, 10));
      assertThat(r.get(3)).isGreaterThanOrEqualTo(sale);
      long points = Long.parseLong(r.get(4));
      assertThat(points).isPositive();
      assertThat(points % 100).isZero();
      assertThat(r.get(5)).isEqualTo("checkout");
      redeemed.merge(r.get(1) + "/" + r.get(3).substring(0, 4), points, Long::sum);
    }
    redeemed.forEach(
        (customerYear, points) ->
            assertThat(points).as(customerYear).isLessThanOrEqualTo(earned.get(customerYear)));
  }

  // ---- contacts, opt-outs and the generated campaign ----

  static final LocalDate CAMPAIGN = LocalDate.parse("2026-10-01");

  /**
   * A few percent opt out: a later version of the customer with marketing_opt_out = true, and every
   * version after it says so too.
   */
  @Test
  void optOutsAreALaterVersionThatHolds() throws IOException {
    Map<String, List<List<String>>> versions = new TreeMap<>();
    for (List<String> row : sample.rows("customers/customers.csv"))
      versions.computeIfAbsent(row.get(0), k -> new ArrayList<>()).add(row);
    int optedOut = 0;
    for (List<List<String>> rows : versions.values()) {
      assertThat(rows.get(0).get(11)).isEmpty();
      int from = -1;
      for (int i = 0; i < rows.size(); i++) {
        assertThat(rows.get(i).get(11)).isIn("", "true");
        if (from < 0 && rows.get(i).get(11).equals("true")) from = i;
        if (from >= 0) assertThat(rows.get(i).get(11)).isEqualTo("true");
      }
      if (from > 0) optedOut++;
    }
    assertThat(optedOut).isBetween(3, 30); // about 4% of 300
  }

  /**
   * Newsletters over the last 180 days before the end date, to customers that exist; the campaign's
   * messages on C + 1 by email; unique ids.
   */
  @Test
  void contactsAreNewslettersAndTheCampaignsMessages() throws IOException {
    List<List<String>> contacts = sample.rows("contacts/contacts.csv");
    assertThat(summary.contacts()).isEqualTo(contacts.size()).isGreaterThan(300);
    Set<String> ids = new HashSet<>();
    long campaign = 0;
    for (List<String> c : contacts) {
      assertThat(ids.add(c.get(0))).as("unique %s", c).isTrue();
      assertThat(customerIds).contains(c.get(1));
      LocalDate sent = LocalDateTime.parse(c.get(4), TIME).toLocalDate();
      if (c.get(3).equals("newsletter")) {
        assertThat(c.get(2)).isIn("email", "sms");
        assertThat(sent).isBefore(END).isAfterOrEqualTo(END.minusDays(180));
      } else {
        campaign++;
        assertThat(c.subList(2, 4)).containsExactly("email", "second-purchase-nudge");
        assertThat(sent).isEqualTo(CAMPAIGN.plusDays(1));
      }
    }
    assertThat(campaign).isEqualTo(summary.campaignCustomers());
  }

  /**
   * The campaign's messages go to exactly the customers the audiences' selection picks at C, as
   * recomputed here from the files: the rule from the clean sale lines, opt-outs from the customer
   * versions, open complaints, the newsletters in the cap window, lifetime net spend for vip-care,
   * then the holdout.
   */
  @Test
  void campaignMessagesGoToExactlyTheSelectedCustomers() throws IOException {
    int c = (int) ChronoUnit.DAYS.between(START, CAMPAIGN);
    Map<String, Set<String>> windowOrders = new HashMap<>();
    Map<String, Integer> lastSale = new HashMap<>();
    Map<String, Long> lifetime = new HashMap<>();
    for (TxnLine l : sample.cleanLines()) {
      int d = (int) ChronoUnit.DAYS.between(START, date(l.get(TS)));
      if (d > c) continue;
      String id = l.get(CUSTOMER_ID);
      long q = Long.parseLong(l.get(QUANTITY));
      long price = new BigDecimal(l.get(UNIT_PRICE)).movePointRight(2).longValueExact();
      long discount = new BigDecimal(l.get(DISCOUNT)).movePointRight(2).longValueExact();
      lifetime.merge(id, q * price + (q < 0 ? discount : -discount), Long::sum);
      if (!l.get(ORIGINAL_ORDER_ID).isEmpty()) continue;
      lastSale.merge(id, d, Math::max);
      if (d > c - 365) windowOrders.computeIfAbsent(id, k -> new HashSet<>()).add(l.get(ORDER_ID));
    }
    Map<String, Integer> optOut = new HashMap<>();
    for (List<String> row : sample.rows("customers/customers.csv")) {
      if (row.get(11).equals("true"))
        optOut.merge(
            row.get(0), (int) ChronoUnit.DAYS.between(START, date(row.get(10))), Math::min);
    }
    Map<String, List<String>> complaints = new HashMap<>();
    for (List<String> row : sample.rows("complaints/complaints.csv"))
      complaints.put(row.get(0), row);
    for (List<String> row : sample.rows("complaints/complaints-updates.csv"))
      complaints.put(row.get(0), row);
    Set<String> openComplaint = new HashSet<>();
    for (List<String> row : complaints.values()) {
      boolean opened = !date(row.get(3)).isAfter(CAMPAIGN);
      boolean unresolved = row.get(4).isEmpty() || date(row.get(4)).isAfter(CAMPAIGN);
      if (opened && unresolved) openComplaint.add(row.get(1));
    }
    Map<String, Integer> recent = new HashMap<>();
    Set<String> messaged = new TreeSet<>();
    for (List<String> row : sample.rows("contacts/contacts.csv")) {
      LocalDate sent = date(row.get(4));
      if (row.get(3).equals("second-purchase-nudge")) messaged.add(row.get(1));
      else if (!sent.isAfter(CAMPAIGN) && sent.isAfter(CAMPAIGN.minusDays(30)))
        recent.merge(row.get(1), 1, Integer::sum);
    }
    List<String> eligible = new ArrayList<>();
    for (String id : new TreeSet<>(customerIds)) {
      Campaign.Reason reason =
          Campaign.reason(
              windowOrders.getOrDefault(id, Set.of()).size(),
              lastSale.getOrDefault(id, -1),
              lifetime.getOrDefault(id, 0L),
              optOut.getOrDefault(id, CustomerBase.NEVER),
              openComplaint.contains(id),
              recent.getOrDefault(id, 0),
              c);
      if (reason == null) eligible.add(id);
    }
    Set<String> selected = new TreeSet<>(eligible);
    selected.removeAll(Campaign.holdout(eligible));
    assertThat(messaged).isEqualTo(selected).isNotEmpty();

    assertThat(sample.rows("ground_truth/campaign_uplift.csv"))
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.subList(0, 4))
                  .containsExactly(
                      "second-purchase-nudge",
                      "2026-10-01",
                      "30",
                      Integer.toString(selected.size()));
              assertThat(new BigDecimal(row.get(4)).doubleValue()).isBetween(0.0, 1.0);
              assertThat(new BigDecimal(row.get(5)).signum()).isNotNegative();
            });
  }

  private static LocalDate date(String timestamp) {
    return LocalDate.parse(timestamp.substring(0, 10));
  }

  // ---- the default size ----

  @Test
  void defaultSizeHasTheDirtyShareExactlyAndEveryDirtyKind(@TempDir Path out) throws IOException {
    SampleSummary full =
        SampleGenerator.generate(new SampleConfig(out, 42, 10_000, 500_000, 730, END, 0.01));
    assertThat((double) full.transactionLines()).isCloseTo(500_000, within(10_000.0));
    assertThat((double) full.dirtyLines()).isCloseTo(full.transactionLines() * 0.01, within(1.0));
    Set<String> kinds;
    try (Stream<String> records =
        Files.lines(out.resolve("ground_truth/dirty_records.csv")).skip(1)) {
      kinds = records.map(r -> r.substring(r.lastIndexOf(',') + 1)).collect(toSet());
    }
    assertThat(kinds).isEqualTo(KINDS);
    // The generated campaign's truth at the default size (docs/sample-data.md quotes it).
    assertThat(Files.readAllLines(out.resolve("ground_truth/campaign_uplift.csv")))
        .containsExactly(
            "audience,as_of,measure_days,customers,true_repurchase_uplift,true_spend_uplift",
            "second-purchase-nudge,2026-10-01,30,87,0.425287,99.7902");
  }

  // ---- helpers ----

  private static Stream<TxnLine> sales() {
    return sample.cleanLines().stream().filter(l -> l.get(ORIGINAL_ORDER_ID).isEmpty());
  }

  /** "customer/order" → order value (quantity × price − discount over its clean lines). */
  private static Map<String, Double> saleOrderValues() {
    Map<String, Double> values = new HashMap<>();
    sales()
        .forEach(
            l ->
                values.merge(
                    l.get(CUSTOMER_ID) + "/" + l.get(ORDER_ID),
                    Integer.parseInt(l.get(QUANTITY)) * Double.parseDouble(l.get(UNIT_PRICE))
                        - Double.parseDouble(l.get(DISCOUNT)),
                    Double::sum));
    return values;
  }

  private static double meanPerDay(Map<LocalDate, Long> perDay, Predicate<LocalDate> which) {
    return perDay.entrySet().stream()
        .filter(e -> which.test(e.getKey()))
        .mapToLong(Map.Entry::getValue)
        .average()
        .orElse(0);
  }

  private static boolean parsesAsTimestamp(String text) {
    try {
      LocalDateTime.parse(text, TIME.withResolverStyle(ResolverStyle.STRICT));
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static Map<String, byte[]> contents(Path root) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    }
    return files;
  }
}
