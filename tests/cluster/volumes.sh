# Sourced by the cluster tests. field EXPR: a field of the JSON on stdin (EXPR as Python subscripts).
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# prepare_volumes URL PROJECT COUNT BACKUPS: room in PROJECT's quotas for COUNT volumes and BACKUPS backups, then
# COUNT 1 GiB volumes made by PROJECT's admin (token admin:PROJECT), all available; their ids go to the array `volumes`.
prepare_volumes() {
  local url=$1 project=$2 count=$3 backups=$4 v
  local auth=(-H "X-Auth-Token: admin:$project" -H 'Content-Type: application/json')
  curl -fsS "${auth[@]}" -X PUT \
    -d "{\"quota_set\": {\"volumes\": $((count + 5)), \"backups\": $((backups + 5)), \"gigabytes\": 10000, \"backup_gigabytes\": 100000}}" \
    "$url/v3/$project/os-quota-sets/$project" >/dev/null
  volumes=()
  for _ in $(seq "$count"); do
    volumes+=("$(curl -fsS "${auth[@]}" -d '{"volume": {"size": 1}}' "$url/v3/$project/volumes" | field '["volume"]["id"]')")
  done
  for v in "${volumes[@]}"; do
    until [[ $(curl -fsS "${auth[@]}" "$url/v3/$project/volumes/$v" | field '["volume"]["status"]') == available ]]; do sleep 0.2; done
  done
}
