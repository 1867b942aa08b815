#!/usr/bin/env bash
# CPU time of checking one CDS client token (ES384 and RS384) in one JVM, no server: what client authentication
# adds to every CDS call before any work on the patient.
# Usage: bench/token-check.sh [tokens per round] [rounds]   (defaults 2000 4). Add -o to MAVEN_ARGS to build offline.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/test-classpath.sh
build_test_classpath
java ${JAVA_OPTS:--Xmx512m} -cp "$CP" org.resistancecds.bench.TokenCheckBenchmark "$@"
