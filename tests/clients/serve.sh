# Sourced by the client scenarios: a work directory removed at exit, a free loopback port, and `hearth serve` started
# with a configuration and waited for. Sets ROOT, WORK, PORT, PROJECT and SERVER_PID; defines fail, step, default_conf and serve.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
PROJECT=demo
SERVER_PID=""

cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; echo "--- server log ---" >&2; tail -50 "$WORK/server.log" >&2 || true; exit 1; }
step() { echo "== $*"; }

# default_conf: the [DEFAULT] section of a noauth hearth.conf with its data under WORK and its API on PORT.
default_conf() {
  cat <<CONF
[DEFAULT]
state_path = $WORK/state
backup_posix_path = $WORK/backups
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = $PORT
auth_strategy = noauth
CONF
}

# serve CONF: starts hearth serve with CONF in the background and waits until it listens.
serve() {
  "$ROOT/bin/hearth" serve --config "$1" > "$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 240); do
    grep -q "hearth: listening" "$WORK/server.log" && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || fail "server exited"
    sleep 0.5
  done
  fail "server did not start"
}
