#!/bin/bash
# Launch cost of a full fauxpak sandbox -- session-bus proxy and document
# portal -- measured inside a private portal stack (tests/portal/portal-env.sh:
# dbus-daemon, xdg-permission-store, xdg-document-portal, xdg-desktop-portal):
#
#  1. `fauxpak run --app-id=… -- /bin/true` against its bare equivalent, in
#     one run, alternately (bench/alternate.py): xdg-dbus-proxy started directly (no bwrap around it)
#     with the address and filter rules of `fauxpak info --show-dbus-proxy`,
#     its --fd ready byte awaited, then bwrap with the app's exact command
#     line and environment (`fauxpak info --show-bwrap --bwrap-data-dir`),
#     its bus socket pointed at that proxy's socket.
#  2. `flatpak run` of a minimal local Flatpak app (a hand-made runtime and
#     app holding a statically linked `true`, built and installed offline
#     into a private installation in the temp dir) against `fauxpak run` of
#     the same binary with the same bus and documents setup.
#
# Both launches in each pair are checked once, outside the timing, to reach
# the bus through a proxy and to see the document portal's FUSE mount.
#   bench/run-bench-portals.sh [BUILD_DIR]   (default: build; built if missing)
# BENCH_PORTAL_RUNS: runs per command (default: BENCH_RUNS, at most 100);
# BENCH_PORTAL_WARMUP (default 5); BENCH_TARGET_PROXY_RATIO (default 1.0) and
# BENCH_TARGET_FLATPAK_SPEEDUP (default 3) only change what is reported.
# flatpak runs here without a system bus (no parental-controls lookup), a
# systemd user session (no scope) or flatpak-session-helper: the cheapest
# path flatpak has, so the speed-up is a lower bound for a desktop.
# Exits 0 with "SKIPPED: why" when the portal stack (or, for part 2 only,
# flatpak or a static C toolchain) is not available here.
set -euo pipefail

SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${1:-$SOURCE_DIR/build}
RUNS=${BENCH_RUNS:-200}
PORTAL_RUNS=${BENCH_PORTAL_RUNS:-$(( RUNS < 100 ? RUNS : 100 ))}
WARMUP=${BENCH_PORTAL_WARMUP:-5}
TARGET_BARE_RATIO=${BENCH_TARGET_PROXY_RATIO:-1.0}
TARGET_FLATPAK_SPEEDUP=${BENCH_TARGET_FLATPAK_SPEEDUP:-3}
PYTHON=/usr/bin/python3

if [ ! -x "$BUILD_DIR/launcher/fauxpak" ]; then
  meson setup "$BUILD_DIR" "$SOURCE_DIR" >/dev/null
  ninja -C "$BUILD_DIR" >/dev/null
fi
FAUXPAK=$(cd "$BUILD_DIR/launcher" && pwd)/fauxpak
# shellcheck source=bench/lib.sh
. "$SOURCE_DIR/bench/lib.sh"

say() { printf '%s\n' "$*"; }
skip() { say "SKIPPED: $*"; }
die() { echo "bench-portals: $*" >&2; exit 1; }

for tool in bwrap xdg-dbus-proxy dbus-daemon gdbus fusermount3; do
  command -v "$tool" >/dev/null || { skip "portal benchmark: $tool is not installed"; exit 0; }
done

