#!/usr/bin/env bash
# Faster start: lays the executable jar out as Spring Boot's extracted layout (a thin jar and lib/) under
# server/target/app/ and records what the JVM learns in one full start (content loaded, validator warmed,
# readiness reached, one validation) into a file that later starts map instead of doing that work again:
# - on JDK 25 or later, an ahead-of-time cache (resistance-cds.aot: classes loaded and linked, method profiles);
# - on JDK 17 to 24, a class-data-sharing archive (resistance-cds.jsa: classes loaded and verified).
# Measured here: see README, "Faster start".
# Usage: server/cds-archive.sh            (builds the jar first if it is missing; uses the `java` on the PATH)
# Then start with the `java` that recorded it, as the script prints at the end.
# The file belongs to that JDK build and to these extracted jars: run the script again after a rebuild or a JDK
# update (a stale file is reported by the JVM on start, and the server starts without it).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=server/target/resistance-cds-server.jar
APP=server/target/app
PORT="${TRAINING_PORT:-18199}"
[ -f "$JAR" ] || mvn -q -B -ntp ${MAVEN_ARGS:-} -DskipTests package

# JDK 25 made the one-step AOT cache (JEP 514) and its method profiles (JEP 515) available.
feature=$(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
if [ "${feature%%.*}" -ge 25 ]; then
  FILE="$APP/resistance-cds.aot" RECORD="-XX:AOTCacheOutput" USE="-XX:AOTCache"
else
  FILE="$APP/resistance-cds.jsa" RECORD="-XX:ArchiveClassesAtExit" USE="-XX:SharedArchiveFile"
fi

rm -rf "$APP"
java -Djarmode=tools -jar "$JAR" extract --destination "$APP"
echo "Extracted to $APP; recording $(basename "$FILE") with Java $feature from one start (a minute or two)..."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A fresh working directory: the training start creates its own empty H2 database there.
(cd "$work" && exec java ${JAVA_OPTS:--Xmx512m} "$RECORD=$OLDPWD/$FILE" \
  -jar "$OLDPWD/$APP/resistance-cds-server.jar" --server.port="$PORT" --resistance.security.enabled=false \
  > "$work/training.log" 2>&1) &
pid=$!
source bench/lib/await-ready.sh
await_ready "$PORT" "$pid" "$work/training.log"
# One validation on the request path, so its classes are recorded too.
curl -sf -o /dev/null -H 'Content-Type: application/fhir+json' -X POST "http://localhost:$PORT/fhir/Observation/\$validate" \
  -d @bench/lib/sample-observation.json
kill -TERM "$pid"
wait "$pid" || true
[ -f "$FILE" ] || { echo "nothing written; see the training log:"; tail -20 "$work/training.log"; exit 1; }
echo "Wrote $FILE ($(( $(stat -c %s "$FILE") / 1048576 )) MiB). Start with this JDK ($(command -v java)):"
echo "  java $USE=$FILE -jar $APP/resistance-cds-server.jar"
