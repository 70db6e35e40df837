package dev.clientele.export;

import static dev.clientele.export.PostgresTypes.quote;

import dev.clientele.common.job.ClienteleJob;
import dev.clientele.common.job.JobFailure;
import dev.clientele.common.job.JobRunner;
import dev.clientele.common.job.RunContext;
import dev.clientele.common.table.Published;
import dev.clientele.common.table.Table;
import dev.clientele.common.table.TableCatalog;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code clientele export}: copies gold tables into a PostgreSQL schema, one Postgres table per
 * gold table with the same name, columns and rows (all as-of snapshots), for BI tools that speak
 * Postgres.
 *
 * <p>Atomic for readers and consistent: every table is read at the Delta version the latest publish
 * names ({@link Published}), so the tables exported together come from one publish. Each is first
 * loaded into a staging table {@code <name>__staging} by Spark's JDBC writer on the executors (row
 * count checked), then one transaction on the driver drops the old tables and renames the staging
 * tables in their place. PostgreSQL DDL is transactional, so readers see all old tables or all new
 * ones; a failure before the commit leaves the old tables as they were and drops the staging
 * tables. Types are mapped by {@link PostgresTypes}; column comments of the Delta schema are
 * copied, and each table's comment records the Delta version and run it came from.
 */
public final class PostgresExport implements ClienteleJob {
  static final String STAGING_SUFFIX = "__staging";
  private static final String DRIVER = "org.postgresql.Driver";
  private static final Logger LOG = LoggerFactory.getLogger(PostgresExport.class);

  private final ExportSettings settings;
  private final PostgresCredentials credentials;
  private final List<Table> requested;
  private final AudienceExport audience;
  private final Runnable beforeSwap;

  /**
   * @param requested tables the user named explicitly: each must exist; when empty, the tables of
   *     {@code settings} that have been published are exported and the rest skipped with a warning
   */
  public PostgresExport(
      ExportSettings settings, PostgresCredentials credentials, List<Table> requested) {
    this(settings, credentials, requested, () -> {});
  }

  /**
   * With a hook run after every table is staged and before the swap (tests inject failures there).
   */
  PostgresExport(
      ExportSettings settings,
      PostgresCredentials credentials,
      List<Table> requested,
      Runnable beforeSwap) {
    this(settings, credentials, requested, null, beforeSwap);
  }

  /** Exports one audience's selected list (table {@link AudienceExport#tableName}) instead. */
  public static PostgresExport audience(
      ExportSettings settings, PostgresCredentials credentials, AudienceExport audience) {
    return new PostgresExport(settings, credentials, List.of(), audience, () -> {});
  }

  private PostgresExport(
      ExportSettings settings,
      PostgresCredentials credentials,
      List<Table> requested,
      AudienceExport audience,
      Runnable beforeSwap) {
    this.settings = settings;
    this.credentials = credentials;
    this.requested = List.copyOf(requested);
    this.audience = audience;
    this.beforeSwap = beforeSwap;
  }

  /**
   * One table to load: its name in the schema, its rows, and what it is (the start of its table
   * comment).
   */
  record Load(String name, Dataset<Row> frame, String describes) {}

