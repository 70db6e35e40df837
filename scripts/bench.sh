#!/usr/bin/env bash
# Benchmark: the whole pipeline, stage by stage, against a DuckDB reference on the same files, then
# an incremental refresh (one new day, about 1% of the lines) timed against the full run.
#
#   ./scripts/bench.sh                      # 20,000,000 transaction lines, 1,000,000 customers
#   ./scripts/bench.sh --quick              # 500,000 lines, 25,000 customers (~6 min on 2 cores)
#   ./scripts/bench.sh --transactions 5000000 --customers 250000
#   ./scripts/bench.sh --quick --set clientele.pipeline.clusters=true   # any config override
#   ./scripts/bench.sh --quick --no-incremental                         # the full run only
#   ./scripts/bench.sh --quick --local-cluster   # tasks in an executor JVM: heap figures are the driver's
#   ./scripts/bench.sh --quick --spark-floor     # also time the plainest Spark jobs: what Spark alone costs
#   ./scripts/bench.sh --clv                     # also run the clv stage and report the BG/NBD +
#                                                # Gamma-Gamma fit's driver time, customers and compressed rows
#
# Generates the raw files once into ./data/bench/<size>/raw (kept: delete the folder to regenerate),
# builds if needed, then runs one JVM (dev.clientele.bench.Bench, module bench/) that runs pipeline
# as of 2026-11-21 in one Spark application on a fresh ./data/bench/<size>/warehouse, reading the
# transactions through hard links in ./data/bench/<size>/work/transactions (the raw folder is never
# written); then, unless --no-incremental, writes one more day file there (2026-11-22, built from
# the last days' valid lines) and runs pipeline as of 2026-11-22 in the same Spark application;
# then DuckDB with the same threads, prints the figures and checks both engines computed the same
# answers as of each date. Exit 0 when they agree, 1 when they differ or a run fails. Output is also
# saved to ./data/bench/<size>/bench-<time>.txt. Environment: BENCH_DRIVER_MEMORY (default 6g, or
# 2g with --local-cluster), BENCH_EXECUTOR_MEMORY (MB, --local-cluster only, default 6144),
# BENCH_THREADS (default: nproc).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
transactions=20000000
customers=1000000
as_of=2026-11-21
extra=()
reuse=false
incremental=true
cluster=false
floor=false
clv=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --transactions) transactions="$2"; shift 2 ;;
    --customers) customers="$2"; shift 2 ;;
    --quick) transactions=500000; customers=25000; shift ;;
    --set) extra+=(--set "$2"); shift 2 ;;
    # Re-check agreement on the last run's warehouse without running the pipeline again (debugging;
    # with the incremental step, the last run must have run it too).
    --reuse) reuse=true; shift ;;
    --no-incremental) incremental=false; shift ;;
    # Spark on local-cluster[1,threads,MB]: one executor JVM runs the tasks, this JVM is the driver.
    --local-cluster) cluster=true; shift ;;
    # After the pipeline, a plain Spark CSV -> Parquet load, the essential ingest of the transactions
    # (checks, customer lookup, duplicates, silver and quarantine Delta), R, F, M values and the essential
    # gold work (facts, scores, labels with reasons, four gold Delta tables from silver), timed in the same
    # application: lower bounds for Spark on this machine, set against DuckDB and Clientele.
    --spark-floor) floor=true; shift ;;
    # The pipeline's clv stage (off by default here): the report gives its fit time (clv_fits).
    --clv) clv=true; shift ;;
    -h|--help) sed -n 2,25p "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
threads="${BENCH_THREADS:-$(nproc)}"
size="${transactions}tx-${customers}cu"
dir="$root/data/bench/$size"

jar="$root/jobs/target/clientele-jobs-0.1.0-SNAPSHOT-shaded.jar"
cp_file="$root/bench/target/bench-classpath.txt"
if [[ ! -f "$jar" || ! -f "$cp_file" ]] || [[ -n "$(find common/src jobs/src bench/src conf pom.xml common/pom.xml jobs/pom.xml bench/pom.xml -newer "$cp_file" -type f -print -quit)" ]]; then
  echo "== Building (mvn -q package -DskipTests)" >&2
  mvn -B -q -o package -DskipTests >&2
fi

if [[ ! -d "$dir/raw/transactions" ]]; then
  echo "== Generating $transactions lines for $customers customers into $dir/raw" >&2
  "$root/scripts/clientele" generate-sample --output "$dir/raw" --transactions "$transactions" \
    --customers "$customers" --end-date "$as_of" >&2
fi
if [[ "$reuse" == false ]]; then rm -rf "$dir/warehouse"; fi
rm -rf "$dir/work"
mkdir -p "$dir/work"

commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git status --porcelain -- common jobs bench conf pom.xml 2>/dev/null)" ]]; then commit="$commit+uncommitted"; fi

# shellcheck source=spark-java-opts.sh
source "$root/scripts/spark-java-opts.sh"
opens=("${spark_java_opts[@]}")
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
driver_memory="${BENCH_DRIVER_MEMORY:-6g}"
if [[ "$cluster" == true ]]; then
  # local-cluster forks its executor from SPARK_HOME; the classes come from the driver's class
  # path (spark.executor.extraClassPath), so an empty jars folder is all the home needs.
  export SPARK_HOME="$root/bench/target/spark-home" SPARK_SCALA_VERSION=2.13
  mkdir -p "$SPARK_HOME/jars"
  driver_memory="${BENCH_DRIVER_MEMORY:-2g}"
  extra+=(--executor-memory "${BENCH_EXECUTOR_MEMORY:-6144}")
fi
report="$dir/bench-$(date -u +%Y%m%dT%H%M%SZ).txt"
echo "== Benchmark $size (threads $threads), report in $report" >&2
set +e
java "${opens[@]}" -Xmx"$driver_memory" -XX:+UseParallelGC \
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -Duser.timezone=UTC \
  -cp "$root/bench/target/classes:$(cat "$cp_file")" dev.clientele.bench.Bench \
  --raw "$dir/raw" --warehouse "$dir/warehouse" --work "$dir/work" --as-of "$as_of" --threads "$threads" \
  --label "$transactions transaction lines, $customers customers" --commit "$commit" --reuse "$reuse" --incremental "$incremental" --spark-floor "$floor" --clv "$clv" ${extra[@]+"${extra[@]}"} | tee "$report"
status=${PIPESTATUS[0]}
exit "$status"
