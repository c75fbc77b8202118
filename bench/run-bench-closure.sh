#!/bin/bash
# Launch cost against the size of a runtime closure: `fauxpak run` of a
# profile whose runtime is /usr and 399 store paths (a real closure's
# size, made here as directories under a private nix/store) against one
# whose runtime is /usr alone, same command (busybox-static's `true`, which
# needs nothing but /usr), alternately in one run. Before either, a check
# that the big sandbox sees exactly its 399 store paths.
#   bench/run-bench-closure.sh [BUILD_DIR]    (default: build)
# BENCH_CLOSURE_PATHS (default 400), BENCH_CLOSURE_RUNS (default: BENCH_RUNS,
# at most 50).
set -euo pipefail
BUILD_DIR=${1:-$(cd "$(dirname "$0")/.." && pwd)/build}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
PATHS=${BENCH_CLOSURE_PATHS:-400}
CLOSURE_RUNS=${BENCH_CLOSURE_RUNS:-$(( RUNS < 50 ? RUNS : 50 ))}
ROW="runtime of $PATHS paths vs 1 path"

BUSYBOX=/usr/bin/busybox
if [ ! -x "$BUSYBOX" ] || ! file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked'; then
  record_skip "$ROW" "needs a static $BUSYBOX (busybox-static)"
  exit 0
fi

work=$(mktemp -d /tmp/fauxpak-bench-closure.XXXXXX)
trap 'cd /; bench_rm_work "$work"' EXIT
bench_home "$work"
store=$work/nix/store
mkdir -p "$store"
for i in $(seq 1 $((PATHS - 1))); do
  p=$store/$(printf '%032x' "$i")-package-$i
  mkdir -p "$p/bin" "$p/lib" && echo "$i" > "$p/lib/data"
done

write_profile () {  # FILE APP-ID WITH-STORE COMMAND…
  local file=$1 app=$2 with_store=$3; shift 3
  "$PYTHON" - "$file" "$app" "$with_store" "$store" "$@" <<'PY'
import json, os, sys
file, app, with_store, store, *command = sys.argv[1:]
paths = ["/usr"]
if with_store == "yes":
    paths += sorted(os.path.join(store, name) for name in os.listdir(store))
json.dump({"app-id": app, "command": command,
           "runtime": {"paths": paths, "host-etc": False}}, open(file, "w"))
PY
}
write_profile "$work/one.json" org.fauxpak.BenchOne no "$BUSYBOX" true
write_profile "$work/all.json" org.fauxpak.BenchAll yes "$BUSYBOX" true
write_profile "$work/check.json" org.fauxpak.BenchAll yes "$BUSYBOX" sh -c "ls $store | wc -l"
seen=$("$FAUXPAK" run "$work/check.json")
[ "$seen" = $((PATHS - 1)) ] || bench_die "the big sandbox sees $seen store paths, not $((PATHS - 1))"
say "check: the sandbox of $PATHS runtime paths sees exactly its $((PATHS - 1)) store paths"
"$FAUXPAK" run "$work/one.json"

measure "$work/closure.json" "$CLOSURE_RUNS" \
  "1 path=$FAUXPAK run $work/one.json" \
  "$PATHS paths=$FAUXPAK run $work/all.json"
one=$(stat_ms "$work/closure.json" "1 path")
all=$(stat_ms "$work/closure.json" "$PATHS paths")
record "$ROW" "$(ratio "$work/closure.json" "$PATHS paths" "1 path")" "<=" 1.5 \
  "$all ms vs $one ms (means of $CLOSURE_RUNS alternate runs)"
