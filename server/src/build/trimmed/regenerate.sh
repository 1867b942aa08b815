#!/usr/bin/env bash
# Writes the keep-lists of the trimmed libraries again (server/pom.xml, "Trimmed libraries"): builds with the whole
# libraries (-Puntrimmed), runs the full test suite with every JVM it starts (tests and the servers they launch from
# the jar) logging the classes it loads, and keeps of each library what was loaded plus what that names
# (keep-lists.py). Run it after a HAPI upgrade, or when a test fails with NoClassDefFoundError for a class of one of
# these libraries. Needs python3 and the JDK's jdeps.
set -euo pipefail
cd "$(dirname "$0")/../../../.."

logs=$(mktemp -d)
JAVA_TOOL_OPTIONS="-Xlog:class+load=info:file=$logs/%p.log:none:filecount=0" mvn -B -ntp -Puntrimmed clean verify
mvn -B -ntp -q -pl server dependency:copy@trimmed-libraries
python3 server/src/build/trimmed/keep-lists.py "$logs" server/target/trimmed-libraries \
  server/target/resistance-cds-server.jar server/src/build/trimmed
echo "Keep-lists written; the class-loading logs are in $logs. Build and test again: mvn -B -ntp verify"
