package dev.clientele.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.common.job.JobFailure;
import dev.clientele.testing.SparkTestExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The two steps of validation (every rule on the parsed batch, then unknown customers once the
 * batch's ids are known) and the header check, without writing any table.
 */
@ExtendWith(SparkTestExtension.class)
class ValidationRulesTest {

  @Test
  void unknownCustomerIsAppendedAfterTheOtherReasons(SparkSession spark) {
    IngestFixture f = new IngestFixture(spark, "validation");
    Path file =
        f.write(
            "transactions",
            "2026-11-20.csv",
            IngestFixture.TXN_HEADER,
            "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,0,,web,,", // 2 valid
            "O2,1,C9,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,0,,web,,", // 3 unknown only
            "O3,1,C9,2026-11-20 10:00:00,P1,B1,shoes,1,0.00,0,,web,,", // 4 price and unknown
            ",1,C9,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,0,,web,,", // 5 no order id and unknown
            "not,a record"); // 6 malformed: nothing else
    Dataset<Row> checked = checked(spark, f, SourceKind.TRANSACTIONS, file);
    assertThat(checked.columns()).noneMatch(c -> c.startsWith(ColumnMapping.INPUT_PREFIX));
    // The reasons of the checks are built once per record: array_compact runs outside generated
    // code, so each expression that repeated it cost a full evaluation of every check.
    String plan =
        checked
            .queryExecution()
            .executedPlan()
            .treeString(true, false, Integer.MAX_VALUE, false, false);
    assertThat(plan.split("lambdafunction\\(", -1).length - 1).isEqualTo(1);

    assertThat(reasonsByLine(spark, checked, SourceKind.TRANSACTIONS))
        .containsExactly(
            "2 []",
            "3 [unknown_customer]",
            "4 [non_positive_price, unknown_customer]",
            "5 [missing_required:order_id, unknown_customer]",
            "6 [malformed_record]");
  }

  /** The redemptions rules at the transform level: points must be positive, like any amount. */
  @Test
  void redemptionsNeedPositivePointsAndTheUsualFields(SparkSession spark) {
    IngestFixture f = new IngestFixture(spark, "validation-redemptions");
    Path file =
        f.write(
            "redemptions",
            "redemptions.csv",
            "redemption_id,customer_id,order_id,redeemed_at,points,reward",
            "R1,C1,O1,2026-11-20 10:00:00,100,voucher", // 2 valid
            "R2,C1,,2026-11-20 10:00:00,0,", // 3 zero points
            "R3,C1,,2026-11-20 10:00:00,-5,", // 4 negative points
            "R4,C1,,2026-11-20 10:00:00,ten,", // 5 not a number
            "R5,,,2026-11-20 10:00:00,10,", // 6 no customer
            "R6,C1,,2026-11-22 00:00:01,10,", // 7 one second into the future
            "R7,C1,,,10,", // 8 no time
            ",C1,,2026-11-20 10:00:00,10,", // 9 no id
            "R8,C9,,2026-11-20 10:00:00,1,"); // 10 one point, unknown customer
    assertThat(
            reasonsByLine(
                spark, checked(spark, f, SourceKind.REDEMPTIONS, file), SourceKind.REDEMPTIONS))
        .containsExactly(
            "2 []",
            "3 [out_of_range:points]",
            "4 [out_of_range:points]",
            "5 [unparseable_value:points]",
            "6 [missing_customer_id]",
            "7 [future_timestamp]",
            "8 [missing_required:redeemed_at]",
            "9 [missing_required:redemption_id]",
            "10 [unknown_customer]");
  }

  /** The first step of validation over one raw file of {@code kind}: mapped and checked. */
  static Dataset<Row> checked(SparkSession spark, IngestFixture f, SourceKind kind, Path file) {
    IngestConfig config = f.ingestConfig();
    SourceConfig src = config.sources().get(kind);
    Pseudonymizer pseudonyms = Pseudonymizer.of(spark, config.pii());
    // Read, mapped and checked in one lenient plan, as IngestJob builds it.
    return IngestJob.lenient(
        spark,
        () -> {
          Dataset<Row> records = RawRecords.read(spark, src, List.of(file.toString()));
          Dataset<Row> redacted =
              RawRecords.redact(records, RawRecords.sourceColumns(records), pseudonyms);
          return ValidationRules.check(
              ColumnMapping.apply(redacted, src, pseudonyms),
              src,
              config.rules(),
              IngestFixture.AS_OF);
        });
  }

  /** The second step with C1 the one known customer: "line [reasons]" in line order. */
  static List<String> reasonsByLine(SparkSession spark, Dataset<Row> checked, SourceKind kind) {
    Dataset<Row> known = spark.createDataset(List.of("C1"), Encoders.STRING()).toDF("customer_id");
    return ValidationRules.withUnknownCustomers(checked, kind, known, UnaryOperator.identity())
        .orderBy(RawRecords.LINE)
        .collectAsList()
        .stream()
        .map(r -> r.getAs(RawRecords.LINE) + " " + r.getList(r.fieldIndex(ValidationRules.REASONS)))
        .toList();
  }

  @Test
  void headersAreCheckedFileByFile(SparkSession spark) {
    IngestFixture f = new IngestFixture(spark, "headers");
    Path first =
        f.write(
            "transactions",
            "a.csv",
            IngestFixture.TXN_HEADER,
            "O1,1,C1,2026-11-20 10:00:00,P1,B1,shoes,1,10.00,0,,web,,");
    Path second = f.write("transactions", "b.csv", "order_id,customer_id", "O2,C1");
    Path empty = f.write("transactions", "c.csv");
    SourceConfig src = f.ingestConfig().sources().get(SourceKind.TRANSACTIONS);

    assertThat(RawRecords.read(spark, src, List.of(first.toString(), empty.toString())).count())
        .isEqualTo(1);
    assertThatThrownBy(
            () -> RawRecords.read(spark, src, List.of(first.toString(), second.toString())))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith(
            "File " + second + " has header [order_id, customer_id], expected [order_id, line_no,");
    assertThatThrownBy(() -> RawRecords.read(spark, src, List.of(empty.toString())))
        .isInstanceOf(JobFailure.class)
        .hasMessage("No header line in the transactions files.");
  }
}
