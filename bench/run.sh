#!/usr/bin/env bash
# End-to-end benchmark: Hearth beside restic and borg, in one run, on the same files.
#
#   bench/run.sh                       # 2 GiB image, 3 runs, hearth + restic + borg, medians
#   bench/run.sh --size 256M --runs 1  # quick look while developing
#   bench/run.sh --sweep               # Hearth alone, block sizes 16K..1M (picks the default)
#   bench/run.sh --rss-check           # also: peak RSS of a 32 GiB sparse image vs the 2 GiB one
#
# Options:
#   --size SIZE        base image size (default 2G; binary units K/M/G)
#   --runs N           runs per measurement; tables show medians (default 3)
#   --tools LIST       comma-separated subset of hearth,hearth-enc,restic,borg (default hearth,restic,borg;
#                      hearth-enc: Hearth on an encrypted repository, for the cost of encryption)
#   --sweep            block-size sweep of Hearth instead of the comparison
#   --block-sizes LIST block sizes of the sweep (default "16K,32K,64K,128K,256K,1M")
#   --rss-check        after the comparison, back up a 32 GiB mostly-hole image and compare peak RSS
#   --rss-size SIZE    size of that sparse image (default 32G)
#   --no-compare       skip the comparison (with --rss-check: run only the RSS check)
#   --seed N           image seed (default 42); mutations use fixed seeds of their own
#   --keep             keep the repositories and restored files of the last run (bench/work/runs/)
#   --no-install       do not apt-get install missing tools
#   --warm             do not try to drop the page cache before each timed command
#
# It installs what is missing from Debian packages (restic, borgbackup, zstd, time, python3),
# builds Hearth, generates the images under bench/work/images/ (kept and reused: they are
# deterministic), and writes everything else under bench/work/. Nothing is written elsewhere:
# the tools' caches and config dirs are pointed into bench/work/ too.
# The report (Markdown) is printed at the end and saved as bench/work/results/<time>/report.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="$ROOT/bench/work"

SIZE=2G
RUNS=3
TOOLS=hearth,restic,borg
SWEEP=0
BLOCK_SIZES="16K,32K,64K,128K,256K,1M"
RSS_CHECK=0
RSS_SIZE=32G
COMPARE=1
SEED=42
KEEP=0
INSTALL=1
DROP=1

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --size) SIZE="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --tools) TOOLS="$2"; shift 2 ;;
    --sweep) SWEEP=1; shift ;;
    --block-sizes) BLOCK_SIZES="$2"; shift 2 ;;
    --rss-check) RSS_CHECK=1; shift ;;
    --rss-size) RSS_SIZE="$2"; shift 2 ;;
    --no-compare) COMPARE=0; shift ;;
    --seed) SEED="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --no-install) INSTALL=0; shift ;;
    --warm) DROP=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --runs must be a positive number" >&2; exit 2; }
