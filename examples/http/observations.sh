#!/usr/bin/env bash
# A patient's Observations in one answer, newest first. Cache-Control: no-store, max-results=1000 asks the server
# not to store the search for paging (faster; no `next` link, and at most the server's largest page, 200 by
# default), for a client that takes everything in one page: when there are more, `total` gives their number and an
# OperationOutcome entry says so. Leave the header out to page through a larger record with `next` links.
# Usage: examples/http/observations.sh [PATIENT_ID]   (default sc-b2m, stored by load-scenario.sh; run that first)
source "$(dirname "$0")/_common.sh"
PATIENT="${1:-sc-b2m}"
curl_json -H 'Cache-Control: no-store, max-results=1000' \
  "$BASE/fhir/Observation?patient=$PATIENT&_sort=-date&_count=1000"
