package dev.clientele.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.config.Settings;
import org.apache.spark.sql.Column;

/**
 * The one definition of "churned", "overdue", "spend falling" and "visits falling", bound once from
 * {@code clientele.satisfaction.churn} and used by every table: customer features (reactivation),
 * lifecycle stages, churn risk and cause, and the monthly churn KPIs. Each concept is one function
 * here, so two tables can never disagree about a customer.
 *
 * @param horizonDays churned = bought at least once and {@code recency_days >= horizonDays} (no
 *     purchase day in the horizonDays days ending on the as-of date); a gap between two purchase
 *     days longer than this held a churn (the later purchase is a reactivation)
 * @param overdueFactor overdue ramp: 0 up to the own mean gap, 1 from this many times it on
 * @param singlePurchaseGapDays the gap assumed for a customer with one purchase day
 * @param spendDropBar spend falling when the relative drop of trend-window spend reaches this
 * @param visitDropBar visits falling when the relative drop of trend-window orders reaches this
 */
public record ChurnDefinition(
    int horizonDays,
    double overdueFactor,
    int singlePurchaseGapDays,
    double spendDropBar,
    double visitDropBar) {

  /** Where the definition is configured. */
  public static final String PATH = "clientele.satisfaction.churn";

  /** Binds from the {@code clientele} root. */
  public static ChurnDefinition from(Settings clientele) {
    return fromChurn(clientele.at("satisfaction.churn"));
  }

  /** Binds from {@code clientele.satisfaction.churn} itself. */
  public static ChurnDefinition fromChurn(Settings c) {
    double overdueFactor = c.doubleBetween("overdue-factor", 1.0, 1000);
    if (overdueFactor <= 1.0) {
      throw c.error(
          "overdue-factor",
          "must be greater than 1 (the ramp runs from 1 x to this many times the own gap), got "
              + overdueFactor
              + ".");
    }
    return new ChurnDefinition(
        c.intBetween("horizon-days", 31, 36_500),
        overdueFactor,
        c.intBetween("single-purchase-gap-days", 1, 36_500),
        c.doubleBetween("spend-drop-bar", 0, 1),
        c.doubleBetween("visit-drop-bar", 0, 1));
  }

  /** Churned as of the date recency is measured at; false for prospects (null recency). */
  public Column isChurned(Column recencyDays) {
    return coalesce(recencyDays.geq(horizonDays), lit(false));
  }

  /** A gap (days between two consecutive purchase days) long enough to have held a churn. */
  public Column isChurnGap(Column gapDays) {
    // Churned on some day d between purchases a and b iff d - a >= H for some d < b: b - a > H.
    return gapDays.gt(horizonDays);
  }

  /**
   * Overdue signal in [0,1]: 0 while recency is at most the own mean gap (or {@link
   * #singlePurchaseGapDays} without one), linear to 1 at {@link #overdueFactor} x that gap. Null
   * when recency is null.
   */
  public Column overdueSignal(Column recencyDays, Column meanGapDays) {
    Column recency = recencyDays.cast("double");
    Column gap = coalesce(meanGapDays.cast("double"), lit((double) singlePurchaseGapDays));
    return when(
        recencyDays.isNotNull(),
        clip01(try_divide(recency.minus(gap), gap.multiply(overdueFactor - 1.0))));
  }

  /** Overdue: the overdue signal reached 1 (recency at least factor x gap). */
  public Column isOverdue(Column recencyDays, Column meanGapDays) {
    return coalesce(overdueSignal(recencyDays, meanGapDays).geq(1.0), lit(false));
  }

  /** Relative spend drop in [0,1] from the previous to the last trend window; 0 without spend. */
  public Column spendDrop(Column previous, Column last) {
    return drop(previous, last);
  }

  /** Spend falling: there was spend before and its drop reached the bar. */
  public Column isSpendFalling(Column previous, Column last) {
    return coalesce(previous.gt(0), lit(false)).and(spendDrop(previous, last).geq(spendDropBar));
  }

  /** Relative drop of orders in [0,1] from the previous to the last trend window. */
  public Column visitDrop(Column previous, Column last) {
    return drop(previous, last);
  }

  /** Visits falling: there were orders before and their drop reached the bar. */
  public Column isVisitsFalling(Column previous, Column last) {
    return coalesce(previous.gt(0), lit(false)).and(visitDrop(previous, last).geq(visitDropBar));
  }

  /** Relative fall from {@code before} to {@code after}, in [0,1]; 0 when nothing before. */
  private static Column drop(Column before, Column after) {
    Column b = before.cast("double");
    Column a = coalesce(after.cast("double"), lit(0.0));
    return when(b.gt(0), clip01(try_divide(b.minus(a), b))).otherwise(lit(0.0));
  }

  private static Column clip01(Column x) {
    return least(greatest(coalesce(x, lit(0.0)), lit(0.0)), lit(1.0));
  }
}
