#!/bin/bash
# Launch overhead of fauxpak against bare bubblewrap, measured in one run on
# the same machine: `fauxpak run` of /bin/true versus `bwrap` with the very
# command line fauxpak would build (`fauxpak info --show-bwrap`), its fds fed
# from files holding the same data. Prints the ratio of the means.
# Then runs bench/run-bench-portals.sh (a full launch with the D-Bus proxy and
# the document portal against bare xdg-dbus-proxy + bwrap, and against
# `flatpak run`), unless BENCH_PORTALS=0.
#   bench/run-bench.sh [BUILD_DIR]     (default: build; built if missing)
set -euo pipefail

SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${1:-$SOURCE_DIR/build}
RUNS=${BENCH_RUNS:-200}
TARGET_RATIO=${BENCH_TARGET_RATIO:-1.3}

if [ ! -x "$BUILD_DIR/launcher/fauxpak" ]; then
  meson setup "$BUILD_DIR" "$SOURCE_DIR" >/dev/null
  ninja -C "$BUILD_DIR" >/dev/null
fi
FAUXPAK=$BUILD_DIR/launcher/fauxpak
command -v hyperfine >/dev/null || { echo "bench: hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }

work=$(mktemp -d /tmp/fauxpak-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home XDG_RUNTIME_DIR=$work/run
mkdir -p "$HOME" "$work/data" && mkdir -m 700 "$XDG_RUNTIME_DIR"
unset DBUS_SESSION_BUS_ADDRESS
cd "$HOME"

APP=org.fauxpak.Bench
# A first launch creates ~/.var/app/$APP, which later launches find.
"$FAUXPAK" run --app-id=$APP -- /bin/true

mapfile -t argv < <("$FAUXPAK" info --show-bwrap --bwrap-data-dir="$work/data" --app-id=$APP -- /bin/true)
bare=$(printf '%q ' "${argv[@]}")
for fd_file in "$work/data"/*; do
  [ -e "$fd_file" ] && bare+=" $(basename "$fd_file")<$(printf '%q' "$fd_file")"
done
fauxpak=$(printf '%q ' "$FAUXPAK" run --app-id=$APP -- /bin/true)

echo "bare bwrap: $bare"
echo "fauxpak:    $fauxpak"
hyperfine --shell=bash --warmup 20 --runs "$RUNS" --export-json "$work/result.json" \
  -n "bare bwrap" "$bare" -n "fauxpak run" "$fauxpak"

/usr/bin/python3 - "$work/result.json" "$TARGET_RATIO" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
bare, fauxpak = results["bare bwrap"]["mean"], results["fauxpak run"]["mean"]
ratio = fauxpak / bare
print(f"\nbare bwrap  {bare * 1000:.2f} ms")
print(f"fauxpak run {fauxpak * 1000:.2f} ms")
print(f"ratio       {ratio:.2f}x bare bwrap (target: at most {sys.argv[2]}x)")
PY

if [ "${BENCH_PORTALS:-1}" != 0 ]; then
  echo
  "$SOURCE_DIR/bench/run-bench-portals.sh" "$BUILD_DIR"
fi
