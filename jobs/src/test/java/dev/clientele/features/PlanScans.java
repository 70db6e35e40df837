package dev.clientele.features;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;

/** The file scans in a Dataset's physical plan: one root path per scan node, repeats kept. */
public final class PlanScans {
  private PlanScans() {}

  public static List<String> scannedRoots(Dataset<Row> frame) {
    List<String> out = new ArrayList<>();
    walk(frame.queryExecution().executedPlan(), out);
    return out;
  }

  private static void walk(SparkPlan plan, List<String> out) {
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      walk(adaptive.inputPlan(), out);
      return;
    }
    if (plan instanceof QueryStageExec stage) {
      walk(stage.plan(), out);
      return;
    }
    if (plan instanceof FileSourceScanExec scan) {
      scala.jdk.javaapi.CollectionConverters.asJava(scan.relation().location().rootPaths())
          .forEach(p -> out.add(p.toString().replaceAll("/+$", "")));
    }
    scala.jdk.javaapi.CollectionConverters.asJava(plan.children()).forEach(c -> walk(c, out));
  }
}