work=$(mktemp -d /tmp/fauxpak-bench-portals.XXXXXX)
portal_started=0
cleanup() {
  local rc=$?
  # Only what this script started: the portal stack (its own pids file).
  [ "$portal_started" = 1 ] && portal_env_stop
  rm -rf --one-file-system "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=/dev/null
. "$SOURCE_DIR/tests/portal/portal-env.sh"
if ! portal_env_start 2>"$work/portal-env.log"; then
  cat "$work/portal-env.log" >&2
  skip "portal benchmark: the private portal stack (tests/portal/portal-env.sh) did not start; see above"
  exit 0
fi
portal_started=1
unset DBUS_SYSTEM_BUS_ADDRESS
cd "$HOME"
say "portal stack: $PORTAL_ENV_DIR (bus $DBUS_SESSION_BUS_ADDRESS, documents at $PORTAL_ENV_DOC_MOUNT)"

# Run inside every sandbox once, outside the timing: a bus call through the
# socket the sandbox was given, and what is mounted at its doc dir (file
# system type and root: the document portal's FUSE, by-app/APP-ID). The
# portal implements no statfs, hence /proc/self/mountinfo.
# ListNames through a filtering proxy hides the services the app may not
# see (here the permission store), so the answer shows a proxy is there.
# One line: --show-bwrap prints an argument a line.
# shellcheck disable=SC2016  # expanded in the sandbox
CHECK_SH='names=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus --method org.freedesktop.DBus.ListNames) || exit 1; case $names in *org.freedesktop.impl.portal.PermissionStore*) echo "unfiltered bus: $names"; exit 1;; esac; doc=$(awk -v d="$(readlink -f "$XDG_RUNTIME_DIR/doc")" '\''$5 == d { for (i = 7; $i != "-"; i++) ; print $(i + 1) " " $4 }'\'' /proc/self/mountinfo); echo "bus ok via $DBUS_SESSION_BUS_ADDRESS; doc: ${doc:-not mounted}"'

check_output() {  # WHAT OUTPUT
  case $2 in
    "bus ok via "*"; doc: fuse"*"/by-app/"*) say "  check $1: $2" ;;
    *) die "check $1 failed: ${2:-no output}" ;;
  esac
}

means() {  # JSON NAME_A NAME_B: mean(A) and mean(B) in ms, mean(A)/mean(B)
  "$PYTHON" - "$@" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["commands"]
a, b = results[sys.argv[2]]["mean"], results[sys.argv[3]]["mean"]
print(f"{a * 1000:.2f} {b * 1000:.2f} {a / b:.2f}")
PY
}
# Timed alternately, round by round (bench/alternate.py).
measure() {  # JSON NAME=COMMAND…
  local out=$1; shift
  "$PYTHON" "$SOURCE_DIR/bench/alternate.py" "$PORTAL_RUNS" "$WARMUP" "$out" "$@"
}

# ---------------------------------------------------------------------------
# 1. fauxpak run with proxy and documents vs bare xdg-dbus-proxy + bare bwrap
# ---------------------------------------------------------------------------
APP=org.fauxpak.Bench
# The first launch creates ~/.var/app/$APP, which later launches find.
"$FAUXPAK" run --app-id=$APP -- /bin/true

# The proxy, without the bwrap fauxpak wraps it in: what follows its `--`.
mapfile -t proxy_full < <("$FAUXPAK" info --show-dbus-proxy --app-id=$APP -- /bin/true)
proxy=()
for i in "${!proxy_full[@]}"; do
  if [ "${proxy_full[i]}" = -- ]; then proxy=("${proxy_full[@]:i+1}"); break; fi
done
if [ "${#proxy[@]}" -lt 3 ] || [ "$(basename "${proxy[0]}")" != xdg-dbus-proxy ]; then
  die "unexpected --show-dbus-proxy output: ${proxy_full[*]}"
fi
[ "${proxy[1]}" = "$DBUS_SESSION_BUS_ADDRESS" ] || die "the proxy serves ${proxy[1]}, not the portal stack's bus"
fauxpak_socket=${proxy[2]}          # …/.flatpak/<instance-id>/session-bus-proxy
SOCKET_MARK=@BARE_PROXY_SOCKET@
proxy[2]=$SOCKET_MARK

