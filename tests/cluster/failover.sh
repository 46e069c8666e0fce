#!/usr/bin/env bash
# The cluster on loopback survives losing processes: SIGKILL an api process while a client keeps reading and
# writing through HAProxy (no client error), and a backup taken afterwards still completes on a live host.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export HEARTH_CLUSTER_DIR="$(mktemp -d)"
trap '"$ROOT/scripts/cluster.sh" purge >/dev/null' EXIT
fail() { echo "cluster failover: FAILED: $*" >&2; exit 1; }

url=$("$ROOT/scripts/cluster.sh" up | sed -n 's/^HEARTH_URL=//p')
[[ -n "$url" ]] || fail "cluster.sh up printed no HEARTH_URL"
processes=$("$ROOT/scripts/cluster.sh" status)
[[ $(grep -c ' up$' <<< "$processes") == 9 ]] || fail "not every process is up: $processes"
auth=(-H 'X-Auth-Token: admin:demo' -H 'Content-Type: application/json')

volume=$(curl -fsS "${auth[@]}" -d '{"volume": {"size": 1}}' "$url/v3/demo/volumes" | python3 -c 'import json,sys; print(json.load(sys.stdin)["volume"]["id"])')

# Reads and small writes through HAProxy while api-1 is killed.
victim=$(cat "$HEARTH_CLUSTER_DIR/pids/api.api-1.pid")
errors=0 requests=0
for i in $(seq 120); do
  (( i == 20 )) && kill -KILL "$victim"
  code=$(curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" "$url/v3/demo/volumes/$volume")
  requests=$((requests + 1)); [[ $code == 200 ]] || { errors=$((errors + 1)); echo "GET answered $code" >&2; }
  if (( i % 10 == 0 )); then
    code=$(curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" -X PUT -d "{\"volume\": {\"description\": \"round $i\"}}" "$url/v3/demo/volumes/$volume")
    requests=$((requests + 1)); [[ $code == 200 ]] || { errors=$((errors + 1)); echo "PUT answered $code" >&2; }
  fi
done
processes=$("$ROOT/scripts/cluster.sh" status)
grep -qx "api $victim down" <<< "$processes" || fail "api-1 is not reported down: $processes"
(( errors == 0 )) || fail "$errors of $requests requests failed after an api was killed"
echo "cluster failover: $requests requests, none failed, with api-1 killed"

# Work still flows through the surviving api, scheduler, volume and backup processes.
backup=$(curl -fsS "${auth[@]}" -d "{\"backup\": {\"volume_id\": \"$volume\"}}" "$url/v3/demo/backups" | python3 -c 'import json,sys; print(json.load(sys.stdin)["backup"]["id"])')
for _ in $(seq 120); do
  status=$(curl -fsS "${auth[@]}" "$url/v3/demo/backups/$backup" | python3 -c 'import json,sys; print(json.load(sys.stdin)["backup"]["status"])')
  [[ $status == creating ]] || break
  sleep 1
done
[[ $status == available ]] || fail "backup ended $status"
echo "cluster failover: a backup after the kill is available"
