#!/usr/bin/env bash
# Validate a resource against the base specification and the profiles it claims: POST /fhir/{type}/$validate.
# Usage: examples/http/validate.sh [RESOURCE_FILE]     (JSON or XML; prints the OperationOutcome)
# Exit status: 0 valid, 1 invalid (an error or fatal issue), other values as curl's (server unreachable, HTTP error).
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
STATUS=0
OUTCOME="$(curl_json -X POST "$BASE/fhir/$TYPE/\$validate" -H "Content-Type: application/fhir+$FORMAT" --data-binary "@$FILE")" \
  || STATUS=$?
echo "$OUTCOME"
if [ "$STATUS" -ne 0 ]; then
  exit "$STATUS"
fi
# $validate answers 200 whether the resource is valid or not: the issues say which, so a pipeline can gate on it.
if grep -Eq '"severity"[[:space:]]*:[[:space:]]*"(error|fatal)"' <<< "$OUTCOME"; then
  exit 1
fi