# What fauxpak does to bwrap's environment (it passes it through envp, not
# --setenv): the difference between a sandboxed `env` and ours.
env_prefix=""
env_unset=""
declare -A outside=() inside=()
while IFS= read -r -d '' kv; do outside[${kv%%=*}]=${kv#*=}; done < <(/usr/bin/env -0)
while IFS= read -r -d '' kv; do inside[${kv%%=*}]=${kv#*=}; done < <("$FAUXPAK" run --app-id=$APP -- /usr/bin/env -0)
for name in "${!inside[@]}"; do
  [ "$name" = _ ] && continue
  if [ -z "${outside[$name]+set}" ] || [ "${outside[$name]}" != "${inside[$name]}" ]; then
    env_prefix+="$name=$(printf '%q' "${inside[$name]}") "
  fi
done
for name in "${!outside[@]}"; do
  [ "$name" = _ ] && continue
  [ -n "${inside[$name]+set}" ] || env_unset+=" $name"
done

# bare_command DATA_DIR CMD...: a bash command line that starts the proxy
# directly, waits for its ready byte (a bash builtin read: no extra exec),
# then execs bwrap with fauxpak's command line for CMD. The pipe is the
# proxy's --fd: it exits once bwrap, the last holder of the read end, is
# gone. Each run gets its own socket ($$): a proxy unlinks its socket when it
# exits, which may be after the next run's proxy has bound the same path.
bare_command() {
  local data=$1 a fd_file cmd replaced=0; shift
  local -a argv
  mkdir -p "$data"
  mapfile -t argv < <("$FAUXPAK" info --show-bwrap --bwrap-data-dir="$data" --app-id=$APP -- "$@" | replayable_argv $APP)
  cmd="s=$(printf '%q' "$work/bare")/\$\$; { "
  # shellcheck disable=SC2016  # "$s" is the command's own variable
  for a in "${proxy[@]}"; do
    if [ "$a" = "$SOCKET_MARK" ]; then cmd+='"$s" '; else cmd+="$(printf '%q' "$a") "; fi
  done
  cmd+="--fd=3 3>&1 >/dev/null & } | { IFS= read -r -N1 _ || exit 1; "
  [ -n "$env_unset" ] && cmd+="unset$env_unset; "
  cmd+="${env_prefix}exec"
  for a in "${argv[@]}"; do
    if [ "$a" = "$fauxpak_socket" ]; then
      # shellcheck disable=SC2016
      cmd+=' "$s"'; replaced=$((replaced + 1))
    else
      cmd+=" $(printf '%q' "$a")"
    fi
  done
  for fd_file in "$data"/*; do
    [ -e "$fd_file" ] && cmd+=" $(basename "$fd_file")<$(printf '%q' "$fd_file")"
  done
  cmd+="; }"
  [ "$replaced" = 1 ] || die "expected the proxy socket $fauxpak_socket once in the bwrap command line, found it $replaced times"
  printf '%s' "$cmd"
}
mkdir -p "$work/bare"

bare=$(bare_command "$work/data-true" /bin/true)
fauxpak=$(printf '%q ' "$FAUXPAK" run --app-id=$APP -- /bin/true)

# Checks: both reach the bus through a filtering proxy and see the documents,
# and the bare sandbox gets exactly fauxpak's environment.
check_output "fauxpak run" "$(timeout 30 "$FAUXPAK" run --app-id=$APP -- /bin/sh -c "$CHECK_SH" 2>&1)"
check_output "bare proxy + bwrap" "$(timeout 30 bash -c "$(bare_command "$work/data-check" /bin/sh -c "$CHECK_SH")" 2>&1)"
env_bare=$(timeout 30 bash -c "$(bare_command "$work/data-env" /usr/bin/env)" | grep -v '^_=' | sort) ||
  die "the bare proxy + bwrap did not run env"
env_fauxpak=$("$FAUXPAK" run --app-id=$APP -- /usr/bin/env | grep -v '^_=' | sort) ||
  die "fauxpak run did not run env"
[ "$env_bare" = "$env_fauxpak" ] ||
  die "the bare sandbox's environment differs from fauxpak's: $(diff <(echo "$env_fauxpak") <(echo "$env_bare") || true)"
say "  check environment: identical in both sandboxes"

say ""
say "bare proxy + bwrap: $bare"
say "fauxpak run:        $fauxpak"
measure "$work/proxy.json" "bare proxy + bwrap=$bare" "fauxpak run (proxy + documents)=$fauxpak"
read -r fauxpak_ms bare_ms proxy_ratio < <(means "$work/proxy.json" "fauxpak run (proxy + documents)" "bare proxy + bwrap")

# ---------------------------------------------------------------------------
# 2. flatpak run of a minimal local app vs fauxpak run of the same binary
# ---------------------------------------------------------------------------
FLATPAK_APP=org.fauxpak.BenchApp
FLATPAK_RUNTIME=org.fauxpak.BenchPlatform
flatpak_skip=""
# shellcheck source=/dev/null
. "$SOURCE_DIR/tests/flatpak/flatpak-app.sh"
build_flatpak_app() {
  local fp=$work/flatpak src=$work/flatpak/src
  flatpak_app_init "$fp" || { flatpak_skip=$FLATPAK_APP_ERROR; return 1; }
  mkdir -p "$fp/bin"

  # The app: exits 0 at once; with --check it reports, like CHECK_SH, that
  # the bus socket it was given accepts a connection and what is mounted at
  # its doc dir (a static binary: the runtime has no shell, no gdbus).
  cat >"$src/bench-true.c" <<'C'
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
int main (int argc, char **argv)
{
  const char *addr = getenv ("DBUS_SESSION_BUS_ADDRESS"), *rt = getenv ("XDG_RUNTIME_DIR");
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  char doc[PATH_MAX], line[8192], found[8192], root[4096], point[4096], type[256];
  const char *doc_mount = "not mounted";
  FILE *mounts;
  int fd;
  if (argc < 2 || strcmp (argv[1], "--check") != 0)
    return 0;
  if (addr == NULL || strncmp (addr, "unix:path=", 10) != 0 || rt == NULL)
    return 2;
  strncpy (sa.sun_path, addr + 10, sizeof sa.sun_path - 1);
  fd = socket (AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0 || connect (fd, (struct sockaddr *) &sa, sizeof sa) != 0)
    { perror (addr); return 3; }
  snprintf (line, sizeof line, "%s/doc", rt);
  /* Flatpak mounts it at /run/flatpak/doc and links $XDG_RUNTIME_DIR/doc there. */
  if (realpath (line, doc) == NULL)
    { perror (line); return 4; }
  if ((mounts = fopen ("/proc/self/mountinfo", "r")) == NULL)
    { perror ("/proc/self/mountinfo"); return 5; }
  while (fgets (line, sizeof line, mounts) != NULL)
    {
      const char *sep = strstr (line, " - ");
      if (sscanf (line, "%*s %*s %*s %4095s %4095s", root, point) == 2 && strcmp (point, doc) == 0 &&
          sep != NULL && sscanf (sep, " - %255s", type) == 1)
        {
          snprintf (found, sizeof found, "%s %s", type, root);
          doc_mount = found;
        }
    }
  printf ("bus ok via %s; doc: %s\n", addr, doc_mount);
  return 0;
}
C
  if ! { flatpak_app_static_binary "$src/bench-true.c" "$fp/bin/bench-true" &&
         flatpak_app_runtime $FLATPAK_RUNTIME "$fp/bin/bench-true" &&
         flatpak_app_build $FLATPAK_APP $FLATPAK_RUNTIME "$fp/bin/bench-true"; }; then
    flatpak_skip=$FLATPAK_APP_ERROR; return 1
  fi
  if [ -e "$src/$FLATPAK_RUNTIME/files/bin/ldconfig" ]; then
    say "flatpak runtime: static true + ldconfig (flatpak keeps an ld.so.cache for the app)"
  else
    say "flatpak runtime: static true, no ldconfig (no static one on the host; flatpak skips its ld.so.cache)"
  fi
}

say ""
if build_flatpak_app; then
  static_bin=$work/flatpak/bin
  # --user: the app is there; the (empty) private system installation is
  # neither looked at nor created.
  flatpak_run=(flatpak run --user "$FLATPAK_APP")
  flatpak_cmd="${flatpak_run[*]}"
  fauxpak_static=$(printf '%q ' "$FAUXPAK" run --app-id=$FLATPAK_APP --ro-bind="$static_bin" -- "$static_bin/bench-true")
  check_output "flatpak run" "$(timeout 30 "${flatpak_run[@]}" --check 2>&1)"
  check_output "fauxpak run (static)" "$(timeout 30 "$FAUXPAK" run --app-id=$FLATPAK_APP --ro-bind="$static_bin" -- "$static_bin/bench-true" --check 2>&1)"
  say ""
  say "flatpak run: $flatpak_cmd"
  say "fauxpak run: $fauxpak_static"
  measure "$work/flatpak.json" "flatpak run=$flatpak_cmd" "fauxpak run (same binary)=$fauxpak_static"
  read -r flatpak_ms fauxpak_static_ms flatpak_speedup < <(means "$work/flatpak.json" "flatpak run" "fauxpak run (same binary)")
else
  skip "flatpak run comparison: $flatpak_skip"
fi

verdict() {  # VALUE OP TARGET
  awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { exit !(op == "<=" ? v <= t : v >= t) }' && echo met || echo "NOT met"
}

say ""
say "full launch, session-bus proxy + document portal ($PORTAL_RUNS runs each):"
printf '  %-32s %8s ms\n' "bare xdg-dbus-proxy + bwrap" "$bare_ms" "fauxpak run" "$fauxpak_ms"
say "  ratio     ${proxy_ratio}x bare proxy + bwrap (target: at most ${TARGET_BARE_RATIO}x: $(verdict "$proxy_ratio" "<=" "$TARGET_BARE_RATIO"))"
if [ -z "$flatpak_skip" ]; then
  printf '  %-32s %8s ms\n' "flatpak run (minimal local app)" "$flatpak_ms" "fauxpak run (same binary)" "$fauxpak_static_ms"
  say "  speed-up  fauxpak ${flatpak_speedup}x faster than flatpak run (target: at least ${TARGET_FLATPAK_SPEEDUP}x: $(verdict "$flatpak_speedup" ">=" "$TARGET_FLATPAK_SPEEDUP"))"
else
  say "  flatpak run: SKIPPED ($flatpak_skip)"
fi

# The rows of bench/run-bench.sh's table.
if [ -n "${BENCH_RESULTS:-}" ]; then
  printf '%s\t%s\t<= %s\t%s\t%s\n' "full launch (proxy + documents) vs sequential floor" "$proxy_ratio" \
    "$TARGET_BARE_RATIO" "$(verdict "$proxy_ratio" "<=" "$TARGET_BARE_RATIO")" \
    "$fauxpak_ms ms vs bare xdg-dbus-proxy then bwrap $bare_ms ms" >> "$BENCH_RESULTS"
  if [ -z "$flatpak_skip" ]; then
    printf '%s\t%s\t>= %s\t%s\t%s\n' "speed-up over flatpak run (bus + documents)" "$flatpak_speedup" \
      "$TARGET_FLATPAK_SPEEDUP" "$(verdict "$flatpak_speedup" ">=" "$TARGET_FLATPAK_SPEEDUP")" \
      "flatpak run $flatpak_ms ms vs fauxpak run $fauxpak_static_ms ms" >> "$BENCH_RESULTS"
  else
    printf '%s\t-\t-\tSKIPPED\t%s\n' "speed-up over flatpak run (bus + documents)" "$flatpak_skip" >> "$BENCH_RESULTS"
  fi
fi
# The launcher's peak RSS with a bus (the same stack, the same app).
BENCH_KEEP_HOME=1 BENCH_RSS_ONLY=1 BENCH_RSS_ROW="launcher peak RSS (proxy + documents)" \
  "$SOURCE_DIR/bench/run-bench-launcher.sh" "$BUILD_DIR" | grep '^RESULT' || true
