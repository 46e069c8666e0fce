#!/usr/bin/env bash
# Load on the loopback cluster (scripts/cluster.sh): BACKUPS backup requests over VOLUMES volumes, one client per
# volume taking its share one after the other, each first writing 1 MiB of new data at a random place of its volume
# (so every backup has something new to store). Every backup must end available.
#
#   tests/cluster/load.sh                        # 200 backups, 20 volumes, 3 backup hosts, posix target
#   BACKUP_HOSTS=1 LATENCY_MS=20 tests/cluster/load.sh
#
# LATENCY_MS > 0: the target is S3 (S3Proxy, scripts/targets/s3.sh) behind a proxy that adds that much to every
# request, standing for a remote object store. OPERATIONS: backup_max_operations of each backup host (default 2,
# so that a host's capacity is fixed and more hosts must mean more throughput).
# LOAD_LOGS: a directory to keep the processes' logs in (CI sets it, so that a failure can be read).
# Prints one line: load: hosts=… latency_ms=… backups=… available=… seconds=… backups_per_s=… (1 MiB new in each)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VOLUMES=${VOLUMES:-20}
BACKUPS=${BACKUPS:-200}
export HEARTH_BACKUP_HOSTS=${BACKUP_HOSTS:-3}
LATENCY_MS=${LATENCY_MS:-0}
OPERATIONS=${OPERATIONS:-2}
export HEARTH_CLUSTER_DIR="$(mktemp -d)"
export HEARTH_TARGETS_DIR="$HEARTH_CLUSTER_DIR/targets"
proxy=""
cleanup() {
  local status=$?
  "$ROOT/scripts/cluster.sh" down >/dev/null 2>&1 || true
  if [[ -n ${LOAD_LOGS:-} ]]; then
    mkdir -p "$LOAD_LOGS" && cp -r "$HEARTH_CLUSTER_DIR/logs" "$LOAD_LOGS/" 2>/dev/null || true
  fi
  if [[ -n $proxy ]]; then kill "$proxy" 2>/dev/null || true; fi
  if (( LATENCY_MS > 0 )); then "$ROOT/scripts/targets/s3.sh" down >/dev/null 2>&1 || true; fi
  "$ROOT/scripts/cluster.sh" purge >/dev/null 2>&1 || true
}
trap cleanup EXIT

{
  echo "backup_max_operations = $OPERATIONS"
  if (( LATENCY_MS > 0 )); then
    # To a file: the server it starts keeps a pipe open, so a command substitution would never end.
    "$ROOT/scripts/targets/s3.sh" up > "$HEARTH_CLUSTER_DIR/s3.env"
    eval "$(grep '^export ' "$HEARTH_CLUSTER_DIR/s3.env")"
    s3_port=${BACKUP_S3_ENDPOINT_URL##*:}
    proxy_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    coproc PROXY { exec python3 "$ROOT/tests/cluster/latency_proxy.py" "$proxy_port" "$s3_port" "$LATENCY_MS"; }
    proxy=$PROXY_PID
    read -r ready <&"${PROXY[0]}" && [[ $ready == listening ]]
    echo "backup_driver = cinder.backup.drivers.s3.S3BackupDriver"
    echo "backup_s3_endpoint_url = http://127.0.0.1:$proxy_port"
    echo "backup_s3_store_bucket = hearth"
    echo "backup_s3_store_access_key = $BACKUP_S3_STORE_ACCESS_KEY"
    echo "backup_s3_store_secret_key = $BACKUP_S3_STORE_SECRET_KEY"
    echo "backup_s3_force_path_style = true"
  fi
} > "$HEARTH_CLUSTER_DIR/extra.conf"
export HEARTH_CLUSTER_CONFIG="$HEARTH_CLUSTER_DIR/extra.conf"

url=$("$ROOT/scripts/cluster.sh" up | sed -n 's/^HEARTH_URL=//p')
source "$ROOT/tests/cluster/volumes.sh"
prepare_volumes "$url" load "$VOLUMES" "$BACKUPS"

per_volume=$(( BACKUPS / VOLUMES ))
python3 "$ROOT/tests/cluster/load_clients.py" "$url" load admin:load "$HEARTH_CLUSTER_DIR/state/volumes" "$per_volume" \
  "hosts=$HEARTH_BACKUP_HOSTS latency_ms=$LATENCY_MS" "${volumes[@]}"
