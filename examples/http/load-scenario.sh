#!/usr/bin/env bash
# Load a patient's record: POST a transaction Bundle (here a golden scenario) to the FHIR base.
# Usage: BASE=http://localhost:8080 examples/http/load-scenario.sh [BUNDLE_FILE]
# The same request loads a cohort: one transaction per patient (all or nothing each), or a batch Bundle.
source "$(dirname "$0")/_common.sh"
BUNDLE="${1:-$REPO/examples/scenarios/acquired-resistance-b2m-loss.bundle.json}"
curl_json -X POST "$BASE/fhir" -H 'Content-Type: application/fhir+json' --data-binary "@$BUNDLE"
