#!/usr/bin/env bash
# `bin/hearth repo init/backup/restore --repo URL` through every target that scripts/target-servers.sh starts
# (or only the targets named), with the environment it prints; then a wrong secret must fail and write nothing.
#
#   tests/targets/cli-roundtrip.sh [NAME...]
#
# Starts the servers it needs and stops them at the end. Exits non-zero on the first failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d)"
export HEARTH_TARGETS_DIR="${HEARTH_TARGETS_DIR:-$WORK/servers}"
HEARTH="$ROOT/bin/hearth"

cleanup() {
  "$ROOT/scripts/target-servers.sh" down "$@" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap 'cleanup "$@"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

"$ROOT/scripts/target-servers.sh" up "$@" > "$WORK/targets" || fail "the target servers did not start"

# One environment file per target: the export lines that follow its TARGET line.
python3 - "$WORK" <<'PY'
import sys, pathlib
work = pathlib.Path(sys.argv[1])
current = None
for line in (work / "targets").read_text().splitlines():
    if line.startswith("TARGET "):
        _, name, url = line.split(maxsplit=2)
        current = work / f"target-{name}.env"
        current.write_text(f"URL={url}\n")
    elif line.startswith("export ") and current is not None:
        with current.open("a") as env:
            env.write(line + "\n")
PY
ls "$WORK"/target-*.env >/dev/null 2>&1 || fail "scripts/target-servers.sh printed no TARGET line"

# 6 MiB: random data, zeros (a hole) and repeated blocks.
python3 - "$WORK/disk.img" <<'PY'
import os, sys
with open(sys.argv[1], "wb") as out:
    out.write(os.urandom(2 << 20))
    out.write(bytes(2 << 20))
    out.write((os.urandom(32 << 10)) * 64)
PY

passed=0
for env in "$WORK"/target-*.env; do
  name="$(basename "$env" .env)"; name="${name#target-}"
  (
    set -euo pipefail
    # shellcheck disable=SC1090
    source "$env"
    repo="$URL-$(date +%s)-$RANDOM"
    echo "== $name: $repo"
    "$HEARTH" repo init --repo "$repo" --cache-dir "$WORK/cache-$name" >/dev/null || fail "$name: init"
    id="$("$HEARTH" repo backup --repo "$repo" --cache-dir "$WORK/cache-$name" --source "$WORK/disk.img" --json \
      | python3 -c 'import json, sys; print(json.load(sys.stdin)["backup_id"])')" || fail "$name: backup"
    # Restore with a cold cache, as another machine would.
    "$HEARTH" repo restore --repo "$repo" --cache-dir "$WORK/cache2-$name" "$id" --target "$WORK/restored-$name.img" >/dev/null \
      || fail "$name: restore"
    cmp "$WORK/disk.img" "$WORK/restored-$name.img" || fail "$name: the restored image differs"
    "$HEARTH" repo verify --repo "$repo" --cache-dir "$WORK/cache2-$name" >/dev/null || fail "$name: verify"
    echo "   backup $id restored bit for bit"
  ) || exit 1
  passed=$((passed + 1))
done

# A wrong secret is refused with the option to fix, and nothing is written.
if [[ -f "$WORK/target-s3.env" ]]; then
  (
    # shellcheck disable=SC1091
    source "$WORK/target-s3.env"
    export BACKUP_S3_STORE_SECRET_KEY=wrong-secret
    if "$HEARTH" repo init --repo "$URL-refused" --cache-dir "$WORK/cache-refused" > "$WORK/refused.out" 2>&1; then
      fail "s3: init with a wrong secret succeeded"
    fi
    grep -q "backup_s3_store_secret_key" "$WORK/refused.out" || fail "s3: the refusal does not name the option: $(cat "$WORK/refused.out")"
    ! grep -q "wrong-secret" "$WORK/refused.out" || fail "s3: the refusal prints the secret"
  ) || exit 1
  echo "== s3: a wrong secret is refused"
  passed=$((passed + 1))
fi
echo "target round trips: $passed passed, 0 failed"
