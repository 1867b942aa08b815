#!/usr/bin/env bash
# Evaluate a stored patient with the FHIR operation $evaluate-resistance (nothing stored unless persist=true).
# Usage: examples/http/evaluate.sh [PATIENT_ID]   (default sc-b2m, stored by load-scenario.sh; run that first)
source "$(dirname "$0")/_common.sh"
PATIENT="${1:-sc-b2m}"
curl_json -X POST "$BASE/fhir/Patient/$PATIENT/\$evaluate-resistance"
