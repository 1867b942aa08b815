#!/usr/bin/env bash
# FHIR REST benchmark driven by wrk: starts the bench server (as bench/cds-wrk.sh does), stores synthetic patients of
# --size resources, then measures, per client count, a read of each Patient and the search a client runs to get a
# patient's Observations (Observation?patient=<id>, about 90 % of the record; every call runs the search: the server
# reuses no earlier result since 2026-12-05, and the requests still send Cache-Control: no-cache, as runs before that
# did). Prints calls/s, p50, p99 and errors per scenario.
#
# Usage: bench/fhir-search-wrk.sh [--patients 32] [--size 200] [--warmup 60] [--seconds 20] [--clients 1,16]
# --warmup: seconds of 16-client search load before the first window (JIT warm-up).
set -euo pipefail
cd "$(dirname "$0")/.."

PATIENTS=32 SIZE=200 WARMUP=60 SECONDS_PER_RUN=20 CLIENTS=1,16
while [[ $# -gt 0 ]]; do
  case "$1" in
    --patients) PATIENTS=$2 ;;
    --size) SIZE=$2 ;;
    --warmup) WARMUP=$2 ;;
    --seconds) SECONDS_PER_RUN=$2 ;;
    --clients) CLIENTS=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done

PORT="${BENCH_PORT:-18091}"
# The CDS benchmark client stores the patients; its request files name them.
REQUESTS=server/target/fhir-search-wrk
source bench/lib/cds-server.sh
start_wrk_bench "$PORT" "$REQUESTS" "$PATIENTS" "$SIZE"
grep -o '"patientId":"[^"]*"' "$REQUESTS/prefetch-fetched.jsonl" | cut -d'"' -f4 > "$REQUESTS/patients.txt"
sed 's|^|/fhir/Patient/|' "$REQUESTS/patients.txt" > "$REQUESTS/read.txt"
sed 's|^\(.*\)$|/fhir/Observation?patient=\1\&_count=1000|' "$REQUESTS/patients.txt" > "$REQUESTS/search.txt"

BASE="http://localhost:$PORT"
echo "JIT warm-up: ${WARMUP} s of 16-client searches"
wrk_figures "$BASE" get "$REQUESTS/search.txt" 16 "$WARMUP" > /dev/null

printf '%-34s %7s %10s %9s %9s %7s\n' scenario clients calls/s "p50 ms" "p99 ms" errors
for clients in ${CLIENTS//,/ }; do
  for scenario in read search; do
    read -r rate p50 p99 errors < <(wrk_figures "$BASE" get "$REQUESTS/$scenario.txt" "$clients" "$SECONDS_PER_RUN")
    label="$scenario"
    [ "$scenario" = read ] && label="read Patient/<id>"
    [ "$scenario" = search ] && label="search Observation?patient=<id>"
    printf '%-34s %7d %10s %9s %9s %7s\n' "$label" "$clients" "$rate" "$p50" "$p99" "$errors"
  done
done
