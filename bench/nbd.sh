#!/usr/bin/env bash
# NBD and changed-block tracking benchmark, in one run against a real `hearth serve`:
#   1. an 8 GiB volume filled through NBD, then a full backup;
#   2. 1% of it changed in clusters through NBD (qemu-io), then an incremental with the changed-block map;
#   3. the same changes again with the map invalidated, then the incremental that reads everything;
#   4. sequential read throughput of the volume over NBD (nbdcopy), from Hearth's export and from qemu-nbd
#      serving the same file, both from the page cache (bench/nbd-read.sh repeats that part alone, with medians).
#
#   bench/nbd.sh                 # 8 GiB, 1% in 2 MiB clusters
#   bench/nbd.sh --size 1 --clusters 5   # quick look (size in GiB)
#
# Needs qemu-utils and libnbd-bin (apt-get install -y qemu-utils libnbd-bin), curl, openssl, python3.
# Everything is written under a fresh temporary directory, removed at the end; the report is printed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZE_GIB=8
CLUSTER_MIB=2
CLUSTERS=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --size) SIZE_GIB=$2; shift 2 ;;
    --clusters) CLUSTERS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
SIZE=$((SIZE_GIB << 30))
# 1% of the volume in clusters of CLUSTER_MIB.
CLUSTERS=${CLUSTERS:-$(( SIZE / 100 / (CLUSTER_MIB << 20) ))}
CHANGED=$(( CLUSTERS * (CLUSTER_MIB << 20) ))

for tool in qemu-io qemu-nbd nbdcopy curl openssl python3; do
  command -v "$tool" >/dev/null || { echo "nbd.sh: $tool is missing (apt-get install -y qemu-utils libnbd-bin curl openssl python3)" >&2; exit 1; }
done

WORK="$(mktemp -d)"
SERVER_PID=""
QEMU_PID=""
cleanup() {
  # A killed child's status (143) must not stop the trap under `set -e` before the 8 GiB work directory is gone.
  local pid
  for pid in "$QEMU_PID" "$SERVER_PID"; do
    if [[ -n "$pid" ]]; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
now() { date +%s.%N; }
log() { echo "== $*" >&2; }

PORT=$(free_port)
cat > "$WORK/hearth.conf" <<CONF
[DEFAULT]
state_path = $WORK/state
osapi_volume_listen_port = $PORT
host = bench-volume-host
target_ip_address = 127.0.0.1
target_port = 0
CONF
log "starting hearth serve"
"$ROOT/bin/hearth" serve --config "$WORK/hearth.conf" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 480); do grep -q "hearth: listening" "$WORK/server.log" && break; sleep 0.25; done
grep -q "hearth: listening" "$WORK/server.log" || { cat "$WORK/server.log" >&2; exit 1; }
API="http://127.0.0.1:$PORT/v3/demo"

