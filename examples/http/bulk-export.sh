#!/usr/bin/env bash
# FHIR Bulk Data export: kick-off, poll the Content-Location until the manifest is ready, download each NDJSON file.
# Usage: examples/http/bulk-export.sh [KICK_OFF_PATH] [OUTPUT_FOLDER]
#   KICK_OFF_PATH: '$export' (system, default), 'Patient/$export' or 'Group/<id>/$export', with query parameters,
#   e.g. 'Patient/$export?_type=Patient,Observation'. Files are written as OUTPUT_FOLDER/<Type>-<n>.ndjson.
source "$(dirname "$0")/_common.sh"
KICK_OFF="${1:-\$export}"
OUT="${2:-bulk-export}"
HEADERS="$(mktemp)"
trap 'rm -f "$HEADERS" "$HEADERS.body"' EXIT
# A refused kick-off prints the server's OperationOutcome (it says why) before the script stops.
if ! curl --silent --show-error --fail-with-body -o "$HEADERS.body" -D "$HEADERS" \
  -H 'Accept: application/fhir+json' -H 'Prefer: respond-async' "$BASE/fhir/$KICK_OFF"; then
  cat "$HEADERS.body" >&2; echo >&2
  exit 1
fi
STATUS_URL="$(grep -i '^content-location:' "$HEADERS" | head -1 | cut -d' ' -f2- | tr -d '\r')"
echo "kick-off accepted; polling $STATUS_URL" >&2
for _ in $(seq 1 300); do
  CODE="$(curl --silent --show-error -o "$HEADERS.body" -w '%{http_code}' "$STATUS_URL")"
  if [ "$CODE" = 200 ]; then break; fi
  if [ "$CODE" != 202 ]; then cat "$HEADERS.body" >&2; echo >&2; exit 1; fi
  sleep 1
done
if [ "$CODE" != 200 ]; then echo "export not finished after 300 polls" >&2; exit 1; fi
mkdir -p "$OUT"
cat "$HEADERS.body"; echo
# The manifest lists {"type": ..., "url": ...} per file; download each one.
N=0
# The manifest may be pretty-printed: join its lines before matching. An export that found nothing lists no files.
tr -d '\r\n' < "$HEADERS.body" |
  { grep -o '"type"[[:space:]]*:[[:space:]]*"[A-Za-z]*"[[:space:]]*,[[:space:]]*"url"[[:space:]]*:[[:space:]]*"[^"]*"' || true; } |
while read -r LINE; do
  TYPE="$(echo "$LINE" | sed 's/.*"type"[^"]*"\([A-Za-z]*\)".*/\1/')"
  URL="$(echo "$LINE" | sed 's/.*"url"[^"]*"\([^"]*\)"$/\1/')"
  N=$((N + 1))
  curl --silent --show-error --fail -H 'Accept: application/fhir+ndjson' -o "$OUT/$TYPE-$N.ndjson" "$URL"
  echo "downloaded $OUT/$TYPE-$N.ndjson ($(wc -l < "$OUT/$TYPE-$N.ndjson") resources)" >&2
done
