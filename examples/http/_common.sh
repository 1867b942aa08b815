# Shared by the request scripts: base URL, curl defaults, optional CDS client token.
# BASE is the server root (default http://localhost:8080); CDS_TOKEN, when set, is sent as the CDS client JWT
# (needed unless the server runs with the dev profile, which turns CDS client authentication off).
set -euo pipefail
BASE="${BASE:-http://localhost:8080}"
BASE="${BASE%/}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

# --fail-with-body: exit non-zero on an HTTP error but still print the OperationOutcome the server sent.
curl_json() {
  local status=0
  curl --silent --show-error --fail-with-body -H 'Accept: application/json' "$@" || status=$?
  echo
  return "$status"
}

CDS_AUTH=()
if [ -n "${CDS_TOKEN:-}" ]; then
  CDS_AUTH=(-H "Authorization: Bearer ${CDS_TOKEN}")
fi

new_uuid() {
  cat /proc/sys/kernel/random/uuid
}
