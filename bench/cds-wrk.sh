#!/usr/bin/env bash
# CDS Hooks benchmark driven by wrk (the load tool of the issue's reference figures), next to the trivial 'hello'
# service in the same run. Starts the bench server like bench/cds.sh, stores synthetic patients, writes one
# patient-view request per patient (with the prefetch sent, and without it so the server fetches from its own
# store), then runs wrk on each service, prefetch mode and client count: a warm-up window, then a measured one.
# Prints calls/s, p50, p99 and errors per scenario, and the ratio to the trivial service.
#
# Usage: bench/cds-wrk.sh [--patients 32] [--size 200] [--jit-warmup 240] [--warmup 10] [--seconds 25] [--clients 1,16]
# --jit-warmup: seconds of load on both services and both modes before the first window (the JIT keeps improving
# this server's code for minutes under load: 60 s gave 453 calls/s with the prefetch sent at 16 clients,
# 240 s gave 514-577); --warmup: seconds of load before each measured window.
# Installs Debian's wrk package when wrk is missing (as .ci/run installs the browser).
set -euo pipefail
cd "$(dirname "$0")/.."

PATIENTS=32 SIZE=200 JIT_WARMUP=240 WARMUP=10 SECONDS_PER_RUN=25 CLIENTS=1,16
while [[ $# -gt 0 ]]; do
  case "$1" in
    --patients) PATIENTS=$2 ;;
    --size) SIZE=$2 ;;
    --jit-warmup) JIT_WARMUP=$2 ;;
    --warmup) WARMUP=$2 ;;
    --seconds) SECONDS_PER_RUN=$2 ;;
    --clients) CLIENTS=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done

PORT="${BENCH_PORT:-18091}"
REQUESTS=server/target/cds-wrk
source bench/lib/cds-server.sh
start_wrk_bench "$PORT" "$REQUESTS" "$PATIENTS" "$SIZE"

# One wrk run of a service in a prefetch mode; prints "calls/s p50_ms p99_ms errors".
run_wrk() { # service mode clients seconds
  wrk_figures "http://localhost:$PORT/cds-services/$1" post "$REQUESTS/prefetch-$2.jsonl" "$3" "$4"
}

echo "JIT warm-up: ${JIT_WARMUP} s of 16-client load spread over both services and modes"
for mode in sent fetched; do
  for service in hello ici-resistance-patient-view; do
    run_wrk "$service" "$mode" 16 $(( (JIT_WARMUP + 3) / 4 )) > /dev/null
  done
done

printf '%-30s %-8s %7s %10s %9s %9s %7s\n' service prefetch clients calls/s "p50 ms" "p99 ms" errors
declare -A figures
for mode in sent fetched; do
  for clients in ${CLIENTS//,/ }; do
    for service in hello ici-resistance-patient-view; do
      run_wrk "$service" "$mode" "$clients" "$WARMUP" > /dev/null
      read -r rate p50 p99 errors < <(run_wrk "$service" "$mode" "$clients" "$SECONDS_PER_RUN")
      figures["$service/$mode/$clients"]="$rate $p50"
      printf '%-30s %-8s %7d %10s %9s %9s %7s\n' "$service" "$mode" "$clients" "$rate" "$p50" "$p99" "$errors"
    done
  done
done
echo
for mode in sent fetched; do
  for clients in ${CLIENTS//,/ }; do
    read -r hello_rate hello_p50 <<< "${figures["hello/$mode/$clients"]}"
    read -r ours_rate ours_p50 <<< "${figures["ici-resistance-patient-view/$mode/$clients"]}"
    awk -v m="$mode" -v c="$clients" -v hr="$hello_rate" -v orate="$ours_rate" -v hp="$hello_p50" -v op="$ours_p50" \
      'BEGIN { printf "prefetch %-8s clients %2d: resistance/hello throughput %.0f %%, p50 %.2f vs %.2f ms\n", m, c, 100 * orate / hr, op, hp }'
  done
done
