package dev.clientele.tiering;

import static dev.clientele.tiering.Reasons.p;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.testing.SparkTestExtension;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkTestExtension.class)
class ReasonsTest {

  @Test
  void buildsCodeThenParametersWithNullsAndCommasMadeSafe(SparkSession spark) {
    Row r =
        spark
            .sql(
                "SELECT 812 AS rank, 9646 AS n, CAST(1000 AS DECIMAL(18,2)) AS spend,"
                    + " CAST(NULL AS STRING) AS missing, 'Procter, Gamble' AS brand")
            .select(
                Reasons.of("top_share", p("rank", Reasons.cmp(col("rank"), "/", col("n")))),
                Reasons.of(
                    "at_threshold",
                    p("spend", Reasons.cmp(Reasons.fixed(col("spend"), 2), ">=", lit("1000")))),
                Reasons.of("no_purchase"),
                Reasons.of("x", p("a", col("missing")), p("brand", col("brand")), p("k", 3)),
                Reasons.of("y", p("v", Reasons.fixed(col("missing").cast("double"), 2))))
            .head();
    assertThat(r.getString(0)).isEqualTo("top_share:rank=812/9646");
    assertThat(r.getString(1)).isEqualTo("at_threshold:spend=1000.00>=1000");
    assertThat(r.getString(2)).isEqualTo("no_purchase");
    assertThat(r.getString(3)).isEqualTo("x:a=null,brand=Procter; Gamble,k=3");
    // A null number prints "null" (format_string alone would print "nu").
    assertThat(r.getString(4)).isEqualTo("y:v=null");
    for (int i = 0; i < 5; i++) assertThat(r.getString(i)).matches(Reasons.GRAMMAR);
    assertThat("lifecycle_stage=churned: recency 200").doesNotMatch(Reasons.GRAMMAR);
  }

  @Test
  void codesAndNamesAreCheckedWhenThePlanIsBuilt() {
    assertThatThrownBy(() -> Reasons.of("Top share"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a reason code or parameter name: 'Top share'");
    assertThatThrownBy(() -> Reasons.of("ok", p("bad-name", 1)))
        .hasMessage("not a reason code or parameter name: 'bad-name'");
  }
}
