package dev.clientele.ingest;

import dev.clientele.common.config.Settings;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Everything {@code clientele ingest} needs, bound and validated from {@code clientele.ingest}
 * before Spark starts.
 *
 * @param sources the configured sources (a source set to null is absent), in ingest order
 * @param partitionByMonth partition transactions by txn_month instead of txn_date
 * @param currencies the reporting currency and rates transactions are converted with
 */
public record IngestConfig(
    Map<SourceKind, SourceConfig> sources,
    IngestRules rules,
    PiiKey pii,
    boolean partitionByMonth,
    Currencies currencies) {

  public static IngestConfig from(Settings ingest, UnaryOperator<String> env) {
    Settings sources = ingest.at("sources");
    Map<SourceKind, SourceConfig> bound = new EnumMap<>(SourceKind.class);
    for (String name : ingest.childKeys("sources")) {
      SourceKind kind = SourceKind.named(name);
      if (kind == null) {
        throw sources.error(name, "unknown source; the sources are " + SourceKind.names() + ".");
      }
      if (sources.has(name)) bound.put(kind, SourceConfig.from(sources, kind));
    }
    if (!bound.containsKey(SourceKind.TRANSACTIONS)) {
      throw sources.error(
          "transactions", "is required: the transaction log is what Clientele analyses.");
    }
    boolean byMonth = ingest.oneOf("partition-by", Set.of("day", "month")).equals("month");
    return new IngestConfig(
        bound,
        IngestRules.from(ingest.at("rules")),
        PiiKey.from(ingest.at("pii"), env),
        byMonth,
        Currencies.from(ingest));
  }
}
