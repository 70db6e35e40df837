package dev.clientele.audience;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.clientele.common.columns.ContactsColumns;
import dev.clientele.common.columns.CustomerDaysColumns;
import dev.clientele.common.columns.CustomersColumns;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.table.DeltaIO;
import dev.clientele.common.table.GoldDocs;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import dev.clientele.features.CustomerAttributes;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The thin I/O around {@link AudienceSelection} and {@link AudienceResults} for one publish: reads
 * the opt-outs as of the date, the contacts and the customer-day statistics, and writes gold {@code
 * audience_members} (the publish's as-of snapshot) and {@code audience_results} (every as-of old
 * enough to measure). Called by the publish job between its gold commits, before the marker.
 */
public final class AudiencePublisher {
  private final SparkSession spark;
  private final TableCatalog tables;
  private final AudienceRules rules;
  private final LocalDate asOf;

  public AudiencePublisher(
      SparkSession spark, TableCatalog tables, AudienceRules rules, LocalDate asOf) {
    this.spark = spark;
    this.tables = tables;
    this.rules = rules;
    this.asOf = asOf;
  }

  /**
   * Fails (before anything is written) when a rule does not analyse against the tiers frame or is
   * not boolean, naming the audience: the config check knows column names, not their types.
   */
  public static void check(Dataset<Row> tiers, AudienceRules rules) {
    for (AudienceRules.Definition d : rules.definitions()) {
      org.apache.spark.sql.types.DataType type;
      try {
        type = tiers.select(expr(d.rule())).schema().fields()[0].dataType();
      } catch (Exception e) { // AnalysisException, undeclared by Scala
        throw new JobFailure(
            "audience '"
                + d.name()
                + "' (clientele.audiences.definitions): its rule '"
                + d.rule()
                + "' does not apply to customer_tiers: "
                + e.getMessage(),
            e);
      }
      if (!type.equals(DataTypes.BooleanType)) {
        throw new JobFailure(
            "audience '"
                + d.name()
                + "' (clientele.audiences.definitions): its rule '"
                + d.rule()
                + "' is "
                + type.simpleString()
                + ", not a boolean condition.");
      }
    }
  }

  /** Replaces the as-of snapshot of audience_members from the published customer_tiers rows. */
  public void publishMembers(Dataset<Row> tiers) {
    Dataset<Row> optOut =
        CustomerAttributes.asOf(
                DeltaIO.readOrEmpty(spark, tables.path(Table.CUSTOMERS), CustomersColumns.SCHEMA),
                DeltaIO.readOrEmpty(
                    spark, tables.path(Table.CUSTOMER_HISTORY), CustomersColumns.HISTORY_SCHEMA),
                asOf)
            .select(col(CustomersColumns.CUSTOMER_ID), col(CustomersColumns.MARKETING_OPT_OUT));
    Dataset<Row> contacts =
        DeltaIO.readOrEmpty(spark, tables.path(Table.CONTACTS), ContactsColumns.SCHEMA);
    Dataset<Row> members = AudienceSelection.select(tiers, optOut, contacts, rules, asOf);
    DeltaIO.replaceSnapshot(
        GoldDocs.withComments(members, Table.AUDIENCE_MEMBERS),
        tables.path(Table.AUDIENCE_MEMBERS),
        asOf);
  }

  /**
   * Measures every as-of in audience_members that is at least measure-days before this publish's
   * date and that no earlier publish measured: a result, once measured, is kept as it was (a closed
   * window does not change when a later date is published, and the cost of a publish does not grow
   * with the history); a rerun of the same date measures its own rows again. Creates the (empty)
   * table when there is none yet.
   */
  public void publishResults() {
    String membersPath = tables.path(Table.AUDIENCE_MEMBERS);
    String resultsPath = tables.path(Table.AUDIENCE_RESULTS);
    List<LocalDate> asOfs =
        DeltaIO.exists(spark, membersPath)
            ? DeltaIO.read(spark, membersPath)
                .select(AudienceColumns.AS_OF)
                .distinct()
                .collectAsList()
                .stream()
                .map(r -> r.getDate(0).toLocalDate())
                .toList()
            : List.of();
    java.util.Set<LocalDate> measuredBefore =
        DeltaIO.exists(spark, resultsPath)
            ? DeltaIO.read(spark, resultsPath)
                .where(col(AudienceColumns.MEASURED_AS_OF).lt(lit(Date.valueOf(asOf))))
                .select(AudienceColumns.AS_OF)
                .distinct()
                .collectAsList()
                .stream()
                .map(r -> r.getDate(0).toLocalDate())
                .collect(Collectors.toSet())
            : java.util.Set.of();
    List<LocalDate> measured =
        AudienceResults.measurable(asOfs, rules.measureDays(), asOf).stream()
            .filter(a -> !measuredBefore.contains(a))
            .toList();
    if (measured.isEmpty()) {
      if (!DeltaIO.exists(spark, resultsPath)) {
        DeltaIO.overwrite(
            GoldDocs.withComments(
                spark.createDataFrame(List.of(), AudienceColumns.RESULTS_SCHEMA),
                Table.AUDIENCE_RESULTS),
            resultsPath,
            AudienceColumns.AS_OF);
      }
      return;
    }
    LocalDate first = measured.get(0).plusDays(1);
    LocalDate last = measured.get(measured.size() - 1).plusDays(rules.measureDays());
    Dataset<Row> days =
        DeltaIO.readOrEmpty(spark, tables.path(Table.CUSTOMER_DAYS), CustomerDaysColumns.SCHEMA)
            .where(
                col(CustomerDaysColumns.MONTH)
                    .between(
                        Date.valueOf(first.withDayOfMonth(1)), Date.valueOf(last.withDayOfMonth(1)))
                    .and(
                        col(CustomerDaysColumns.TXN_DATE)
                            .between(Date.valueOf(first), Date.valueOf(last))));
    Dataset<Row> members =
        DeltaIO.read(spark, membersPath)
            .where(col(AudienceColumns.AS_OF).isin(measured.stream().map(Date::valueOf).toArray()));
    List<Row> arms = AudienceResults.arms(members, days, rules.measureDays()).collectAsList();
    Dataset<Row> results =
        spark.createDataFrame(
            AudienceResults.results(arms, rules.measureDays(), asOf),
            AudienceColumns.RESULTS_SCHEMA);
    String dates = measured.stream().map(d -> "DATE'" + d + "'").collect(Collectors.joining(", "));
    DeltaIO.replaceWhere(
        GoldDocs.withComments(results, Table.AUDIENCE_RESULTS),
        resultsPath,
        AudienceColumns.AS_OF + " IN (" + dates + ")",
        AudienceColumns.AS_OF);
  }
}
