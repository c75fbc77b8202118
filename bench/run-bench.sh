#!/bin/bash
# The launch-speed table of issue 12, in one run: every row a ratio against
# its reference, the two timed alternately round by round on the same
# machine (bench/alternate.py), then printed together at the end.
#   plain      `fauxpak run -- /bin/true` (no bus) against bwrap with the very
#              command line fauxpak builds (`fauxpak info --show-bwrap`), its
#              fds fed from files holding the same data
#   full       with the session-bus proxy and the document portal, against
#              bare xdg-dbus-proxy started and awaited, then bare bwrap;
#              and against `flatpak run` (bench/run-bench-portals.sh)
#   closure    a runtime of 400 paths against one of 1 (run-bench-closure.sh)
#   desktop    fc-match and a GTK app's first window (run-bench-desktop.sh)
#   launcher   peak RSS, 50 concurrent launches (run-bench-launcher.sh)
#   floors     what bounds the rows above: the launcher's libraries alone,
#              two sandboxes set up at once, the proxy's own bwrap
#              (run-bench-floors.sh); their verdict is "floor"
#   bench/run-bench.sh [BUILD_DIR]     (default: build; built if missing)
# BENCH_RUNS (default 100) runs per command (the slower rows take fewer),
# BENCH_ONLY="plain closure …" runs only those parts.
set -euo pipefail
BUILD_DIR=${1:-$(cd "$(dirname "$0")/.." && pwd)/build}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
ALL_PARTS="plain full closure desktop launcher floors"
PARTS=${BENCH_ONLY:-$ALL_PARTS}
# A misspelt part would leave its rows out of the table without a word.
for part in $PARTS; do
  [[ " $ALL_PARTS " == *" $part "* ]] || bench_die "BENCH_ONLY: no part \"$part\" (the parts: $ALL_PARTS)"
done

work=$(mktemp -d /tmp/fauxpak-bench.XXXXXX)
trap 'cd /; bench_rm_work "$work"' EXIT
export BENCH_RESULTS=$work/results.tsv
: > "$BENCH_RESULTS"
wants () { [[ " $PARTS " == *" $1 "* ]]; }

say "fauxpak $("$FAUXPAK" --version | cut -d' ' -f2), $(bwrap --version), kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

if wants plain; then
  (
    bench_home "$work/plain"
    APP=org.fauxpak.Bench
    bare=$(bare_plain_bwrap $APP "$work/plain/data")
    fauxpak=$(printf '%q ' "$FAUXPAK" run --app-id=$APP -- /bin/true)
    say "bare bwrap: $bare"
    say "fauxpak:    $fauxpak"
    measure "$work/plain.json" "$RUNS" "bare bwrap=$bare" "fauxpak run=$fauxpak"
    record "plain launch (no bus) vs bare bwrap" "$(ratio "$work/plain.json" "fauxpak run" "bare bwrap")" "<=" 1.15 \
      "$(stat_ms "$work/plain.json" "fauxpak run") ms vs $(stat_ms "$work/plain.json" "bare bwrap") ms"
  )
fi
wants full && "$BENCH_DIR/run-bench-portals.sh" "$BUILD_DIR"
wants closure && "$BENCH_DIR/run-bench-closure.sh" "$BUILD_DIR"
wants desktop && "$BENCH_DIR/run-bench-desktop.sh" "$BUILD_DIR"
wants launcher && "$BENCH_DIR/run-bench-launcher.sh" "$BUILD_DIR"
wants floors && "$BENCH_DIR/run-bench-floors.sh" "$BUILD_DIR"

say ""
say "=== launch speed (issue 12): $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg) ==="
"$PYTHON" - "$BENCH_RESULTS" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
head = ("row", "value", "target", "verdict", "measured")
widths = [max(len(r[i]) for r in rows + [head]) for i in range(4)]
for r in [head] + rows:
    print("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4])
PY
