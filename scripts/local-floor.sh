#!/usr/bin/env bash
# The floor of run-local's two pipeline runs (issue 19: together <= 60 s): the plainest Spark
# process doing one run's essential work (bench/.../LocalFloor.java: the day files to a silver Delta
# table by month, the small sources to theirs, then the essential gold work of SparkFloor), run as
# run-local runs `clientele pipeline`: once for as-of - 1 day from an empty warehouse, then once for
# as-of with the new day's file, each in a JVM of its own with scripts/clientele's JVM flags.
# Prints each run's wall time (JVM start included) and their sum; set them beside run-local's.
#
#   ./scripts/local-floor.sh                 # run-local's sample under ./data/raw (generated if absent)
#   CLIENTELE_AS_OF=2026-11-21 ./scripts/local-floor.sh
#
# Its warehouse is ./data/local-floor (rewritten each time); ./data/raw is only read.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
as_of="${CLIENTELE_AS_OF:-2026-11-21}"
previous="$(date -u -d "$as_of - 1 day" +%F)"

cp_file="$root/bench/target/bench-classpath.txt"
if [[ ! -f "$cp_file" ]] || [[ -n "$(find common/src jobs/src bench/src pom.xml common/pom.xml jobs/pom.xml bench/pom.xml -newer "$cp_file" -type f -print -quit)" ]]; then
  echo "== Building (mvn -q package -DskipTests)" >&2
  mvn -B -q package -DskipTests >&2
fi
if [[ ! -d data/raw/transactions ]]; then
  echo "== Generating sample data under ./data/raw" >&2
  "$root/scripts/clientele" generate-sample --end-date "$as_of" >&2
fi
warehouse="$root/data/local-floor"
rm -rf "$warehouse"

# shellcheck source=spark-java-opts.sh
source "$root/scripts/spark-java-opts.sh"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
log="$warehouse.log"
run() {
  local start end
  start="$(date +%s.%N)"
  if ! java "${spark_java_opts[@]}" -Xmx"${CLIENTELE_DRIVER_MEMORY:-4g}" -XX:+UseParallelGC \
    -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -Duser.timezone=UTC \
    ${CLIENTELE_JAVA_OPTS:-} \
    -cp "$root/bench/target/classes:$(cat "$cp_file")" dev.clientele.bench.LocalFloor \
    --raw "$root/data/raw" --warehouse "$warehouse" "$@" > "$log" 2>&1; then
    tail -20 "$log" >&2
    echo "local-floor.sh: the run $* failed; its log is $log" >&2
    exit 1
  fi
  end="$(date +%s.%N)"
  grep '^LocalFloor' "$log" >&2
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }'
}
first="$(run --as-of "$previous")"
second="$(run --as-of "$as_of" --after "$previous")"
printf 'Floor of run-local (plain Spark, no checks, no quarantine):\n'
printf '  run for %s (every file before it)  %6.1f s\n' "$previous" "$first"
printf '  run for %s (the new day)           %6.1f s\n' "$as_of" "$second"
printf '  both                                     %6.1f s (issue 19 target for run-local'"'"'s two pipelines: 60 s)\n' \
  "$(awk -v a="$first" -v b="$second" 'BEGIN { print a + b }')"
