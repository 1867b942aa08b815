#!/usr/bin/env bash
# Send feedback on a card: accepted (with the suggestion taken) or overridden (with a reason code).
# Usage: examples/http/feedback.sh SERVICE_ID CARD_UUID accepted SUGGESTION_UUID
#        examples/http/feedback.sh SERVICE_ID CARD_UUID overridden [REASON_CODE] [COMMENT]
# Reason codes (card overrideReasons): already-addressed, patient-declined, clinical-judgement, data-incorrect,
# not-relevant. The answer names the Basic resource that stores the feedback.
source "$(dirname "$0")/_common.sh"
if [ $# -lt 3 ]; then
  sed -n '3,6p' "$0" >&2
  exit 2
fi
# The text as a JSON string's content: backslash, quote and control characters escaped.
json_text() {
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}; s=${s//$'\r'/\\r}; s=${s//$'\t'/\\t}
  printf '%s' "$s"
}
SERVICE="$1"; CARD="$2"; OUTCOME="$3"
NOW="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
case "$OUTCOME" in
  accepted)
    # Said plainly: bash's ${4:?} printed "feedback.sh: line 16: 4: suggestion uuid" and exited 1.
    if [ -z "${4:-}" ]; then
      echo "accepted needs the SUGGESTION_UUID taken: the card's suggestions[].uuid" >&2
      sed -n '3,6p' "$0" >&2
      exit 2
    fi
    ENTRY="{\"card\": \"$CARD\", \"outcome\": \"accepted\", \"acceptedSuggestions\": [{\"id\": \"$4\"}], \"outcomeTimestamp\": \"$NOW\"}" ;;
  overridden)
    REASON="${4:-clinical-judgement}"
    COMMENT=""
    if [ -n "${5:-}" ]; then COMMENT=", \"userComment\": \"$(json_text "$5")\""; fi
    ENTRY="{\"card\": \"$CARD\", \"outcome\": \"overridden\", \"overrideReason\": {\"reason\": {\"system\": \"https://resistance-cds.org/fhir/CodeSystem/cds-override-reason\", \"code\": \"$REASON\"}$COMMENT}, \"outcomeTimestamp\": \"$NOW\"}" ;;
  *) echo "outcome must be accepted or overridden, not '$OUTCOME'" >&2; sed -n '3,6p' "$0" >&2; exit 2 ;;
esac
curl_json -X POST "$BASE/cds-services/$SERVICE/feedback" "${CDS_AUTH[@]}" \
  -H 'Content-Type: application/json' --data-binary "{\"feedback\": [$ENTRY]}"
