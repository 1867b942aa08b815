#!/usr/bin/env bash
# Latency of a transaction that refers to stored resources (a Patient and an Observation), on a store of cohort
# patients: the look-up HAPI runs for such references read the whole resource index on H2 before
# H2IdLookupRewriter (bench/RESULTS.md). Each jar named gets its own server and fresh H2 database in a temporary
# folder (validation and re-evaluation off, so the store fills fast), all load the same generated cohort, then the
# calls alternate between the servers so the machine's drift falls on all alike. Prints p50 / p90 per jar.
#
# Usage: bench/stored-reference-tx.sh [--patients 5000] [--calls 200] [jar ...]   (default jar: the built server)
# Builds the cohort tool first (offline if MAVEN_ARGS=-o).
set -euo pipefail
cd "$(dirname "$0")/.."
patients=5000; calls=200; jars=()
while [ $# -gt 0 ]; do
  case "$1" in
    --patients) patients="$2"; shift 2 ;;
    --calls) calls="$2"; shift 2 ;;
    *) jars+=("$(realpath "$1")"); shift ;;
  esac
done
[ ${#jars[@]} -gt 0 ] || jars=("$PWD/server/target/resistance-cds-server.jar")
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
source bench/lib/await-ready.sh

ports=()
for i in "${!jars[@]}"; do
  port=$((18300 + i)); ports+=("$port"); mkdir -p "$work/server-$i"
  (cd "$work/server-$i" && exec java -Xmx1g -jar "${jars[$i]}" --server.port="$port" --spring.profiles.active=dev \
    --resistance.validation.mode=off --resistance.monitoring.reevaluate=false \
    --resistance.content.load-examples=false --logging.level.root=WARN >server.log 2>&1) &
  pids+=($!)
done
cohort/cohort.sh generate --out "$work/cohort" --patients "$patients" --seed 99 --vital-signs 20 2>&1 | tail -1
for i in "${!jars[@]}"; do
  await_ready "${ports[$i]}" "${pids[$i]}" "$work/server-$i/server.log"
  echo "${jars[$i]}:"
  base="http://localhost:${ports[$i]}/fhir"
  cohort/cohort.sh load --url "$base" --clients 4 "$work/cohort" 2>&1 | tail -1
  curl -fs -o /dev/null -X PUT -H 'Content-Type: application/fhir+json' "$base/Patient/bench-ref" \
    -d '{"resourceType":"Patient","id":"bench-ref"}'
  curl -fs -o /dev/null -X PUT -H 'Content-Type: application/fhir+json' "$base/Observation/bench-ref" \
    -d '{"resourceType":"Observation","id":"bench-ref","status":"final","code":{"text":"stored"},"subject":{"reference":"Patient/bench-ref"}}'
done

tx='{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Observation",
"status":"final","code":{"text":"new"},"subject":{"reference":"Patient/bench-ref"},
"derivedFrom":[{"reference":"Observation/bench-ref"}]},"request":{"method":"POST","url":"Observation"}}]}'
warmup=30
for n in $(seq 1 $((calls + warmup))); do
  for i in "${!jars[@]}"; do
    seconds=$(curl -fs -o /dev/null -w '%{time_total}' -X POST -H 'Content-Type: application/fhir+json' \
      "http://localhost:${ports[$i]}/fhir" -d "$tx")
    [ "$n" -le "$warmup" ] || echo "$i $seconds"
  done
done >"$work/times"
for i in "${!jars[@]}"; do
  awk -v i="$i" '$1 == i { print $2 * 1000 }' "$work/times" | sort -n | awk -v jar="${jars[$i]}" -v patients="$patients" \
    '{ t[NR] = $1 } END { printf "%s, %d patients stored: %d calls, p50 %.1f ms, p90 %.1f ms\n", jar, patients, NR, t[int(NR * 0.5) + 1], t[int(NR * 0.9) + 1] }'
done
