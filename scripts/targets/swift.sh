#!/usr/bin/env bash
# OpenStack Swift on loopback for the swift target's tests: account, container and object servers (one replica on
# one device directory) behind two proxies: one with tempauth (auth version 1; memcached keeps its tokens), one with
# keystonemiddleware's authtoken and Swift's keystoneauth in front of a real Keystone (scripts/keystone.sh, auth
# version 3; Swift is in its catalog). State under $HEARTH_TARGETS_DIR/swift.
#   scripts/targets/swift.sh up    installs the Debian packages when missing, starts everything on free ports
#                                  (or finds it running) and prints two TARGET lines, swift (tempauth) and
#                                  swift-keystone, each followed by its export lines
#   scripts/targets/swift.sh down  stops it and removes its state
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=lib/packages.bash
source scripts/targets/lib/packages.bash
base=${HEARTH_TARGETS_DIR:-target-servers}
mkdir -p "$base"
dir=$(cd "$base" && pwd)/swift
servers=(memcached account container object proxy proxy-keystone)

pid_alive() { [[ -f "$dir/run/$1.pid" ]] && kill -0 "$(cat "$dir/run/$1.pid")" 2>/dev/null; }

all_alive() {
  local name
  for name in "${servers[@]}"; do pid_alive "$name" || return 1; done
  [[ -f "$dir/keystone/uwsgi.pid" ]] && kill -0 "$(cat "$dir/keystone/uwsgi.pid")" 2>/dev/null
}

stop() {
  for name in "${servers[@]}"; do
    if pid_alive "$name"; then
      kill "$(cat "$dir/run/$name.pid")" 2>/dev/null || true
    fi
  done
  for name in "${servers[@]}"; do
    for _ in $(seq 50); do pid_alive "$name" || break; sleep 0.1; done
    if pid_alive "$name"; then kill -9 "$(cat "$dir/run/$name.pid")" 2>/dev/null || true; fi
  done
  if [[ -d "$dir/keystone" ]]; then scripts/keystone.sh down "$dir/keystone"; fi
}

