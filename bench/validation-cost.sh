#!/usr/bin/env bash
# CPU time of the HL7 validator per resource, by kind (type and claimed profile), over generated cohort patients:
# the server's validator and content in memory, one thread, no database or HTTP (the validation alone).
# Usage: bench/validation-cost.sh [patients 100] [warm-up passes 5] [measured passes 5]
# Add -o to MAVEN_ARGS to build offline.
set -euo pipefail
cd "$(dirname "$0")/.."
MAVEN_ARGS=${MAVEN_ARGS:-}
JAVA_OPTS=${JAVA_OPTS:--Xmx1g}
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -q -B -ntp $MAVEN_ARGS -pl cohort,server -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
java $JAVA_OPTS -cp "server/target/test-classes:server/target/classes:$(cat "$cp_file")" \
  org.resistancecds.bench.ValidationCost "$@"