api() { # METHOD PATH [JSON]
  curl -sf -X "$1" -H "X-Auth-Token: admin:demo" -H "OpenStack-API-Version: volume 3.71" -H "Content-Type: application/json" \
    ${3:+-d "$3"} "$API$2"
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d' + sys.argv[1]))" "$1"; }
await() { # PATH PYEXPR VALUE
  for _ in $(seq 1 7200); do
    [[ "$(api GET "$1" | json "$2")" == "$3" ]] && return 0
    sleep 0.25
  done
  echo "timed out waiting for $1" >&2; exit 1
}
attach() { # VOLUME MODE -> "ID URI"
  api POST /attachments "{\"attachment\": {\"volume_uuid\": \"$1\", \"mode\": \"$2\", \"connector\": {\"host\": \"bench-client\"}}}" \
    | json "['attachment']['id'] + ' ' + d['attachment']['connection_info']['data']['uri']"
}
detach() { api DELETE "/attachments/$1" > /dev/null; await "/volumes/$VOLUME" "['volume']['status']" available; }
backup() { # INCREMENTAL -> id; waits
  local id
  id=$(api POST /backups "{\"backup\": {\"volume_id\": \"$VOLUME\", \"incremental\": $1}}" | json "['backup']['id']")
  await "/backups/$id" "['backup']['status']" available
  await "/volumes/$VOLUME" "['volume']['status']" available
  echo "$id"
}
stats() { # BACKUP_ID -> "seconds bytes_read"
  "$ROOT/bin/hearth" repo ls --repo "$WORK/state/backup" --cache-dir "$WORK/cache" --json \
    | python3 -c "import json,sys; b=[m for m in json.load(sys.stdin)['backups'] if m['id']==sys.argv[1]][0]['stats']; print(b['seconds'], b['bytes_read'])" "$1"
}

VOLUME=$(api POST /volumes "{\"volume\": {\"size\": $SIZE_GIB, \"name\": \"bench\"}}" | json "['volume']['id']")
await "/volumes/$VOLUME" "['volume']['status']" available
FILE="$WORK/state/volumes/volume-$VOLUME"

log "filling the $SIZE_GIB GiB volume through NBD (incompressible data)"
read -r ATT URI < <(attach "$VOLUME" rw)
start=$(now)
# openssl dies of SIGPIPE when head has enough: not a failure.
{ openssl enc -aes-128-ctr -nosalt -pass pass:hearth -pbkdf2 < /dev/zero 2>/dev/null || true; } | head -c "$SIZE" | nbdcopy - "$URI"
FILL_S=$(python3 -c "print($(now) - $start)")
detach "$ATT"

log "full backup"
FULL=$(backup false)
read -r FULL_S FULL_READ < <(stats "$FULL")

changes() { # PATTERN: writes the clusters through NBD with qemu-io
  read -r ATT URI < <(attach "$VOLUME" rw)
  local cmds=()
  # Seeded cluster offsets, spread over the volume, aligned to the cluster size.
  for offset in $(python3 -c "
import random
r = random.Random(7)
slots = $SIZE // ($CLUSTER_MIB << 20)
for s in sorted(r.sample(range(slots), $CLUSTERS)): print(s * ($CLUSTER_MIB << 20))"); do
    cmds+=(-c "write -P $1 $offset ${CLUSTER_MIB}M")
  done
  qemu-io -f raw "${cmds[@]}" "$URI" > /dev/null
  detach "$ATT"
}

log "changing 1% ($CLUSTERS clusters of $CLUSTER_MIB MiB) through NBD; incremental with the map"
changes 0x5a
MAPPED=$(backup true)
read -r MAP_S MAP_READ < <(stats "$MAPPED")

log "the same clusters again, map invalidated (the file touched outside the service); incremental reading everything"
changes 0xa5
touch "$FILE"
FULLREAD=$(backup true)
read -r FR_S FR_READ < <(stats "$FULLREAD")

log "sequential read over NBD: Hearth's export, then qemu-nbd on the same file"
# Both from the page cache: otherwise the first reader pays the disk and the second gets the cache it warmed.
cat "$FILE" > /dev/null
read -r ATT URI < <(attach "$VOLUME" ro)
start=$(now); nbdcopy "$URI" null:; HEARTH_READ_S=$(python3 -c "print($(now) - $start)")
detach "$ATT"
QPORT=$(free_port)
qemu-nbd -r -f raw -x bench -b 127.0.0.1 -p "$QPORT" --persistent "$FILE" > "$WORK/qemu-nbd.log" 2>&1 &
QEMU_PID=$!
for _ in $(seq 1 200); do nbdinfo "nbd://127.0.0.1:$QPORT/bench" > /dev/null 2>&1 && break; sleep 0.1; done
start=$(now); nbdcopy "nbd://127.0.0.1:$QPORT/bench" null:; QEMU_READ_S=$(python3 -c "print($(now) - $start)")

python3 - "$SIZE" "$CHANGED" "$FILL_S" "$FULL_S" "$FULL_READ" "$MAP_S" "$MAP_READ" "$FR_S" "$FR_READ" "$HEARTH_READ_S" "$QEMU_READ_S" "$(nproc)" <<'PY'
import sys
size, changed = int(sys.argv[1]), int(sys.argv[2])
fill, full_s, full_read, map_s, map_read, fr_s, fr_read, h_s, q_s = map(float, sys.argv[3:12])
mib = 1 << 20
print(f"NBD benchmark: {size / (1 << 30):.0f} GiB volume, {changed / mib:.0f} MiB changed ({100 * changed / size:.1f}%) in clusters, {sys.argv[12]} cores")
print()
print("| step | time (s) | read (MiB) | vs full backup |")
print("|---|---:|---:|---:|")
print(f"| fill through NBD (nbdcopy) | {fill:.1f} | | |")
print(f"| full backup | {full_s:.2f} | {full_read / mib:.0f} | 100% |")
print(f"| incremental with the changed-block map | {map_s:.2f} | {map_read / mib:.1f} | {100 * map_s / full_s:.1f}% of the time, {map_read / changed:.2f}x the changed bytes |")
print(f"| incremental reading everything (map invalid) | {fr_s:.2f} | {fr_read / mib:.0f} | {100 * fr_s / full_s:.1f}% |")
print()
print("| sequential read over NBD (nbdcopy to null:) | time (s) | MiB/s |")
print("|---|---:|---:|")
print(f"| Hearth's export | {h_s:.2f} | {size / mib / h_s:.0f} |")
print(f"| qemu-nbd, same file | {q_s:.2f} | {size / mib / q_s:.0f} |")
print()
goal_time = map_s <= 0.03 * full_s
goal_read = map_read <= 2 * changed
print(f"goals: incremental time <= 3% of full: {'met' if goal_time else 'NOT met'}; reads <= 2x changed: {'met' if goal_read else 'NOT met'}")
PY
