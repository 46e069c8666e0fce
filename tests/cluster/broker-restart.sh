#!/usr/bin/env bash
# RabbitMQ restarts under a running cluster (scripts/cluster.sh): one client per volume creates backups one after
# the other while the broker is stopped and started again mid-stream. No request may be lost and none applied twice:
# every create answers 202 and its backup ends available, each volume has exactly the backups asked for and is
# available again, and every process is still up.
#
#   tests/cluster/broker-restart.sh            # 4 volumes, 6 backups each, 2 backup hosts
#
# The broker is a RabbitMQ node of its own (its own name, ports and data directory), started here and removed at the
# end: restarting the machine's broker would cut off everyone else using it. Its data survives the restart, as a
# real broker's does (durable queues, persistent messages).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VOLUMES=${VOLUMES:-4}
PER_VOLUME=${PER_VOLUME:-6}
export HEARTH_BACKUP_HOSTS=${BACKUP_HOSTS:-2}
export HEARTH_CLUSTER_DIR="$(mktemp -d)"
BROKER_DIR="$(mktemp -d)"
NODE="hearth-restart-$$@localhost"
fail() { echo "broker restart: FAILED: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

clients=""
cleanup() {
  if [[ -n $clients ]]; then kill "$clients" 2>/dev/null || true; fi
  "$ROOT/scripts/cluster.sh" purge >/dev/null 2>&1 || true
  rabbitmqctl -q -n "$NODE" stop >/dev/null 2>&1 || true
  rm -rf "$BROKER_DIR"
}
trap cleanup EXIT

command -v rabbitmq-server >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null; }
AMQP_PORT=$(free_port)
DIST_PORT=$(free_port)
echo "listeners.tcp.local = 127.0.0.1:$AMQP_PORT" > "$BROKER_DIR/rabbitmq.conf"
echo "[]." > "$BROKER_DIR/enabled_plugins"
printf '%s\n' 'ERL_EPMD_ADDRESS=127.0.0.1' 'export ERL_FLAGS="-kernel inet_dist_use_interface {127,0,0,1}"' > "$BROKER_DIR/rabbitmq-env.conf"
# The Debian scripts run the node as the rabbitmq user.
id rabbitmq >/dev/null 2>&1 && chown -R rabbitmq "$BROKER_DIR"

broker_start() {
  env RABBITMQ_NODENAME="$NODE" RABBITMQ_NODE_PORT="$AMQP_PORT" RABBITMQ_DIST_PORT="$DIST_PORT" \
    RABBITMQ_CONFIG_FILE="$BROKER_DIR/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$BROKER_DIR/enabled_plugins" \
    RABBITMQ_CONF_ENV_FILE="$BROKER_DIR/rabbitmq-env.conf" RABBITMQ_MNESIA_BASE="$BROKER_DIR/mnesia" \
    RABBITMQ_LOG_BASE="$BROKER_DIR/log" rabbitmq-server -detached >/dev/null 2>&1
  # A node takes seconds to boot, minutes on a machine that is busy with other work.
  for _ in $(seq 240); do
    (exec 3<>"/dev/tcp/127.0.0.1/$AMQP_PORT") 2>/dev/null && return 0
    sleep 0.5
  done
  fail "the broker does not answer on 127.0.0.1:$AMQP_PORT after 2 minutes"
}

broker_start
export HEARTH_TRANSPORT_URL="rabbit://guest:guest@127.0.0.1:$AMQP_PORT/"
url=$("$ROOT/scripts/cluster.sh" up | sed -n 's/^HEARTH_URL=//p')
[[ -n "$url" ]] || fail "cluster.sh up printed no HEARTH_URL"
auth=(-H 'X-Auth-Token: admin:restart' -H 'Content-Type: application/json')
source "$ROOT/tests/cluster/volumes.sh"
prepare_volumes "$url" restart "$VOLUMES" $((VOLUMES * PER_VOLUME))

