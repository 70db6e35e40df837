#!/usr/bin/env bash
# Submits a clientele job to a cluster with spark-submit, the shaded jar and Delta's settings.
#
#   scripts/submit.sh --master yarn --deploy-mode cluster --files prod.conf \
#       -- ingest --as-of 2026-11-21 --conf prod.conf
#   scripts/submit.sh --master k8s://https://host:6443 --deploy-mode cluster \
#       --conf spark.kubernetes.container.image=apache/spark:4.1.0 \
#       --conf spark.kubernetes.file.upload.path=s3a://bucket/spark-uploads \
#       --files prod.conf -- pipeline --as-of 2026-11-21 --conf prod.conf
#   scripts/submit.sh --master spark://host:7077 -- segment --as-of 2026-11-21 --conf /shared/prod.conf
#
# Everything before "--" goes to spark-submit; everything after goes to clientele. SPARK_HOME must
# point at a Spark 4.1.0 (Scala 2.13) distribution. The jar bundles Delta, so no --packages is needed.
# The master comes from spark-submit (clientele.spark.master is set to ""). How the config files and
# the PII key reach the driver in each deploy mode and cluster manager: docs/operations.md, "Running
# on a cluster". In short: set clientele.warehouse to shared storage (hdfs://, s3a://, abfss://); in
# cluster deploy mode on YARN or Kubernetes ship config files with --files and name them without a
# folder; on a standalone cluster name them by a path every worker can read.
# Environment: SPARK_HOME; CLIENTELE_JAVA_OPTS, extra JVM flags for the driver (spark-submit's own
# --driver-java-options would replace the ones set here).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/jobs/target/clientele-jobs-0.1.0-SNAPSHOT-shaded.jar"
: "${SPARK_HOME:?set SPARK_HOME to a Spark 4.1.0 (Scala 2.13) distribution}"
[[ -f "$jar" ]] || (cd "$root" && mvn -B -q package -DskipTests)
source "$root/scripts/spark-java-opts.sh"

spark_args=()
while [[ $# -gt 0 && "$1" != "--" ]]; do spark_args+=("$1"); shift; done
[[ "${1:-}" == "--" ]] && shift
[[ $# -gt 0 ]] || { echo "usage: submit.sh [spark-submit options] -- <clientele subcommand> [options]" >&2; exit 2; }

master="" deploy_mode=client
for ((i = 0; i < ${#spark_args[@]}; i++)); do
  case "${spark_args[i]}" in
    --master) master="${spark_args[i + 1]:-}" ;;
    --master=*) master="${spark_args[i]#*=}" ;;
    --deploy-mode) deploy_mode="${spark_args[i + 1]:-}" ;;
    --deploy-mode=*) deploy_mode="${spark_args[i]#*=}" ;;
    spark.submit.deployMode=*) deploy_mode="${spark_args[i]#*=}" ;;
  esac
done

# The driver's logging (Clientele at INFO, Spark at WARN): a local file in client mode; in cluster
# mode YARN and Kubernetes put --files in the driver's working directory (added to the caller's
# --files, as spark-submit keeps only the last), a standalone worker does not, so there the driver
# logs with Spark's defaults.
log4j="-Dlog4j2.configurationFile=$root/conf/log4j2.properties"
if [[ "$deploy_mode" == cluster ]]; then
  log4j=""
  if [[ "$master" != spark://* ]]; then
    log4j="-Dlog4j2.configurationFile=log4j2.properties"
    shipped=false
    for ((i = 0; i < ${#spark_args[@]}; i++)); do
      case "${spark_args[i]}" in
        --files) spark_args[i + 1]="${spark_args[i + 1]},$root/conf/log4j2.properties"; shipped=true ;;
        --files=*) spark_args[i]="${spark_args[i]},$root/conf/log4j2.properties"; shipped=true ;;
      esac
    done
    $shipped || spark_args+=(--files "$root/conf/log4j2.properties")
  fi
fi
driver_opts="${spark_java_opts[*]} $log4j ${CLIENTELE_JAVA_OPTS:-}"

exec "$SPARK_HOME/bin/spark-submit" \
  --class dev.clientele.cli.Clientele \
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
  --driver-java-options "$driver_opts" \
  "${spark_args[@]}" \
  "$jar" "$@" --set 'clientele.spark.master=""'
