package dev.clientele.common.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.testing.SparkTestExtension;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class CatalogRegistrationTest {
  /** A warehouse whose only table is {@code runs}, with {@code rows} rows. */
  private static TableCatalog warehouse(SparkSession spark, String name, int rows) {
    TableCatalog tables =
        new TableCatalog(SparkTestExtension.freshDir(spark, "catalog-" + name).toString());
    spark.range(rows).write().format("delta").save(tables.path(Table.RUNS));
    return tables;
  }

  private static long registeredRows(SparkSession spark) {
    return spark.table(CatalogRegistration.qualified(Table.RUNS)).count();
  }

  @Test
  void aNameFollowsItsWarehouseAndAnEntryInPlaceIsKept(SparkSession spark) throws Exception {
    TableCatalog first = warehouse(spark, "first", 3);
    TableCatalog second = warehouse(spark, "second", 5);

    assertThat(CatalogRegistration.registerAll(spark, first)).isEqualTo(1);
    assertThat(registeredRows(spark)).isEqualTo(3);
    // Registered again where it is: the same entry, still the first warehouse's table.
    assertThat(CatalogRegistration.registerAll(spark, first)).isEqualTo(1);
    assertThat(registeredRows(spark)).isEqualTo(3);
    // Another warehouse: the entry pointing elsewhere is replaced.
    assertThat(CatalogRegistration.registerAll(spark, second)).isEqualTo(1);
    assertThat(registeredRows(spark)).isEqualTo(5);

    // A view of that name (as gold tables are) gives way to the table.
    spark.sql("DROP TABLE " + CatalogRegistration.qualified(Table.RUNS));
    spark.sql("CREATE VIEW " + CatalogRegistration.qualified(Table.RUNS) + " AS SELECT 1 AS id");
    assertThat(registeredRows(spark)).isEqualTo(1);
    assertThat(CatalogRegistration.registerAll(spark, first)).isEqualTo(1);
    assertThat(registeredRows(spark)).isEqualTo(3);
    assertThat(spark.catalog().getTable(CatalogRegistration.qualified(Table.RUNS)).tableType())
        .isEqualTo("EXTERNAL");
  }

  @Test
  void afterAPublishAnInMemoryCatalogIsFilledOnlyWhenTheSessionAlreadyHoldsTheNames(
      SparkSession spark) throws Exception {
    TableCatalog first = warehouse(spark, "kept-first", 2);
    TableCatalog second = warehouse(spark, "kept-second", 4);
    spark.sql("DROP DATABASE IF EXISTS " + TableCatalog.DATABASE + " CASCADE");

    // Nobody in this session uses the names: nothing is registered, no database created.
    assertThat(CatalogRegistration.registerIfKept(spark, first)).isFalse();
    assertThat(spark.catalog().databaseExists(TableCatalog.DATABASE)).isFalse();

    // Once registered here, each later publish moves the names on.
    CatalogRegistration.registerAll(spark, first);
    assertThat(CatalogRegistration.registerIfKept(spark, second)).isTrue();
    assertThat(registeredRows(spark)).isEqualTo(4);
  }
}