  @Override
  public void run(SparkSession spark, RunContext context) throws SQLException {
    // Every table from the same publish: the one the marker names when the export starts.
    Published.Publish publish = currentPublish(spark, context.tables());
    List<Load> tables = new ArrayList<>();
    if (audience != null) {
      tables.add(audience.load(spark, context.tables(), publish));
    } else {
      for (Table table : tablesToExport(publish, context.tables())) {
        tables.add(
            new Load(
                table.tableName,
                Published.read(spark, context.tables(), publish, table),
                "Clientele gold table "
                    + table.tableName
                    + ": publish "
                    + publish.number()
                    + " (as of "
                    + publish.asOf()
                    + "), Delta version "
                    + publish.version(table).orElseThrow()
                    + " of "
                    + context.tables().path(table)));
      }
    }
    LOG.info(
        "Exporting {} to schema '{}' at {} as user '{}'",
        loadNames(tables),
        settings.schema(),
        settings.jdbcUrl(),
        credentials.user());
    String step = "connecting";
    try (Connection conn = connect()) {
      try (Statement s = conn.createStatement()) {
        s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(settings.schema()));
      }
      try {
        for (Load table : tables) {
          step = "loading " + table.name();
          stage(conn, table, context);
        }
        step = "swapping the tables in";
        beforeSwap.run();
        swap(conn, tables);
      } catch (Exception e) {
        dropStaging(conn, tables);
        throw failure(step, e);
      }
    } catch (SQLException e) {
      throw failure(step, e);
    }
    LOG.info("Exported {} to schema '{}'", loadNames(tables), settings.schema());
  }

  /** The publish the marker names now; fails when nothing has been published. */
  static Published.Publish currentPublish(SparkSession spark, TableCatalog tables) {
    return Published.current(spark, tables)
        .orElseThrow(
            () ->
                new JobFailure(
                    "nothing to export: nothing has been published under "
                        + tables.warehouse()
                        + "; run 'clientele publish' first."));
  }

  /** The explicitly requested tables (all must be published), else the configured ones that are. */
  List<Table> tablesToExport(Published.Publish publish, TableCatalog catalog) {
    if (!requested.isEmpty()) {
      List<String> missing = new ArrayList<>();
      for (Table t : requested) {
        if (publish.version(t).isEmpty()) missing.add(t.tableName + " (" + catalog.path(t) + ")");
      }
      if (!missing.isEmpty()) {
        throw new JobFailure(
            "cannot export "
                + String.join(", ", missing)
                + ": not published yet; nothing was exported.");
      }
      return requested;
    }
    List<Table> present = new ArrayList<>();
    for (Table t : settings.tables()) {
      if (publish.version(t).isPresent()) {
        present.add(t);
      } else {
        LOG.warn("Skipping {}: not part of publish {}", t.tableName, publish.number());
      }
    }
    if (present.isEmpty()) {
      throw new JobFailure(
          "nothing to export: none of "
              + names(settings.tables())
              + " has been published under "
              + catalog.warehouse()
              + ".");
    }
    return present;
  }

  private void stage(Connection conn, Load table, RunContext context) throws SQLException {
    long started = System.nanoTime();
    Dataset<Row> frame = table.frame();
    long rows = frame.count();
    String staging = qualified(table.name() + STAGING_SUFFIX);
    try (Statement s = conn.createStatement()) {
      // A staging table left by a killed run is dropped here, so reruns start clean.
      s.execute("DROP TABLE IF EXISTS " + staging);
      s.execute(
          "CREATE TABLE " + staging + " (" + PostgresTypes.columnDefinitions(frame.schema()) + ")");
      s.execute(
          "COMMENT ON TABLE "
              + staging
              + " IS "
              + literal(
                  table.describes()
                      + ", exported by run "
                      + context.runId()
                      + " at "
                      + Instant.now()
                      + "."));
      for (StructField f : frame.schema().fields()) {
        if (f.getComment().isDefined()) {
          s.execute(
              "COMMENT ON COLUMN "
                  + staging
                  + "."
                  + quote(f.name())
                  + " IS "
                  + literal(f.getComment().get()));
        }
      }
    }
    PostgresTypes.forJdbc(frame)
        .write()
        .format("jdbc")
        .mode(SaveMode.Append)
        .option("url", settings.jdbcUrl())
        .option("driver", DRIVER)
        .option("dbtable", staging)
        .option("user", credentials.user())
        .option("password", credentials.password())
        .option("batchsize", settings.batchSize())
        .option("numPartitions", settings.connections())
        // Driver settings: strings may fill jsonb columns; batches become multi-row INSERTs.
        .option("stringtype", "unspecified")
        .option("reWriteBatchedInserts", "true")
        .save();
    long loaded = count(conn, staging);
    if (loaded != rows) {
      throw new IllegalStateException(
          "staging table "
              + staging
              + " holds "
              + loaded
              + " rows but its source ("
              + table.describes()
              + ") has "
              + rows);
    }
    LOG.info(
        "Staged {}: {} rows ({}) in {}",
        table.name(),
        rows,
        table.describes(),
        JobRunner.elapsed(started));
  }

  /** One transaction: drop each old table and rename its staging table in its place. */
  private void swap(Connection conn, List<Load> tables) throws SQLException {
    conn.setAutoCommit(false);
    try (Statement s = conn.createStatement()) {
      // Waiting behind a long BI query is fine; waiting forever is not.
      s.execute("SET LOCAL lock_timeout = '5min'");
      for (Load t : tables) {
        // No CASCADE: a view a BI user built on the table fails the swap instead of vanishing.
        s.execute("DROP TABLE IF EXISTS " + qualified(t.name()));
        s.execute(
            "ALTER TABLE "
                + qualified(t.name() + STAGING_SUFFIX)
                + " RENAME TO "
                + quote(t.name()));
      }
      conn.commit();
    } catch (SQLException | RuntimeException e) {
      conn.rollback();
      throw e;
    } finally {
      conn.setAutoCommit(true);
    }
  }

  /** Best effort: the failure that brought us here is the one to report. */
  private void dropStaging(Connection conn, List<Load> tables) {
    for (Load t : tables) {
      try (Statement s = conn.createStatement()) {
        s.execute("DROP TABLE IF EXISTS " + qualified(t.name() + STAGING_SUFFIX));
      } catch (SQLException e) {
        LOG.warn("Could not drop staging table for {}: {}", t.name(), e.getMessage());
      }
    }
  }

  private JobFailure failure(String step, Exception e) {
    return new JobFailure(
        "export to PostgreSQL schema '"
            + settings.schema()
            + "' failed while "
            + step
            + ": "
            + rootMessage(e)
            + " (the previously exported tables are unchanged)",
        e);
  }

  /**
   * The innermost cause's message: a Spark job failure wraps the database's own words deep inside.
   */
  static String rootMessage(Throwable e) {
    Throwable root = e;
    for (int depth = 0; depth < 32; depth++) {
      Throwable next = root.getCause();
      if (next == null && root instanceof SQLException sql) next = sql.getNextException();
      if (next == null || next == root) break;
      root = next;
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  private Connection connect() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", credentials.user());
    props.setProperty("password", credentials.password());
    // The driver directly, not DriverManager: under spark-submit the bundled driver sits in a child
    // class loader that DriverManager does not search.
    Connection conn = new org.postgresql.Driver().connect(settings.jdbcUrl(), props);
    if (conn == null)
      throw new SQLException("the PostgreSQL driver does not accept " + settings.jdbcUrl());
    return conn;
  }

  private static long count(Connection conn, String table) throws SQLException {
    try (Statement s = conn.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
      r.next();
      return r.getLong(1);
    }
  }

  private String qualified(String table) {
    return quote(settings.schema()) + "." + quote(table);
  }

  /**
   * A SQL string literal ({@code standard_conforming_strings} is on: only quotes need doubling).
   */
  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  private static List<String> names(List<Table> tables) {
    return tables.stream().map(t -> t.tableName).toList();
  }

  private static List<String> loadNames(List<Load> tables) {
    return tables.stream().map(Load::name).toList();
  }
}
