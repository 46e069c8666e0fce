#!/usr/bin/env bash
# Backup and restore throughput per target, without and with 50 ms added to every request (a LatencyTarget
# decorator in the bench): posix (a local directory) and s3 (S3Proxy on loopback, from scripts/targets/s3.sh).
#
#   bench/targets.sh [IMAGE_SIZE]      # default 512M; prints one JSON line per run
#
# Google Cloud Storage is not measured: no server of its API runs here (docs/targets-s3-gcs.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZE="${1:-512M}"
WORK="$(mktemp -d)"
export HEARTH_TARGETS_DIR="$WORK/servers"
cleanup() { "$ROOT/scripts/targets/s3.sh" down >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-* /usr/lib/jvm/java-25-*; do
  if [[ -n "$candidate" && -x "$candidate/bin/java" ]]; then JAVA="$candidate/bin/java"; break; fi
done
[[ -n "${JAVA:-}" ]] || { echo "targets.sh: no Java 25 found; set JAVA_HOME" >&2; exit 1; }

(cd "$ROOT" && ./mvnw -B -q -DskipTests -pl hearth-bench -am package >&2)
CP="$ROOT/hearth-bench/target/classes:$ROOT/hearth-bench/target/lib/*"
"$JAVA" -cp "$CP" io.hearth.bench.ImageGenerator image --out "$WORK/image.img" --size "$SIZE" >&2

run() { # URL LATENCY_MS
  local dir="$WORK/run-$RANDOM"
  mkdir -p "$dir"
  "$JAVA" -Xmx512m -XX:MaxDirectMemorySize=512m --enable-native-access=ALL-UNNAMED -cp "$CP" \
    io.hearth.bench.TargetThroughput "$1" "$WORK/image.img" "$dir" "$2"
  rm -rf "$dir"
}

for latency in 0 50; do
  run "file://$WORK/posix-$latency" "$latency"
done
eval "$("$ROOT/scripts/targets/s3.sh" up | grep '^export ')"
for latency in 0 50; do
  run "s3://hearth/bench-$latency" "$latency"
done
