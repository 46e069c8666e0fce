#!/usr/bin/env bash
# A single-node Ceph on loopback (Debian's ceph-mon, ceph-mgr, ceph-osd, radosgw): one monitor, one manager, one
# BlueStore OSD on a 4 GiB sparse file, pools of one replica, no cephx, a pool `backups` for the rados target, and RGW
# serving S3 with a user for Hearth. Hearth reaches it twice: the rados target over librados (TARGET ceph) and the s3
# target over RGW's S3 API, path-style (TARGET ceph-rgw). State under $HEARTH_TARGETS_DIR/ceph.
#   scripts/targets/ceph.sh up    installs the packages when missing, starts everything on free ports (or finds it
#                                 running) and prints the two TARGET lines, each followed by its export lines
#   scripts/targets/ceph.sh down  stops it and removes its state
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=lib/packages.bash
source scripts/targets/lib/packages.bash
base=${HEARTH_TARGETS_DIR:-target-servers}
mkdir -p "$base"
dir=$(cd "$base" && pwd)/ceph
daemons=(mon mgr osd rgw)
pool=backups
access_key=hearth-access
secret_key=hearth-secret

pid_alive() { [[ -f "$dir/run/$1.pid" ]] && kill -0 "$(cat "$dir/run/$1.pid")" 2>/dev/null; }

all_alive() {
  local name
  for name in "${daemons[@]}"; do pid_alive "$name" || return 1; done
}

stop() {
  local name
  for name in rgw osd mgr mon; do
    if pid_alive "$name"; then kill "$(cat "$dir/run/$name.pid")" 2>/dev/null || true; fi
  done
  for name in rgw osd mgr mon; do
    for _ in $(seq 100); do pid_alive "$name" || break; sleep 0.1; done
    if pid_alive "$name"; then kill -9 "$(cat "$dir/run/$name.pid")" 2>/dev/null || true; fi
  done
}

print_target() {
  echo "TARGET ceph rados://$pool/repo"
  echo "export BACKUP_CEPH_CONF=$dir/ceph.conf"
  echo "export BACKUP_CEPH_USER=hearth"
  echo "TARGET ceph-rgw s3://hearth/repo"
  echo "export BACKUP_S3_ENDPOINT_URL=http://127.0.0.1:$(cat "$dir/run/rgw.port")"
  echo "export BACKUP_S3_STORE_ACCESS_KEY=$access_key"
  echo "export BACKUP_S3_STORE_SECRET_KEY=$secret_key"
  echo "export BACKUP_S3_FORCE_PATH_STYLE=true"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

start() {
  local name=$1
  shift
  setsid "$@" -c "$dir/ceph.conf" -f >"$dir/log/$name.out" 2>&1 < /dev/null &
  echo $! > "$dir/run/$name.pid"
}

wait_for() {
  local what=$1 check=$2
  for _ in $(seq 300); do
    if eval "$check"; then return 0; fi
    local name
    for name in "${daemons[@]}"; do
      if [[ -f "$dir/run/$name.pid" ]] && ! pid_alive "$name"; then
        echo "ceph.sh: $name exited; its log:" >&2
        tail -20 "$dir/log/$name.out" >&2
        exit 1
      fi
    done
    sleep 0.2
  done
  echo "ceph.sh: $what did not happen within 60 s; logs in $dir/log" >&2
  exit 1
}

up() {
  if [[ -f "$dir/run/rgw.port" ]] && all_alive; then
    print_target
    return
  fi
  install_missing ceph.sh ceph-mon ceph-mgr ceph-osd radosgw librados2
  stop
  rm -rf "$dir"
  mkdir -p "$dir/mon" "$dir/mgr" "$dir/osd0" "$dir/rgw" "$dir/run" "$dir/log"
  local mon_port rgw_port fsid
  mon_port=$(free_port)
  rgw_port=$(free_port)
  fsid=$(cat /proc/sys/kernel/random/uuid)
  cat > "$dir/ceph.conf" <<EOF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$mon_port
ms bind msgr2 = false
auth cluster required = none
auth service required = none
auth client required = none
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
# At start an OSD sets its device class and CRUSH place with monitor commands; often (under load) it sends the first
# before it knows the cluster's fsid, the monitor refuses it ('wrong fsid') and the OSD exits. The script places it.
osd class update on start = false
osd crush update on start = false
run dir = $dir/run
log file = $dir/log/\$name.log
admin socket = $dir/run/\$name.asok
mon data = $dir/mon
mgr data = $dir/mgr
osd data = $dir/osd\$id
mon cluster log file = $dir/log/cluster.log
osd objectstore = bluestore
bluestore block path = $dir/osd\$id.block
bluestore block create = true
bluestore block size = 4294967296
bluestore block db create = false
bluestore block wal create = false
bluestore fsck on mkfs = false

[client.rgw.hearth]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw data = $dir/rgw
EOF
  local ceph=(ceph -c "$dir/ceph.conf" --connect-timeout 10)
  # A monitor command, tried again a few times: on a loaded machine one can time out while the cluster settles.
  mon_command() {
    local _
    for _ in 1 2 3 4 5; do
      if "${ceph[@]}" "$@" 2>"$dir/log/command.err"; then return 0; fi
      sleep 1
    done
    echo "ceph.sh: ceph $* failed: $(cat "$dir/log/command.err")" >&2
    return 1
  }
  osd_up() {
    [[ "$("${ceph[@]}" osd stat -f json 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)["num_up_osds"])' 2>/dev/null)" == 1 ]]
  }
  monmaptool --create --add a "v1:127.0.0.1:$mon_port" --fsid "$fsid" "$dir/monmap" >/dev/null
  ceph-mon --mkfs -i a --monmap "$dir/monmap" -c "$dir/ceph.conf" 2>/dev/null
  start mon ceph-mon -i a
  wait_for "the monitor's quorum" '"${ceph[@]}" quorum_status >/dev/null 2>&1'
  start mgr ceph-mgr -i x
  local uuid id
  uuid=$(cat /proc/sys/kernel/random/uuid)
  id=$(mon_command osd new "$uuid")
  ceph-osd -i "$id" --mkfs --osd-uuid "$uuid" -c "$dir/ceph.conf" >"$dir/log/osd-mkfs.out" 2>&1
  # Placed in the CRUSH map here, not by the OSD itself at start (see "osd crush update on start" above).
  mon_command osd crush add "osd.$id" 1.0 root=default >/dev/null
  start osd ceph-osd -i "$id"
  wait_for "the OSD coming up" osd_up
  # Few placement groups: one OSD, and RGW makes its own pools beside this one.
  mon_command osd pool create "$pool" 8 8 >/dev/null
  mon_command osd pool application enable "$pool" hearth >/dev/null
  start rgw radosgw -n client.rgw.hearth
  wait_for "RGW answering" 'curl -fsS -o /dev/null "http://127.0.0.1:$rgw_port" 2>/dev/null'
  radosgw-admin -c "$dir/ceph.conf" user create --uid=hearth --display-name=Hearth --access-key="$access_key" \
    --secret="$secret_key" >/dev/null
  # The s3 target does not create buckets: make the one the TARGET line names. curl signs with SigV4 but leaves out
  # the payload hash RGW wants; this is the SHA-256 of the empty body.
  curl -fsS -o /dev/null -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" --user "$access_key:$secret_key" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
    "http://127.0.0.1:$rgw_port/hearth"
  # Written last: `up` takes it as the sign that everything above is done.
  echo "$rgw_port" > "$dir/run/rgw.port"
  print_target
}

case "${1:-}" in
  up) up ;;
  down) stop; rm -rf "$dir" ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
