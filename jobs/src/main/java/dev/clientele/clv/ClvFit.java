package dev.clientele.clv;

/**
 * The outcome of one BG/NBD + Gamma-Gamma fit: parameters with log-likelihoods and diagnostics, or
 * a skip with the reason the data could not support a fit. Stored per run in {@code clv_fits}.
 *
 * @param status {@link #FITTED} or {@link #SKIPPED}
 * @param reason why the fit was skipped; null when fitted
 * @param customers customers in the BG/NBD table
 * @param repeatCustomers customers with x &gt; 0 and positive mean repeat spend (the Gamma-Gamma
 *     sample)
 * @param triples distinct (x, tx, T) rows the BG/NBD fit ran on
 * @param spendPairs distinct (x, m̄) rows the Gamma-Gamma fit ran on
 * @param bgNbd null when skipped
 * @param bgNbdFit optimiser result for BG/NBD (log-likelihood, standard errors, convergence); null
 *     when skipped
 * @param gammaGamma null when skipped
 * @param gammaGammaFit optimiser result for Gamma-Gamma; null when skipped
 * @param fitMillis wall time of both fits on the driver
 */
public record ClvFit(
    String status,
    String reason,
    double customers,
    double repeatCustomers,
    int triples,
    int spendPairs,
    BgNbd.Params bgNbd,
    MaximumLikelihood.Result bgNbdFit,
    GammaGamma.Params gammaGamma,
    MaximumLikelihood.Result gammaGammaFit,
    long fitMillis) {

  public static final String FITTED = "fitted";
  public static final String SKIPPED = "skipped";

  public boolean fitted() {
    return FITTED.equals(status);
  }

  static ClvFit skipped(String reason, Triples t, SpendPairs s) {
    return new ClvFit(
        SKIPPED,
        reason,
        t.customers(),
        s.customers(),
        t.size(),
        s.size(),
        null,
        null,
        null,
        null,
        0);
  }
}
