#!/usr/bin/env bash
# Sequential read throughput over NBD: Hearth's server and qemu-nbd serving the same file (incompressible data, fully
# allocated, in the page cache after the first round), each read by nbdcopy and by Hearth's Java client; the rounds
# alternate the servers and the medians are printed (io.hearth.bench.NbdReadThroughput).
#
#   bench/nbd-read.sh [SIZE_MIB] [ROUNDS]     # default 2048 MiB, 5 rounds
#   HEARTH_JFR=1 bench/nbd-read.sh ...        # also records a JFR profile (nbd-read.jfr in the current directory)
#
# Needs qemu-utils and libnbd-bin.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZE_MIB="${1:-2048}"
ROUNDS="${2:-5}"
for tool in qemu-nbd nbdcopy openssl; do
  command -v "$tool" >/dev/null || { echo "nbd-read.sh: $tool is missing (apt-get install -y qemu-utils libnbd-bin openssl)" >&2; exit 1; }
done
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-* /usr/lib/jvm/java-25-*; do
  if [[ -n "$candidate" && -x "$candidate/bin/java" ]]; then JAVA="$candidate/bin/java"; break; fi
done
[[ -n "${JAVA:-}" ]] || { echo "nbd-read.sh: no Java 25 found; set JAVA_HOME" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

(cd "$ROOT" && ./mvnw -B -q -DskipTests -pl hearth-bench -am package >&2)
CP="$ROOT/hearth-bench/target/classes:$ROOT/hearth-bench/target/lib/*"
{ openssl enc -aes-128-ctr -nosalt -pass pass:hearth -pbkdf2 < /dev/zero 2>/dev/null || true; } | head -c "$((SIZE_MIB << 20))" > "$WORK/volume.raw"
JFR=()
[[ -n "${HEARTH_JFR:-}" ]] && JFR=(-XX:StartFlightRecording=filename="$PWD/nbd-read.jfr",settings=profile)
"$JAVA" -Xmx512m "${JFR[@]}" --enable-native-access=ALL-UNNAMED -cp "$CP" io.hearth.bench.NbdReadThroughput "$WORK/volume.raw" "$ROUNDS"
