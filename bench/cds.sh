#!/usr/bin/env bash
# CDS Hooks benchmark: starts the server (profiles dev + bench, in-memory H2, write validation off for the
# synthetic load), measures patient-view with and without prefetch next to the trivial 'hello' service, prints
# the figures, stops the server. Options after the script name go to the benchmark client, except
# --engine-double, which replaces the knowledge engine with a fixed answer (the CDS layer alone).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${BENCH_PORT:-18090}"
SERVER_ARGS=()
CLIENT_ARGS=()
for arg in "$@"; do
  if [[ "$arg" == "--engine-double" ]]; then SERVER_ARGS+=("$arg"); else CLIENT_ARGS+=("$arg"); fi
done

MVN="${MVN:-mvn}"
"$MVN" -q -B -o -pl server test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
CP="server/target/classes:server/target/test-classes:$(cat server/target/bench.classpath)"

LOG="server/target/bench-server.log"
java -Xms1g -Xmx1g ${SERVER_JAVA_OPTS:-} -cp "$CP" org.resistancecds.bench.BenchServer "${SERVER_ARGS[@]}" \
  --server.port="$PORT" \
  --spring.datasource.url="jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1" \
  --resistance.validation.mode=off \
  --resistance.content.load-examples=false \
  --logging.level.root=WARN >"$LOG" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true' EXIT

source bench/lib/await-ready.sh
await_ready "$PORT" "$SERVER_PID" "$LOG"

java -cp "$CP" org.resistancecds.bench.CdsBenchmark "http://localhost:$PORT" "${CLIENT_ARGS[@]}"
