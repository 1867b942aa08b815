#!/usr/bin/env bash
# Call the patient-view service for a stored patient; the server reads the record from its own repository.
# Usage: examples/http/patient-view.sh [PATIENT_ID]   (default sc-b2m, stored by load-scenario.sh; run that first)
source "$(dirname "$0")/_common.sh"
PATIENT="${1:-sc-b2m}"
curl_json -X POST "$BASE/cds-services/ici-resistance-patient-view" "${CDS_AUTH[@]}" \
  -H 'Content-Type: application/json' --data-binary @- <<JSON
{"hook": "patient-view", "hookInstance": "$(new_uuid)",
 "context": {"userId": "Practitioner/example", "patientId": "$PATIENT"}}
JSON
