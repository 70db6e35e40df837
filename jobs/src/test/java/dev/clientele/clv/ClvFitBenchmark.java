package dev.clientele.clv;

import java.util.List;

/**
 * Prints the BG/NBD + Gamma-Gamma fit's wall time as the customer count grows (not a test): once
 * identical triples are collapsed, the fitting table saturates at the history's distinct (x, tx, T)
 * and the fit time stops growing with customers. Run with the test classpath: {@code java -cp ...
 * dev.clientele.clv.ClvFitBenchmark [max-customers] [week|day]} (default 1,280,000, week).
 */
public final class ClvFitBenchmark {
  private ClvFitBenchmark() {}

  public static void main(String[] args) {
    int max = args.length > 0 ? Integer.parseInt(args[0]) : 1_280_000;
    String period = args.length > 1 ? args[1] : ClvRules.WEEK;
    ClvRules rules = ClvFitterTest.withPeriod(period);
    System.out.printf("period %s%n", period);
    System.out.printf(
        "%10s %10s %10s %12s %10s%n", "customers", "triples", "pairs", "collapse_ms", "fit_ms");
    for (int n = 20_000; n <= max; n *= 4) {
      List<ClvSimulation.Customer> customers =
          ClvSimulation.simulate(
              ClvRecoveryTest.TRUE_BG, ClvRecoveryTest.TRUE_GG, n, 182, 546, 7L + n);
      long started = System.nanoTime();
      Triples triples = ClvSimulation.triples(customers, ClvRules.WEEK.equals(period));
      SpendPairs spend =
          ClvSimulation.spendPairs(customers, ClvRecoveryTest.RULES.spendSignificantDigits());
      long collapsed = System.nanoTime();
      ClvFit fit = ClvFitter.fit(triples, spend, rules);
      System.out.printf(
          "%10d %10d %10d %12d %10d   %s%n",
          n,
          triples.size(),
          spend.size(),
          (collapsed - started) / 1_000_000,
          fit.fitMillis(),
          fit.bgNbd());
    }
  }
}
