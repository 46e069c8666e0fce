#!/usr/bin/env bash
# Backup and restore throughput of one image through the posix, swift and nfs targets on loopback, or the ones named
# (posix, swift, nfs, rados: the single-node Ceph of scripts/targets/ceph.sh, which installs ~200 MB of packages).
#   bench/targets-swift-nfs.sh [MiB [TARGET...]]   (default 256 posix swift nfs)
# Starts the test servers it needs (scripts/targets/*.sh), backs the same image up to a fresh repository on each
# target, restores it, checks the bytes, and prints one line per target and operation.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-256}
work=$(mktemp -d)
# The servers this run started (not those already up under target-servers/) are stopped when it ends.
started=()
cleanup() {
  local script
  for script in "${started[@]}"; do scripts/targets/"$script".sh down >/dev/null 2>&1 || true; done
  rm -rf -- "$work"
}
trap cleanup EXIT
# up NAME: scripts/targets/NAME.sh up's export lines of target NAME; remembered for the cleanup when it was not
# running before (this runs in the main shell: the exports are read from the file it writes).
up() {
  [[ -d "${HEARTH_TARGETS_DIR:-target-servers}/$1" ]] || started+=("$1")
  scripts/targets/"$1".sh up > "$work/$1.out"
}
export HEARTH_AOT=0

# Half pseudo-random (deterministic: AES-CTR of zeros), half repetitive text, so compression has work both ways.
half=$((size_mib / 2))
openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f -iv 0 -in <(head -c $((half << 20)) /dev/zero) \
  > "$work/image" 2>/dev/null
{ yes "2026-11-24T04:00:00Z host hearth[4242]: backup of volume 42 progressing, block 1234567 stored" || true; } \
  | head -c $(((size_mib - half) << 20)) >> "$work/image"

shift || true
names=("${@:-posix}")
(( $# )) || names+=(swift nfs)
run=$RANDOM
targets=()
for name in "${names[@]}"; do
  case "$name" in
    posix) targets+=("posix file://$work/repo-posix") ;;
    swift) up swift; eval "$(sed -n '/^TARGET swift /,/^TARGET /p' "$work/swift.out" | grep '^export ')"; targets+=("swift swift://bench-$run/repo") ;;
    nfs) up nfs; eval "$(grep '^export ' "$work/nfs.out")"; targets+=("nfs nfs://127.0.0.1/hearth/bench-$run") ;;
    rados) up ceph; eval "$(grep '^export ' "$work/ceph.out")"; targets+=("rados rados://backups/bench-$run") ;;
    *) echo "targets-swift-nfs.sh: unknown target $name (posix, swift, nfs, rados)" >&2; exit 2 ;;
  esac
done


printf '%-6s %-8s %8s %8s\n' target op seconds MiB/s
for entry in "${targets[@]}"; do
  name=${entry%% *}
  repo=${entry#* }
  bin/hearth repo init --repo "$repo" --json > /dev/null
  start=$(date +%s.%N)
  bin/hearth repo backup --repo "$repo" --source "$work/image" --json > "$work/backup.json"
  end=$(date +%s.%N)
  id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["backup_id"])' "$work/backup.json")
  seconds=$(echo "$end - $start" | bc)
  printf '%-6s %-8s %8.2f %8.1f\n' "$name" backup "$seconds" "$(echo "$size_mib / $seconds" | bc -l)"
  start=$(date +%s.%N)
  bin/hearth repo restore --repo "$repo" --target "$work/restored" --json "$id" > /dev/null
  end=$(date +%s.%N)
  seconds=$(echo "$end - $start" | bc)
  cmp "$work/image" "$work/restored"
  printf '%-6s %-8s %8.2f %8.1f\n' "$name" restore "$seconds" "$(echo "$size_mib / $seconds" | bc -l)"
  rm -f "$work/restored"
done
