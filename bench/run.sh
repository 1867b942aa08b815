#!/usr/bin/env bash
# Every speed figure of the project in one run (see bench/RESULTS.md): start-up and memory, cohort ingest with
# validation on/off on H2 and embedded PostgreSQL, warm $validate per profile, $evaluate-resistance, CDS
# patient-view at 1/4/16 clients with and without prefetch beside a trivial service, and growth of CDS and search
# latency with the store. Prints a Markdown table; writes JSON to bench/results.json (or --out FILE).
#
# Usage: bench/run.sh [--repeats 3] [--patients 100] [--vital-signs 20] [--clients 4] [--growth 100,1000,10000]
#                     [--growth-budget 900] [--growth-per-transaction 10] [--ingest-warmup 1000] [--cds-seconds 5]
#                     [--groups startup,ingest,validate,evaluate,cds,growth] (cds-auth, not in the default:
#                      CDS with and without client tokens checked, on each of --databases)
#                     [--databases h2,postgres] [--ingest-modes all,off (or all,claimed,off)] [--heap 1g]
#                     [--out bench/results.json]
#        bench/run.sh --smoke     tiny sizes (what CI runs, against its own test server, as BenchmarkHarnessSmokeIT)
# Builds the jar and test classes first (offline if MAVEN_ARGS=-o). Servers are started as separate processes on
# free ports, each on a fresh database, and stopped at the end. Figures taken while other builds run are noisy.
# SERVER_JAVA_OPTS adds JVM options to the servers only (for example -XX:CompileThresholdScaling=4).
set -euo pipefail
cd "$(dirname "$0")/.."
MAVEN_ARGS=${MAVEN_ARGS:-}
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
# One reactor run (nothing installed into the local repository): the server module, built last, writes the file.
mvn -q -B -ntp $MAVEN_ARGS -pl cohort,server -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
java ${HARNESS_JAVA_OPTS:--Xmx1g} -cp "server/target/test-classes:server/target/classes:$(cat "$cp_file")" \
  org.resistancecds.bench.BenchmarkHarness "$@"
