#!/usr/bin/env bash
# FHIR REST benchmark driven by wrk: starts the bench server (as bench/cds-wrk.sh does), stores synthetic patients of
# --size resources, then measures, per client count, a read of each Patient and the search a client runs to get a
# patient's Observations (Observation?patient=<id>, about 90 % of the record; every call runs the search: the server
# reuses no earlier result since 2026-12-05, and the requests still send Cache-Control: no-cache, as runs before that
# did), and the same search sent with Cache-Control: no-store, max-results=1000, which HAPI answers without storing
# the search and its result list for paging (HAPI's own option for clients that do not page; checked first to give
# the same entries). Prints calls/s, p50, p99 and errors per scenario.
#
# Usage: bench/fhir-search-wrk.sh [--patients 32] [--size 200] [--warmup 60] [--seconds 20] [--clients 1,16]
# --warmup: seconds of 16-client search load before the first window (JIT warm-up), half of it no-store.
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
NO_STORE="no-store, max-results=1000"
# Both forms of the search must find the same Observations, or the comparison means nothing.
entry_ids() {
  curl -sf -H 'Accept: application/fhir+json' -H "Cache-Control: $1" "$BASE$(head -1 "$REQUESTS/search.txt")" |
    grep -o '"fullUrl":"[^"]*"' | sort
}
stored=$(entry_ids no-cache) unstored=$(entry_ids "$NO_STORE")
if [ -z "$stored" ] || [ "$stored" != "$unstored" ]; then
  echo "the no-store search found other entries than the stored one ($(wc -l <<< "$unstored") against $(wc -l <<< "$stored"))" >&2
  exit 1
fi
echo "JIT warm-up: ${WARMUP} s of 16-client searches, the second half no-store"
half_warmup=$(( (WARMUP + 1) / 2 ))
wrk_figures "$BASE" get "$REQUESTS/search.txt" 16 "$half_warmup" > /dev/null
wrk_figures "$BASE" get "$REQUESTS/search.txt" 16 "$half_warmup" "$NO_STORE" > /dev/null

printf '%-34s %7s %10s %9s %9s %7s\n' scenario clients calls/s "p50 ms" "p99 ms" errors
for clients in ${CLIENTS//,/ }; do
  for scenario in read search search-no-store; do
    case "$scenario" in
      read) file=read.txt cache=no-cache label="read Patient/<id>" ;;
      search) file=search.txt cache=no-cache label="search Observation?patient=<id>" ;;
      search-no-store) file=search.txt cache="$NO_STORE" label="the same search, no-store" ;;
    esac
    read -r rate p50 p99 errors < <(wrk_figures "$BASE" get "$REQUESTS/$file" "$clients" "$SECONDS_PER_RUN" "$cache")
    printf '%-34s %7d %10s %9s %9s %7s\n' "$label" "$clients" "$rate" "$p50" "$p99" "$errors"
  done
done
