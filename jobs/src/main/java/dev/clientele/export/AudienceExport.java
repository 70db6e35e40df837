package dev.clientele.export;

import static org.apache.spark.sql.functions.col;

import dev.clientele.audience.AudienceColumns;
import dev.clientele.audience.AudienceList;
import dev.clientele.audience.AudienceRules;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.table.Published;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code clientele export --audience NAME}: the audience's selected list ({@link AudienceList}) as
 * of {@code asOf} (null: the current publish's date), read through the {@code published} marker
 * like every export.
 *
 * @param audience the audience's definition (names the columns exported)
 * @param asOf the as-of date, or null for the current publish's
 */
public record AudienceExport(AudienceRules.Definition audience, LocalDate asOf) {

  /** The PostgreSQL table the list is loaded into: audience_ and the name with _ for -. */
  public String tableName() {
    return "audience_" + audience.name().replace('-', '_');
  }

  /** The list at the resolved as-of date. */
  Dataset<Row> frame(SparkSession spark, TableCatalog tables, Published.Publish publish) {
    LocalDate date = date(publish);
    for (Table t : new Table[] {Table.AUDIENCE_MEMBERS, Table.CUSTOMER_TIERS}) {
      if (publish.version(t).isEmpty()) {
        throw new JobFailure(
            "cannot export audience '"
                + audience.name()
                + "': "
                + t.tableName
                + " is not part of publish "
                + publish.number()
                + "; run 'clientele publish' first.");
      }
    }
    Dataset<Row> members =
        Published.read(spark, tables, publish, Table.AUDIENCE_MEMBERS)
            .where(
                col(AudienceColumns.AS_OF)
                    .equalTo(Date.valueOf(date))
                    .and(col(AudienceColumns.AUDIENCE).equalTo(audience.name())));
    if (members.isEmpty()) {
      throw new JobFailure(
          "cannot export audience '"
              + audience.name()
              + "': audience_members has no rows for it as of "
              + date
              + " (publish "
              + publish.number()
              + "); publish that date with the audience defined, or pick another --as-of.");
    }
    Dataset<Row> tiers =
        Published.read(spark, tables, publish, Table.CUSTOMER_TIERS)
            .where(col(AudienceColumns.AS_OF).equalTo(Date.valueOf(date)));
    return AudienceList.selected(members, tiers, audience);
  }

  PostgresExport.Load load(SparkSession spark, TableCatalog tables, Published.Publish publish) {
    return new PostgresExport.Load(
        tableName(),
        frame(spark, tables, publish),
        "Clientele audience "
            + audience.name()
            + ": selected customers as of "
            + date(publish)
            + " (publish "
            + publish.number()
            + ")");
  }

  LocalDate date(Published.Publish publish) {
    return asOf != null ? asOf : publish.asOf();
  }
}
