#!/usr/bin/env bash
# S3Proxy (a real S3 server over a directory) on a free loopback port, for the S3 target.
#
#   scripts/targets/s3.sh up     # prints: TARGET s3 s3://hearth/repo and the BACKUP_S3_* exports
#   scripts/targets/s3.sh down
#
# The server's jar comes from the Maven repository, through the project's Maven wrapper, at the version the
# build uses (property s3proxy.version in pom.xml). State lives in $HEARTH_TARGETS_DIR/s3.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${HEARTH_TARGETS_DIR:-$ROOT/target-servers}/s3"
BUCKET=hearth

log() { echo "s3: $*" >&2; }

java_bin() {
  # S3Proxy needs Java 17 or newer: the JDK bin/hearth uses if there is one, else the default.
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-* /usr/lib/jvm/java-25-*; do
    if [[ -n "$candidate" && -x "$candidate/bin/java" ]]; then echo "$candidate/bin/java"; return; fi
  done
  command -v java || { log "no java found"; exit 1; }
}

running() {
  [[ -f "$STATE/pid" ]] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null
}

print_target() {
  # shellcheck disable=SC1091
  source "$STATE/env"
  echo "TARGET s3 s3://$BUCKET/repo"
  echo "export BACKUP_S3_ENDPOINT_URL=http://127.0.0.1:$PORT"
  echo "export BACKUP_S3_STORE_ACCESS_KEY=$ACCESS_KEY"
  echo "export BACKUP_S3_STORE_SECRET_KEY=$SECRET_KEY"
  echo "export BACKUP_S3_FORCE_PATH_STYLE=true"
}

listening() {
  python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.settimeout(0.5)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
}

up() {
  mkdir -p "$STATE/data"
  if running; then
    print_target
    return
  fi
  local version jar
  version="$(sed -n 's:.*<s3proxy.version>\(.*\)</s3proxy.version>.*:\1:p' "$ROOT/pom.xml")"
  jar="$STATE/s3proxy-$version.jar"
  if [[ ! -f "$jar" ]]; then
    log "fetching S3Proxy $version"
    (cd "$ROOT" && ./mvnw -B -q -N dependency:copy \
      "-Dartifact=org.gaul:s3proxy:$version:jar:jar-with-dependencies" "-DoutputDirectory=$STATE/download" >&2)
    mv "$STATE/download/s3proxy-$version-jar-with-dependencies.jar" "$jar"
  fi
  if [[ ! -f "$STATE/env" ]]; then
    # Credentials of this machine's test server only, made once so that `up` again prints the same ones.
    cat > "$STATE/env" <<ENV
ACCESS_KEY=hearth-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
SECRET_KEY=$(od -An -N16 -tx4 /dev/urandom | tr -d ' ')
ENV
  fi
  # shellcheck disable=SC1091
  source "$STATE/env"
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  echo "PORT=$PORT" >> "$STATE/env"
  cat > "$STATE/s3proxy.conf" <<CONF
s3proxy.endpoint=http://127.0.0.1:$PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$ACCESS_KEY
s3proxy.credential=$SECRET_KEY
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$STATE/data
CONF
  mkdir -p "$STATE/data/$BUCKET"
  nohup "$(java_bin)" -Xmx256m -jar "$jar" --properties "$STATE/s3proxy.conf" > "$STATE/s3proxy.log" 2>&1 &
  echo $! > "$STATE/pid"
  for _ in $(seq 240); do
    if listening "$PORT"; then
      print_target
      return
    fi
    if ! running; then break; fi
    sleep 0.5
  done
  log "S3Proxy did not start; the end of $STATE/s3proxy.log:"
  tail -20 "$STATE/s3proxy.log" >&2
  down
  exit 1
}

down() {
  if running; then
    local pid
    pid="$(cat "$STATE/pid")"
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -f "$STATE/pid"
  [[ -f "$STATE/env" ]] && sed -i '/^PORT=/d' "$STATE/env"
  return 0
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
