#!/usr/bin/env bash
# Validate a resource against the base specification and the profiles it claims: POST /fhir/{type}/$validate.
# Usage: examples/http/validate.sh [RESOURCE_FILE]     (prints the OperationOutcome)
source "$(dirname "$0")/_common.sh"
FILE="${1:-$REPO/examples/valid/Observation-jak1-tissue-ar-01.json}"
TYPE="$(grep -o '"resourceType"[[:space:]]*:[[:space:]]*"[A-Za-z]*"' "$FILE" | head -1 | sed 's/.*"\([A-Za-z]*\)"$/\1/')"
curl_json -X POST "$BASE/fhir/$TYPE/\$validate" -H 'Content-Type: application/fhir+json' --data-binary "@$FILE"
