package dev.clientele.audience;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The list a campaign tool gets for one audience and as-of: its selected customers only (never
 * holdout or suppressed), each with customer_id and the customer_tiers columns the audience's rule
 * names, sorted by customer_id. Nothing else of the customer leaves: no attribute the rule does not
 * use, and customer_tiers holds no raw PII (ids are pseudonymous).
 */
public final class AudienceList {
  private AudienceList() {}

  /**
   * @param members audience_members rows of one as-of
   * @param tiers customer_tiers rows of the same as-of
   */
  public static Dataset<Row> selected(
      Dataset<Row> members, Dataset<Row> tiers, AudienceRules.Definition audience) {
    List<Column> columns = new ArrayList<>();
    columns.add(col(AudienceColumns.CUSTOMER_ID));
    for (String c : audience.columns()) {
      if (!c.equals(AudienceColumns.CUSTOMER_ID)) columns.add(col("`" + c + "`"));
    }
    Dataset<Row> selected =
        members
            .where(
                col(AudienceColumns.AUDIENCE)
                    .equalTo(audience.name())
                    .and(col(AudienceColumns.STATUS).equalTo(AudienceColumns.SELECTED)))
            .select(col(AudienceColumns.CUSTOMER_ID));
    return selected
        .join(tiers, AudienceColumns.CUSTOMER_ID)
        .select(columns.toArray(Column[]::new))
        .orderBy(col(AudienceColumns.CUSTOMER_ID));
  }
}
