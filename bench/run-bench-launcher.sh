#!/bin/bash
# The launcher itself: its peak RSS (until it becomes bwrap), and 50
# launches at once, each a distinct instance, none left behind.
#   bench/run-bench-launcher.sh [BUILD_DIR]     (default: build)
# Peak RSS: fauxpak runs with FAUXPAK_BWRAP pointing at a shell script
# that only exits (or, for the D-Bus proxy, runs the real bwrap). An exec
# keeps the process's high-water mark (ru_maxrss is the maximum over all
# the process has been), and time and dash are smaller than fauxpak, so
# the child's ru_maxrss is the launcher's peak. BENCH_RSS_EXTRA_ARGS adds
# options (run-bench-portals.sh measures the launch with a bus so).
# BENCH_CONCURRENT (default 50) launches at once.
set -euo pipefail
BUILD_DIR=${1:-$(cd "$(dirname "$0")/.." && pwd)/build}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
CONCURRENT=${BENCH_CONCURRENT:-50}
RSS_ROW=${BENCH_RSS_ROW:-launcher peak RSS (no bus)}

work=$(mktemp -d /tmp/fauxpak-bench-launcher.XXXXXX)
trap 'cd /; bench_rm_work "$work"' EXIT
if [ -z "${BENCH_KEEP_HOME:-}" ]; then bench_home "$work"; fi
APP=org.fauxpak.Bench
"$FAUXPAK" run --app-id=$APP -- /bin/true

# --- peak RSS ------------------------------------------------------------------
cat > "$work/fake-bwrap" <<'SH'
#!/bin/sh
# Stands in for the sandbox's bwrap; the D-Bus proxy still gets the real one.
for arg; do case $arg in */xdg-dbus-proxy) exec /usr/bin/bwrap "$@";; esac; done
exit 0
SH
chmod +x "$work/fake-bwrap"
# /usr/bin/time forks: the child starts as a copy of time (about 2 MB),
# becomes fauxpak, then the stand-in sh; %M is the largest of the three.
[ -x /usr/bin/time ] || bench_die "needs /usr/bin/time (apt-get install time)"
rss_kb=0
for _ in 1 2 3 4 5; do
  # shellcheck disable=SC2086  # BENCH_RSS_EXTRA_ARGS: words
  kb=$(FAUXPAK_BWRAP=$work/fake-bwrap /usr/bin/time -f %M -o "$work/rss" \
         "$FAUXPAK" run ${BENCH_RSS_EXTRA_ARGS:-} --app-id=$APP -- /bin/true >/dev/null && cat "$work/rss")
  [ "$kb" -gt "$rss_kb" ] && rss_kb=$kb
done
shell_kb=$(/usr/bin/time -f %M -o "$work/rss" "$work/fake-bwrap" && cat "$work/rss")
record "$RSS_ROW" "$(awk -v k="$rss_kb" 'BEGIN { printf "%.2f", k / 1024 }')" "<=" "4 MB" \
  "max RSS $rss_kb KiB of 5 launches (time and the stand-in sh alone: $shell_kb KiB)"
[ -n "${BENCH_RSS_ONLY:-}" ] && exit 0

# --- concurrent launches -----------------------------------------------------
ROW="$CONCURRENT concurrent launches"
mkdir -p "$work/out"
one_start=$(date +%s%N)
"$FAUXPAK" run --app-id=$APP -- sh -c 'sleep 0.2'
one_ms=$(( ($(date +%s%N) - one_start) / 1000000 ))
start=$(date +%s%N)
pids=()
for i in $(seq 1 "$CONCURRENT"); do
  "$FAUXPAK" run --app-id=$APP -- sh -c 'sed -n "s/^instance-id=//p" /.flatpak-info; sleep 0.2' \
    > "$work/out/$i" 2> "$work/out/$i.err" &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
all_ms=$(( ($(date +%s%N) - start) / 1000000 ))
distinct=$(cat "$work/out"/[0-9]* | sort -u | grep -c . || true)
# The next launch collects every instance that is gone: only its own stays.
"$FAUXPAK" run --app-id=$APP -- /bin/true
# Instances are numbered; the app's own shared directory (per-app /tmp,
# xdg-run) sits beside them under its id, as under Flatpak.
left=$(find "$XDG_RUNTIME_DIR/.flatpak" -mindepth 1 -maxdepth 1 -type d -name "[0-9]*" | wc -l)
running=$("$FAUXPAK" ps | grep -c "$APP" || true)
detail="$failed failed, $distinct distinct instance ids, $left instance directories left after the next launch (its own), $running running; all in $all_ms ms, one alone in $one_ms ms (each sleeps 200 ms)"
if [ "$failed" = 0 ] && [ "$distinct" = "$CONCURRENT" ] && [ "$left" = 1 ] && [ "$running" = 0 ]; then
  record "$ROW" "$distinct" ">=" "$CONCURRENT" "$detail"
else
  for f in "$work/out"/*.err; do [ -s "$f" ] && { say "stderr of launch $(basename "$f" .err):"; cat "$f"; }; done
  record "$ROW" 0 ">=" "$CONCURRENT" "$detail"
fi
