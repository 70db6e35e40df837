package dev.clientele.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.decode;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_csv;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.instr;
import static org.apache.spark.sql.functions.is_valid_utf8;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.rtrim;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.clientele.common.job.JobFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a source's files into one row per input record, before any mapping: the source's own
 * columns (all strings for CSV and JSON) plus {@link #FILE}, {@link #LINE}, {@link #TEXT} and
 * {@link #CORRUPT}.
 *
 * <p>CSV and JSON lines are read as text ({@code spark.read.text}) and parsed with {@code from_csv}
 * / {@code from_json} in PERMISSIVE mode against an explicit all-string schema, so a bad line is
 * kept whole with its real 1-based line number (header = line 1). The line number is exact: a text
 * split's lines are contiguous in its task, so a line's number is the lines in the file's earlier
 * splits plus its offset within its split ({@code monotonically_increasing_id} minus the split's
 * first id). A quoted field spanning lines is not supported: such a record is malformed. Parquet
 * rows are numbered by {@code _metadata.row_index} + 1 and rendered as JSON for the raw text.
 */
public final class RawRecords {
  public static final String FILE = "__file";
  public static final String LINE = "__line";

  /** The record as read (the line, or the row as JSON). */
  public static final String TEXT = "__text";

  /** Non-null when the record could not be split into the source's fields. */
  public static final String CORRUPT = "__corrupt";

  /** 64-bit xxHash of (line, text): the record's share of its file's checksum. */
  public static final String TEXT_HASH = "__text_hash";

  /**
   * True when the record's text holds bytes invalid in the source's encoding: not valid UTF-8 (the
   * text source keeps a UTF-8 file's bytes as they are), or U+FFFD, what a decoder puts for them.
   * Set by {@link #redact}, the last step that has the text; ValidationRules' bad_encoding.
   */
  public static final String BAD_ENCODING = "__bad_encoding";

  /**
   * True when the source's {@code filter} is false or null for the record (as in a WHERE): it is
   * counted as filtered and kept nowhere. A record the filter cannot judge (a malformed line, whose
   * fields are null) is not filtered: it goes through the rules like any other.
   */
  public static final String FILTERED = "__filtered";

  /** What quarantine keeps of the record (see {@link #redact}). */
  public static final String RAW = "__raw";

  static final String EMPTY_CHECKSUM = "xxh64xor:0000000000000000";

  private RawRecords() {}

  /**
   * The records of {@code paths} (all files of one source), header lines and blank lines dropped.
   */
  public static Dataset<Row> read(SparkSession spark, SourceConfig src, List<String> paths) {
    return read(spark, src, paths, Map.of());
  }

  /**
   * As {@link #read(SparkSession, SourceConfig, List)}, with the first lines of CSV files already
   * read by {@link #heads} (keyed by path as given), so headers are not read twice.
   */
  static Dataset<Row> read(
      SparkSession spark, SourceConfig src, List<String> paths, Map<String, String> firstLines) {
    String[] files = paths.toArray(String[]::new);
    if (src.format() == SourceConfig.Format.PARQUET) {
      Dataset<Row> rows = spark.read().parquet(files);
      Column[] sourceCols =
          java.util.Arrays.stream(rows.columns()).map(c -> col(quoted(c))).toArray(Column[]::new);
      List<Column> out = new ArrayList<>(List.of(sourceCols));
      out.add(col("_metadata.file_path").as(FILE));
      out.add(col("_metadata.row_index").plus(1).as(LINE));
      out.add(to_json(struct(sourceCols)).as(TEXT));
      out.add(lit(null).cast(DataTypes.StringType).as(CORRUPT));
      return withTextHash(rows.select(out.toArray(Column[]::new)));
    }
    Dataset<Row> lines = numberedLines(spark, src, files);
    List<String> columns = src.columns();
    if (src.format() == SourceConfig.Format.CSV) {
      if (src.header()) columns = checkHeaders(spark, files, src, firstLines);
      lines = src.header() ? lines.where(col(LINE).gt(1)) : lines;
    }
    lines = lines.where(trim(col(TEXT)).notEqual(""));
    StructType schema = new StructType();
    for (String c : columns) schema = schema.add(c, DataTypes.StringType);
    schema = schema.add(CORRUPT, DataTypes.StringType);
    Map<String, String> options = new HashMap<>();
    options.put("mode", "PERMISSIVE");
    options.put("columnNameOfCorruptRecord", CORRUPT);
    Column parsed;
    if (src.layout() != SourceConfig.Layout.DELIMITED) {
      parsed = splitFields(col(TEXT), src, columns);
    } else if (src.format() == SourceConfig.Format.CSV) {
      options.put("sep", src.delimiter());
      options.put("quote", src.quote());
      options.put("escape", src.quote());
      parsed = from_csv(col(TEXT), lit(schema.toDDL()), options);
    } else {
      parsed = from_json(col(TEXT), schema, options);
    }
    List<Column> out = new ArrayList<>();
    for (String c : columns) out.add(col("__parsed." + quoted(c)).as(c));
    out.add(col(FILE));
    out.add(col(LINE));
    out.add(col(TEXT));
    // from_json leaves the corrupt column null for a line that is not a JSON object at all.
    out.add(
        src.format() == SourceConfig.Format.JSON
            ? when(col("__parsed").isNull(), col(TEXT))
                .otherwise(col("__parsed." + CORRUPT))
                .as(CORRUPT)
            : col("__parsed." + CORRUPT).as(CORRUPT));
    return withTextHash(lines.withColumn("__parsed", parsed).select(out.toArray(Column[]::new)));
  }

  /**
   * Adds {@link #FILTERED} from the source's filter (false everywhere without one), evaluated over
   * the source's own columns and {@code _record_number}.
   */
  static Dataset<Row> withFilter(Dataset<Row> records, SourceConfig src) {
    if (src.filter() == null) return records.withColumn(FILTERED, lit(false));
    Column outside = col(CORRUPT).isNull().and(not(coalesce(expr(src.filter()), lit(false))));
    return ColumnMapping.evaluated(
        src,
        "filter",
        "the columns of the "
            + src.kind().sourceName
            + " files ("
            + String.join(", ", sourceColumns(records))
            + ")",
        () ->
            records
                .withColumn(ColumnMapping.RECORD_NUMBER, col(LINE))
                .withColumn(FILTERED, outside)
                .drop(ColumnMapping.RECORD_NUMBER));
  }

  /** Blanks and tabs (and a CRLF file's CR) around a whitespace-aligned or fixed-width field. */
  private static final String BLANKS = " \t\r";

  /**
   * A whitespace or fixed-width line's fields, as the struct from_csv gives: one string per column
   * (an empty fixed-width field is null, as an empty CSV field is) and {@link #CORRUPT}, the text,
   * when the line has too few or too many fields.
   */
  private static Column splitFields(Column text, SourceConfig src, List<String> columns) {
    List<Column> fields = new ArrayList<>();
    Column wrongCount;
    if (src.layout() == SourceConfig.Layout.WHITESPACE) {
      Column parts = split(trim(text, BLANKS), "[ \t]+");
      for (int i = 0; i < columns.size(); i++) {
        fields.add(element_at(parts, i + 1).as(columns.get(i)));
      }
      wrongCount = size(parts).notEqual(columns.size());
    } else {
      Column line = rtrim(text, BLANKS);
      int start = 1;
      for (int i = 0; i < columns.size(); i++) {
        int width = src.widths().get(i);
        fields.add(nullif(trim(substring(line, start, width), BLANKS), lit("")).as(columns.get(i)));
        start += width;
      }
      int lastStart = start - src.widths().get(columns.size() - 1);
      // Past the last field's end, or not reaching its start: the line is not of this layout.
      wrongCount = length(line).gt(start - 1).or(length(line).lt(lastStart));
    }
    fields.add(when(wrongCount, text).as(CORRUPT));
    return struct(fields.toArray(Column[]::new));
  }

  private static Dataset<Row> withTextHash(Dataset<Row> records) {
    return records.withColumn(TEXT_HASH, xxhash64(col(LINE), col(TEXT)));
  }

  /**
   * Per file: its content checksum ({@value #EMPTY_CHECKSUM} form: XOR of {@link #TEXT_HASH} over
   * its records) and record count, from any frame that still has one row per record. Keys are
   * normalised paths.
   */
  public static Map<String, FileLedger.FileStats> fileStats(Dataset<Row> records) {
    Map<String, FileLedger.FileStats> stats = new HashMap<>();
    for (Row r :
        records
            .groupBy(FILE)
            .agg(
                org.apache.spark.sql.functions.bit_xor(col(TEXT_HASH)).as("x"),
                count(lit(1)).as("n"))
            .select(
                col(FILE),
                concat(
                    lit("xxh64xor:"), lpad(org.apache.spark.sql.functions.hex(col("x")), 16, "0")),
                col("n"))
            .collectAsList()) {
      stats.put(
          FileLedger.normalise(r.getString(0)),
          new FileLedger.FileStats(r.getString(0), r.getString(1), r.getLong(2)));
    }
    return stats;
  }

  /**
   * Adds {@link #RAW}, what quarantine may keep, and drops {@link #TEXT}. Without PII columns it is
   * the record's text. With any: the record's fields as JSON, each PII field replaced by its
   * pseudonym; a record that could not be split into fields is not kept at all (null), because its
   * PII cannot be located.
   */
  public static Dataset<Row> redact(
      Dataset<Row> records, List<String> sourceColumns, Pseudonymizer pii) {
    List<String> piiColumns = sourceColumns.stream().filter(pii.columns()::contains).toList();
    Column raw;
    if (piiColumns.isEmpty()) {
      raw = col(TEXT);
    } else {
      List<Column> fields = new ArrayList<>();
      for (String c : sourceColumns) {
        Column v = col(quoted(c));
        fields.add((piiColumns.contains(c) ? pii.hmacSha256(v) : v).as(c));
      }
      raw = when(col(CORRUPT).isNull(), to_json(struct(fields.toArray(Column[]::new))));
    }
    Column text = col(TEXT);
    Column badEncoding = instr(text, "\uFFFD").gt(0).or(not(is_valid_utf8(text)));
    return records.withColumn(RAW, raw).withColumn(BAD_ENCODING, badEncoding).drop(TEXT);
  }

  /** Source columns of a frame from {@link #read}: everything but the internal columns. */
  public static List<String> sourceColumns(Dataset<Row> records) {
    return java.util.Arrays.stream(records.columns()).filter(c -> !c.startsWith("__")).toList();
  }

  static String quoted(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  private static Dataset<Row> numberedLines(SparkSession spark, SourceConfig src, String[] files) {
    Column value = col("value");
    if (!src.encoding().equals("UTF-8")) {
      // The text source keeps the file's bytes as they are; decode them with the file's charset.
      value = decode(value.cast(DataTypes.BinaryType), src.encoding());
    }
    Dataset<Row> text =
        spark
            .read()
            .format("text")
            .load(files)
            .select(
                value.as(TEXT),
                col("_metadata.file_path").as(FILE),
                col("_metadata.file_block_start").as("__block"),
                monotonically_increasing_id().as("__id"));
    Dataset<Row> splits =
        text.groupBy(FILE, "__block")
            .agg(min("__id").as("__first"), count(lit(1)).as("__n"))
            .withColumn(
                "__before",
                coalesce(
                    sum("__n")
                        .over(
                            Window.partitionBy(FILE)
                                .orderBy("__block")
                                .rowsBetween(Window.unboundedPreceding(), -1)),
                    lit(0L)));
    return text.join(
            broadcast(splits),
            scala.jdk.javaapi.CollectionConverters.asScala(List.of(FILE, "__block")).toSeq())
        .select(
            col(FILE),
            col("__before").plus(col("__id")).minus(col("__first")).plus(1).as(LINE),
            col(TEXT));
  }

  /**
   * The columns from the header; every file must have the same header. Headers are read on the
   * driver, the first line of each file only, rather than by a pass over the batch.
   */
  private static List<String> checkHeaders(
      SparkSession spark, String[] files, SourceConfig src, Map<String, String> firstLines) {
    List<String> expected = src.columns();
    String expectedFrom = "clientele.ingest.sources." + src.kind().sourceName + ".columns";
    for (String file : java.util.Arrays.stream(files).sorted().toList()) {
      String header =
          firstLines.containsKey(file)
              ? firstLines.get(file)
              : firstLine(spark, file, src.encoding());
      if (header == null) continue;
      List<String> actual = headerNames(header, src);
      if (expected == null) {
        expected = actual;
        expectedFrom = "the header of " + file;
      } else if (!expected.equals(actual)) {
        throw new JobFailure(
            "File "
                + file
                + " has header "
                + actual
                + ", expected "
                + expected
                + " (from "
                + expectedFrom
                + ").");
      }
    }
    if (expected == null)
      throw new JobFailure("No header line in the " + src.kind().sourceName + " files.");
    return expected;
  }

  /** A header line's column names, split as the source's lines are. */
  static List<String> headerNames(String header, SourceConfig src) {
    String line = header.startsWith("\uFEFF") ? header.substring(1) : header;
    switch (src.layout()) {
      case WHITESPACE -> {
        String blanks = line.strip();
        return blanks.isEmpty() ? List.of("") : List.of(blanks.split("[ \t]+"));
      }
      case FIXED_WIDTH -> {
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int width : src.widths()) {
          int from = Math.min(start, line.length());
          names.add(line.substring(from, Math.min(start + width, line.length())).strip());
          start += width;
        }
        return names;
      }
      default -> {
        return CsvHeader.split(line, src.delimiter().charAt(0), src.quote().charAt(0));
      }
    }
  }

  /** Bytes of each file {@link #heads} reads for its encoding check. */
  static final int HEAD_BYTES = 4096;

  /**
   * What the driver learns of a CSV or JSON file from its first {@value #HEAD_BYTES} bytes
   * (decompressed), before the batch is read.
   *
   * @param firstLine line 1 as the header check reads it (CSV with a header only; null otherwise or
   *     when the file has no line)
   * @param rejection why the file is rejected whole ({@link ValidationRules#WRONG_ENCODING} or
   *     {@link ValidationRules#CORRUPT_FILE} and the problem), null when it is to be read
   */
  record Head(String firstLine, String rejection) {}

  /**
   * The head of each file, keyed by its path: one open and a few KB per file, on the driver. A CSV
   * source with a header reads line 1 of every file anyway, so its check costs nothing more; for
   * others it is one small read per new file, never a pass over the bytes. Parquet files carry
   * their own encoding: none is checked. A file that cannot be opened fails the run (the storage,
   * not the file, is the problem); one whose bytes cannot be decompressed is rejected.
   */
  static Map<String, Head> heads(
      SparkSession spark, SourceConfig src, List<FileLedger.SourceFile> files) {
    Map<String, Head> heads = new HashMap<>();
    if (src.format() == SourceConfig.Format.PARQUET) return heads;
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    CompressionCodecFactory codecs = new CompressionCodecFactory(conf);
    for (FileLedger.SourceFile f : files) {
      Path path = new Path(f.path());
      InputStream raw;
      try {
        raw = path.getFileSystem(conf).open(path);
      } catch (IOException e) {
        throw new JobFailure("Cannot open " + f.path() + ": " + problem(e));
      }
      CompressionCodec codec = codecs.getCodec(path);
      try (InputStream in = raw;
          InputStream bytes = codec == null ? in : codec.createInputStream(in)) {
        byte[] head = bytes.readNBytes(HEAD_BYTES);
        String wrong = wrongEncoding(head, src.encoding());
        if (wrong != null) {
          heads.put(f.path(), new Head(null, ValidationRules.WRONG_ENCODING + wrong));
          continue;
        }
        String firstLine = null;
        if (src.format() == SourceConfig.Format.CSV && src.header()) {
          BufferedReader reader =
              new BufferedReader(
                  new InputStreamReader(
                      new java.io.SequenceInputStream(
                          new java.io.ByteArrayInputStream(head), bytes),
                      Charset.forName(src.encoding())));
          firstLine = reader.readLine();
        }
        heads.put(f.path(), new Head(firstLine, null));
      } catch (IOException e) {
        heads.put(f.path(), new Head(null, ValidationRules.CORRUPT_FILE + problem(e)));
      }
    }
    return heads;
  }

  /**
   * Why {@code head} cannot be text in {@code encoding} (one of {@link SourceConfig#ENCODINGS},
   * none of which has a byte order mark of FE FF / FF FE or NUL bytes in text), or null.
   */
  static String wrongEncoding(byte[] head, String encoding) {
    if (head.length >= 2
        && ((head[0] == (byte) 0xFF && head[1] == (byte) 0xFE)
            || (head[0] == (byte) 0xFE && head[1] == (byte) 0xFF))) {
      return "UTF-16 byte order mark in a " + encoding + " source";
    }
    for (byte b : head) {
      if (b == 0) return "NUL bytes in a " + encoding + " source (UTF-16 or binary content)";
    }
    return null;
  }

  private static String problem(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * The files among {@code files} that cannot be read to their end, each with the problem: a
   * compressed text file that cannot be decompressed (a truncated or damaged gzip), or a Parquet
   * file whose footer or row groups cannot be read (truncated, or not Parquet at all). Read on the
   * driver, and only after a read of the batch failed, so sound files cost nothing.
   */
  public static Map<String, String> corruptFiles(
      SparkSession spark, SourceConfig src, List<FileLedger.SourceFile> files) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    CompressionCodecFactory codecs = new CompressionCodecFactory(conf);
    Map<String, String> corrupt = new java.util.LinkedHashMap<>();
    byte[] buffer = new byte[1 << 16];
    for (FileLedger.SourceFile f : files) {
      Path path = new Path(f.path());
      if (src.format() == SourceConfig.Format.PARQUET) {
        try (org.apache.parquet.hadoop.ParquetFileReader reader =
            org.apache.parquet.hadoop.ParquetFileReader.open(
                org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(path, conf))) {
          while (reader.readNextRowGroup() != null) {
            // read every row group's pages: a file cut short fails here
          }
        } catch (IOException | RuntimeException e) {
          corrupt.put(f.path(), parquetProblem(e, f.path()));
        }
        continue;
      }
      CompressionCodec codec = codecs.getCodec(path);
      if (codec == null) continue;
      try (InputStream in = codec.createInputStream(path.getFileSystem(conf).open(path))) {
        while (in.read(buffer) >= 0) {
          // read to the end: a truncated stream fails here
        }
      } catch (IOException e) {
        corrupt.put(f.path(), problem(e));
      }
    }
    return corrupt;
  }

  /** Parquet's message without the file's path, which the ledger row already names. */
  private static String parquetProblem(Exception e, String path) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String withoutPath = message.replace(path, "").replace(new Path(path).toUri().getPath(), "");
    return withoutPath.replaceAll("^[\\s:]+", "").replaceAll("\\s+", " ").strip();
  }

  /**
   * Line 1 of a file as the text source reads it (compressed files decompressed), null when empty.
   */
  private static String firstLine(SparkSession spark, String file, String encoding) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path path = new Path(file);
    try {
      CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
      InputStream in = path.getFileSystem(conf).open(path);
      if (codec != null) in = codec.createInputStream(in);
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, Charset.forName(encoding)))) {
        return reader.readLine();
      }
    } catch (IOException e) {
      throw new JobFailure("Cannot read the header of " + file + ": " + e.getMessage());
    }
  }
}