print_target() {
  local port
  port=$(cat "$dir/run/proxy.port")
  echo "TARGET swift swift://hearth/repo"
  echo "export BACKUP_SWIFT_AUTH_URL=http://127.0.0.1:$port/auth/v1.0"
  echo "export BACKUP_SWIFT_AUTH_VERSION=1"
  echo "export BACKUP_SWIFT_AUTH=single_user"
  echo "export BACKUP_SWIFT_USER=test:tester"
  echo "export BACKUP_SWIFT_KEY=testing"
  # Keystone's user backup (role member in project backups; backup-reader has the reader role there).
  echo "TARGET swift-keystone swift://hearth/repo"
  echo "export BACKUP_SWIFT_AUTH_URL=$(cat "$dir/run/keystone.url")"
  echo "export BACKUP_SWIFT_AUTH_VERSION=3"
  echo "export BACKUP_SWIFT_AUTH=single_user"
  echo "export BACKUP_SWIFT_USER=backup"
  echo "export BACKUP_SWIFT_KEY=backup-secret"
  echo "export BACKUP_SWIFT_USER_DOMAIN=Default"
  echo "export BACKUP_SWIFT_PROJECT=backups"
  echo "export BACKUP_SWIFT_PROJECT_DOMAIN=Default"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

write_configs() {
  local etc=$dir/etc memcached_port=$1 account=$2 container=$3 object=$4 proxy=$5 proxy_keystone=$6 keystone_url=$7
  local user
  user=$(id -un)
  mkdir -p "$etc" "$dir/devices/d1" "$dir/cache" "$dir/log" "$dir/run"
  # swift_dir points every server here, so nothing under /etc is read or written.
  cat > "$etc/swift.conf" <<EOF
[swift-hash]
swift_hash_path_suffix = $(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
swift_hash_path_prefix = hearth
[storage-policy:0]
name = Policy-0
default = yes
EOF
  local common="swift_dir = $etc
devices = $dir/devices
mount_check = false
bind_ip = 127.0.0.1
workers = 0
user = $user
log_name = swift
log_facility = LOG_LOCAL0
recon_cache_path = $dir/cache"
  local server
  for server in account container object; do
    local port_var=$server
    cat > "$etc/$server-server.conf" <<EOF
[DEFAULT]
$common
bind_port = ${!port_var}

[pipeline:main]
pipeline = $server-server

[app:$server-server]
use = egg:swift#$server
EOF
  done
  cat > "$etc/proxy-server.conf" <<EOF
[DEFAULT]
swift_dir = $etc
bind_ip = 127.0.0.1
bind_port = $proxy
workers = 0
user = $user
log_name = swift-proxy

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats tempauth copy proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:tempauth]
use = egg:swift#tempauth
# test:tester may do anything in AUTH_test; test:reader has no rights until an ACL gives some.
user_test_tester = testing .admin
user_test_reader = reading

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$memcached_port

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:copy]
use = egg:swift#copy
EOF
  # The Keystone proxy: the same filters with authtoken and keystoneauth in tempauth's place. Tokens are validated
  # on every request (token_cache_time = -1), so a revoked token is refused at once, as the renewal test needs.
  sed -e "s/^bind_port = .*/bind_port = $proxy_keystone/" -e 's/^log_name = .*/log_name = swift-proxy-keystone/' \
      -e 's/ tempauth / authtoken keystoneauth /' -e '/^\[filter:tempauth\]/,/^$/d' \
      "$etc/proxy-server.conf" > "$etc/proxy-keystone.conf"
  cat >> "$etc/proxy-keystone.conf" <<EOF

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
www_authenticate_uri = $keystone_url
auth_url = $keystone_url
auth_type = password
username = hearth
password = hearth-secret
project_name = service
user_domain_id = default
project_domain_id = default
token_cache_time = -1
delay_auth_decision = false

[filter:keystoneauth]
use = egg:swift#keystoneauth
operator_roles = admin, member
project_reader_roles = reader
EOF
  # One device, one replica: part power 6 keeps the rings small.
  for server in account container object; do
    local port_var=$server
    swift-ring-builder "$etc/$server.builder" create 6 1 1 >/dev/null
    swift-ring-builder "$etc/$server.builder" add "r1z1-127.0.0.1:${!port_var}/d1" 100 >/dev/null
    swift-ring-builder "$etc/$server.builder" rebalance >/dev/null 2>&1 || true
    [[ -f "$etc/$server.ring.gz" ]] || { echo "swift.sh: building the $server ring failed" >&2; exit 1; }
  done
}

start_server() {
  local name=$1
  shift
  setsid "$@" >"$dir/log/$name.log" 2>&1 < /dev/null &
  echo $! > "$dir/run/$name.pid"
}

# Keystone's part: project backups with the users backup (member) and backup-reader (reader), and Swift's Keystone
# proxy in the catalog as object-store, the account named after the project (AUTH_<project id>).
keystone_setup() {
  local url=$1 proxy_keystone=$2
  scripts/lib/keystone-admin.py "$url" "$OS_PASSWORD" >/dev/null <<COMMANDS
user backup backup-secret backups member
user backup-reader backup-reader-secret backups reader
service object-store swift http://127.0.0.1:$proxy_keystone/v1/AUTH_\$(project_id)s public internal
COMMANDS
}

