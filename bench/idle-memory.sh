#!/usr/bin/env bash
# Resident memory of an idle server over two minutes, to see what JVM flags give back when nothing happens.
# Usage: bench/idle-memory.sh [java options...]   (default -Xmx512m; builds the jar first if it is missing; port 18100)
#   bench/idle-memory.sh -Xmx512m -XX:G1PeriodicGCInterval=15000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20
# Starts the jar on a fresh database as bench/startup.sh does, waits for readiness, validates one resistance variant
# (so the validator has done real work), then prints RSS 10, 30, 60 and 120 s later.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-server/target/resistance-cds-server.jar}
[ -f "$JAR" ] || mvn -q -B -ntp ${MAVEN_ARGS:-} -DskipTests package
[ $# -gt 0 ] || set -- -Xmx512m
port=18100
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

(cd "$work" && exec java "$@" -jar "$OLDPWD/$JAR" --server.port=$port --resistance.security.enabled=false \
  > server.log 2>&1) &
pid=$!
until curl -sf "http://localhost:$port/actuator/health/readiness" > /dev/null; do
  kill -0 $pid 2>/dev/null || { echo "server exited, see $work/server.log" >&2; exit 1; }
  sleep 0.2
done
curl -s -o /dev/null -H 'Content-Type: application/fhir+json' \
  -X POST "http://localhost:$port/fhir/Observation/\$validate" -d @bench/lib/sample-variant.json
line="| $* |"
elapsed=0
for t in 10 30 60 120; do
  sleep $(( t - elapsed )); elapsed=$t
  line="$line $(( $(ps -o rss= -p $pid) / 1024 )) |"
done
echo "| java options | RSS 10 s (MB) | 30 s | 60 s | 120 s |"
echo "|---|---:|---:|---:|---:|"
echo "$line"
