package dev.clientele.audience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.clientele.testing.SparkTestExtension;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class AudienceResultsTest {
  static final LocalDate A = LocalDate.parse("2026-10-01");
  static final StructType DAYS =
      new StructType()
          .add("customer_id", DataTypes.StringType, false)
          .add("txn_date", DataTypes.DateType, false)
          .add("purchase", DataTypes.BooleanType, false)
          .add("net", DataTypes.createDecimalType(18, 2), false);

  static Row member(String audience, String id, String status) {
    return RowFactory.create(Date.valueOf(A), audience, id, status, null);
  }

  static Row day(String id, int daysAfterA, boolean purchase, String net) {
    return RowFactory.create(
        id, Date.valueOf(A.plusDays(daysAfterA)), purchase, new BigDecimal(net));
  }

  @Test
  void selectedVsHoldoutOverTheDaysAfterTheAsOfFromCustomerDays(SparkSession spark) {
    Dataset<Row> members =
        spark.createDataFrame(
            List.of(
                member("nudge", "s1", "selected"),
                member("nudge", "s2", "selected"),
                member("nudge", "s3", "selected"),
                member("nudge", "s4", "selected"),
                member("nudge", "h1", "holdout"),
                member("nudge", "h2", "holdout"),
                member("nudge", "z1", "suppressed"), // not measured
                member("solo", "s1", "selected")), // no holdout: counts, null differences
            AudienceColumns.MEMBERS_SCHEMA);
    Dataset<Row> days =
        spark.createDataFrame(
            List.of(
                day("s1", 1, true, "10.00"),
                day("s2", 0, true, "100.00"), // on A: before the window
                day("s2", 31, true, "100.00"), // after the window
                day("s3", 2, true, "15.00"),
                day("s3", 3, true, "5.00"),
                day("s4", 4, true, "40.00"),
                day("s4", 5, false, "-10.00"), // a return day counts in spend, not as a purchase
                day("h1", 30, true, "10.00"), // the last day of the window
                day("z1", 1, true, "999.00")),
            DAYS);
    List<Row> arms = AudienceResults.arms(members, days, 30).collectAsList();
    List<Row> results = AudienceResults.results(arms, 30, LocalDate.parse("2026-11-21"));
    assertThat(results).hasSize(2);
    Row nudge = results.get(0);
    assertThat(nudge.getString(1)).isEqualTo("nudge");
    assertThat(nudge.getDate(0)).isEqualTo(Date.valueOf(A));
    assertThat(nudge.getInt(2)).isEqualTo(30);
    assertThat(nudge.getDate(3)).isEqualTo(Date.valueOf("2026-10-31"));
    assertThat(nudge.getDate(4)).isEqualTo(Date.valueOf("2026-11-21"));
    assertThat(nudge.getLong(5)).isEqualTo(4);
    assertThat(nudge.getLong(6)).isEqualTo(2);
    assertThat(nudge.getDouble(7)).isEqualTo(0.75);
    assertThat(nudge.getDouble(8)).isEqualTo(0.5);
    // the hand-computed example of UpliftTest: spends 10, 0, 20, 30 vs 10, 0
    assertThat(nudge.getDouble(9)).isEqualTo(0.25);
    assertThat(nudge.getDouble(10)).isCloseTo(-0.5625581424161613, within(1e-12));
    assertThat(nudge.getDouble(11)).isCloseTo(1.0625581424161612, within(1e-12));
    assertThat(nudge.getDouble(12)).isCloseTo(15.0, within(1e-12));
    assertThat(nudge.getDouble(13)).isCloseTo(5.0, within(1e-12));
    assertThat(nudge.getDouble(14)).isCloseTo(10.0, within(1e-12));
    assertThat(nudge.getDouble(15)).isCloseTo(-6.003038921184363, within(1e-9));
    assertThat(nudge.getDouble(16)).isCloseTo(26.003038921184363, within(1e-9));

    Row solo = results.get(1);
    assertThat(solo.getString(1)).isEqualTo("solo");
    assertThat(solo.getLong(5)).isEqualTo(1);
    assertThat(solo.getLong(6)).isEqualTo(0);
    assertThat(solo.getDouble(7)).isEqualTo(1.0);
    for (int i : new int[] {8, 9, 10, 11, 13, 14, 15, 16}) assertThat(solo.isNullAt(i)).isTrue();
    assertThat(spark.createDataFrame(results, AudienceColumns.RESULTS_SCHEMA).count()).isEqualTo(2);
  }

  @Test
  void onlyAsOfDatesAtLeastMeasureDaysOldAreMeasured() {
    LocalDate p = LocalDate.parse("2026-11-21");
    assertThat(
            AudienceResults.measurable(
                List.of(
                    LocalDate.parse("2026-10-23"), // 10-23 + 30 > 11-21: not yet
                    LocalDate.parse("2026-10-22"), // exactly measure-days old
                    LocalDate.parse("2026-10-21"),
                    LocalDate.parse("2026-10-01"),
                    LocalDate.parse("2026-10-21")),
                30,
                p))
        .containsExactly(
            LocalDate.parse("2026-10-01"),
            LocalDate.parse("2026-10-21"),
            LocalDate.parse("2026-10-22"));
  }
}
