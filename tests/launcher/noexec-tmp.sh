#!/usr/bin/env bash
# bin/hearth where /tmp is mounted noexec (a common hardening): zstd-jni copies its native library to the JVM's
# temporary directory and loads it from there, so the launcher must point it elsewhere. Runs a backup and a restore in
# a mount namespace of its own, with the JVM's temporary directory on a noexec tmpfs (java.io.tmpdir, not /tmp itself:
# the checkout may live under /tmp). Needs root and unshare; skipped otherwise.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [[ $(id -u) != 0 ]] || ! command -v unshare >/dev/null; then
  echo "noexec-tmp: skipped (needs root and unshare)"
  exit 0
fi
work="$ROOT/target/noexec-tmp"
rm -rf "$work" && mkdir -p "$work"
# Text, so that the backup compresses with zstd.
{ yes "hearth noexec tmp $(date +%s)" || true; } | head -c 8388608 >"$work/image" # yes ends by SIGPIPE
"$ROOT/bin/hearth" --help >/dev/null # builds on first use, outside the namespace

unshare --mount sh -c '
  set -e
  hearth="$1/bin/hearth"; work="$2"
  mkdir -p "$work/tmp"
  mount -t tmpfs -o noexec,nosuid,nodev tmpfs "$work/tmp"
  export JAVA_TOOL_OPTIONS="-Djava.io.tmpdir=$work/tmp"
  "$hearth" repo init --repo "$work/repo" --json >/dev/null
  "$hearth" repo backup --repo "$work/repo" --source "$work/image" --id noexec --json >"$work/backup.json"
  "$hearth" repo restore --repo "$work/repo" noexec --target "$work/restored" --json >/dev/null
' sh "$ROOT" "$work" 2>"$work/stderr" || { echo "noexec-tmp: FAILED"; cat "$work/stderr"; exit 1; }

grep -q '"backup_id" *: *"noexec"' "$work/backup.json" || { echo "noexec-tmp: no backup id in $(cat "$work/backup.json")"; exit 1; }
cmp "$work/image" "$work/restored" || { echo "noexec-tmp: the restored image differs"; exit 1; }
echo "noexec-tmp: backup and restore with a noexec /tmp passed"
rm -rf "$work"
