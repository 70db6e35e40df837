package dev.clientele.clv;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * Customers simulated on the driver from known BG/NBD (time unit: days) and Gamma-Gamma parameters,
 * recorded at day grain the way the features job would: purchase days merge, tx and T are whole
 * days, m̄ is the mean of the repeat purchase days' spend.
 */
public final class ClvSimulation {
  /** One simulated customer. */
  record Customer(int x, int txDays, int tDays, double meanSpend, int purchaseWeeks) {}

  /**
   * One simulated customer's purchases: day offsets (from day 0 of the simulation, ascending, the
   * first one the first purchase; several may fall on one day) and the spend of each.
   */
  public record History(int[] days, double[] spends) {}

  private ClvSimulation() {}

  /**
   * @param minTDays shortest observation, in days (first purchases spread uniformly between the
   *     two)
   */
  static List<Customer> simulate(
      BgNbd.Params bg, GammaGamma.Params gg, int customers, int minTDays, int maxTDays, long seed) {
    RandomGenerator rng = new Well19937c(seed);
    GammaDistribution rates = new GammaDistribution(rng, bg.r(), 1 / bg.alpha());
    BetaDistribution dropouts = new BetaDistribution(rng, bg.a(), bg.b());
    GammaDistribution spendScales = new GammaDistribution(rng, gg.q(), 1 / gg.gamma());
    List<Customer> out = new ArrayList<>(customers);
    for (int i = 0; i < customers; i++) {
      int tDays = minTDays + rng.nextInt(maxTDays - minTDays + 1);
      double lambda = rates.sample();
      double p = dropouts.sample();
      TreeSet<Integer> days = new TreeSet<>();
      days.add(0);
      double time = 0;
      while (true) {
        time += -Math.log(1 - rng.nextDouble()) / lambda;
        if (time >= tDays + 1) break; // purchases on the as-of day itself still count
        days.add((int) Math.floor(time));
        if (rng.nextDouble() < p) break; // drops out after a repeat purchase
      }
      int x = days.size() - 1;
      double mean = Double.NaN;
      if (x > 0) {
        double nu = spendScales.sample();
        double sum = 0;
        for (int j = 0; j < x; j++) sum += gammaSample(rng, gg.p(), 1 / nu);
        mean = sum / x;
      }
      int weeks = (int) days.stream().map(d -> d / 7).distinct().count();
      out.add(new Customer(x, days.last(), tDays, mean, weeks));
    }
    return out;
  }

  /**
   * Purchase histories from the same BG/NBD (days) and Gamma-Gamma process, for a backtest: first
   * purchases uniform over days 0 … {@code lastFirstDay}, purchases (not merged by day) up to day
   * {@code endDay} inclusive. Every purchase, the first included, spends a Gamma(p, ν) amount with
   * the customer's ν ~ Gamma(q, γ), at least 0.01.
   */
  public static List<History> histories(
      BgNbd.Params bg,
      GammaGamma.Params gg,
      int customers,
      int lastFirstDay,
      int endDay,
      long seed) {
    RandomGenerator rng = new Well19937c(seed);
    GammaDistribution rates = new GammaDistribution(rng, bg.r(), 1 / bg.alpha());
    BetaDistribution dropouts = new BetaDistribution(rng, bg.a(), bg.b());
    GammaDistribution spendScales = new GammaDistribution(rng, gg.q(), 1 / gg.gamma());
    List<History> out = new ArrayList<>(customers);
    for (int i = 0; i < customers; i++) {
      int first = rng.nextInt(lastFirstDay + 1);
      double lambda = rates.sample();
      double p = dropouts.sample();
      double nu = spendScales.sample();
      List<Integer> days = new ArrayList<>(List.of(first));
      double time = first;
      while (true) {
        time += -Math.log(1 - rng.nextDouble()) / lambda;
        if (time >= endDay + 1) break;
        days.add((int) Math.floor(time));
        if (rng.nextDouble() < p) break;
      }
      double[] spends = new double[days.size()];
      for (int j = 0; j < spends.length; j++) {
        spends[j] = Math.max(0.01, gammaSample(rng, gg.p(), 1 / nu));
      }
      out.add(new History(days.stream().mapToInt(Integer::intValue).toArray(), spends));
    }
    return out;
  }

  /**
   * Marsaglia–Tsang via a fresh distribution would be slow per call; commons' sampler with a scale.
   */
  private static double gammaSample(RandomGenerator rng, double shape, double scale) {
    return new GammaDistribution(rng, shape, scale, 1e-9).sample();
  }

  /** Identical (x, tx, T) collapsed with counts, in days. */
  static Triples triples(List<Customer> customers) {
    return triples(customers, false);
  }

  /**
   * Identical (x, tx, T) collapsed with counts, in whole days or whole weeks from the first
   * purchase.
   */
  static Triples triples(List<Customer> customers, boolean weeks) {
    Map<List<Integer>, Integer> counts = new LinkedHashMap<>();
    for (Customer c : customers) {
      List<Integer> key =
          weeks
              ? List.of(c.purchaseWeeks() - 1, c.txDays() / 7, c.tDays() / 7)
              : List.of(c.x(), c.txDays(), c.tDays());
      counts.merge(key, 1, Integer::sum);
    }
    int n = counts.size(), i = 0;
    double[] x = new double[n], tx = new double[n], t = new double[n], w = new double[n];
    for (Map.Entry<List<Integer>, Integer> e : counts.entrySet()) {
      x[i] = e.getKey().get(0);
      tx[i] = e.getKey().get(1);
      t[i] = e.getKey().get(2);
      w[i++] = e.getValue();
    }
    return new Triples(x, tx, t, w);
  }

  /** Repeat customers' (x, m̄) with m̄ rounded to {@code digits} significant digits, collapsed. */
  static SpendPairs spendPairs(List<Customer> customers, int digits) {
    Map<List<Double>, Integer> counts = new LinkedHashMap<>();
    MathContext mc = new MathContext(digits);
    for (Customer c : customers) {
      if (c.x() > 0 && c.meanSpend() > 0) {
        double rounded = new BigDecimal(c.meanSpend()).round(mc).doubleValue();
        counts.merge(List.of((double) c.x(), rounded), 1, Integer::sum);
      }
    }
    int n = counts.size(), i = 0;
    double[] x = new double[n], m = new double[n], w = new double[n];
    for (Map.Entry<List<Double>, Integer> e : counts.entrySet()) {
      x[i] = e.getKey().get(0);
      m[i] = e.getKey().get(1);
      w[i++] = e.getValue();
    }
    return new SpendPairs(x, m, w);
  }
}
