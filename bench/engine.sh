#!/usr/bin/env bash
# In-process latency of the evaluation engine: one patient with 200 resources, after warm-up; prints p50/p90/p99.
# Usage: bench/engine.sh [warm-up evaluations] [measured evaluations]   (defaults 20000 20000)
# Add -o to MAVEN_ARGS to build offline. No server, no port: the engine runs inside this JVM.
set -euo pipefail
cd "$(dirname "$0")/.."
MAVEN_ARGS=${MAVEN_ARGS:-}
JAVA_OPTS=${JAVA_OPTS:--Xmx512m}
mvn -q -B -ntp $MAVEN_ARGS -pl server -am test-compile
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -q -B -ntp $MAVEN_ARGS -pl server -am dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
java $JAVA_OPTS -cp "server/target/test-classes:server/target/classes:$(cat "$cp_file")" \
  org.resistancecds.knowledge.bench.EngineBenchmark "$@"
