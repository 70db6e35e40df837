#!/usr/bin/env bash
# Submits a clientele job to a cluster with spark-submit, the shaded jar and Delta's settings.
#
#   scripts/submit.sh --master yarn --deploy-mode cluster -- ingest --as-of 2026-11-21 --conf prod.conf
#   scripts/submit.sh --master k8s://https://host:6443 --deploy-mode cluster \
#       --conf spark.kubernetes.container.image=apache/spark:4.1.0 -- pipeline --as-of 2026-11-21
#   scripts/submit.sh --master spark://host:7077 -- segment --as-of 2026-11-21
#
# Everything before "--" goes to spark-submit; everything after goes to clientele. SPARK_HOME must
# point at a Spark 4.1.0 (Scala 2.13) distribution. The jar bundles Delta, so no --packages is needed.
# The master comes from spark-submit (clientele.spark.master is set to ""). In cluster deploy mode the
# driver runs remotely: ship your config with --files my.conf and pass "--conf my.conf" to clientele,
# and set clientele.warehouse to a shared location (hdfs://, s3a://, abfss://).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/jobs/target/clientele-jobs-0.1.0-SNAPSHOT-shaded.jar"
: "${SPARK_HOME:?set SPARK_HOME to a Spark 4.1.0 (Scala 2.13) distribution}"
[[ -f "$jar" ]] || (cd "$root" && mvn -B -q package -DskipTests)

spark_args=()
while [[ $# -gt 0 && "$1" != "--" ]]; do spark_args+=("$1"); shift; done
[[ "${1:-}" == "--" ]] && shift
[[ $# -gt 0 ]] || { echo "usage: submit.sh [spark-submit options] -- <clientele subcommand> [options]" >&2; exit 2; }

exec "$SPARK_HOME/bin/spark-submit" \
  --class dev.clientele.cli.Clientele \
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
  --files "$root/conf/log4j2.properties" \
  --driver-java-options "-Dlog4j2.configurationFile=log4j2.properties" \
  "${spark_args[@]}" \
  "$jar" "$@" --set 'clientele.spark.master=""'
