#!/usr/bin/env bash
# CDS Hooks benchmark: starts the server (profiles dev + bench, in-memory H2, write validation off for the
# synthetic load), measures patient-view with and without prefetch next to the trivial 'hello' service, prints
# the figures, stops the server. Options after the script name go to the benchmark client, except
# --engine-double, which replaces the knowledge engine with a fixed answer (the CDS layer alone).
# The load client is Java, on the same machine; bench/cds-wrk.sh drives the same scenarios with wrk.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${BENCH_PORT:-18090}"
SERVER_ARGS=()
CLIENT_ARGS=()
for arg in "$@"; do
  if [[ "$arg" == "--engine-double" ]]; then SERVER_ARGS+=("$arg"); else CLIENT_ARGS+=("$arg"); fi
done

source bench/lib/cds-server.sh
start_cds_server "$PORT" "${SERVER_ARGS[@]}"

java -cp "$CP" org.resistancecds.bench.CdsBenchmark "http://localhost:$PORT" "${CLIENT_ARGS[@]}"
