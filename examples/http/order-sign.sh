#!/usr/bin/env bash
# Call the order-sign service: the draft orders about to be signed continue pembrolizumab.
# Usage: examples/http/order-sign.sh [PATIENT_ID]   (default sc-b2m, stored by load-scenario.sh; run that first)
source "$(dirname "$0")/_common.sh"
PATIENT="${1:-sc-b2m}"
curl_json -X POST "$BASE/cds-services/ici-resistance-order-sign" "${CDS_AUTH[@]}" \
  -H 'Content-Type: application/json' --data-binary @- <<JSON
{"hook": "order-sign", "hookInstance": "$(new_uuid)",
 "context": {"userId": "Practitioner/example", "patientId": "$PATIENT",
   "draftOrders": {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {
     "resourceType": "MedicationRequest", "id": "draft-1", "status": "draft", "intent": "order",
     "medicationCodeableConcept": {"coding": [{"system": "http://www.whocc.no/atc", "code": "L01FF02", "display": "pembrolizumab"}]},
     "subject": {"reference": "Patient/$PATIENT"}}}]}}}
JSON
