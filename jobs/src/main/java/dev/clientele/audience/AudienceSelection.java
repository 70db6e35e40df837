package dev.clientele.audience;

import static dev.clientele.audience.AudienceColumns.AUDIENCE;
import static dev.clientele.audience.AudienceColumns.CUSTOMER_ID;
import static dev.clientele.audience.AudienceColumns.REASON;
import static dev.clientele.audience.AudienceColumns.STATUS;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import dev.clientele.common.columns.ContactsColumns;
import dev.clientele.common.columns.CustomerSatisfactionColumns;
import dev.clientele.common.columns.CustomerSegmentsColumns;
import dev.clientele.common.columns.CustomersColumns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Who is in each audience at an as-of date: for each audience, every customer_tiers row of that
 * date passing its rule, either suppressed with the first reason that applies (opted out, excluded
 * lifecycle stage, open complaint, contact cap, too many audiences) or, among the rest (the
 * eligible), held out or selected by a keyed hash ranking. Output grain: one row per (audience,
 * customer) passing the rule, in {@link AudienceColumns#MEMBERS_SCHEMA}. Deterministic: every
 * ranking breaks ties by customer id (and audience name), so reruns and repartitioning give the
 * same rows.
 */
public final class AudienceSelection {
  private static final String PRIORITY = "_priority";
  private static final String CONTACTS = "_contacts";
  private static final String OPT_OUT = "_opt_out";
  private static final String HASH = "_hash";

  private AudienceSelection() {}

  /**
   * @param tiers gold customer_tiers rows of {@code asOf} (every column a rule may name)
   * @param optOut customer_id, marketing_opt_out as of {@code asOf} (null = not opted out)
   * @param contacts silver contacts ({@link ContactsColumns#SCHEMA}), any dates
   */
  public static Dataset<Row> select(
      Dataset<Row> tiers,
      Dataset<Row> optOut,
      Dataset<Row> contacts,
      AudienceRules rules,
      LocalDate asOf) {
    if (rules.definitions().isEmpty()) {
      return tiers.sparkSession().createDataFrame(List.of(), AudienceColumns.MEMBERS_SCHEMA);
    }
    Dataset<Row> candidates = null;
    for (AudienceRules.Definition d : rules.definitions()) {
      Dataset<Row> members =
          tiers
              .where(coalesce(expr(d.rule()), lit(false)))
              .select(
                  lit(d.name()).as(AUDIENCE),
                  lit(d.priority()).as(PRIORITY),
                  col(CUSTOMER_ID),
                  suppressedBeforeCap(d).as(REASON));
      candidates = candidates == null ? members : candidates.unionByName(members);
    }
    Dataset<Row> optedOut =
        optOut
            .where(col(CustomersColumns.MARKETING_OPT_OUT).equalTo(true))
            .select(col(CUSTOMER_ID), lit(true).as(OPT_OUT))
            .distinct();
    Dataset<Row> recent =
        contacts
            .where(
                to_date(col(ContactsColumns.SENT_AT))
                    .between(
                        Date.valueOf(asOf.minusDays(rules.windowDays() - 1L)), Date.valueOf(asOf)))
            .groupBy(col(ContactsColumns.CUSTOMER_ID).as(CUSTOMER_ID))
            .agg(count(lit(1)).as(CONTACTS));
    Column reason =
        when(col(OPT_OUT).equalTo(true), lit(AudienceColumns.OPTED_OUT))
            .otherwise(
                coalesce(
                    col(REASON),
                    when(
                        col(CONTACTS).geq(rules.maxContacts()), lit(AudienceColumns.CONTACT_CAP))));
    Dataset<Row> suppressed =
        candidates
            .join(optedOut, CUSTOMER_ID, "left")
            .join(recent, CUSTOMER_ID, "left")
            .withColumn(REASON, reason);

    // Among the customers no other reason suppresses: the audiences past the limit, by priority.
    Column audienceRank =
        row_number()
            .over(
                Window.partitionBy(col(CUSTOMER_ID), col(REASON).isNull())
                    .orderBy(col(PRIORITY), col(AUDIENCE)));
    Dataset<Row> limited =
        suppressed.withColumn(
            REASON,
            when(
                    col(REASON).isNull().and(audienceRank.gt(rules.maxAudiencesPerCustomer())),
                    lit(AudienceColumns.AUDIENCE_LIMIT))
                .otherwise(col(REASON)));

    // Holdout: the first round(share x eligible) of each audience's eligible customers by hash.
    Column eligible = col(REASON).isNull();
    WindowSpec byAudience = Window.partitionBy(col(AUDIENCE), eligible);
    Column hashRank = row_number().over(byAudience.orderBy(col(HASH), col(CUSTOMER_ID)));
    Column holdouts = round(count(lit(1)).over(byAudience).multiply(rules.holdoutShare()));
    Column status =
        when(col(REASON).isNotNull(), lit(AudienceColumns.SUPPRESSED))
            .when(hashRank.leq(holdouts), lit(AudienceColumns.HOLDOUT))
            .otherwise(lit(AudienceColumns.SELECTED));
    return limited
        .withColumn(HASH, holdoutHash(rules.holdoutSalt()))
        .withColumn(STATUS, status)
        .select(
            lit(Date.valueOf(asOf)).as(AudienceColumns.AS_OF),
            col(AUDIENCE),
            col(CUSTOMER_ID),
            col(STATUS),
            when(col(STATUS).equalTo(AudienceColumns.HOLDOUT), lit(AudienceColumns.HOLDOUT))
                .otherwise(col(REASON))
                .as(REASON));
  }

  /** sha2(salt:audience:customer_id, 256) as hex: the contract's holdout ranking key. */
  static Column holdoutHash(String salt) {
    return sha2(concat_ws(":", lit(salt), col(AUDIENCE), col(CUSTOMER_ID)), 256);
  }

  /**
   * The audience's own suppression reasons (lifecycle, complaint) for a tiers row, or null; opt-out
   * and the contact cap are applied around them in the contract's order.
   */
  private static Column suppressedBeforeCap(AudienceRules.Definition d) {
    Column stage = col(CustomerSegmentsColumns.LIFECYCLE_STAGE);
    Column reason = lit(null).cast("string");
    if (d.excludeOpenComplaint()) {
      reason =
          when(
                  col(CustomerSatisfactionColumns.OPEN_COMPLAINTS).gt(0),
                  lit(AudienceColumns.OPEN_COMPLAINT))
              .otherwise(reason);
    }
    if (!d.excludeLifecycle().isEmpty()) {
      List<Column> stages = new ArrayList<>();
      for (String s : d.excludeLifecycle()) stages.add(lit(s));
      reason =
          when(
                  coalesce(array_contains(array(stages.toArray(Column[]::new)), stage), lit(false)),
                  concat(lit(AudienceColumns.EXCLUDED_LIFECYCLE), stage))
              .otherwise(reason);
    }
    return reason;
  }
}
