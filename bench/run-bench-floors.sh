#!/bin/bash
# The floors under issue 12's targets, measured in the same run as the
# rows they bound (each timed alternately against its reference):
#  1. the launcher's libraries alone: a program that links exactly what
#     the fauxpak launcher links (GLib, GObject, GIO, GModule, json-glib)
#     and calls one function of each, against /bin/true; its time over
#     /bin/true against what the plain row allows fauxpak over bare bwrap
#     (0.15 × bare bwrap), and its peak RSS against the 4 MB target;
#     next to it, as "info", fauxpak's own time up to its exec of bwrap
#     (bwrap replaced by a script that exits), the rest of that gap;
#     and, as "info", the size of what most of that is: the walk of /etc
#     and /sys for the entries others may not read (hidden in the
#     sandbox), done by find.
#  2. two sandboxes set up at once (bwrap with the plain row's command
#     line, twice in parallel) against one after the other: the share of
#     a sandbox's set-up another can overlap here, the most that laying
#     out the app's sandbox while the proxy's comes up can save.
#  3. xdg-dbus-proxy in the bwrap fauxpak runs it in (as Flatpak does)
#     against the bare proxy, each from start to its ready byte, on a
#     private dbus-daemon: what the full row's floor leaves out.
#   bench/run-bench-floors.sh [BUILD_DIR]   (default: build; built if missing)
set -euo pipefail
BUILD_DIR=${1:-$(cd "$(dirname "$0")/.." && pwd)/build}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
APP=org.fauxpak.Bench

work=$(mktemp -d /tmp/fauxpak-bench-floors.XXXXXX)
bus_pid=
cleanup () {
  # Only the bus this script started, and reaped before its socket's
  # directory goes.
  if [ -n "$bus_pid" ]; then kill "$bus_pid" 2>/dev/null || true; wait "$bus_pid" 2>/dev/null || true; fi
  cd /
  bench_rm_work "$work"
}
trap cleanup EXIT
bench_home "$work"

# --- 1. the libraries -------------------------------------------------------
cat > "$work/floor.c" <<'C'
#include <gio/gio.h>
#include <gio/gunixfdlist.h>
#include <gmodule.h>
#include <json-glib/json-glib.h>

int
main (void)
{
  GOptionContext *context = g_option_context_new (NULL);
  GUnixFDList *fds = g_unix_fd_list_new ();
  JsonParser *parser = json_parser_new ();

  json_parser_load_from_data (parser, "{\"app-id\": \"org.example.Floor\"}", -1, NULL);
  (void) g_module_supported ();
  g_object_unref (parser);
  g_object_unref (fds);
  g_option_context_free (context);
  return 0;
}
C
floor_built=
LIBS_ROW="floor: the launcher's libraries alone, ms over /bin/true"
RSS_ROW="floor: the launcher's libraries alone, peak RSS"
missing=
for tool in cc pkg-config; do command -v $tool >/dev/null || missing+=" $tool"; done
# Linked as the launcher is (launcher/meson.build): libc first, then the
# libraries pkg-config names for the launcher's dependencies.
# shellcheck disable=SC2046  # pkg-config's flags, one word each
if [ -z "$missing" ] &&
   cc -O2 -o "$work/floor" "$work/floor.c" -Wl,--push-state,--no-as-needed -lc -Wl,--pop-state \
     $(pkg-config --cflags --libs glib-2.0 gobject-2.0 gio-unix-2.0 gmodule-2.0 json-glib-1.0) 2>"$work/cc.log"; then
  floor_built=1
else
  cat "$work/cc.log" >&2 2>/dev/null || true
  why=${missing:+not installed:$missing}
  why=${why:-the build failed (the -dev packages of GLib and json-glib are needed), see above}
  record_skip "$LIBS_ROW" "cannot build the floor program: $why"
  record_skip "$RSS_ROW" "cannot build the floor program: $why"
fi

# The plain row's command line, replayed.
bare=$(bare_plain_bwrap $APP "$work/data")

# ldd's names of a program's libraries, sorted, one line.
libs_of () { ldd "$1" | awk '$1 !~ /^linux-vdso/ { print $1 }' | sort | tr '\n' ' '; }

if [ -n "$floor_built" ]; then
  floor_libs=$(libs_of "$work/floor")
  fauxpak_libs=$(libs_of "$FAUXPAK")
  say "libraries: $floor_libs"
  if [ "$floor_libs" = "$fauxpak_libs" ]; then
    same="the same libraries as fauxpak"
  else
    same="NOT fauxpak's libraries ($fauxpak_libs)"
    say "the floor program's libraries differ from fauxpak's: $fauxpak_libs"
  fi
  fauxpak_true=$(printf '%q ' "$FAUXPAK" run --app-id=$APP -- /bin/true)
  # fauxpak's own work up to its exec of bwrap: bwrap replaced by a
  # shell script that only exits (as run-bench-launcher.sh does for RSS).
  printf '#!/bin/sh\nexit 0\n' > "$work/exit-bwrap"
  chmod +x "$work/exit-bwrap"
  # What most of that work is as root (who may list all of /sys; a user
  # lists a fraction, and the walk is a few hundred calls): the walk for
  # the entries of /etc and /sys others may not read, which the sandbox
  # hides (launcher/fp-sandbox.c, ETC_HIDE_DEPTH and SYS_HIDE_DEPTH),
  # done here by find in one thread.
  cat > "$work/walk.sh" <<'SH'
