#!/usr/bin/env bash
# Latency of a knowledge write through the API: PUTs of the packaged resistance-monitoring PlanDefinition, each
# with a new title (so each stores a version), against a running server; the write check compiles the knowledge,
# runs it over the packaged scenarios and takes the knowledge write lock, so this is what an author waits for.
# Usage: bench/knowledge-write.sh PORT [writes]   (default 20; the server must accept writes without a token, e.g. dev)
# Prints min / median / max in ms (curl's time_total; one client, one write at a time).
set -euo pipefail
port=${1:?PORT of a running server}
writes=${2:-20}
base="http://localhost:$port/fhir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl -sf "$base/PlanDefinition/resistance-monitoring" > "$work/plan.json"
for i in $(seq 1 "$writes"); do
  python3 - "$work/plan.json" "$i" > "$work/write.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
plan.pop("meta", None)
plan["title"] = "%s (write %s)" % (plan.get("title", "Monitoring"), sys.argv[2])
print(json.dumps(plan))
PY
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X PUT -H 'Content-Type: application/fhir+json' \
    --data-binary @"$work/write.json" "$base/PlanDefinition/resistance-monitoring"
done > "$work/times"
if awk '$1 != 200 { bad = 1 } END { exit !bad }' "$work/times"; then
  echo "a write was refused:" >&2; grep -v '^200 ' "$work/times" >&2; exit 1
fi
awk '{ print $2 * 1000 }' "$work/times" | sort -n | awk '{ ms[NR] = $1 }
  END { printf "knowledge writes: %d, min %.0f / median %.0f / max %.0f ms\n", NR, ms[1], ms[int((NR + 1) / 2)], ms[NR] }'
# Put the packaged title back.
python3 -c "import json,sys; p=json.load(open(sys.argv[1])); p.pop('meta',None); print(json.dumps(p))" "$work/plan.json" \
  > "$work/restore.json"
curl -s -o /dev/null -X PUT -H 'Content-Type: application/fhir+json' --data-binary @"$work/restore.json" \
  "$base/PlanDefinition/resistance-monitoring"
