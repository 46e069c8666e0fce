#!/usr/bin/env bash
# Makes sure PostgreSQL and MariaDB answer on loopback for the service tests (docs/service.md, Databases):
# installs them when missing (Debian packages), starts them when stopped, and waits until they answer.
# The tests reach PostgreSQL as postgres and MariaDB as root, without a password, on 127.0.0.1.
set -euo pipefail

installed=()
[[ -x /usr/bin/pg_ctlcluster ]] || installed+=(postgresql)
[[ -x /usr/sbin/mariadbd ]] || installed+=(mariadb-server)
if (( ${#installed[@]} )); then
  echo "== databases: installing ${installed[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${installed[@]}" >/dev/null
fi
fresh() { [[ " ${installed[*]} " == *" $1 "* ]]; }

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
maria_up() { mariadb-admin --protocol=tcp -h 127.0.0.1 -P 3306 -u root ping >/dev/null 2>&1; }
wait_for() {
  for _ in $(seq 1 60); do
    if "$@"; then return 0; fi
    sleep 1
  done
  return 1
}

if ! pg_up; then
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  if fresh postgresql; then
    # A fresh cluster asks loopback clients for a password; the tests' postgres user gets in without one.
    sed -i '1i host all postgres 127.0.0.1/32 trust' "/etc/postgresql/$version/main/pg_hba.conf"
  fi
  echo "== databases: starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi
if ! maria_up; then
  echo "== databases: starting MariaDB"
  install -d -o mysql -g mysql /run/mysqld
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  if fresh mariadb-server; then
    # A fresh MariaDB lets root in only through its socket; the tests come over TCP without a password.
    wait_for mariadb -u root -e "SELECT 1" >/dev/null 2>&1
    mariadb -u root -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('')"
  fi
fi
wait_for pg_up || { echo "databases: PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }
wait_for maria_up || { echo "databases: MariaDB does not answer on 127.0.0.1:3306 as root" >&2; exit 1; }
echo "== databases: PostgreSQL and MariaDB answer on 127.0.0.1"
