# shellcheck shell=bash disable=SC2034  # its variables are for the scripts that source it
# Shared by the bench/ scripts: where fauxpak is, a private HOME and
# XDG_RUNTIME_DIR, alternate timing (bench/alternate.py) and the results
# table that bench/run-bench.sh prints. Source it from a bench script after
# setting BUILD_DIR.
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE_DIR=$(cd "$BENCH_DIR/.." && pwd)
PYTHON=/usr/bin/python3
RUNS=${BENCH_RUNS:-100}
WARMUP=${BENCH_WARMUP:-5}

if [ ! -x "$BUILD_DIR/launcher/fauxpak" ]; then
  meson setup "$BUILD_DIR" "$SOURCE_DIR" >/dev/null
  ninja -C "$BUILD_DIR" >/dev/null
fi
FAUXPAK=$(cd "$BUILD_DIR/launcher" && pwd)/fauxpak

say () { printf '%s\n' "$*"; }
bench_die () { echo "bench: $*" >&2; exit 1; }

# A fresh private home under $1 (a temp dir), and a runtime directory on
# a tmpfs, as a session's /run/user/UID is: fauxpak keeps its instances
# there (a directory and a few files made, and a dead one's removed, per
# launch), and on a disk (/tmp here is ext4) a launch would wait on the
# journal of whatever else the machine writes. $1/run links to it, for
# bench_rm_work. BENCH_RUNTIME_BASE names another place (default
# /dev/shm, if it is a tmpfs; else the runtime directory is $1/run).
bench_home () {
  local base=${BENCH_RUNTIME_BASE:-/dev/shm}
  export HOME=$1/home
  mkdir -p "$HOME"
  if [ -n "${BENCH_RUNTIME_BASE:-}" ] || [ "$(stat -f -c %T "$base" 2>/dev/null)" = tmpfs ]; then
    XDG_RUNTIME_DIR=$(mktemp -d "$base/fauxpak-bench-run.XXXXXX") && chmod 700 "$XDG_RUNTIME_DIR" &&
      ln -s "$XDG_RUNTIME_DIR" "$1/run"
  else
    XDG_RUNTIME_DIR=$1/run
    mkdir -m 700 "$XDG_RUNTIME_DIR"
  fi
  export XDG_RUNTIME_DIR
  say "runtime directory: $XDG_RUNTIME_DIR ($(stat -f -c %T "$XDG_RUNTIME_DIR"))"
  unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY
  cd "$HOME" || exit 1
}

# bench_rm_work DIR: removes a bench's temp dir and the runtime
# directories bench_home made for it elsewhere.
bench_rm_work () {
  local link
  while IFS= read -r link; do
    rm -rf --one-file-system "$(readlink "$link")"
  done < <(find "$1" -maxdepth 2 -name run -type l 2>/dev/null)
  rm -rf "$1"
}

# measure OUT.json [RUNS] NAME=COMMAND…: the commands timed alternately.
measure () {
  local out=$1 runs=$2; shift 2
  "$PYTHON" "$BENCH_DIR/alternate.py" "$runs" "$WARMUP" "$out" "$@"
}

# stat OUT.json NAME [mean|median|min|stddev]: in milliseconds.
stat_ms () {
  "$PYTHON" -c 'import json, sys; r = json.load(open(sys.argv[1]))["commands"][sys.argv[2]]; print(f"{r[sys.argv[3]] * 1000:.2f}")' \
    "$1" "$2" "${3:-mean}"
}

# ratio OUT.json A B: mean(A) / mean(B).
ratio () {
  "$PYTHON" -c 'import json, sys; r = json.load(open(sys.argv[1]))["commands"]; print("%.2f" % (r[sys.argv[2]]["mean"] / r[sys.argv[3]]["mean"]))' \
    "$1" "$2" "$3"
}

