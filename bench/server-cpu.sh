#!/usr/bin/env bash
# Where a running server's CPU goes while it ingests a cohort: loads the cohort (cohort/cohort.sh load) into the
# server listening on PORT and prints the server process's CPU seconds in total and per thread group (request
# threads, JIT compilers, GC, re-evaluation, H2...), read from /proc before and after (Linux only).
# Usage: bench/server-cpu.sh PORT COHORT_DIR [clients 4]
# e.g.   cohort/cohort.sh generate --out target/cohort-300 --patients 300 --seed 9
#        bench/server-cpu.sh 8080 target/cohort-300
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=$1 COHORT=$2 CLIENTS=${3:-4}
PID=$(pgrep -f -- "--server.port=$PORT" | head -1 || true)
if [[ -z "$PID" ]]; then
  PID=$(ss -ltnpH "sport = :$PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
fi
[[ -n "$PID" ]] || { echo "no process listens on port $PORT" >&2; exit 2; }
TICK=$(getconf CLK_TCK)

# CPU ticks (user + system) per thread group: thread names without their numbers ("C2 CompilerThread0" -> "C2 CompilerThread").
by_thread() {
  for task in /proc/"$PID"/task/*; do
    printf '%s\t%s\n' "$(sed -E 's/[-#]?[0-9]+$//' "$task/comm")" "$(awk '{print $14 + $15}' "$task/stat")"
  done | awk -F'\t' '{sum[$1] += $2} END {for (name in sum) printf "%s\t%d\n", name, sum[name]}' | sort
}
process_ticks() { awk '{print $14 + $15}' /proc/"$PID"/stat; }

before=$(mktemp) after=$(mktemp)
trap 'rm -f "$before" "$after"' EXIT
by_thread > "$before"
start_ticks=$(process_ticks) start=$(date +%s.%N)
cohort/cohort.sh load --url "http://localhost:$PORT/fhir" --clients "$CLIENTS" "$COHORT" 2>&1 | tail -1 | tr '\r' '\n' | tail -1
end_ticks=$(process_ticks) end=$(date +%s.%N)
by_thread > "$after"
awk -v t="$TICK" -v s="$start_ticks" -v e="$end_ticks" -v a="$start" -v b="$end" \
  'BEGIN {printf "server CPU %.1f s over %.1f s of load\n", (e - s) / t, b - a}'
# Threads that ended during the load are not counted per group (they are in the total).
join -t $'\t' "$before" "$after" \
  | awk -F'\t' -v t="$TICK" '{d = ($3 - $2) / t; if (d >= 0.5) printf "%8.1f s  %s\n", d, $1}' | sort -rn | head -15
