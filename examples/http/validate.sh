#!/usr/bin/env bash
# Validate a resource against the base specification and the profiles it claims: POST /fhir/{type}/$validate.
# Usage: examples/http/validate.sh [RESOURCE_FILE]     (JSON or XML; prints the OperationOutcome)
source "$(dirname "$0")/_common.sh"
FILE="${1:-$REPO/examples/valid/Observation-jak1-tissue-ar-01.json}"
# The type from "resourceType" (JSON) or from the root element (XML); the server checks the body against it.
TYPE="$(grep -o '"resourceType"[[:space:]]*:[[:space:]]*"[A-Za-z]*"' "$FILE" | head -1 | sed 's/.*"\([A-Za-z]*\)"$/\1/' || true)"
FORMAT=json
if [ -z "$TYPE" ]; then
  TYPE="$(grep -o '<[A-Za-z]*[[:space:]][^>]*xmlns="http://hl7.org/fhir"' "$FILE" | head -1 | sed 's/^<\([A-Za-z]*\).*/\1/' || true)"
  FORMAT=xml
fi
if [ -z "$TYPE" ]; then
  echo "validate.sh: $FILE is neither a FHIR JSON resource nor a FHIR XML resource" >&2
  exit 2
fi
curl_json -X POST "$BASE/fhir/$TYPE/\$validate" -H "Content-Type: application/fhir+$FORMAT" --data-binary "@$FILE"
