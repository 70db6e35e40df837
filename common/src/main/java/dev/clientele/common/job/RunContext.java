package dev.clientele.common.job;

import dev.clientele.common.config.ClienteleConfig;
import dev.clientele.common.table.TableCatalog;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What one run of a job knows about itself: its id (recorded in every row it writes to ops tables),
 * the job name, the as-of date every computation is relative to, the resolved config and where the
 * tables are.
 */
public record RunContext(
    String runId, String job, LocalDate asOf, ClienteleConfig config, TableCatalog tables) {

  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  public static RunContext start(String job, LocalDate asOf, ClienteleConfig config) {
    String warehouse = config.at("clientele").string("warehouse");
    return new RunContext(newRunId(), job, asOf, config, new TableCatalog(warehouse));
  }

  /** Sortable by start time, unique across concurrent runs: 20261121T021500Z-3fa9c1. */
  public static String newRunId() {
    return RUN_ID_TIME.format(Instant.now())
        + "-"
        + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
  }
}
