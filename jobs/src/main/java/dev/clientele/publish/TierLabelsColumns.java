package dev.clientele.publish;

/**
 * Long format of published labels: one row per {@code as_of}, customer and dimension. The shape
 * that history and transitions are computed from, whatever labels {@code customer_tiers} carries.
 */
public final class TierLabelsColumns {
  private TierLabelsColumns() {}

  public static final String AS_OF = "as_of";
  public static final String CUSTOMER_ID = "customer_id";

  /** The label column's name in customer_tiers, e.g. value_tier. */
  public static final String DIMENSION = "dimension";

  public static final String LABEL = "label";
  public static final String REASON = "reason";
}
