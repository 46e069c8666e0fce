#!/usr/bin/env bash
# A whole Hearth cluster on loopback: 2 api processes behind HAProxy, 1 scheduler, 2 volume and 3 backup
# processes (HEARTH_BACKUP_HOSTS), talking over RabbitMQ, sharing one PostgreSQL database, one volumes directory
# and one backup target (a posix directory unless HEARTH_CLUSTER_CONFIG names another).
#
#   scripts/cluster.sh up       start it; the last line is HEARTH_URL=<the HAProxy endpoint>
#   scripts/cluster.sh status   one line per process: <role> <pid> <up|down>
#   scripts/cluster.sh down     stop every process (the data stays in the cluster directory)
#   scripts/cluster.sh purge    down, then remove the cluster's queues from the broker and its directory
#
# HEARTH_CLUSTER_DIR: where state, logs and pid files go (default: cluster-data in the checkout).
# HEARTH_DB_CONNECTION: [database] connection (default: a database of its own on the PostgreSQL at 127.0.0.1:5432,
#   user postgres, created on `up` and dropped on `purge`).
# HEARTH_TRANSPORT_URL: the broker (default: rabbit://guest:guest@127.0.0.1:5672/).
# HEARTH_BACKUP_HOSTS: how many backup processes (default 3).
# HEARTH_CLUSTER_CONFIG: a file of [DEFAULT] lines every process also gets (another backup_driver and its options).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${HEARTH_CLUSTER_DIR:-$ROOT/cluster-data}"
TRANSPORT_URL="${HEARTH_TRANSPORT_URL:-rabbit://guest:guest@127.0.0.1:5672/}"
ROLES=(scheduler:scheduler-1 volume:volume-1 volume:volume-2)
for (( i = 1; i <= ${HEARTH_BACKUP_HOSTS:-3}; i++ )); do ROLES+=("backup:backup-$i"); done
ROLES+=(api:api-1 api:api-2)

die() { echo "cluster: $*" >&2; exit 1; }

# Running, and not a zombie (where nothing reaps orphans, a killed process stays one).
alive() {
  local state
  [[ -f "$1" ]] && state=$(ps -o stat= -p "$(cat "$1")" 2>/dev/null) && [[ $state != Z* ]]
}

