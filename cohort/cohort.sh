#!/usr/bin/env bash
# The cohort command line (generate, enrich Synthea output, load into a running server); see CohortCli.
#   cohort/cohort.sh generate --out target/cohort --patients 1000 --seed 42 --vital-signs 20
#   cohort/cohort.sh enrich --synthea cohort/synthea/output/fhir --out target/cohort-synthea --seed 42
#   cohort/cohort.sh load --url http://localhost:8080/fhir --clients 4 --max-entries 500 target/cohort
# Relative paths are taken from the repository root. Add -o to MAVEN_ARGS to build offline.
set -euo pipefail
cd "$(dirname "$0")/.."
MAVEN_ARGS=${MAVEN_ARGS:-}
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
# Maven's own output (errors only, with -q) goes to stderr, without the colour resets Maven 3.8 writes even when
# quiet, so that stdout holds the command's answer alone.
mvn -q -B -ntp $MAVEN_ARGS -pl cohort -DskipTests compile dependency:build-classpath -Dmdep.outputFile="$cp_file" \
  | sed $'s/\e\\[0m//g' >&2
java ${COHORT_JAVA_OPTS:--Xmx1g} -cp "cohort/target/classes:$(cat "$cp_file")" org.resistancecds.cohort.CohortCli "$@"
