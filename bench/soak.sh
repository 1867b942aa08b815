#!/usr/bin/env bash
# Soak: starts the packaged server (dev profile, -Xmx1g unless SERVER_JAVA_OPTS says otherwise, file H2 in a
# fresh temporary folder), warms it up, then runs
# mixed traffic (validated transactions, reads, searches, CDS patient-view, $evaluate-resistance) at 16 clients
# for 5 minutes, sampling resident memory. Prints p50/p95/p99 per kind of call, errors, and memory; exits
# non-zero on any error or when memory at the end exceeds 1.25x the post-warm-up level.
# Options go to the soak client: --clients N --seconds S --warmup S --rss-growth F
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${BENCH_PORT:-18091}"
# Offline if MAVEN_ARGS=-o.
if [[ ! -f server/target/resistance-cds-server.jar ]]; then mvn -q -B -ntp ${MAVEN_ARGS:-} -DskipTests package; fi
source bench/lib/test-classpath.sh
build_test_classpath

DATA="$(mktemp -d)"
LOG="server/target/soak-server.log"
java ${SERVER_JAVA_OPTS:--Xmx1g} -jar server/target/resistance-cds-server.jar \
  --server.port="$PORT" --spring.profiles.active=dev \
  --spring.datasource.url="jdbc:h2:retry:$DATA/soak;DB_CLOSE_ON_EXIT=FALSE" >"$LOG" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT

source bench/lib/await-ready.sh
await_ready "$PORT" "$SERVER_PID" "$LOG"

java -cp "$CP" org.resistancecds.reliability.SoakBenchmark "http://localhost:$PORT" "$SERVER_PID" "$@"
