#!/usr/bin/env bash
# The local quick start: builds if needed, generates the default sample under ./data/raw if absent,
# runs the whole pipeline for two consecutive as-of dates (so tier history and transitions have
# something to show), publishing in between the campaign date C of the generated campaign (the first
# day of the month containing as-of - 30 days) with `clientele backfill`, so the second publish has
# an audience old enough to measure (docs/sample-data.md), then backtests the predictions as of the second date (its own step, so the
# pipeline timings are unchanged), then prints where the tables and the reports are, with row counts
# (ingest counts per source, points redemptions included), the last months' points redemption rate
# and open complaints, the churn scores' AUC side by side, and the audiences' measured uplift next
# to the generator's true one.
#
#   ./scripts/run-local.sh                 # default sample: 10,000 customers, ~500,000 lines
#   CLIENTELE_AS_OF=2026-11-21 ./scripts/run-local.sh
#
# Rerunning is safe: ingest skips files it has already loaded and each as-of snapshot is replaced.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
as_of="${CLIENTELE_AS_OF:-2026-11-21}"
previous="$(date -u -d "$as_of - 1 day" +%F)"
# The generated campaign's date: the month start on or before as-of - 30 days.
campaign="$(date -u -d "$(date -u -d "$as_of - 30 days" +%Y-%m-01)" +%F)"
clientele=("$root/scripts/clientele")

jar="$root/jobs/target/clientele-jobs-0.1.0-SNAPSHOT-shaded.jar"
if [[ ! -f "$jar" ]] || [[ -n "$(find common/src jobs/src conf pom.xml common/pom.xml jobs/pom.xml -newer "$jar" -type f -print -quit)" ]]; then
  echo "== Building (mvn -q package -DskipTests)"
  mvn -B -q package -DskipTests
fi

if [[ ! -d data/raw/transactions ]]; then
  echo "== Generating sample data under ./data/raw"
  "${clientele[@]}" generate-sample --end-date "$as_of"
fi

# Generated sample data has no secret behind it, so this script alone allows the public development
# PII key, and only when no key is set and ./data/raw is what generate-sample wrote (its ground truth).
pii=()
if [[ -z "${CLIENTELE_PII_KEY:-}" && -f data/raw/ground_truth/customer_groups.csv ]]; then
  pii=(--set ingest.pii.dev-key-allowed=true)
fi

echo "== Pipeline for as-of $previous"
"${clientele[@]}" pipeline --as-of "$previous" "${pii[@]}"
# Publishes C from silver (no ingest), so the publish at as-of measures C's audiences (C + 30 <= as-of).
echo "== Backfill of the campaign date $campaign"
"${clientele[@]}" backfill --from "$campaign" --to "$campaign" --every month
echo "== Pipeline for as-of $as_of"
"${clientele[@]}" pipeline --as-of "$as_of" "${pii[@]}"

echo "== Backtest of the predictions as of $as_of (models fitted on the data known 90 days earlier)"
"${clientele[@]}" backtest --as-of "$as_of"

echo "== Ingest counts (read = accepted + quarantined + duplicates + filtered), table row counts, value tiers"
"${clientele[@]}" sql "
  SELECT as_of, source, records_read, records_accepted, records_quarantined, records_duplicate, records_filtered, status
  FROM clientele.runs
  WHERE source IN ('transactions', 'customers', 'surveys', 'complaints', 'redemptions', 'contacts')
    AND records_read IS NOT NULL
  ORDER BY started_at, source" "
  SELECT 'silver' AS layer, 'transactions' AS table_name, count(*) AS row_count FROM clientele.transactions
  UNION ALL SELECT 'silver', 'customers', count(*) FROM clientele.customers
  UNION ALL SELECT 'ops', 'quarantine', count(*) FROM clientele.quarantine
  UNION ALL SELECT 'gold', 'customer_tiers', count(*) FROM clientele.customer_tiers
  UNION ALL SELECT 'gold', 'segment_summary', count(*) FROM clientele.segment_summary
  UNION ALL SELECT 'gold', 'kpi_monthly', count(*) FROM clientele.kpi_monthly
  UNION ALL SELECT 'gold', 'tier_history', count(*) FROM clientele.tier_history
  UNION ALL SELECT 'gold', 'tier_transitions', count(*) FROM clientele.tier_transitions
  UNION ALL SELECT 'gold', 'prediction_scorecard', count(*) FROM clientele.prediction_scorecard" \
  "SELECT value_tier, count(*) AS customers, sum(net_spend) AS revenue
  FROM clientele.customer_tiers WHERE as_of = DATE'$as_of' GROUP BY value_tier ORDER BY revenue DESC" \
  "SELECT month, points_earned, points_redeemed, points_redemption_rate, open_complaints
  FROM clientele.kpi_monthly WHERE dimension = 'overall' ORDER BY month DESC LIMIT 3" \
  "SELECT max(CASE WHEN model = 'churn_rule' THEN value END) AS rule_score_auc,
    max(CASE WHEN model = 'churn_learned' THEN value END) AS learned_model_auc,
    max(baseline_value) AS recency_only_auc
  FROM clientele.prediction_scorecard WHERE as_of = DATE'$as_of' AND metric = 'auc'" \
  "SELECT model, metric, round(value, 4) AS value, round(baseline_value, 4) AS baseline, grade
  FROM clientele.prediction_scorecard
  WHERE as_of = DATE'$as_of' AND grade IS NOT NULL ORDER BY model, metric"
# Audiences' results, once a release publishes them (absent before: the query is skipped).
if [[ -d data/warehouse/gold/audience_results ]]; then
  echo "== Audiences: measured uplift (clientele.audience_results)"
  "${clientele[@]}" sql "SELECT * FROM clientele.audience_results ORDER BY 1, 2"
  if [[ -f data/raw/ground_truth/campaign_uplift.csv ]]; then
    echo "== The generated campaign's true uplift (ground_truth/campaign_uplift.csv)"
    cat data/raw/ground_truth/campaign_uplift.csv
  fi
fi
echo
echo "Tables:  $root/data/warehouse/{silver,gold,ops}/<table>  (Delta; catalog database 'clientele')"
echo "Report:  $root/data/warehouse/reports/latest.html"
echo "Backtest: $root/data/warehouse/reports/backtest-latest.html  (definitions: docs/predictions.md)"
echo "Explore: ./scripts/clientele sql \"SELECT * FROM clientele.segment_summary LIMIT 20\""
