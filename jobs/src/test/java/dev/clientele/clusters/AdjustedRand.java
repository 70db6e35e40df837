package dev.clientele.clusters;

import java.util.HashMap;
import java.util.Map;

/**
 * Adjusted Rand index (Hubert &amp; Arabie 1985): 1 for identical partitions, ~0 for random ones.
 */
final class AdjustedRand {
  private AdjustedRand() {}

  static double index(int[] a, int[] b) {
    Map<Long, Long> cells = new HashMap<>();
    Map<Integer, Long> rows = new HashMap<>(), cols = new HashMap<>();
    for (int i = 0; i < a.length; i++) {
      cells.merge(((long) a[i] << 32) | (b[i] & 0xffffffffL), 1L, Long::sum);
      rows.merge(a[i], 1L, Long::sum);
      cols.merge(b[i], 1L, Long::sum);
    }
    double sumCells = cells.values().stream().mapToDouble(AdjustedRand::pairs).sum();
    double sumRows = rows.values().stream().mapToDouble(AdjustedRand::pairs).sum();
    double sumCols = cols.values().stream().mapToDouble(AdjustedRand::pairs).sum();
    double expected = sumRows * sumCols / pairs(a.length);
    double max = (sumRows + sumCols) / 2;
    return (sumCells - expected) / (max - expected);
  }

  private static double pairs(long n) {
    return n * (n - 1) / 2.0;
  }
}
