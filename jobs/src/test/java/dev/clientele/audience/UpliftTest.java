package dev.clientele.audience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The uplift maths on a hand-computed example (see docs/audiences.md for the formulas). */
class UpliftTest {
  // selected: 4 customers, 3 bought; spends 10, 0, 20, 30 (mean 15, sample variance 500/3)
  static final Uplift.Arm SELECTED = new Uplift.Arm(4, 3, 15.0, 500.0 / 3);
  // holdout: 2 customers, 1 bought; spends 10, 0 (mean 5, sample variance 50)
  static final Uplift.Arm HOLDOUT = new Uplift.Arm(2, 1, 5.0, 50.0);

  @Test
  void repurchaseDifferenceWithUnpooledNormalInterval() {
    // se = sqrt(0.75 x 0.25 / 4 + 0.5 x 0.5 / 2) = sqrt(0.171875) = 0.4145781
    Uplift.Difference d = Uplift.rate(SELECTED, HOLDOUT);
    assertThat(d.value()).isEqualTo(0.25);
    assertThat(d.low()).isCloseTo(-0.5625581424161613, within(1e-12));
    assertThat(d.high()).isCloseTo(1.0625581424161612, within(1e-12));
  }

  @Test
  void spendDifferenceWithUnpooledNormalInterval() {
    // se = sqrt((500/3) / 4 + 50 / 2) = sqrt(66.667) = 8.1649658
    Uplift.Difference d = Uplift.spend(SELECTED, HOLDOUT);
    assertThat(d.value()).isEqualTo(10.0);
    assertThat(d.low()).isCloseTo(-6.003038921184363, within(1e-12));
    assertThat(d.high()).isCloseTo(26.003038921184363, within(1e-12));
  }

  @Test
  void emptyGroupGivesNoDifferenceAndOneCustomerGivesNoSpendInterval() {
    Uplift.Arm none = new Uplift.Arm(0, 0, null, null);
    assertThat(Uplift.rate(SELECTED, none)).isEqualTo(new Uplift.Difference(null, null, null));
    assertThat(Uplift.spend(none, HOLDOUT)).isEqualTo(new Uplift.Difference(null, null, null));
    Uplift.Arm one = new Uplift.Arm(1, 1, 7.0, null);
    assertThat(Uplift.spend(SELECTED, one)).isEqualTo(new Uplift.Difference(8.0, null, null));
    // a rate interval needs no variance: p0 = 1 contributes 0
    assertThat(Uplift.rate(SELECTED, one).value()).isEqualTo(-0.25);
    assertThat(Uplift.rate(SELECTED, one).low())
        .isCloseTo(-0.25 - Uplift.Z_95 * Math.sqrt(0.75 * 0.25 / 4), within(1e-12));
  }
}
