package dev.clientele.sample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Brands, categories and products generated from the seed. Each brand sells in two or three
 * categories at its own price level; a product has a list price and a unit cost. Products of a
 * category are kept sorted by price so customers can shop cheap or premium.
 */
final class Catalogue {
  static final String[] CATEGORIES = {
    "skincare", "makeup", "fragrance", "haircare", "bodycare", "mens_grooming",
    "apparel", "accessories", "home", "electronics", "grocery", "baby"
  };
  // Typical list price of each category, in currency units.
  private static final double[] CATEGORY_PRICE = {35, 22, 70, 15, 12, 18, 45, 30, 40, 120, 6, 20};
  // How often a shopper picks each category.
  static final double[] CATEGORY_WEIGHT = {14, 12, 5, 9, 9, 5, 10, 6, 7, 3, 14, 6};

  private static final int BRANDS = 48;
  private static final int PRODUCTS_PER_BRAND = 20;
  private static final String[] SYLLABLES = {
    "lu", "ma", "ra", "ve", "no", "si", "ka", "to", "el", "ia", "or", "en", "ba", "da", "fi", "xo",
    "qui", "zen", "mel", "sol", "ari", "vo", "bel", "cor", "na", "ly", "tha", "rin"
  };
  private static final String[] FOUNDERS = {
    "Hart", "Moreau", "Okafor", "Lindqvist", "Castillo", "Brennan", "Tanaka", "Weiss"
  };

  final String[] brandCsv;
  final int[] productCategory;
  final int[] productBrand;
  final long[] priceCents;
  final long[] costCents;
  final String[] productId;

  /** Product indexes of each category, cheapest first. */
  final int[][] byCategory;

  /** Product indexes of each brand. */
  final int[][] byBrand;

  private Catalogue(
      String[] brandNames, int[] productCategory, int[] productBrand, long[] price, long[] cost) {
    this.brandCsv = Arrays.stream(brandNames).map(CsvWriter::quote).toArray(String[]::new);
    this.productCategory = productCategory;
    this.productBrand = productBrand;
    this.priceCents = price;
    this.costCents = cost;
    int products = productBrand.length;
    this.productId = new String[products];
    for (int p = 0; p < products; p++) productId[p] = Formats.id("P", p + 1, 5);
    this.byCategory = new int[CATEGORIES.length][];
    for (int c = 0; c < CATEGORIES.length; c++) {
      int category = c;
      byCategory[c] =
          IntStream.range(0, products)
              .filter(p -> productCategory[p] == category)
              .boxed()
              .sorted((a, b) -> price[a] != price[b] ? Long.compare(price[a], price[b]) : a - b)
              .mapToInt(Integer::intValue)
              .toArray();
    }
    this.byBrand = new int[brandNames.length][];
    for (int b = 0; b < brandNames.length; b++) {
      int brand = b;
      byBrand[b] = IntStream.range(0, products).filter(p -> productBrand[p] == brand).toArray();
    }
  }

  static Catalogue generate(SplittableRandom rng) {
    String[] brands = brandNames(rng);
    int products = BRANDS * PRODUCTS_PER_BRAND;
    int[] category = new int[products];
    int[] brand = new int[products];
    long[] price = new long[products];
    long[] cost = new long[products];
    for (int b = 0; b < BRANDS; b++) {
      int[] categories = brandCategories(b, rng);
      double level = Draws.factor(rng, 0.45);
      for (int i = 0; i < PRODUCTS_PER_BRAND; i++) {
        int p = b * PRODUCTS_PER_BRAND + i;
        brand[p] = b;
        category[p] = categories[rng.nextInt(categories.length)];
        double list = CATEGORY_PRICE[category[p]] * level * Draws.factor(rng, 0.35);
        price[p] = shelfPrice(list, rng);
        cost[p] = Math.round(price[p] * (0.30 + 0.40 * rng.nextDouble()));
      }
    }
    return new Catalogue(brands, category, brand, price, cost);
  }

  /** Every category is some brand's first category, so no category is empty. */
  private static int[] brandCategories(int brand, SplittableRandom rng) {
    int count = Draws.between(rng, 2, 3);
    List<Integer> chosen = new ArrayList<>();
    chosen.add(brand % CATEGORIES.length);
    while (chosen.size() < count) {
      int c = Draws.weighted(rng, CATEGORY_WEIGHT);
      if (!chosen.contains(c)) chosen.add(c);
    }
    return chosen.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Prices end in .99 (most), .49 or .00, and are at least 0.99. */
  private static long shelfPrice(double list, SplittableRandom rng) {
    long whole = Math.max(0, (long) Math.floor(list));
    int ending = Draws.weighted(rng, new double[] {7, 2, 1});
    return switch (ending) {
      case 0 -> whole * 100 + 99;
      case 1 -> whole * 100 + 49;
      default -> Math.max(1, whole) * 100;
    };
  }

  private static String[] brandNames(SplittableRandom rng) {
    Set<String> taken = new HashSet<>(); // membership only: names keep their drawn order
    String[] names = new String[BRANDS];
    for (int b = 0; b < BRANDS; b++) {
      String name;
      do {
        name = brandName(rng);
      } while (!taken.add(name));
      names[b] = name;
    }
    return names;
  }

  private static String brandName(SplittableRandom rng) {
    String stem = capitalise(Draws.pick(rng, SYLLABLES) + Draws.pick(rng, SYLLABLES));
    int pattern = Draws.weighted(rng, new double[] {70, 8, 8, 7, 7});
    return switch (pattern) {
      case 0 -> stem;
      case 1 -> "Maison " + stem;
      case 2 -> stem + " Lab";
      case 3 -> stem + " & Co";
      // A comma in a brand makes the field quoted, as real exports do.
      default -> Draws.pick(rng, FOUNDERS) + ", " + Draws.pick(rng, FOUNDERS) + " & Sons";
    };
  }

  private static String capitalise(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  int products() {
    return productBrand.length;
  }

  int brands() {
    return byBrand.length;
  }
}