# One client per volume: create a backup, wait until it ends and the volume is available again, next. Each line of
# the results: <volume> <backup id or -> <create's HTTP status> <the backup's final status>.
results="$HEARTH_CLUSTER_DIR/results"
: > "$results"
python3 - "$url" "$PER_VOLUME" "$results" "${volumes[@]}" <<'PY' &
import json, sys, threading, time, urllib.error, urllib.request
url, per_volume, results, volumes = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
headers = {"X-Auth-Token": "admin:restart", "Content-Type": "application/json"}
lock = threading.Lock()

def request(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=300) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as e:
        return e.code, {}

def await_status(path, key, done, seconds=180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = request("GET", path)[1].get(key, {}).get("status")
        if done(status):
            return status
        time.sleep(0.2)
    return "timeout"

def client(volume):
    for i in range(per_volume):
        code, body = request("POST", "/v3/restart/backups", {"backup": {"volume_id": volume, "name": f"restart-{i}"}})
        backup = body.get("backup", {}).get("id", "-")
        final = await_status(f"/v3/restart/backups/{backup}", "backup", lambda s: s != "creating") if code == 202 else "-"
        await_status(f"/v3/restart/volumes/{volume}", "volume", lambda s: s != "backing-up")
        with lock, open(results, "a") as out:
            out.write(f"{volume} {backup} {code} {final}\n")

threads = [threading.Thread(target=client, args=(v,)) for v in volumes]
for t in threads:
    t.start()
for t in threads:
    t.join()
PY
clients=$!

# Mid-stream: once the first backups are done, the broker stops and starts again. SIGTERM is a clean shutdown (what
# `rabbitmqctl stop` asks for), sent at once: on a busy machine rabbitmqctl itself can take seconds to start, by
# which time the stream would be over.
total=$((VOLUMES * PER_VOLUME))
until (( $(wc -l < "$results") >= VOLUMES )); do
  kill -0 "$clients" 2>/dev/null || fail "the clients ended early: $(cat "$results")"
  sleep 0.2
done
started=$SECONDS
before=$(wc -l < "$results")
broker_pid=$(cat "$BROKER_DIR/mnesia/$NODE.pid")
kill -TERM "$broker_pid"
for _ in $(seq 120); do kill -0 "$broker_pid" 2>/dev/null || break; sleep 0.5; done
! kill -0 "$broker_pid" 2>/dev/null || fail "the broker did not stop in 60 s"
stopped=$(wc -l < "$results")
broker_start
echo "broker restart: stopped after $before of $total backups ($stopped when it was down), back $((SECONDS - started)) s later"
(( stopped < total )) || fail "the stream ended before the broker went down: nothing was tested"
wait "$clients" || fail "the clients failed"
clients=""

# Every request answered and available, exactly once per request.
bad=$(awk '$3 != 202 || $4 != "available"' "$results")
[[ -z $bad ]] || fail "requests that did not end available: $bad"
(( $(wc -l < "$results") == total )) || fail "$(wc -l < "$results") results for $total requests"
for v in "${volumes[@]}"; do
  read -r count statuses < <(curl -fsS "${auth[@]}" "$url/v3/restart/backups/detail?volume_id=$v" \
    | python3 -c 'import json,sys; b = json.load(sys.stdin)["backups"]; print(len(b), ",".join(sorted({x["status"] for x in b})))')
  (( count == PER_VOLUME )) || fail "volume $v has $count backups, $PER_VOLUME were asked for"
  [[ $statuses == available ]] || fail "volume $v has backups in: $statuses"
  status=$(curl -fsS "${auth[@]}" "$url/v3/restart/volumes/$v" | field '["volume"]["status"]')
  [[ $status == available ]] || fail "volume $v is $status"
done
processes=$("$ROOT/scripts/cluster.sh" status)
! grep -q ' down$' <<< "$processes" || fail "processes stopped: $processes"
reconnected=$(grep -l 'recovered' "$HEARTH_CLUSTER_DIR"/logs/*.log | wc -l)
(( reconnected == $(grep -c . <<< "$processes") - 1 )) || fail "only $reconnected processes logged a reconnection"
echo "broker restart: $total backups over $VOLUMES volumes, all available once, every process reconnected"
