#!/usr/bin/env bash
# Call the order-select service: a draft order for pembrolizumab is selected for the patient.
# Usage: examples/http/order-select.sh [PATIENT_ID]   (default sc-b2m, stored by load-scenario.sh; run that first)
source "$(dirname "$0")/_common.sh"
PATIENT="${1:-sc-b2m}"
curl_json -X POST "$BASE/cds-services/ici-resistance-order-select" "${CDS_AUTH[@]}" \
  -H 'Content-Type: application/json' --data-binary @- <<JSON
{"hook": "order-select", "hookInstance": "$(new_uuid)",
 "context": {"userId": "Practitioner/example", "patientId": "$PATIENT",
   "selections": ["MedicationRequest/draft-1"],
   "draftOrders": {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {
     "resourceType": "MedicationRequest", "id": "draft-1", "status": "draft", "intent": "order",
     "medicationCodeableConcept": {"coding": [{"system": "http://www.whocc.no/atc", "code": "L01FF02", "display": "pembrolizumab"}]},
     "subject": {"reference": "Patient/$PATIENT"}}}]}}}
JSON