if [[ $SWEEP == 1 ]]; then COMPARE=0; TOOLS=hearth; fi
if [[ $RSS_CHECK == 1 && ",$TOOLS," != *,hearth,* ]]; then TOOLS="hearth,$TOOLS"; fi
has_tool() { [[ ",$TOOLS," == *",$1,"* ]]; }

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- tools
install_missing() {
  local -a want=()
  command -v python3 >/dev/null || want+=(python3)
  command -v zstd >/dev/null || want+=(zstd)
  [[ -x /usr/bin/time ]] || want+=(time)
  command -v cmp >/dev/null || want+=(diffutils)
  if has_tool restic && ! command -v restic >/dev/null; then want+=(restic); fi
  if has_tool borg && ! command -v borg >/dev/null; then want+=(borgbackup); fi
  [[ ${#want[@]} -eq 0 ]] && return 0
  [[ $INSTALL == 1 ]] || die "missing: ${want[*]} (run without --no-install, or apt-get install them)"
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "missing: ${want[*]}; install them (apt-get install -y ${want[*]}) as root"
    sudo=(sudo)
  fi
  log "installing from Debian packages: ${want[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${want[@]}" >/dev/null
}

find_java() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
    return
  fi
  local candidate
  for candidate in /usr/lib/jvm/temurin-25-jdk-* /usr/lib/jvm/java-25-* /usr/lib/jvm/*25*; do
    if [[ -x "$candidate/bin/java" ]]; then export JAVA_HOME="$candidate"; return; fi
  done
  die "no Java 25 found; set JAVA_HOME"
}

build() {
  log "building Hearth (./mvnw -q -DskipTests package)"
  ./mvnw -q -o -DskipTests package >/dev/null 2>&1 || ./mvnw -q -DskipTests package >&2 || die "the build failed"
  export HEARTH_NO_BUILD=1 # bin/hearth must not rebuild inside a timed command
  # The launcher records its AOT cache on its first run after a build (a training run of a few seconds and ~350 MiB):
  # once, here, not inside the first timed command.
  "$ROOT/bin/hearth" --help >/dev/null 2>&1 || die "bin/hearth does not start"
}

install_missing
find_java
build
GEN=("$JAVA_HOME/bin/java" -cp "$ROOT/hearth-bench/target/classes:$ROOT/hearth-bench/target/lib/*" io.hearth.bench.ImageGenerator)
HEARTH="$ROOT/bin/hearth"

# ---------------------------------------------------------------- page cache
CACHE_STATE=warm
drop_caches() {
  [[ $DROP == 1 ]] || return 0
  sync
  if echo 3 2>/dev/null >/proc/sys/vm/drop_caches; then CACHE_STATE=cold; else CACHE_STATE=warm; DROP=0; fi
}
drop_caches
log "page cache before each timed command: $CACHE_STATE$([[ $CACHE_STATE == warm ]] && echo ' (cannot drop it here: images may be read from memory)')"

# ---------------------------------------------------------------- images
STAMP_VERSION=1
# make_images DIR SIZE ZERO TEXT MUTATIONS(0|1)
make_images() {
  local dir="$1" size="$2" zero="$3" text="$4" mutations="$5"
  local stamp="v$STAMP_VERSION size=$size seed=$SEED zero=$zero text=$text mutations=$mutations"
  if [[ -f "$dir/.complete" && "$(cat "$dir/.complete")" == "$stamp" ]]; then
    log "images in ${dir#"$ROOT"/} are up to date"
    return
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  log "generating a $size image in ${dir#"$ROOT"/} (zero $zero, text $text)"
  "${GEN[@]}" image --out "$dir/base.img" --size "$size" --seed "$SEED" --zero "$zero" --text "$text" >"$dir/base.json"
  if [[ $mutations == 1 ]]; then
    local kind
    for kind in scattered clustered; do
      log "mutating 1% ($kind) into ${dir#"$ROOT"/}/$kind.img"
      cp --sparse=always "$dir/base.img" "$dir/$kind.img"
      "${GEN[@]}" mutate --image "$dir/$kind.img" --kind "$kind" --fraction 0.01 \
        --ranges "$dir/$kind.ranges" --changed-data "$dir/$kind.changed" >"$dir/$kind.json"
      # "changed data compressed": the new data of every changed range, concatenated, zstd -1.
      zstd -q -1 -c "$dir/$kind.changed" | wc -c >"$dir/$kind.changed.zstd1"
      stat -c %s "$dir/$kind.changed" >"$dir/$kind.changed.bytes"
      rm -f "$dir/$kind.changed"
    done
  fi
  sync
  echo "$stamp" >"$dir/.complete"
}

# ---------------------------------------------------------------- measuring
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RESULTS="$WORK/results/$STAMP"
RUNROOT="$WORK/runs"
mkdir -p "$RESULTS"
TSV="$RESULTS/raw.tsv"
printf 'run\ttool\top\tseconds\tinput_bytes\tbytes_added\tobjects_added\tself_stored\tself_objects\trss_kb\tnote\tself_seconds\n' >"$TSV"
FAILED=()

# measure LABEL CMD... : runs CMD under /usr/bin/time -v; sets M_SECONDS, M_RSS_KB, M_OUT (stdout file).
measure() {
  local label="$1"; shift
  local dir="$RESULTS/cmd"
  mkdir -p "$dir"
  M_OUT="$dir/$label.out"
  local err="$dir/$label.err" tv="$dir/$label.time"
  drop_caches
  local t0 t1 status=0
  t0=$(date +%s.%N)
  /usr/bin/time -v -o "$tv" "$@" >"$M_OUT" 2>"$err" || status=$?
  # Timed until the output is on the disk: a tool that leaves it in the page cache pays its writeback here.
  [[ $status -ne 0 ]] || sync
  t1=$(date +%s.%N)
  if [[ $status -ne 0 ]]; then
    log "FAILED ($status): $*"
    tail -n 15 "$err" | sed 's/^/    /' >&2
    return "$status"
  fi
  M_SECONDS=$(python3 -c "print(round($t1 - $t0, 3))")
  M_RSS_KB=$(awk -F': ' '/Maximum resident set size/{print $2}' "$tv")
}

# Bytes and objects (files) of a repository directory.
repo_bytes() { du -sb "$1" | cut -f1; }
repo_files() { find "$1" -type f | wc -l; }

# record RUN TOOL OP SECONDS INPUT BYTES_ADDED OBJECTS_ADDED SELF_STORED SELF_OBJECTS RSS NOTE [SELF_SECONDS]
record() {
  local IFS=$'\t'
  local -a fields=("$@")
  [[ ${#fields[@]} -lt 12 ]] && fields+=("")
  echo "${fields[*]}" >>"$TSV"
  log "$(printf '%-7s %-28s %8.2f s  added %12s B  objects %6s  rss %7s kB  %s' "$2" "$3" "$4" "$6" "$7" "${10}" "${11}")"
}

json_field() { # json_field FILE FIELD... : fields of the last JSON object in FILE, tab-separated
  python3 - "$@" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
obj = None
try:
    obj = json.loads(text)
except ValueError:
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                obj = json.loads(line); break
            except ValueError:
                pass
if obj is None:
    sys.exit("no JSON object in " + sys.argv[1])
def get(o, path):
    for part in path.split("."):
        o = o.get(part) if isinstance(o, dict) else None
    return "" if o is None else str(o)
print("\t".join(get(obj, f) for f in sys.argv[2:]))
PY
}

verify_restore() { # verify_restore RESTORED ORIGINAL : "restore=identical" or "restore=DIFFERENT"
  if cmp -s "$1" "$2"; then echo "restore=identical"; else echo "restore=DIFFERENT"; fi
}

# A tool's whole state (repository, cache, config) lives in one directory, so that it can be copied
# after the full backup and every incremental starts from the same state.
fresh_copy() { rm -rf "$2"; cp -a --sparse=always "$1" "$2"; }

IMG=""
# ---------------------------------------------------------------- hearth
hearth_env() { # the state dir's cache: Hearth keeps its local cache where XDG_CACHE_HOME says, if it uses one
  export XDG_CACHE_HOME="$1/cache"
}

H_TOOL=hearth # hearth, or hearth-enc for an encrypted repository (passphrase in HEARTH_REPO_PASSWORD)
hearth_init() { # hearth_init STATE [BLOCK_SIZE]
  local state="$1" bs="${2:-}"
  mkdir -p "$state"
  hearth_env "$state"
  local args=(repo init --repo "$state/repo" --json)
  [[ -n "$bs" ]] && args+=(--block-size "$bs")
  [[ $H_TOOL == hearth-enc ]] && args+=(--encrypt)
  "$HEARTH" "${args[@]}" >"$state/init.json" 2>"$state/init.err" || { cat "$state/init.err" >&2; return 1; }
}

# hearth_backup RUN OP STATE SOURCE [backup args...] : measures one backup, sets H_ID
hearth_backup() {
  local run="$1" op="$2" state="$3" source="$4"; shift 4
  hearth_env "$state"
  local b0 f0 b1 f1
  b0=$(repo_bytes "$state/repo"); f0=$(repo_files "$state/repo")
  measure "$H_TOOL-$op-r$run" "$HEARTH" repo backup --repo "$state/repo" --source "$source" --json "$@"
  b1=$(repo_bytes "$state/repo"); f1=$(repo_files "$state/repo")
  local id stored objects read secs
  IFS=$'\t' read -r id stored objects read secs < <(json_field "$M_OUT" backup_id bytes_stored objects_written bytes_read seconds)
  [[ -n "$id" ]] || { log "hearth printed no backup_id"; return 1; }
  H_ID="$id"
  record "$run" "$H_TOOL" "$op" "$M_SECONDS" "$(stat -c %s "$source")" $((b1 - b0)) $((f1 - f0)) "$stored" "$objects" "$M_RSS_KB" "bytes_read=$read" "$secs"
}

hearth_compare() { # hearth_compare RUN [hearth|hearth-enc]
  local run="$1" dir="$RUNROOT/r$run"
  H_TOOL="${2:-hearth}"
  if [[ $H_TOOL == hearth-enc ]]; then export HEARTH_REPO_PASSWORD="hearth-bench"; else unset HEARTH_REPO_PASSWORD; fi
  local st="$dir/$H_TOOL" full="$dir/$H_TOOL.full" var="$dir/$H_TOOL.var"
  rm -rf "$st" "$full" "$var"
  if [[ $H_TOOL == hearth ]]; then
    # What the JVM's start and the CLI cost alone, to read the short commands' times against.
    measure "hearth-startup-r$run" "$HEARTH" --help
    record "$run" hearth startup "$M_SECONDS" 0 0 0 "" "" "$M_RSS_KB" ""
  fi
  hearth_init "$st"
  hearth_backup "$run" full "$st" "$IMG/base.img"
  local parent="$H_ID"
  fresh_copy "$st" "$full"
  local kind
  for kind in scattered clustered; do
    fresh_copy "$full" "$var"
    hearth_backup "$run" "incr-$kind-read" "$var" "$IMG/$kind.img" --parent "$parent"
    fresh_copy "$full" "$var"
    hearth_backup "$run" "incr-$kind-ranges" "$var" "$IMG/$kind.img" --parent "$parent" --changed-ranges "$IMG/$kind.ranges"
  done
  rm -rf "$var" "$full"
  local out="$dir/restore/hearth.img"
  mkdir -p "$dir/restore"; rm -f "$out"
  hearth_env "$st"
  measure "$H_TOOL-restore-r$run" "$HEARTH" repo restore --repo "$st/repo" "$parent" --target "$out" --json
  local note=""
  [[ $run == 1 ]] && note=$(verify_restore "$out" "$IMG/base.img")
  record "$run" "$H_TOOL" restore "$M_SECONDS" "$(stat -c %s "$IMG/base.img")" 0 0 "" "" "$M_RSS_KB" "$note" "$(json_field "$M_OUT" seconds)"
  rm -f "$out"
  H_TOOL=hearth
  unset HEARTH_REPO_PASSWORD
}

# ---------------------------------------------------------------- restic
restic_env() {
  export RESTIC_REPOSITORY="$1/repo" RESTIC_PASSWORD="hearth-bench" XDG_CACHE_HOME="$1/cache"
}

# restic_backup RUN OP STATE SOURCE : sets R_SNAP
restic_backup() {
  local run="$1" op="$2" state="$3" source="$4"
  restic_env "$state"
  local b0 f0 b1 f1
  b0=$(repo_bytes "$state/repo"); f0=$(repo_files "$state/repo")
  measure "restic-$op-r$run" bash -c 'exec restic backup --json --stdin --stdin-filename disk.img <"$1"' _ "$source"
  b1=$(repo_bytes "$state/repo"); f1=$(repo_files "$state/repo")
  local snap added
  IFS=$'\t' read -r snap added < <(grep '"message_type":"summary"' "$M_OUT" | tail -n 1 >"$M_OUT.summary"; json_field "$M_OUT.summary" snapshot_id data_added)
  [[ -n "$snap" ]] || { log "restic printed no snapshot id"; return 1; }
  R_SNAP="$snap"
  record "$run" restic "$op" "$M_SECONDS" "$(stat -c %s "$source")" $((b1 - b0)) $((f1 - f0)) "$added" "" "$M_RSS_KB" "self_stored=restic data_added"
}

restic_compare() {
  local run="$1" dir="$RUNROOT/r$run"
  local st="$dir/restic" full="$dir/restic.full" var="$dir/restic.var"
  rm -rf "$st" "$full" "$var"
  mkdir -p "$st"
  restic_env "$st"
  restic init -q >/dev/null
  restic_backup "$run" full "$st" "$IMG/base.img"
  local snap="$R_SNAP"
  fresh_copy "$st" "$full"
  local kind
  for kind in scattered clustered; do
    fresh_copy "$full" "$var"
    restic_backup "$run" "incr-$kind-read" "$var" "$IMG/$kind.img"
  done
  rm -rf "$var" "$full"
  local out="$dir/restore/restic"
  rm -rf "$out"; mkdir -p "$out"
  restic_env "$st"
  measure "restic-restore-r$run" restic restore "$snap" --target "$out"
  local note=""
  [[ $run == 1 ]] && note=$(verify_restore "$out/disk.img" "$IMG/base.img")
  record "$run" restic restore "$M_SECONDS" "$(stat -c %s "$IMG/base.img")" 0 0 "" "" "$M_RSS_KB" "$note"
  rm -rf "$out"
}

# ---------------------------------------------------------------- borg
borg_env() {
  export BORG_REPO="$1/repo" BORG_BASE_DIR="$1/home" BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes \
    BORG_RELOCATED_REPO_ACCESS_IS_OK=yes
}

# borg_backup RUN OP STATE SOURCE ARCHIVE
borg_backup() {
  local run="$1" op="$2" state="$3" source="$4" archive="$5"
  borg_env "$state"
  local b0 f0 b1 f1
  b0=$(repo_bytes "$state/repo"); f0=$(repo_files "$state/repo")
  # Run from the image's directory so the archive holds just the file name.
  measure "borg-$op-r$run" bash -c 'cd "$(dirname "$1")" && exec borg create --json --compression zstd,1 "::$2" "$(basename "$1")"' _ "$source" "$archive"
  b1=$(repo_bytes "$state/repo"); f1=$(repo_files "$state/repo")
  local dedup
  dedup=$(json_field "$M_OUT" archive.stats.deduplicated_size)
  record "$run" borg "$op" "$M_SECONDS" "$(stat -c %s "$source")" $((b1 - b0)) $((f1 - f0)) "$dedup" "" "$M_RSS_KB" "self_stored=borg deduplicated_size"
}

borg_compare() {
  local run="$1" dir="$RUNROOT/r$run"
  local st="$dir/borg" full="$dir/borg.full" var="$dir/borg.var"
  rm -rf "$st" "$full" "$var"
  mkdir -p "$st/home"
  borg_env "$st"
  borg init -e none >/dev/null 2>&1
  borg_backup "$run" full "$st" "$IMG/base.img" full
  fresh_copy "$st" "$full"
  local kind
  for kind in scattered clustered; do
    fresh_copy "$full" "$var"
    borg_backup "$run" "incr-$kind-read" "$var" "$IMG/$kind.img" "$kind"
  done
  rm -rf "$var" "$full"
  local out="$dir/restore/borg"
  rm -rf "$out"; mkdir -p "$out"
  borg_env "$st"
  measure "borg-restore-r$run" bash -c 'cd "$1" && exec borg extract --sparse ::full' _ "$out"
  local note=""
  [[ $run == 1 ]] && note=$(verify_restore "$out/base.img" "$IMG/base.img")
  record "$run" borg restore "$M_SECONDS" "$(stat -c %s "$IMG/base.img")" 0 0 "" "" "$M_RSS_KB" "$note"
  rm -rf "$out"
}

# ---------------------------------------------------------------- sweep and rss check
hearth_sweep() {
  local run="$1" bs="$2" dir="$RUNROOT/r$run"
  local st="$dir/hearth-$bs" full="$dir/hearth-$bs.full" var="$dir/hearth-$bs.var"
  rm -rf "$st" "$full" "$var"
  hearth_init "$st" "$bs"
  hearth_backup "$run" "sweep-$bs-full" "$st" "$IMG/base.img"
  local parent="$H_ID"
  fresh_copy "$st" "$full"
  local kind
  for kind in scattered clustered; do
    fresh_copy "$full" "$var"
    hearth_backup "$run" "sweep-$bs-incr-$kind-ranges" "$var" "$IMG/$kind.img" --parent "$parent" --changed-ranges "$IMG/$kind.ranges"
  done
  rm -rf "$var" "$full" "$st"
}

hearth_rss() {
  local run="$1" dir="$RUNROOT/r$run"
  local small="$dir/hearth-rss-small" big="$dir/hearth-rss-big"
  rm -rf "$small" "$big"
  hearth_init "$small"
  hearth_backup "$run" "rss-full-$SIZE" "$small" "$IMG/base.img"
  rm -rf "$small"
  hearth_init "$big"
  hearth_backup "$run" "rss-full-$RSS_SIZE-sparse" "$big" "$RSS_IMG/base.img"
  # The same 2 GiB backup into a repository that already holds more (the sparse image's data).
  hearth_backup "$run" "rss-full-$SIZE-into-nonempty-repo" "$big" "$IMG/base.img"
  rm -rf "$big"
}

# run_tool FUNCTION ARGS... : runs one tool's part in a subshell; a failure is reported, not fatal.
run_tool() {
  local status=0
  set +e
  (set -e; "$@")
  status=$?
  set -e
  if [[ $status -ne 0 ]]; then
    log "FAILED: $* (exit $status); going on with the other measurements"
    FAILED+=("$*")
  fi
}

hearth_warm() { # hearth_warm RUN: the full backup and the incrementals with changed ranges inside one running JVM
  local run="$1" dir="$RUNROOT/r$run/hearth-warm" out="$RESULTS/cmd/hearth-warm-r$run.out"
  rm -rf "$dir"; mkdir -p "$RESULTS/cmd"
  # the memory settings `bin/hearth serve` gives the backup service (transparent huge pages included)
  GLIBC_TUNABLES=glibc.malloc.hugetlb=1 "$JAVA_HOME/bin/java" -Xms32m -Xmx256m -XX:MaxDirectMemorySize=256m -XX:+UseSerialGC \
    -XX:+UseTransparentHugePages --enable-native-access=ALL-UNNAMED \
    -cp "$ROOT/hearth-bench/target/classes:$ROOT/hearth-bench/target/lib/*" io.hearth.bench.WarmIncrementals "$dir" "$IMG" >"$out"
  local op seconds stored
  while read -r op seconds stored; do
    record "$run" hearth-warm "$op" "$seconds" "$(stat -c %s "$IMG/base.img")" 0 0 "$stored" "" "" "" "$seconds"
  done < <(python3 -c 'import json,sys
for line in open(sys.argv[1]):
    d = json.loads(line); print(d["op"], d["seconds"], d["bytes_stored"])' "$out")
  rm -rf "$dir"
}

# ---------------------------------------------------------------- main
IMG="$WORK/images/$SIZE-s$SEED"
make_images "$IMG" "$SIZE" 0.40 0.30 1
if [[ $RSS_CHECK == 1 ]]; then
  RSS_IMG="$WORK/images/$RSS_SIZE-sparse-s$SEED"
  # Mostly holes: 99% zeros, 0.5% text, 0.5% random.
  make_images "$RSS_IMG" "$RSS_SIZE" 0.99 0.005 0
fi

# The disk's own floor, with the page cache as the tools find it: one reader through the image, four readers on its
# quarters at once (a virtual disk serves a deeper queue faster), and writing 800 MiB with an fsync.
seconds_of() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); python3 -c "print(round($t1 - $t0, 3))"; }
read_quarters() {
  local bytes quarter i
  bytes=$(stat -c %s "$1"); quarter=$(( (bytes + 4 * 1048576 - 1) / (4 * 1048576) ))
  for i in 0 1 2 3; do dd if="$1" of=/dev/null bs=1M skip=$((i * quarter)) count="$quarter" status=none & done
  wait
}
drop_caches; FLOOR_READ=$(seconds_of cat "$IMG/base.img")
drop_caches; FLOOR_READ4=$(seconds_of read_quarters "$IMG/base.img")
drop_caches; FLOOR_WRITE=$(seconds_of dd if=/dev/zero of="$WORK/floor.tmp" bs=16M count=50 conv=fsync); rm -f "$WORK/floor.tmp"
log "disk floor: image read $FLOOR_READ s (four readers $FLOOR_READ4 s), 800 MiB written with fsync $FLOOR_WRITE s"

# Facts the report needs.
python3 - "$RESULTS/meta.json" <<PY
import json, subprocess, sys
def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception:
        return ""
meta = {
    "stamp": "$STAMP", "size": "$SIZE", "image_bytes": int(sh("stat -c %s '$IMG/base.img'")),
    "image_allocated_bytes": int(sh("du -B1 '$IMG/base.img' | cut -f1")),
    "runs": $RUNS, "tools": "$TOOLS", "sweep": $SWEEP, "rss_check": $RSS_CHECK, "rss_size": "$RSS_SIZE",
    "cache": "$CACHE_STATE", "seed": $SEED,
    "base": json.load(open("$IMG/base.json")),
    "changed": {k: {"bytes": int(open("$IMG/%s.changed.bytes" % k).read()),
                    "zstd1_bytes": int(open("$IMG/%s.changed.zstd1" % k).read()),
                    "mutation": json.load(open("$IMG/%s.json" % k))} for k in ("scattered", "clustered")},
    "machine": {"nproc": sh("nproc"), "cpu": sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-"),
                "memory": sh("free -h | awk '/Mem:/{print \$2}'"), "kernel": sh("uname -r"),
                "filesystem": sh("stat -f -c %T '$WORK'")},
    "versions": {"java": sh("'$JAVA_HOME/bin/java' -version 2>&1 | head -n 1"), "restic": sh("restic version"),
                 "borg": sh("borg --version"), "zstd": sh("zstd --version")},
    "git": sh("git -C '$ROOT' describe --always --dirty"),
    "floor": {"read_s": $FLOOR_READ, "read4_s": $FLOOR_READ4, "write800_fsync_s": $FLOOR_WRITE},
}
json.dump(meta, open(sys.argv[1], "w"), indent=2)
PY

for ((run = 1; run <= RUNS; run++)); do
  mkdir -p "$RUNROOT/r$run"
  if [[ $COMPARE == 1 ]]; then
    log "== run $run of $RUNS: comparison ($TOOLS) on a $SIZE image"
    has_tool hearth && run_tool hearth_compare "$run"
    has_tool hearth && run_tool hearth_warm "$run"
    has_tool hearth-enc && run_tool hearth_compare "$run" hearth-enc
    has_tool restic && run_tool restic_compare "$run"
    has_tool borg && run_tool borg_compare "$run"
  fi
  if [[ $SWEEP == 1 ]]; then
    IFS=',' read -r -a sizes <<<"$BLOCK_SIZES"
    for bs in "${sizes[@]}"; do
      log "== run $run of $RUNS: sweep, block size $bs"
      run_tool hearth_sweep "$run" "$bs"
    done
  fi
  if [[ $RSS_CHECK == 1 ]]; then
    log "== run $run of $RUNS: RSS check ($SIZE vs $RSS_SIZE sparse)"
    run_tool hearth_rss "$run"
  fi
  if [[ $KEEP == 0 || $run -lt $RUNS ]]; then rm -rf "$RUNROOT/r$run"; fi
done

printf '%s\n' "${FAILED[@]+"${FAILED[@]}"}" >"$RESULTS/failed.txt"
python3 "$ROOT/bench/report.py" "$RESULTS" | tee "$RESULTS/report.md"
log "raw figures: ${TSV#"$ROOT"/}; report: ${RESULTS#"$ROOT"/}/report.md"
if [[ ${#FAILED[@]} -gt 0 ]]; then
  log "some measurements failed: ${FAILED[*]}"
  exit 1
fi
