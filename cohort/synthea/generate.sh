#!/usr/bin/env bash
# Runs Synthea 3.3.0 (resolved by the standalone pom beside this script, never part of the server build) to make
# NSCLC patients as FHIR R4 transaction Bundles. Slow: about 16 NSCLC patients in 10 minutes on 2 cores.
# Usage: cohort/synthea/generate.sh [patients] [seed] [output dir]   (defaults 4, 20261201, cohort/synthea/output)
# Only lung-cancer module states run (-m lung_cancer), only people with active NSCLC are kept (keep-nsclc.json),
# and two years of history are exported, which keeps each patient's Bundle small.
set -euo pipefail
cd "$(dirname "$0")"
PATIENTS=${1:-4}
SEED=${2:-20261201}
OUT=${3:-output}
[ -d target/lib ] || mvn -q -B -ntp dependency:copy-dependencies -DoutputDirectory=target/lib
java ${JAVA_OPTS:--Xmx1g} -cp 'target/lib/*' App -s "$SEED" -cs "$SEED" -r 20261201 -p "$PATIENTS" -a 50-85 \
  -m 'lung_cancer' -k keep-nsclc.json \
  --exporter.baseDirectory="$OUT" \
  --exporter.years_of_history=2 \
  --exporter.fhir.transaction_bundle=true \
  --exporter.fhir.use_us_core_ig=true \
  --exporter.hospital.fhir.export=true \
  --exporter.practitioner.fhir.export=true \
  --exporter.csv.export=false \
  --exporter.text.export=false \
  --generate.only_alive_patients=true
