package dev.clientele.predict;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The A/B/C grades at their bars: exactly at a bar takes its grade, just below does not. */
class GradesTest {
  static final PredictRules.Grades DEFAULT = new PredictRules.Grades(0.10, 0.0);

  @Test
  void errorsGradeByRelativeReductionAgainstTheBaseline() {
    // baseline MAE 1.0: 0.9 is exactly 10% better (0.0999…98 in floating point, still A)
    assertThat(Grades.grade(0.9, 1.0, true, DEFAULT)).isEqualTo("A");
    assertThat(Grades.grade(0.5, 1.0, true, DEFAULT)).isEqualTo("A");
    assertThat(Grades.grade(0.9001, 1.0, true, DEFAULT)).isEqualTo("B");
    assertThat(Grades.grade(1.0, 1.0, true, DEFAULT)).isEqualTo("B");
    assertThat(Grades.grade(1.0001, 1.0, true, DEFAULT)).isEqualTo("C");
  }

  @Test
  void scoresGradeByRelativeGainOverTheBaseline() {
    // baseline AUC 0.8: 0.88 is exactly 10% better
    assertThat(Grades.grade(0.88, 0.8, false, DEFAULT)).isEqualTo("A");
    assertThat(Grades.grade(0.8799, 0.8, false, DEFAULT)).isEqualTo("B");
    assertThat(Grades.grade(0.8, 0.8, false, DEFAULT)).isEqualTo("B");
    assertThat(Grades.grade(0.7999, 0.8, false, DEFAULT)).isEqualTo("C");
  }

  @Test
  void configuredBarsMoveTheEdges() {
    PredictRules.Grades strict = new PredictRules.Grades(0.25, 0.05);
    assertThat(Grades.grade(3.0, 4.0, true, strict)).isEqualTo("A"); // 25% better
    assertThat(Grades.grade(3.0001, 4.0, true, strict)).isEqualTo("B");
    assertThat(Grades.grade(3.8, 4.0, true, strict)).isEqualTo("B"); // 5% better
    assertThat(Grades.grade(3.8001, 4.0, true, strict)).isEqualTo("C");
  }

  @Test
  void undefinedValuesAndZeroBaselines() {
    assertThat(Grades.grade(null, 1.0, true, DEFAULT)).isNull();
    assertThat(Grades.grade(1.0, null, true, DEFAULT)).isNull();
    assertThat(Grades.grade(Double.NaN, 1.0, true, DEFAULT)).isNull();
    assertThat(Grades.grade(0.0, 0.0, true, DEFAULT)).isEqualTo("B");
    assertThat(Grades.grade(0.1, 0.0, true, DEFAULT)).isEqualTo("C");
    assertThat(Grades.grade(0.1, 0.0, false, DEFAULT)).isEqualTo("A");
    assertThat(Grades.improvement(0.75, 1.0, true)).isEqualTo(0.25);
  }
}
