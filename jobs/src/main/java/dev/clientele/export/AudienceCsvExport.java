package dev.clientele.export;

import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.Published;
import java.io.IOException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code clientele export --audience NAME --csv FILE}: writes the audience's selected list to one
 * CSV file with a header (written by Spark into a folder next to it, then renamed into place, so a
 * failed run leaves the previous file).
 */
public final class AudienceCsvExport implements ClienteleJob {
  private static final Logger LOG = LoggerFactory.getLogger(AudienceCsvExport.class);
  private final AudienceExport audience;
  private final String file;

  public AudienceCsvExport(AudienceExport audience, String file) {
    this.audience = audience;
    this.file = file;
  }

  @Override
  public void run(SparkSession spark, RunContext context) throws IOException {
    Published.Publish publish = PostgresExport.currentPublish(spark, context.tables());
    Dataset<Row> list = audience.frame(spark, context.tables(), publish);
    Path target = new Path(file);
    Path parts = new Path(file + ".parts");
    FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
    list.coalesce(1)
        .write()
        .mode(SaveMode.Overwrite)
        .option("header", "true")
        .csv(parts.toString());
    FileStatus[] written = fs.globStatus(new Path(parts, "part-*.csv"));
    if (written == null || written.length != 1) {
      throw new JobFailure("expected one CSV part under " + parts + ", found none or several.");
    }
    if (fs.exists(target)) fs.delete(target, false);
    if (!fs.rename(written[0].getPath(), target)) {
      throw new JobFailure("could not move " + written[0].getPath() + " to " + target + ".");
    }
    fs.delete(parts, true);
    LOG.info(
        "Exported audience '{}' as of {} to {}",
        audience.audience().name(),
        audience.date(publish),
        target);
  }
}
