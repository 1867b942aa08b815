#!/usr/bin/env bash
# Heap size against throughput. For each -Xmx given (in that order, so pairs can interleave), starts the packaged
# jar on a fresh H2 database, posts a resistance variant (bench/lib/sample-variant.json) to Observation/$validate
# with wrk for a warm-up window, then for a measured window, and prints calls/s, p50, p99, the share of the
# process's CPU taken by garbage-collector threads (G1 and GC worker threads, from /proc) and CPU time per call.
#
# Usage: bench/heap.sh [--heaps 512m,1g,512m,1g] [--clients 1] [--warmup 30] [--seconds 30]
# Installs Debian's wrk package when wrk is missing. Builds the jar first if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

HEAPS=512m,1g,512m,1g CLIENTS=1 WARMUP=30 SECONDS_PER_RUN=30
while [[ $# -gt 0 ]]; do
  case "$1" in
    --heaps) HEAPS=$2 ;;
    --clients) CLIENTS=$2 ;;
    --warmup) WARMUP=$2 ;;
    --seconds) SECONDS_PER_RUN=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done

JAR=server/target/resistance-cds-server.jar
[ -f "$JAR" ] || mvn -q -B -ntp ${MAVEN_ARGS:-} -DskipTests package
source bench/lib/wrk-figures.sh
source bench/lib/await-ready.sh
ensure_wrk

PORT="${BENCH_PORT:-18094}"
URL="http://localhost:$PORT/fhir/Observation/\$validate"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# cpu_ticks PID prints "gc_ticks all_ticks": user+system clock ticks of the GC threads and of the whole process.
cpu_ticks() {
  local gc=0 all=0 task name fields
  for task in /proc/"$1"/task/*; do
    name=$(cat "$task/comm" 2>/dev/null) || continue
    read -r -a fields < <(sed 's/^.*) //' "$task/stat" 2>/dev/null) || continue
    local ticks=$(( ${fields[11]:-0} + ${fields[12]:-0} ))
    all=$(( all + ticks ))
    case "$name" in G1*|"GC Thread"*) gc=$(( gc + ticks )) ;; esac
  done
  echo "$gc $all"
}

echo "| -Xmx | calls/s | p50 ms | p99 ms | errors | GC threads, % of process CPU | CPU ms per call |"
echo "|---|---:|---:|---:|---:|---:|---:|"
hz=$(getconf CLK_TCK)
IFS=, read -r -a heaps <<< "$HEAPS"
for heap in "${heaps[@]}"; do
  rm -rf "$work/data"
  (cd "$work" && exec java -Xmx"$heap" -jar "$OLDPWD/$JAR" --server.port="$PORT" \
    --resistance.security.enabled=false > "$work/server-$heap.log" 2>&1) &
  pid=$!
  await_ready "$PORT" "$pid" "$work/server-$heap.log" > /dev/null
  wrk_figures "$URL" post bench/lib/sample-variant.json "$CLIENTS" "$WARMUP" > /dev/null
  read -r gc0 all0 < <(cpu_ticks "$pid")
  read -r rate p50 p99 errors < <(wrk_figures "$URL" post bench/lib/sample-variant.json "$CLIENTS" "$SECONDS_PER_RUN")
  read -r gc1 all1 < <(cpu_ticks "$pid")
  awk -v h="$heap" -v r="$rate" -v a="$p50" -v b="$p99" -v e="$errors" -v g=$(( gc1 - gc0 )) -v t=$(( all1 - all0 )) \
    -v hz="$hz" -v s="$SECONDS_PER_RUN" \
    'BEGIN { printf "| %s | %.1f | %.2f | %.2f | %d | %.0f | %.1f |\n", h, r, a, b, e, 100 * g / t, 1000 * t / hz / (r * s) }'
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
