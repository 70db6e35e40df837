package dev.clientele.ingest;

import dev.clientele.common.columns.ComplaintsColumns;
import dev.clientele.common.columns.ContactsColumns;
import dev.clientele.common.columns.CustomersColumns;
import dev.clientele.common.columns.RedemptionsColumns;
import dev.clientele.common.columns.SurveysColumns;
import dev.clientele.common.columns.TransactionsColumns;
import dev.clientele.common.table.Table;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The six kinds of source ingest knows: the silver table each feeds, its canonical schema, the key
 * that identifies a record across files and runs, and its event-time column (checked against the
 * as-of date). Customers are ingested first so the others can be checked against them.
 */
public enum SourceKind {
  CUSTOMERS(
      "customers",
      Table.CUSTOMERS,
      CustomersColumns.SCHEMA,
      List.of(CustomersColumns.CUSTOMER_ID),
      null),
  TRANSACTIONS(
      "transactions",
      Table.TRANSACTIONS,
      TransactionsColumns.SCHEMA,
      List.of(TransactionsColumns.TXN_ID),
      TransactionsColumns.TS),
  SURVEYS(
      "surveys",
      Table.SURVEYS,
      SurveysColumns.SCHEMA,
      List.of(SurveysColumns.SURVEY_ID),
      SurveysColumns.ANSWERED_AT),
  COMPLAINTS(
      "complaints",
      Table.COMPLAINTS,
      ComplaintsColumns.SCHEMA,
      List.of(ComplaintsColumns.COMPLAINT_ID),
      ComplaintsColumns.OPENED_AT),
  REDEMPTIONS(
      "redemptions",
      Table.REDEMPTIONS,
      RedemptionsColumns.SCHEMA,
      List.of(RedemptionsColumns.REDEMPTION_ID),
      RedemptionsColumns.REDEEMED_AT),
  CONTACTS(
      "contacts",
      Table.CONTACTS,
      ContactsColumns.SCHEMA,
      List.of(ContactsColumns.CONTACT_ID),
      ContactsColumns.SENT_AT);

  /** Columns ingest fills itself; a mapping may not name them. */
  static final Set<String> FILLED_BY_INGEST =
      Set.of(
          TransactionsColumns.INGEST_RUN_ID,
          TransactionsColumns.SOURCE_FILE,
          TransactionsColumns.TXN_DATE,
          TransactionsColumns.ORIGINAL_CURRENCY,
          TransactionsColumns.ORIGINAL_AMOUNT,
          TransactionsColumns.FX_RATE,
          CustomersColumns.IS_DERIVED);

  /** Silver columns that are bookkeeping, not content: excluded when comparing duplicates. */
  static final Set<String> NOT_CONTENT =
      Set.of(
          TransactionsColumns.INGEST_RUN_ID,
          TransactionsColumns.SOURCE_FILE,
          TransactionsColumns.TXN_DATE);

  public final String sourceName;
  public final Table table;
  public final StructType schema;

  /**
   * The default key of a record (a source may declare its own, {@link SourceConfig#key()}): of a
   * kind without versions, the same key with other content is a duplicate_conflict.
   */
  public final List<String> key;

  /** Column checked for future_timestamp, or null. */
  public final String eventTime;

  SourceKind(
      String sourceName, Table table, StructType schema, List<String> key, String eventTime) {
    this.sourceName = sourceName;
    this.table = table;
    this.schema = schema;
    this.key = key;
    this.eventTime = eventTime;
  }

  /** Canonical columns a mapping produces (the schema minus what ingest fills). */
  public List<StructField> mappedFields() {
    return Arrays.stream(schema.fields())
        .filter(f -> !FILLED_BY_INGEST.contains(f.name()))
        .toList();
  }

  /** Columns whose values decide whether two records with one key are the same record. */
  public List<String> contentColumns() {
    return Arrays.stream(schema.fieldNames()).filter(c -> !NOT_CONTENT.contains(c)).toList();
  }

  /**
   * Column holding a record's version time (the source's {@code updated-at}) in a kind that keeps
   * versions: part of the record's identity, and the start of the version in the history table.
   */
  public static final String VERSION = CustomersColumns.VALID_FROM;

  /**
   * Whether records of this kind have versions: a record delivered again with a later version time
   * is an update (the latest is current, every version kept in {@link #dedupeTable()}).
   */
  public boolean versioned() {
    return this == CUSTOMERS || this == COMPLAINTS;
  }

  /** The table holding every accepted version of a record (the history of a versioned kind). */
  public Table dedupeTable() {
    return switch (this) {
      case CUSTOMERS -> Table.CUSTOMER_HISTORY;
      case COMPLAINTS -> Table.COMPLAINT_HISTORY;
      default -> table;
    };
  }

  /** Schema of {@link #dedupeTable()}. */
  public StructType dedupeSchema() {
    return switch (this) {
      case CUSTOMERS -> CustomersColumns.HISTORY_SCHEMA;
      case COMPLAINTS -> ComplaintsColumns.HISTORY_SCHEMA;
      default -> schema;
    };
  }

  public static SourceKind named(String name) {
    for (SourceKind k : values()) if (k.sourceName.equals(name)) return k;
    return null;
  }

  public static String names() {
    return Arrays.stream(values()).map(k -> k.sourceName).collect(Collectors.joining(", "));
  }
}
