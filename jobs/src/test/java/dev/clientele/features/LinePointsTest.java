package dev.clientele.features;

import static dev.clientele.features.Fixtures.line;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.testing.SparkTestExtension;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class LinePointsTest {
  static PointsRules rules(String... overrides) {
    return PointsRules.from(
        ClienteleConfig.load(null, List.of(), List.of(overrides)).at("clientele.value.points"));
  }

  @Test
  void linePointsApplyRateProductCategoryAndEventMultipliersAndReverseOnReturns(
      SparkSession spark) {
    PointsRules rules =
        rules(
            "value.points.rate=1.5",
            "value.points.multipliers.products.P9=2",
            "value.points.multipliers.categories.C7=3",
            "value.points.bonus-events.singles-day={from=\"2026-11-11\", to=\"2026-11-11\", multiplier=2}");
    List<Long> points =
        Fixtures.transactions(
                spark,
                line("A", "O1", "2026-11-10", "10.50"), // floor(15.75) = 15
                line("A", "O2", "2026-11-10", "10.50")
                    .product("P9")
                    .category("C7"), // product wins: 31.5 -> 31
                line("A", "O3", "2026-11-10", "10.50").category("C7"), // 47.25 -> 47
                line("A", "O4", "2026-11-11", "10.50"), // event x2: 31.5 -> 31
                line("A", "R1", "2026-11-12", "10.50").asReturn(), // -15
                line("A", "O5", "2026-11-12", "0.66")) // 0.99 -> 0
            .orderBy("order_id")
            .select(LinePoints.of(rules))
            .collectAsList()
            .stream()
            .map(r -> r.getLong(0))
            .toList();
    assertThat(points).containsExactly(15L, 31L, 47L, 31L, 0L, -15L);
  }

  @Test
  void lastExpiryIsTheMostRecentExpiryDayOnOrBeforeAsOf() {
    PointsRules rules = rules("value.points.expiry-month-day=\"03-31\"");
    assertThat(rules.lastExpiry(LocalDate.parse("2026-03-31")))
        .isEqualTo(LocalDate.parse("2026-03-31"));
    assertThat(rules.lastExpiry(LocalDate.parse("2026-03-30")))
        .isEqualTo(LocalDate.parse("2025-03-31"));
    assertThat(rules.lastExpiry(LocalDate.parse("2026-11-21")))
        .isEqualTo(LocalDate.parse("2026-03-31"));
  }
}