# verdict VALUE <=|>=|vs|info TARGET: "vs" for a floor, measured to show
# what bounds a target (bench/run-bench-floors.sh), not a target of its
# own; "info" for a row that only splits another's cost (no target).
verdict () {
  [ "$2" = vs ] && { echo floor; return; }
  [ "$2" = info ] && { echo info; return; }
  [ -n "$1" ] || { echo "NOT met"; return; }
  awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { exit !(op == "<=" ? v <= t : v >= t) }' && echo met || echo "NOT met"
}

# record ROW VALUE OP TARGET DETAIL: one line of the table run-bench.sh
# prints (to BENCH_RESULTS when set), and on our output now.
record () {
  local row=$1 value=$2 op=$3 target=$4 detail=$5 line shown
  shown="$op $target"
  [ "$op" = info ] && shown=-
  line=$(printf '%s\t%s\t%s\t%s\t%s' "$row" "$value" "$shown" "$(verdict "$value" "$op" "${target%%[!0-9.]*}")" "$detail")
  say "RESULT: ${line//$'\t'/ | }"
  [ -n "${BENCH_RESULTS:-}" ] && printf '%s\n' "$line" >> "$BENCH_RESULTS"
  return 0
}

# record_skip ROW WHY
record_skip () {
  say "SKIPPED: $1: $2"
  [ -n "${BENCH_RESULTS:-}" ] && printf '%s\t-\t-\tSKIPPED\t%s\n' "$1" "$2" >> "$BENCH_RESULTS"
  return 0
}

# replayable_argv APP: `fauxpak info --show-bwrap` on stdin, an argument a
# line, to stdout without the --symlink of a link that an earlier launch
# already made on the host, in the app's shared runtime directory or its
# /tmp (bwrap 0.8 refuses to make a link where one is), so that the shown
# command line can be run again and again.
replayable_argv () {
  local xdg_run=$XDG_RUNTIME_DIR/.flatpak/$1/xdg-run app_tmp=$XDG_RUNTIME_DIR/.flatpak/$1/tmp
  local sandbox_rt="" host="" i=0
  local -a argv
  mapfile -t argv
  for ((i = 0; i + 2 < ${#argv[@]}; i++)); do
    [ "${argv[i]}" = --setenv ] && [ "${argv[i+1]}" = XDG_RUNTIME_DIR ] && sandbox_rt=${argv[i+2]}
  done
  i=0
  while [ "$i" -lt "${#argv[@]}" ]; do
    if [ "${argv[i]}" = --symlink ]; then
      case ${argv[i+2]} in
        "$sandbox_rt"/*) host=$xdg_run/${argv[i+2]##*/} ;;
        /tmp/*) host=$app_tmp/${argv[i+2]#/tmp/} ;;
        *) host="" ;;
      esac
      if [ -n "$host" ] && [ "$(readlink "$host" 2>/dev/null)" = "${argv[i+1]}" ]; then
        i=$((i + 3)); continue
      fi
    fi
    printf '%s\n' "${argv[i]}"
    i=$((i + 1))
  done
}

# bare_plain_bwrap APP DATA_DIR: the plain row's bare bwrap, as one shell
# command: after a first launch (which makes ~/.var/app/APP for the later
# ones to find), `fauxpak info --show-bwrap` of `/bin/true`, replayable,
# its fds fed from the files DATA_DIR holds.
bare_plain_bwrap () {
  local app=$1 data=$2 bare fd_file
  local -a argv
  "$FAUXPAK" run --app-id="$app" -- /bin/true
  mkdir -p "$data"
  mapfile -t argv < <("$FAUXPAK" info --show-bwrap --bwrap-data-dir="$data" --app-id="$app" -- /bin/true | replayable_argv "$app")
  bare=$(printf '%q ' "${argv[@]}")
  for fd_file in "$data"/*; do
    [ -e "$fd_file" ] && bare+=" $(basename "$fd_file")<$(printf '%q' "$fd_file")"
  done
  printf '%s\n' "$bare"
}
