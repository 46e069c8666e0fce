#!/usr/bin/env bash
# Load on the loopback cluster: BACKUPS backup requests (default 200) over VOLUMES volumes (default 20), ten
# clients at a time per volume in turn; every backup must end available. Prints the count and the wall time.
# Not part of scripts/test.sh (minutes of work); run it by hand: tests/cluster/load.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VOLUMES=${VOLUMES:-20}
BACKUPS=${BACKUPS:-200}
export HEARTH_CLUSTER_DIR="$(mktemp -d)"
trap '"$ROOT/scripts/cluster.sh" purge >/dev/null' EXIT
url=$("$ROOT/scripts/cluster.sh" up | sed -n 's/^HEARTH_URL=//p')
auth=(-H 'X-Auth-Token: admin:load' -H 'Content-Type: application/json')
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# Room for the load in the project's quotas.
curl -fsS "${auth[@]}" -X PUT -d "{\"quota_set\": {\"volumes\": $((VOLUMES + 5)), \"backups\": $((BACKUPS + 5)), \"gigabytes\": 10000, \"backup_gigabytes\": 100000}}" \
  "$url/v3/load/os-quota-sets/load" >/dev/null

volumes=()
for _ in $(seq "$VOLUMES"); do
  volumes+=("$(curl -fsS "${auth[@]}" -d '{"volume": {"size": 1}}' "$url/v3/load/volumes" | field '["volume"]["id"]')")
done
for v in "${volumes[@]}"; do
  until [[ $(curl -fsS "${auth[@]}" "$url/v3/load/volumes/$v" | field '["volume"]["status"]') == available ]]; do sleep 0.5; done
done

# One client per volume, each taking its volume's share of the backups one after the other.
per_volume=$(( BACKUPS / VOLUMES ))
started=$(date +%s.%N)
for v in "${volumes[@]}"; do
  (
    for _ in $(seq "$per_volume"); do
      id=$(curl -fsS "${auth[@]}" -d "{\"backup\": {\"volume_id\": \"$v\"}}" "$url/v3/load/backups" | field '["backup"]["id"]')
      while status=$(curl -fsS "${auth[@]}" "$url/v3/load/backups/$id" | field '["backup"]["status"]'); [[ $status == creating ]]; do sleep 0.2; done
      echo "$status"
    done
  ) > "$HEARTH_CLUSTER_DIR/load-$v.out" &
done
wait
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
available=$(cat "$HEARTH_CLUSTER_DIR"/load-*.out | grep -c '^available$' || true)
total=$(cat "$HEARTH_CLUSTER_DIR"/load-*.out | wc -l)
echo "load: $available of $total backups available over $VOLUMES volumes and 3 backup hosts in ${elapsed}s"
[[ $available == "$((per_volume * VOLUMES))" ]]