find /etc -maxdepth 16 ! -perm -o=r -printf '' 2>/dev/null
find /sys/block /sys/bus /sys/class /sys/dev /sys/devices -maxdepth 32 ! -perm -o=r -printf '' 2>/dev/null
exit 0
SH
  # (find fails on what it may not list, as an unprivileged user)
  walk_entries=$({ find /etc /sys/block /sys/bus /sys/class /sys/dev /sys/devices 2>/dev/null || true; } | wc -l)
  # fauxpak and the bare bwrap of the plain row in the same rounds: the
  # libraries' share of what fauxpak costs over bare bwrap, measured.
  measure "$work/libs.json" "$RUNS" "true=/bin/true" "libraries=$work/floor" "bare bwrap=$bare" \
    "fauxpak run=$fauxpak_true" "exit=$work/exit-bwrap" \
    "fauxpak, bwrap an exit=FAUXPAK_BWRAP=$work/exit-bwrap $fauxpak_true" \
    "walk=bash $work/walk.sh"
  read -r over allowed fauxpak_over own own_over < <("$PYTHON" -c '
import json, sys
r = {k: v["mean"] * 1000 for k, v in json.load(open(sys.argv[1]))["commands"].items()}
own = r["fauxpak, bwrap an exit"] - r["exit"]
print("%.2f %.2f %.2f %.2f %.2f" % (r["libraries"] - r["true"], r["bare bwrap"] * 0.15,
                                    r["fauxpak run"] - r["bare bwrap"], own, own - (r["libraries"] - r["true"])))' "$work/libs.json")
  record "$LIBS_ROW" "$over" vs "$allowed" \
    "$(stat_ms "$work/libs.json" libraries) ms vs /bin/true $(stat_ms "$work/libs.json" true) ms ($same); fauxpak run $(stat_ms "$work/libs.json" "fauxpak run") ms is $fauxpak_over ms over bare bwrap $(stat_ms "$work/libs.json" "bare bwrap") ms, where the plain row's 1.15x allows $allowed ms"
  record "split: fauxpak's own work before it execs bwrap, ms" "$own" info "" \
    "fauxpak run with bwrap a script that exits: $(stat_ms "$work/libs.json" "fauxpak, bwrap an exit") ms, less the script alone $(stat_ms "$work/libs.json" exit) ms; $own_over ms of it beyond loading the libraries (same rounds as the row above)"
  # Not a lower bound (find does more per entry than fauxpak's walk, and
  # in one thread): the size of that walk, with, under strace, the share
  # of fauxpak's calls before its exec of bwrap that list and stat.
  walk_calls=
  if command -v strace >/dev/null; then
    FAUXPAK_BWRAP=$work/exit-bwrap strace -f -c -o "$work/strace" "$FAUXPAK" run --app-id=$APP -- /bin/true >/dev/null 2>&1 || true
    walk_calls=$(awk '$NF == "total" { total = $4 } $NF ~ /^(getdents64|newfstatat|openat|close)$/ { walk += $4 }
                      END { if (total) printf "; under strace, %d of fauxpak'"'"'s %d system calls before its exec of bwrap are getdents64, newfstatat, openat and close", walk, total }' "$work/strace")
  fi
  record "the walk of /etc and /sys for what others may not read, by find, ms" "$(stat_ms "$work/libs.json" walk)" info "" \
    "find over their $walk_entries entries in one thread, same rounds (fauxpak walks them in two threads, beside its other work)$walk_calls"
  if [ -x /usr/bin/time ]; then
    # As run-bench-launcher.sh measures fauxpak: time's %M, the largest
    # of 5, next to what time running /bin/true alone reaches.
    max_kib=0
    for _ in 1 2 3 4 5; do
      kib=$(/usr/bin/time -f %M -o "$work/rss" "$work/floor" >/dev/null && cat "$work/rss")
      [ "$kib" -gt "$max_kib" ] && max_kib=$kib
    done
    true_kib=$(/usr/bin/time -f %M -o "$work/rss" /bin/true && cat "$work/rss")
    record "$RSS_ROW" "$(awk -v k="$max_kib" 'BEGIN { printf "%.2f", k / 1024 }')" vs "4 MB" \
      "max RSS $max_kib KiB of 5 runs of a program that only loads them (time and /bin/true alone: $true_kib KiB), against the 4 MB target"
  else
    record_skip "$RSS_ROW" "/usr/bin/time (package time) is not installed"
  fi
fi

# --- 2. two sandboxes at once -------------------------------------------------
printf '%s\n' "$bare" > "$work/bare.sh"
measure "$work/overlap.json" "$(( RUNS < 60 ? RUNS : 60 ))" \
  "one after the other=bash $work/bare.sh && bash $work/bare.sh" \
  "at once=bash $work/bare.sh & bash $work/bare.sh; wait" \
  "one=bash $work/bare.sh"
record "floor: two sandboxes set up at once vs one after the other" \
  "$(ratio "$work/overlap.json" "at once" "one after the other")" vs 0.5 \
  "$(stat_ms "$work/overlap.json" "at once") ms vs $(stat_ms "$work/overlap.json" "one after the other") ms (one alone $(stat_ms "$work/overlap.json" one) ms; 0.5 would be a full overlap)"

# --- 3. the proxy's own sandbox -----------------------------------------------
PROXY_ROW="floor: xdg-dbus-proxy in its bwrap vs bare, start to ready"
if ! command -v dbus-daemon >/dev/null || ! command -v xdg-dbus-proxy >/dev/null; then
  record_skip "$PROXY_ROW" "dbus-daemon and xdg-dbus-proxy are needed"
elif ! command -v cc >/dev/null || ! cc -O2 -o "$work/proxy-ready" "$BENCH_DIR/proxy-ready.c" 2>"$work/cc-ready.log"; then
  cat "$work/cc-ready.log" >&2 2>/dev/null || true
  record_skip "$PROXY_ROW" "cc is needed to build bench/proxy-ready.c"
else
  # A private bus as the full row's (tests/portal/dbus-session.conf: no
  # service directory, so nothing of the host's is activated, and no
  # accessibility bus: the proxy serves this one bus, as in the full row).
  dbus-daemon --config-file="$SOURCE_DIR/tests/portal/dbus-session.conf" \
    --address="unix:path=$work/bus" --nofork --nopidfile --print-address=3 \
    3>"$work/bus.address" </dev/null >"$work/bus.log" 2>&1 &
  bus_pid=$!
  for _ in $(seq 100); do [ -s "$work/bus.address" ] && break; sleep 0.1; done
  [ -s "$work/bus.address" ] || { cat "$work/bus.log" >&2; bench_die "the private dbus-daemon did not start"; }
  export DBUS_SESSION_BUS_ADDRESS=unix:path=$work/bus
  mkdir -p "$work/instance"
  mapfile -t wrapped < <("$FAUXPAK" info --show-dbus-proxy --app-id=$APP -- /bin/true)
  # The instance fauxpak would make, and the .flatpak-info its bwrap gets
  # (--ro-bind-data FD: fauxpak's next free fd, which varies with what it
  # has open), are made here; the ready byte goes to fd 3.
  printf '[Application]\nname=%s\n' "$APP" > "$work/flatpak-info"
  info_fd=
  for ((i = 0; i + 2 < ${#wrapped[@]}; i++)); do
    [ "${wrapped[i]}" = -- ] && break
    case ${wrapped[i]} in
      --ro-bind-data) if [ "${wrapped[i+2]}" = /.flatpak-info ]; then info_fd=${wrapped[i+1]}; else unfed=1; fi ;;
      --*-data|--file|--*-fd|--seccomp) unfed=1 ;;
    esac
    [ -z "${unfed:-}" ] || bench_die "the proxy's bwrap takes an fd the bench does not feed: ${wrapped[*]}"
  done
  case $info_fd in
    ''|3|*[!0-9]*) bench_die "no usable --ro-bind-data FD /.flatpak-info in the proxy's bwrap: ${wrapped[*]}" ;;
  esac
  instance_dir=$XDG_RUNTIME_DIR/.flatpak/'<instance-id>'
  # The proxy's own command line is what follows "--"; both get --fd=3.
  proxy=()
  in_proxy=
  wrapped_q=
  for arg in "${wrapped[@]}"; do
    arg=${arg//"$instance_dir"/$work/instance}
    wrapped_q+="$(printf '%q' "$arg") "
    if [ -n "$in_proxy" ]; then
      [ ${#proxy[@]} -eq 0 ] && wrapped_q+="--fd=3 "
      proxy+=("$arg")
    fi
    [ "$arg" = -- ] && in_proxy=1
  done
  if [ "$(basename "${proxy[0]:-}")" != xdg-dbus-proxy ] || [ "${proxy[1]:-}" != "$DBUS_SESSION_BUS_ADDRESS" ]; then
    bench_die "unexpected --show-dbus-proxy output (not one proxy for the private bus): ${wrapped[*]}"
  fi
  bare_proxy="$(printf '%q ' "${proxy[0]}") --fd=3 $(printf '%q ' "${proxy[@]:1}")"
  say "bare proxy:    $bare_proxy"
  say "wrapped proxy: $wrapped_q"
  measure "$work/proxy.json" "$RUNS" \
    "bare proxy=rm -f $work/instance/*; $work/proxy-ready $bare_proxy" \
    "proxy in its bwrap=rm -f $work/instance/*; $work/proxy-ready $wrapped_q $info_fd<$work/flatpak-info"
  record "$PROXY_ROW" \
    "$(ratio "$work/proxy.json" "proxy in its bwrap" "bare proxy")" vs 1.0 \
    "$(stat_ms "$work/proxy.json" "proxy in its bwrap") ms vs $(stat_ms "$work/proxy.json" "bare proxy") ms (the full row's floor runs the proxy bare; Flatpak and fauxpak sandbox it)"
fi