# The Keystone proxy answers a token of user backup (a HEAD on its account proves authtoken and keystoneauth).
wait_keystone_proxy() {
  local url token account
  url=$(cat "$dir/run/keystone.url")
  for _ in $(seq 150); do
    token=$(curl -fsS -o /dev/null -D - -H 'Content-Type: application/json' -d '{"auth": {"identity": {"methods": ["password"],
        "password": {"user": {"name": "backup", "domain": {"id": "default"}, "password": "backup-secret"}}},
        "scope": {"project": {"name": "backups", "domain": {"id": "default"}}}}}' "$url/auth/tokens" 2>/dev/null \
        | tr -d '\r' | sed -n 's/^[Xx]-[Ss]ubject-[Tt]oken: //p') || true
    account=$(curl -fsS -H "X-Auth-Token: $token" "$url/auth/projects" 2>/dev/null \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["projects"][0]["id"])' 2>/dev/null) || true
    if [[ -n "$token" && -n "$account" ]] && curl -fsS -o /dev/null -I -H "X-Auth-Token: $token" \
        "http://127.0.0.1:$(cat "$dir/run/proxy-keystone.port")/v1/AUTH_$account" 2>/dev/null; then
      return 0
    fi
    pid_alive proxy-keystone || { echo "swift.sh: the Keystone proxy exited; its log:" >&2; tail -20 "$dir/log/proxy-keystone.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "swift.sh: Swift's Keystone proxy did not answer within 30 s; logs in $dir/log" >&2
  exit 1
}

wait_healthy() {
  local port
  port=$(cat "$dir/run/proxy.port")
  for _ in $(seq 300); do
    # a token proves the proxy, tempauth and memcached work; a container PUT proves the storage servers do
    local token
    token=$(curl -fsS -o /dev/null -D - -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' \
        "http://127.0.0.1:$port/auth/v1.0" 2>/dev/null | tr -d '\r' | sed -n 's/^[Xx]-[Aa]uth-[Tt]oken: //p') || true
    if [[ -n "$token" ]] && curl -fsS -o /dev/null -X PUT -H "X-Auth-Token: $token" \
        "http://127.0.0.1:$port/v1/AUTH_test/hearth-ready" 2>/dev/null; then
      wait_keystone_proxy
      return 0
    fi
    for name in "${servers[@]}"; do
      if ! pid_alive "$name"; then
        echo "swift.sh: the $name server exited; its log:" >&2
        tail -20 "$dir/log/$name.log" >&2
        exit 1
      fi
    done
    sleep 0.2
  done
  echo "swift.sh: Swift did not answer within 60 s; logs in $dir/log" >&2
  exit 1
}

up() {
  if [[ -f "$dir/run/proxy.port" ]] && all_alive; then
    print_target
    return
  fi
  install_missing swift.sh swift-proxy swift-account swift-container swift-object memcached python3-keystonemiddleware
  stop
  rm -rf "$dir"
  local memcached_port account container object proxy proxy_keystone keystone_url
  memcached_port=$(free_port); account=$(free_port); container=$(free_port); object=$(free_port); proxy=$(free_port)
  proxy_keystone=$(free_port)
  # Keystone first (keystone.sh installs it when missing): the Keystone proxy's configuration names it.
  mkdir -p "$dir/run"
  (
    eval "$(scripts/keystone.sh up "$dir/keystone")"
    keystone_setup "$KEYSTONE_URL" "$proxy_keystone"
    echo "$KEYSTONE_URL" > "$dir/run/keystone.url"
  )
  keystone_url=$(cat "$dir/run/keystone.url")
  write_configs "$memcached_port" "$account" "$container" "$object" "$proxy" "$proxy_keystone" "$keystone_url"
  echo "$proxy" > "$dir/run/proxy.port"
  echo "$proxy_keystone" > "$dir/run/proxy-keystone.port"
  local user
  user=$(id -un)
  start_server memcached memcached -l 127.0.0.1 -p "$memcached_port" -U 0 -m 64 -u "$user"
  start_server account swift-account-server "$dir/etc/account-server.conf" -v
  start_server container swift-container-server "$dir/etc/container-server.conf" -v
  start_server object swift-object-server "$dir/etc/object-server.conf" -v
  start_server proxy swift-proxy-server "$dir/etc/proxy-server.conf" -v
  start_server proxy-keystone swift-proxy-server "$dir/etc/proxy-keystone.conf" -v
  wait_healthy
  print_target
}

case "${1:-}" in
  up) up ;;
  down) stop; rm -rf "$dir" ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
