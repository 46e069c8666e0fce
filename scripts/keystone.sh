#!/usr/bin/env bash
# A throwaway Keystone on loopback for tests: Debian's keystone package, sqlite, fernet tokens, served by uwsgi.
# One uwsgi worker with one thread, the application loaded in the worker (--lazy-apps), sqlite in WAL mode: else
# sqlite answers "database is locked" to Keystone's writes.
#
#   eval "$(scripts/keystone.sh up DIR)"   # installs keystone when missing, starts it, prints the exports
#   scripts/keystone.sh down DIR           # stops it (DIR holds the database, keys, log and pid)
#
# `up` bootstraps the admin user (project admin), then creates: the service user "hearth" (role service in project
# service) for Hearth's [keystone_authtoken], and in projects demo and other the users demo-member and demo-reader,
# other-member (password: the user name). It prints OS_* exports for the admin and KEYSTONE_URL.
set -euo pipefail

usage() { echo "usage: $0 up|down DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
action=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)

case "$action" in
  down)
    if [[ -f "$dir/uwsgi.pid" ]]; then
      master=$(cat "$dir/uwsgi.pid")
      kill "$master" 2>/dev/null || true
      # uwsgi's master sometimes outlives SIGTERM, waiting on its worker: give it 5 s, then kill both.
      for _ in $(seq 50); do kill -0 "$master" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$master" 2>/dev/null; then
        pkill -KILL -P "$master" 2>/dev/null || true
        kill -KILL "$master" 2>/dev/null || true
      fi
      rm -f "$dir/uwsgi.pid"
    fi
    exit 0
    ;;
  up) ;;
  *) usage ;;
esac

missing=()
command -v keystone-manage >/dev/null 2>&1 || missing+=(keystone)
command -v uwsgi >/dev/null 2>&1 || missing+=(uwsgi-core)
[[ -e /usr/lib/uwsgi/plugins/python3_plugin.so ]] || missing+=(uwsgi-plugin-python3)
if (( ${#missing[@]} )); then
  echo "keystone.sh: installing ${missing[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# A free loopback port: bind port 0, read it back, release it.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port/v3"
password=admin-secret

cat > "$dir/keystone.conf" <<CONF
[DEFAULT]
log_file = $dir/keystone.log
[database]
connection = sqlite:///$dir/keystone.db
[token]
provider = fernet
[fernet_tokens]
key_repository = $dir/fernet-keys
[fernet_receipts]
key_repository = $dir/fernet-keys
[credential]
key_repository = $dir/credential-keys
CONF
manage() { keystone-manage --config-file "$dir/keystone.conf" "$@" >>"$dir/manage.log" 2>&1; }
user=$(id -un)
group=$(id -gn)
manage db_sync
# Write-ahead logging: Keystone keeps a read transaction open while it writes on another connection.
python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL")' "$dir/keystone.db"
manage fernet_setup --keystone-user "$user" --keystone-group "$group"
manage credential_setup --keystone-user "$user" --keystone-group "$group"
manage bootstrap --bootstrap-password "$password" --bootstrap-admin-url "$url" --bootstrap-public-url "$url" \
  --bootstrap-internal-url "$url" --bootstrap-region-id RegionOne

OS_KEYSTONE_CONFIG_FILES="$dir/keystone.conf" uwsgi --plugin python3 --http-socket "127.0.0.1:$port" \
  --wsgi-file "$(command -v keystone-wsgi-public)" --master --lazy-apps --processes 1 --threads 1 --die-on-term --add-header "Connection: close" \
  --pidfile "$dir/uwsgi.pid" --daemonize "$dir/uwsgi.log" --env "OS_KEYSTONE_CONFIG_FILES=$dir/keystone.conf"

# Wait for Keystone to answer (the first request loads the application).
for _ in $(seq 1 150); do
  if python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$url" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.2
done
if [[ -z "${ready:-}" ]]; then
  echo "keystone.sh: Keystone did not answer on $url; see $dir/uwsgi.log and $dir/keystone.log" >&2
  exit 1
fi

"$(dirname "$0")/lib/keystone-admin.py" "$url" "$password" <<'USERS' >>"$dir/setup.log" 2>&1
user hearth hearth-secret service service admin
user demo-member demo-member demo member
user demo-reader demo-reader demo reader
user other-member other-member other member
USERS

cat <<OUT
export KEYSTONE_URL=$url
export OS_AUTH_URL=$url
export OS_IDENTITY_API_VERSION=3
export OS_USERNAME=admin
export OS_PASSWORD=$password
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=RegionOne
OUT
