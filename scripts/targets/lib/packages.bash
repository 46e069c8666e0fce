# Sourced by scripts/targets/*.sh (kept out of their *.sh glob): installs the Debian packages that are missing.
# usage: install_missing SCRIPT_NAME PACKAGE...
install_missing() {
  local name=$1 package missing=()
  shift
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if (( ${#missing[@]} )); then
    local sudo=
    (( EUID == 0 )) || sudo=sudo
    echo "$name: installing ${missing[*]}" >&2
    # Other jobs may hold the package lock for a while: wait for it rather than fail.
    $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >&2
  fi
}
