package dev.clientele.clusters;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HungarianTest {
  @Test
  void findsTheMinimumCostAssignmentNotTheGreedyOne() {
    // greedy row by row would take (0,0)=1 then (1,1)=10: total 11; optimum is (0,1)+(1,0) = 2+2 =
    // 4
    double[][] cost = {{1, 2}, {2, 10}};
    assertThat(Hungarian.assign(cost)).containsExactly(1, 0);
    double[][] three = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
    assertThat(Hungarian.assign(three)).containsExactly(1, 0, 2);
  }

  @Test
  void stableIdsFollowTheNearestPreviousCentresAndNewClustersGetFreshIds() {
    double[][] previous = {{0, 0}, {10, 10}};
    int[] previousIds = {7, 3};
    // new model's raw index 0 sits at the old id-3 centre, 1 at the old id-7 centre, 2 is new
    double[][] refit = {{9.5, 10.2}, {0.1, -0.3}, {-20, 5}};
    assertThat(Hungarian.stableIds(refit, previous, previousIds)).containsExactly(3, 7, 8);
    // k shrank: the leftover previous id retires
    assertThat(Hungarian.stableIds(new double[][] {{9, 9}}, previous, previousIds))
        .containsExactly(3);
    // no previous model: ids are the raw indices
    assertThat(Hungarian.stableIds(refit, new double[0][], new int[0])).containsExactly(0, 1, 2);
  }
}
