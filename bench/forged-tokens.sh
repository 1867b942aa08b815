#!/usr/bin/env bash
# An honest CDS client alone and beside threads sending forged ES384 tokens of the trusted issuer (from another
# address), against the jar with CDS client authentication on: the honest calls' rate and latency, and how the
# forged ones were answered. Shows what the refused-token limit (resistance.http.failed-token-limit) buys;
# add --resistance.http.failed-token-limit=0 to see the server without it.
# Usage: bench/forged-tokens.sh [forging threads] [seconds per window] [rounds] [server arguments...]
#   (defaults 16 10 2). JAR picks another jar. Add -o to MAVEN_ARGS to build offline.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-server/target/resistance-cds-server.jar}
[ -f "$JAR" ] || mvn -q -B -ntp ${MAVEN_ARGS:-} -DskipTests package
source bench/lib/test-classpath.sh
build_test_classpath
java -Xmx512m -cp "$CP" org.resistancecds.bench.ForgedTokenFlood "$JAR" "$@"
