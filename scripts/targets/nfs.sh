#!/usr/bin/env bash
# nfs-ganesha (VFS) exporting a directory on loopback over NFSv3 and v4, for the nfs target's tests.
# State under $HEARTH_TARGETS_DIR/nfs. NFS clients find the server through the portmapper, so this needs rpcbind
# on its standard port (111) and ganesha on NFS's (2049): both are machine-wide, so one export serves every caller.
#   scripts/targets/nfs.sh up    installs nfs-ganesha, nfs-ganesha-vfs and rpcbind when missing, starts them (or finds
#                                them running) and prints the TARGET line and the export lines
#   scripts/targets/nfs.sh down  stops ganesha and removes its state (rpcbind, a system service, stays)
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=lib/packages.bash
source scripts/targets/lib/packages.bash
base=${HEARTH_TARGETS_DIR:-target-servers}
mkdir -p "$base"
dir=$(cd "$base" && pwd)/nfs
export_path=/hearth

pid_alive() { [[ -f "$dir/run/ganesha.pid" ]] && kill -0 "$(cat "$dir/run/ganesha.pid")" 2>/dev/null; }

print_target() {
  echo "TARGET nfs nfs://127.0.0.1$export_path/repo"
  echo "export BACKUP_SHARE=127.0.0.1:$export_path"
}

rpcbind_running() { rpcinfo -p 127.0.0.1 >/dev/null 2>&1; }

registered() { rpcinfo -p 127.0.0.1 2>/dev/null | awk '{print $1, $2}' | grep -q "^$1 $2\$"; }

up() {
  if pid_alive && registered 100003 3 && registered 100005 3; then
    print_target
    return
  fi
  install_missing nfs.sh nfs-ganesha nfs-ganesha-vfs rpcbind
  if ! rpcbind_running; then
    local sudo=
    (( EUID == 0 )) || sudo=sudo
    $sudo rpcbind -w 2>/dev/null || $sudo rpcbind
    for _ in $(seq 50); do rpcbind_running && break; sleep 0.1; done
  fi
  if pid_alive; then
    kill "$(cat "$dir/run/ganesha.pid")"
    for _ in $(seq 100); do pid_alive || break; sleep 0.1; done
  fi
  rm -rf "$dir"
  mkdir -p "$dir/export" "$dir/run" "$dir/recovery"
  cat > "$dir/ganesha.conf" <<EOF
NFS_CORE_PARAM {
    Protocols = 3, 4;
    Bind_addr = 127.0.0.1;
    # NFSv3 clients mount the pseudo path, so the URL names /hearth rather than this directory.
    mount_path_pseudo = true;
    Enable_NLM = false;
    Enable_RQUOTA = false;
}
NFSV4 {
    Graceless = true;
    RecoveryBackend = fs;
    RecoveryRoot = "$dir/recovery";
}
EXPORT {
    Export_Id = 77;
    Path = "$dir/export";
    Pseudo = "$export_path";
    Protocols = 3, 4;
    Transports = TCP;
    Access_Type = RW;
    Squash = No_Root_Squash;
    SecType = sys;
    FSAL {
        Name = VFS;
    }
}
LOG {
    Default_Log_Level = EVENT;
}
EOF
  setsid ganesha.nfsd -F -f "$dir/ganesha.conf" -L "$dir/ganesha.log" -p "$dir/run/ganesha.pid.own" \
    >"$dir/ganesha.out" 2>&1 < /dev/null &
  echo $! > "$dir/run/ganesha.pid"
  for _ in $(seq 300); do
    if registered 100003 3 && registered 100005 3; then
      print_target
      return
    fi
    if ! pid_alive; then
      echo "nfs.sh: ganesha exited; its log:" >&2
      tail -30 "$dir/ganesha.log" "$dir/ganesha.out" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
  echo "nfs.sh: ganesha did not register NFSv3 and MOUNT with rpcbind within 60 s; log in $dir/ganesha.log" >&2
  exit 1
}

down() {
  if pid_alive; then
    kill "$(cat "$dir/run/ganesha.pid")"
    for _ in $(seq 100); do pid_alive || break; sleep 0.1; done
    if pid_alive; then kill -9 "$(cat "$dir/run/ganesha.pid")" 2>/dev/null || true; fi
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
