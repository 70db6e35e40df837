package dev.clientele.clusters;

import java.util.Arrays;

/**
 * Minimum-cost assignment (Kuhn–Munkres with potentials, O(n²m)) of the rows of a cost matrix to
 * distinct columns. Rows may be fewer than columns; transpose otherwise. Exact; k is small.
 */
public final class Hungarian {
  private Hungarian() {}

  /**
   * @param cost n × m with n ≤ m
   * @return for each row, its assigned column
   */
  public static int[] assign(double[][] cost) {
    int n = cost.length;
    int m = n == 0 ? 0 : cost[0].length;
    if (n > m)
      throw new IllegalArgumentException(
          "more rows (" + n + ") than columns (" + m + "); transpose the matrix");
    double[] u = new double[n + 1], v = new double[m + 1];
    int[] p = new int[m + 1], way = new int[m + 1];
    for (int i = 1; i <= n; i++) {
      p[0] = i;
      int j0 = 0;
      double[] minv = new double[m + 1];
      boolean[] used = new boolean[m + 1];
      Arrays.fill(minv, Double.POSITIVE_INFINITY);
      do {
        used[j0] = true;
        int i0 = p[j0], j1 = 0;
        double delta = Double.POSITIVE_INFINITY;
        for (int j = 1; j <= m; j++) {
          if (used[j]) continue;
          double cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
          if (cur < minv[j]) {
            minv[j] = cur;
            way[j] = j0;
          }
          if (minv[j] < delta) {
            delta = minv[j];
            j1 = j;
          }
        }
        for (int j = 0; j <= m; j++) {
          if (used[j]) {
            u[p[j]] += delta;
            v[j] -= delta;
          } else {
            minv[j] -= delta;
          }
        }
        j0 = j1;
      } while (p[j0] != 0);
      do {
        int j1 = way[j0];
        p[j0] = p[j1];
        j0 = j1;
      } while (j0 != 0);
    }
    int[] assignment = new int[n];
    for (int j = 1; j <= m; j++) if (p[j] != 0) assignment[p[j] - 1] = j - 1;
    return assignment;
  }

  /**
   * Stable ids for {@code newCentres} given the previous model's centres (in the same space) and
   * their stable ids: a minimum total squared-distance matching; new clusters left unmatched (k
   * grew) get fresh ids above every previous one, in index order.
   */
  public static int[] stableIds(
      double[][] newCentres, double[][] previousCentres, int[] previousIds) {
    int k = newCentres.length, kPrev = previousCentres.length;
    int[] ids = new int[k];
    Arrays.fill(ids, -1);
    if (kPrev > 0) {
      boolean transpose = k > kPrev;
      double[][] cost = new double[transpose ? kPrev : k][transpose ? k : kPrev];
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < kPrev; j++) {
          double d = squaredDistance(newCentres[i], previousCentres[j]);
          if (transpose) cost[j][i] = d;
          else cost[i][j] = d;
        }
      }
      int[] a = assign(cost);
      for (int row = 0; row < a.length; row++) {
        if (transpose) ids[a[row]] = previousIds[row];
        else ids[row] = previousIds[a[row]];
      }
    }
    int next = Arrays.stream(previousIds).max().orElse(-1) + 1;
    for (int i = 0; i < k; i++) if (ids[i] < 0) ids[i] = next++;
    return ids;
  }

  static double squaredDistance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
    return s;
  }
}
