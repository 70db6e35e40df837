package dev.clientele.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.testing.SparkTestExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs {@link KillTrials}: in CI two points (an early commit of ingest, a data file in the middle
 * of the run); with {@code -Dclientele.kill-trials=all} (scripts/kill-trials.sh) a halt after every
 * commit of the run and inside five data-file writes spread over it. The trials are written as
 * Markdown table rows to {@code target/kill-trials.md} for docs/reliability.md.
 */
@ExtendWith(SparkTestExtension.class)
class KillTrialsIT {
  @Test
  void aRunHaltedAtAnyPointThenRerunEqualsACleanRun(SparkSession spark) throws Exception {
    KillTrials trials = new KillTrials(spark, SparkTestExtension.freshDir(spark, "kill-trials"));
    long commits = trials.commits();
    long dataFiles = trials.dataFiles();
    List<KillTrials.Point> points = new ArrayList<>();
    if ("all".equals(System.getProperty("clientele.kill-trials"))) {
      // Every 4th commit first (1, 5, 9, ...), then the ones between, with the data-file points
      // among them: any first part of the list is spread over the whole run.
      List<KillTrials.Point> writes = new ArrayList<>();
      for (int i = 1; i <= 5; i++) writes.add(KillTrials.Point.dataFile(i * dataFiles / 6));
      for (long offset = 1; offset <= 4; offset++) {
        for (long n = offset; n <= commits; n += 4) {
          points.add(KillTrials.Point.commit(n));
          if (points.size() % 6 == 0 && !writes.isEmpty()) points.add(writes.remove(0));
        }
      }
      points.addAll(writes);
    } else {
      // An early commit of ingest, and a write in the middle of the run; publish's commits are
      // crashed after one by one in PublishConsistencyIT, and PipelineIT kills a run mid-publish.
      points.add(KillTrials.Point.commit(3));
      points.add(KillTrials.Point.dataFile(dataFiles / 2));
    }
    List<String> rows = new ArrayList<>();
    rows.add(
        "Clean run: "
            + commits
            + " commits, "
            + dataFiles
            + " data files. Trials: "
            + points.size()
            + ".");
    rows.add("");
    rows.add("| # | halted | at | result |");
    rows.add("|---:|---|---|---|");
    Path out = Path.of("target", "kill-trials.md");
    Files.write(out, rows);
    List<KillTrials.Trial> done = new ArrayList<>();
    for (KillTrials.Point p : points) {
      KillTrials.Trial t = trials.run(p);
      done.add(t);
      String row = t.markdownRow(done.size());
      System.out.println(row);
      // Row by row, so the trials of a long run that was stopped are kept.
      Files.writeString(out, row + "\n", java.nio.file.StandardOpenOption.APPEND);
    }
    assertThat(done).allSatisfy(t -> assertThat(t.passed()).as(t.markdownRow(0)).isTrue());
  }
}
