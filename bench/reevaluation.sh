#!/usr/bin/env bash
# Re-evaluation lag (1) under the cohort ingest of bench/run.sh (100 patients, 20 vital signs, W clients) with probe
# writes beside it, and (2) under a generated write stream: N patients, W concurrent writers, 3 writes per patient
# (course, confirmed progression, emergent ctDNA variant), each followed by polling until the stored assessment shows
# it. Prints client-side p50/p90/p99 and the server's own timers. Boots the real server in the test JVM (in-memory H2).
# Usage: bench/reevaluation.sh [patients] [writers]   (defaults 200 8). Add -o to MAVEN_ARGS to build offline.
set -euo pipefail
cd "$(dirname "$0")/.."
MAVEN_ARGS=${MAVEN_ARGS:-}
mvn -q -B -ntp $MAVEN_ARGS -pl server -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ReevaluationLagBenchIT -Dbench=true -Dbench.patients="${1:-200}" -Dbench.writers="${2:-8}" >/dev/null || {
  echo "benchmark failed; see server/target/failsafe-reports/" >&2; exit 1; }
grep -hE "Re-evaluation lag|Server-side|Cohort ingest" server/target/failsafe-reports/org.resistancecds.monitoring.ReevaluationLagBenchIT-output.txt
