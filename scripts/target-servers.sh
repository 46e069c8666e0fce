#!/usr/bin/env bash
# Starts or stops the local servers that the target tests use, one script per target in scripts/targets/.
#
#   scripts/target-servers.sh up [NAME...]     # every target, or only those named (e.g. s3)
#   scripts/target-servers.sh down [NAME...]
#
# Each scripts/targets/NAME.sh installs what it needs when missing, keeps its state under
# $HEARTH_TARGETS_DIR (default ./target-servers in the checkout) and is idempotent. On `up` it prints
#   TARGET <name> <repository URL>
# followed by the `export NAME=value` lines that `bin/hearth repo … --repo URL` needs to reach it.
# A target that fails does not stop the others; the exit status says whether all succeeded.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export HEARTH_TARGETS_DIR="${HEARTH_TARGETS_DIR:-$ROOT/target-servers}"

action="${1:-}"
if [[ "$action" != "up" && "$action" != "down" ]]; then
  echo "usage: $0 up|down [NAME...]" >&2
  exit 2
fi
shift

names=("$@")
if (( ${#names[@]} == 0 )); then
  for script in "$ROOT"/scripts/targets/*.sh; do
    names+=("$(basename "$script" .sh)")
  done
fi

failed=()
for name in "${names[@]}"; do
  script="$ROOT/scripts/targets/$name.sh"
  if [[ ! -x "$script" ]]; then
    echo "target-servers: no target named '$name' (scripts/targets/$name.sh)" >&2
    failed+=("$name")
    continue
  fi
  if ! "$script" "$action"; then
    echo "target-servers: $name $action failed" >&2
    failed+=("$name")
  fi
done

if (( ${#failed[@]} )); then
  echo "target-servers: failed: ${failed[*]}" >&2
  exit 1
fi
