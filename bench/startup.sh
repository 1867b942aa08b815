#!/usr/bin/env bash
# Measures start-up to readiness, the first $validate after readiness, idle resident memory and the jar size.
# Usage: bench/startup.sh [repeats]   (builds the jar first if it is missing; uses ports 18080-18099)
# JAVA_OPTS (default -Xmx512m) and JAR (default the executable jar) choose what is started, and the `java` on the PATH
# with which JDK; e.g. the faster-start layout of server/cds-archive.sh, recorded with JDK 17:
#   JAR=server/target/app/resistance-cds-server.jar \
#   JAVA_OPTS="-Xmx512m -XX:SharedArchiveFile=$PWD/server/target/app/resistance-cds.jsa" bench/startup.sh 3
# or with JDK 25 (PATH=<jdk 25>/bin:$PATH, and -XX:AOTCache=$PWD/server/target/app/resistance-cds.aot instead).
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS=${1:-3}
JAR=${JAR:-server/target/resistance-cds-server.jar}
JAR_PATH=$(realpath -m "$JAR") # the server runs in a scratch directory
JAVA_OPTS=${JAVA_OPTS:--Xmx512m}
[ -f "$JAR" ] || mvn -q -B -ntp ${MAVEN_ARGS:-} -DskipTests package

now_ms() { date +%s%3N; }
stats() { sort -n | awk '{v[NR]=$1} END {printf "%s / %s / %s", v[1], v[int((NR+1)/2)], v[NR]}'; }

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

run_once() { # $1 = label (empty|existing), $2 = port
  local port=$2 start ready pid
  start=$(now_ms)
  # Access control off: the first $validate measures the validator, not token verification.
  (cd "$work" && exec java $JAVA_OPTS -jar "$JAR_PATH" --server.port="$port" --resistance.security.enabled=false \
    > "server-$1.log" 2>&1) &
  pid=$!
  until curl -sf "http://localhost:$port/actuator/health/readiness" > /dev/null; do
    kill -0 $pid 2>/dev/null || { echo "server exited, see $work/server-$1.log" >&2; exit 1; }
    sleep 0.1
  done
  ready=$(( $(now_ms) - start ))
  # A resistance variant the warm-up has not seen (another gene and variant than the packaged examples): it meets
  # the profile's slices, bound value sets and units, as a lab's first result would.
  local first
  first=$(curl -s -o /dev/null -w '%{time_total}' -H 'Content-Type: application/fhir+json' \
    -X POST "http://localhost:$port/fhir/Observation/\$validate" -d @bench/lib/sample-variant.json | awk '{printf "%d", $1*1000}')
  sleep 10
  local rss
  rss=$(( $(ps -o rss= -p "$(pgrep -P $pid java || echo $pid)" | tail -1) / 1024 ))
  kill $pid; wait $pid 2>/dev/null || true
  echo "$ready $first $rss"
}

declare -a cold warm
for i in $(seq 1 "$REPEATS"); do
  rm -rf "$work/data"
  cold+=("$(run_once empty $((18080 + i)))")
  warm+=("$(run_once existing $((18090 + i)))")
done

col() { printf '%s\n' "$@" | awk -v c="$COL" '{print $c}' | stats; }
jar_mb=$(( $(stat -c %s "$JAR") / 1048576 ))
# The extracted layout's thin jar needs its lib/ beside it: count both.
if [ -d "$(dirname "$JAR")/lib" ]; then jar_mb="$jar_mb + lib/ $(( $(du -sb "$(dirname "$JAR")/lib" | cut -f1) / 1048576 ))"; fi
echo "| figure (min / median / max over $REPEATS runs, $JAVA_OPTS) | empty database | existing database |"
echo "|---|---|---|"
COL=1; echo "| start to readiness (ms) | $(col "${cold[@]}") | $(col "${warm[@]}") |"
COL=2; echo "| first \$validate after readiness, a resistance variant (ms) | $(col "${cold[@]}") | $(col "${warm[@]}") |"
COL=3; echo "| resident memory idle, 10 s after ready (MB) | $(col "${cold[@]}") | $(col "${warm[@]}") |"
echo "| executable jar (MB) | $jar_mb | |"
