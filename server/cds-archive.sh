#!/usr/bin/env bash
# Faster start: lays the executable jar out as Spring Boot's extracted layout (a thin jar and lib/) under
# server/target/app/ and records a class-data-sharing (CDS) archive of one full start (content loaded, validator
# warmed, readiness reached), so later starts map the classes from the archive instead of loading and verifying
# them again. Measured here: see README, "Faster start".
# Usage: server/cds-archive.sh            (builds the jar first if it is missing)
# Then:  java -XX:SharedArchiveFile=server/target/app/resistance-cds.jsa -jar server/target/app/resistance-cds-server.jar
# The archive belongs to this JDK and these jars: run the script again after a rebuild or a JDK update (a stale
# archive is ignored by the JVM with a warning, and the server starts without it).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=server/target/resistance-cds-server.jar
APP=server/target/app
PORT="${TRAINING_PORT:-18199}"
[ -f "$JAR" ] || mvn -q -B -ntp ${MAVEN_ARGS:-} -DskipTests package

rm -rf "$APP"
java -Djarmode=tools -jar "$JAR" extract --destination "$APP"
echo "Extracted to $APP; recording the class archive of one start (about a minute)..."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A fresh working directory: the training start creates its own empty H2 database there.
(cd "$work" && exec java ${JAVA_OPTS:--Xmx512m} -XX:ArchiveClassesAtExit="$OLDPWD/$APP/resistance-cds.jsa" \
  -jar "$OLDPWD/$APP/resistance-cds-server.jar" --server.port="$PORT" --resistance.security.enabled=false \
  > "$work/training.log" 2>&1) &
pid=$!
source bench/lib/await-ready.sh
await_ready "$PORT" "$pid" "$work/training.log"
# One validation on the request path, so its classes are in the archive too.
curl -sf -o /dev/null -H 'Content-Type: application/fhir+json' -X POST "http://localhost:$PORT/fhir/Observation/\$validate" \
  -d @bench/lib/sample-observation.json
kill -TERM "$pid"
wait "$pid" || true
[ -f "$APP/resistance-cds.jsa" ] || { echo "no archive written; see the training log:"; tail -20 "$work/training.log"; exit 1; }
echo "Archive: $APP/resistance-cds.jsa ($(( $(stat -c %s "$APP/resistance-cds.jsa") / 1048576 )) MiB). Start with:"
echo "  java -XX:SharedArchiveFile=$APP/resistance-cds.jsa -jar $APP/resistance-cds-server.jar"
