package dev.clientele.common.table;

/**
 * Every table Clientele reads or writes: its name (a contract with BI users) and its layer. The
 * location of each is decided in one place, {@link TableCatalog}.
 */
public enum Table {
  // silver: canonical, validated input
  TRANSACTIONS(Layer.SILVER, "transactions"),
  CUSTOMERS(Layer.SILVER, "customers"),
  CUSTOMER_HISTORY(Layer.SILVER, "customer_history"),
  SURVEYS(Layer.SILVER, "surveys"),
  COMPLAINTS(Layer.SILVER, "complaints"),
  COMPLAINT_HISTORY(Layer.SILVER, "complaint_history"),
  REDEMPTIONS(Layer.SILVER, "redemptions"),
  CONTACTS(Layer.SILVER, "contacts"),
  // ops: bookkeeping every run writes
  QUARANTINE(Layer.OPS, "quarantine"),
  INGEST_FILES(Layer.OPS, "ingest_files"),
  RUNS(Layer.OPS, "runs"),
  // the reader contract: one row per publish naming each gold table's Delta version (Published)
  PUBLISHED(Layer.OPS, "published"),
  // one writer at a time: the run holding the warehouse and its heartbeat (WarehouseLease)
  LEASE(Layer.OPS, "lease"),
  // features: per customer and day statistics (refreshed for new days only), then one snapshot per
  // as-of date
  CUSTOMER_DAYS(Layer.SILVER, "customer_days"),
  FEATURE_FOLDS(Layer.OPS, "feature_folds"),
  CUSTOMER_FEATURES(Layer.SILVER, "customer_features"),
  CUSTOMER_SEGMENTS(Layer.SILVER, "customer_segments"),
  CUSTOMER_VALUES(Layer.SILVER, "customer_values"),
  TIER_CUTPOINTS(Layer.SILVER, "tier_cutpoints"),
  CUSTOMER_SATISFACTION(Layer.SILVER, "customer_satisfaction"),
  // behavioural clusters and predicted value (per as-of snapshots) and their fit records
  CUSTOMER_CLUSTERS(Layer.SILVER, "customer_clusters"),
  CLUSTER_PROFILES(Layer.SILVER, "cluster_profiles"),
  CLUSTER_FITS(Layer.OPS, "cluster_fits"),
  CUSTOMER_CLV(Layer.SILVER, "customer_clv"),
  CLV_FITS(Layer.OPS, "clv_fits"),
  // backtests of the predictions and the learned churn model (per as-of snapshots)
  CHURN_PREDICTIONS(Layer.SILVER, "churn_predictions"),
  CHURN_MODEL_FITS(Layer.OPS, "churn_model_fits"),
  // gold: what BI tools read
  CUSTOMER_TIERS(Layer.GOLD, "customer_tiers"),
  SEGMENT_SUMMARY(Layer.GOLD, "segment_summary"),
  KPI_MONTHLY(Layer.GOLD, "kpi_monthly"),
  TIER_HISTORY(Layer.GOLD, "tier_history"),
  TIER_TRANSITIONS(Layer.GOLD, "tier_transitions"),
  // gold: how predictions made before a holdout compared with what happened in it (backtest job)
  PREDICTION_SCORECARD(Layer.GOLD, "prediction_scorecard"),
  PREDICTION_CALIBRATION(Layer.GOLD, "prediction_calibration"),
  // gold: who is in each audience at each publish, and the measured uplift of its holdout (publish)
  AUDIENCE_MEMBERS(Layer.GOLD, "audience_members"),
  AUDIENCE_RESULTS(Layer.GOLD, "audience_results");

  /** Where a table sits; also its folder under the warehouse root. */
  public enum Layer {
    SILVER("silver"),
    GOLD("gold"),
    OPS("ops");

    public final String folder;

    Layer(String folder) {
      this.folder = folder;
    }
  }

  public final Layer layer;
  public final String tableName;

  Table(Layer layer, String tableName) {
    this.layer = layer;
    this.tableName = tableName;
  }

  /** The subcommand that writes this table, for the message of a run that needs it first. */
  public String writtenBy() {
    return switch (this) {
      case CUSTOMER_DAYS, CUSTOMER_FEATURES, FEATURE_FOLDS -> "features";
      case CUSTOMER_SEGMENTS -> "segment";
      case CUSTOMER_VALUES -> "value";
      case CUSTOMER_SATISFACTION -> "satisfaction";
      case CUSTOMER_CLUSTERS, CLUSTER_PROFILES, CLUSTER_FITS -> "clusters";
      case CUSTOMER_CLV, CLV_FITS -> "clv";
      case CHURN_PREDICTIONS, CHURN_MODEL_FITS -> "backtest";
      case TIER_CUTPOINTS -> "segment";
      default -> layer == Layer.GOLD ? "publish" : "ingest";
    };
  }
}