# Installs haproxy, curl and rabbitmq-server when missing (a fresh Debian machine), and starts the broker if it is down.
prerequisites() {
  local missing=()
  command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  if [[ -z "${HEARTH_TRANSPORT_URL:-}" ]] && ! command -v rabbitmq-server >/dev/null 2>&1; then missing+=(rabbitmq-server); fi
  if (( ${#missing[@]} )); then
    [[ $(id -u) == 0 ]] || die "install ${missing[*]} first (apt-get install ${missing[*]})"
    echo "cluster: installing ${missing[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if [[ -z "${HEARTH_TRANSPORT_URL:-}" ]] && ! (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; then
    echo "cluster: starting rabbitmq-server" >&2
    service rabbitmq-server start >/dev/null 2>&1 || rabbitmq-server -detached >/dev/null 2>&1 || true
    for _ in $(seq 60); do (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null && return 0; sleep 1; done
    die "RabbitMQ does not answer on 127.0.0.1:5672"
  fi
}

free_port() {
  local port
  while :; do
    port=$(( 20000 + RANDOM % 20000 ))
    # Free when nothing answers a connection there.
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# The cluster's own PostgreSQL database, named after its directory (clusters on one server never share one).
database_name() { echo "hearth_cluster_$(echo "$DIR" | md5sum | cut -c1-8)"; }

psql_admin() { psql -h 127.0.0.1 -U postgres -d postgres -qtAX -v ON_ERROR_STOP=1 "$@"; }

create_database() {
  [[ -n "${HEARTH_DB_CONNECTION:-}" ]] && return 0
  command -v psql >/dev/null 2>&1 || die "psql not found: install postgresql-client, or set HEARTH_DB_CONNECTION"
  psql_admin -c 'SELECT 1' >/dev/null 2>&1 || die "PostgreSQL does not answer on 127.0.0.1:5432 as postgres; start it or set HEARTH_DB_CONNECTION"
  if [[ -z $(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$(database_name)'") ]]; then
    psql_admin -c "CREATE DATABASE $(database_name)" >/dev/null
  fi
}

drop_database() {
  [[ -n "${HEARTH_DB_CONNECTION:-}" ]] && return 0
  command -v psql >/dev/null 2>&1 && psql_admin -c "DROP DATABASE IF EXISTS $(database_name)" >/dev/null 2>&1 || true
}

write_config() { # name
  cat > "$DIR/$1.conf" <<EOF
[DEFAULT]
host = $1
state_path = $DIR/state
backup_posix_path = $DIR/backups
osapi_volume_listen_port = 0
transport_url = $TRANSPORT_URL
control_exchange = $(cat "$DIR/exchange")
report_interval = 2
service_down_time = 10
$(cat "${HEARTH_CLUSTER_CONFIG:-/dev/null}")

[database]
connection = ${HEARTH_DB_CONNECTION:-postgresql://postgres@127.0.0.1:5432/$(database_name)}
EOF
}

start_role() { # role name
  local role=$1 name=$2 command=$1
  write_config "$name"
  setsid "$ROOT/bin/hearth" "$command" --config "$DIR/$name.conf" > "$DIR/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$DIR/pids/$role.$name.pid"
}

await_ready() { # name
  local log="$DIR/logs/$1.log"
  for _ in $(seq 180); do
    grep -q '^hearth: ' "$log" 2>/dev/null && return 0
    alive "$(ls "$DIR"/pids/*."$1".pid)" || die "$1 stopped; see $log: $(tail -3 "$log")"
    sleep 1
  done
  die "$1 did not start in 3 minutes; see $log"
}

up() {
  if compgen -G "$DIR/pids/*.pid" >/dev/null; then
    for pid in "$DIR"/pids/*.pid; do alive "$pid" && die "already up (scripts/cluster.sh down first)"; done
  fi
  prerequisites
  mkdir -p "$DIR/pids" "$DIR/logs" "$DIR/state" "$DIR/backups"
  create_database
  rm -f "$DIR"/pids/*.pid
  # One exchange per cluster directory: clusters on one broker never share a queue.
  [[ -f "$DIR/exchange" ]] || echo "hearth-$(echo "$DIR" | md5sum | cut -c1-8)" > "$DIR/exchange"
  # Build once, before eight processes would each try.
  "$ROOT/bin/hearth" --version >/dev/null
  # The first process creates the schema; the others start together once it is there.
  start_role scheduler scheduler-1
  await_ready scheduler-1
  for entry in "${ROLES[@]:1}"; do start_role "${entry%%:*}" "${entry#*:}"; done
  for entry in "${ROLES[@]:1}"; do await_ready "${entry#*:}"; done

  local port servers=""
  port=$(free_port)
  for name in api-1 api-2; do
    local api_port
    api_port=$(sed -n 's|^hearth: listening on http://[^:]*:\([0-9]*\)$|\1|p' "$DIR/logs/$name.log")
    servers+="    server $name 127.0.0.1:$api_port check inter 1s fall 2 rise 2"$'\n'
  done
  cat > "$DIR/haproxy.cfg" <<EOF
global
    maxconn 512

defaults
    mode http
    timeout connect 2s
    timeout client 10m
    timeout server 10m
    # A request that could not reach an api (killed, not yet marked down) goes to the other one; a read that
    # lost its answer with a killed api is asked again, a write is not (it may have been done).
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout

frontend hearth
    bind 127.0.0.1:$port
    default_backend api

backend api
    balance roundrobin
    http-request disable-l7-retry unless METH_GET || METH_HEAD
    option httpchk GET /
    http-check expect rstatus ^[23]
$servers
EOF
  haproxy -f "$DIR/haproxy.cfg" -D -p "$DIR/pids/haproxy.haproxy.pid" || die "haproxy did not start"
  for _ in $(seq 30); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/v3/admin/os-services" -H 'X-Auth-Token: admin:admin' && break
    sleep 1
  done
  echo "http://127.0.0.1:$port" > "$DIR/url"
  echo "HEARTH_URL=http://127.0.0.1:$port"
}

status() {
  compgen -G "$DIR/pids/*.pid" >/dev/null || die "no cluster in $DIR"
  for pidfile in "$DIR"/pids/*.pid; do
    local role state
    role=$(basename "$pidfile" .pid); role=${role%%.*}
    alive "$pidfile" && state=up || state=down
    echo "$role $(cat "$pidfile") $state"
  done
}

down() {
  compgen -G "$DIR/pids/*.pid" >/dev/null || { echo "cluster: nothing runs in $DIR"; return 0; }
  for pidfile in "$DIR"/pids/*.pid; do alive "$pidfile" && kill "$(cat "$pidfile")" 2>/dev/null || true; done
  for _ in $(seq 30); do
    local left=0
    for pidfile in "$DIR"/pids/*.pid; do alive "$pidfile" && left=1; done
    (( left )) || break
    sleep 1
  done
  for pidfile in "$DIR"/pids/*.pid; do alive "$pidfile" && kill -KILL "$(cat "$pidfile")" 2>/dev/null || true; done
  echo "cluster: down"
}

purge() {
  down
  if [[ -f "$DIR/exchange" ]] && command -v rabbitmqctl >/dev/null 2>&1; then
    local exchange queue
    exchange=$(cat "$DIR/exchange")
    for queue in $(rabbitmqctl list_queues -q --no-table-headers name 2>/dev/null | grep -F "$exchange."); do
      rabbitmqctl delete_queue -q "$queue" >/dev/null 2>&1 || true
    done
  fi
  drop_database
  rm -rf "$DIR"
}

case "${1:-}" in
  up) up ;;
  status) status ;;
  down) down ;;
  purge) purge ;;
  *) echo "usage: scripts/cluster.sh up|status|down|purge" >&2; exit 2 ;;
esac
