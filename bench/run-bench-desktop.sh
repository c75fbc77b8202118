#!/bin/bash
# What a desktop app pays inside: `fc-match sans` in the sandbox, the
# launch itself subtracted, against outside; and the time to the first
# window of a real GTK 3 app under Xvfb (python3-gi: a window that quits on
# its first frame is painted), sandboxed (--socket=x11) against bare. Alternately in
# one run each.
#   bench/run-bench-desktop.sh [BUILD_DIR]     (default: build)
# BENCH_DESKTOP_RUNS (default: BENCH_RUNS, at most 30).
set -euo pipefail
BUILD_DIR=${1:-$(cd "$(dirname "$0")/.." && pwd)/build}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
DESKTOP_RUNS=${BENCH_DESKTOP_RUNS:-$(( RUNS < 30 ? RUNS : 30 ))}
FONT_ROW="fc-match sans inside (launch subtracted) vs outside"
GUI_ROW="GTK app, time to first window: sandboxed vs bare"

work=$(mktemp -d /tmp/fauxpak-bench-desktop.XXXXXX)
xvfb_pid=""
cleanup () {
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
  cd / && bench_rm_work "$work"
}
trap cleanup EXIT
bench_home "$work"
APP=org.fauxpak.BenchDesktop

# --- fc-match ----------------------------------------------------------------
if command -v fc-match >/dev/null; then
  fc=$(command -v fc-match)
  inside=$("$FAUXPAK" run --app-id=$APP -- "$fc" sans)
  outside=$("$fc" sans)
  [ "$inside" = "$outside" ] || bench_die "fc-match sans differs: inside \"$inside\", outside \"$outside\""
  say "check: fc-match sans is \"$inside\" inside and outside"
  measure "$work/fonts.json" "$DESKTOP_RUNS" \
    "outside=$fc sans" \
    "inside=$FAUXPAK run --app-id=$APP -- $fc sans" \
    "launch=$FAUXPAK run --app-id=$APP -- /bin/true"
  out_ms=$(stat_ms "$work/fonts.json" outside)
  in_ms=$(stat_ms "$work/fonts.json" inside)
  launch_ms=$(stat_ms "$work/fonts.json" launch)
  font_ratio=$(awk -v i="$in_ms" -v l="$launch_ms" -v o="$out_ms" 'BEGIN { printf "%.2f", (i - l) / o }')
  record "$FONT_ROW" "$font_ratio" "<=" 2 \
    "inside $in_ms ms - launch $launch_ms ms vs outside $out_ms ms"
else
  record_skip "$FONT_ROW" "fc-match (fontconfig) is not installed"
fi

# --- time to first window ----------------------------------------------------
if ! command -v Xvfb >/dev/null || ! "$PYTHON" -c 'import gi; gi.require_version("Gtk", "3.0"); from gi.repository import Gtk' 2>/dev/null; then
  record_skip "$GUI_ROW" "needs Xvfb (xvfb) and GTK 3 for python3 (python3-gi, gir1.2-gtk-3.0)"
  exit 0
fi
mkdir -p "$work/gui"
cat > "$work/gui/first-window.py" <<'PY'
# A GTK 3 window that quits once its first frame is painted: its run
# time is the time to the first window.
import gi
gi.require_version("Gtk", "3.0")
from gi.repository import Gtk

window = Gtk.Window(title="fauxpak bench")
window.add(Gtk.Label(label="first window"))
window.connect("realize", lambda w: w.get_frame_clock().connect("after-paint", lambda *a: Gtk.main_quit()))
window.show_all()
Gtk.main()
PY
exec {display_fd}<> <(:)
Xvfb -displayfd "$display_fd" -nolisten tcp -screen 0 1024x768x24 >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
display=""
for _ in $(seq 100); do
  read -r -t 0.1 -u "$display_fd" display && break
  kill -0 "$xvfb_pid" 2>/dev/null || break
done
[ -n "$display" ] || { cat "$work/xvfb.log"; bench_die "Xvfb did not start"; }
export DISPLAY=:$display NO_AT_BRIDGE=1 GDK_BACKEND=x11
gui="$PYTHON $work/gui/first-window.py"
sandboxed="$FAUXPAK run --app-id=$APP --socket=x11 --filesystem=$work/gui:ro -- $gui"
if ! $gui || ! $sandboxed; then bench_die "the GTK app did not run (bare or sandboxed)"; fi
say "check: the GTK app shows a window on $DISPLAY bare and sandboxed"
measure "$work/gui.json" "$DESKTOP_RUNS" "bare=$gui" "sandboxed=$sandboxed"
record "$GUI_ROW" "$(ratio "$work/gui.json" sandboxed bare)" "<=" 1.1 \
  "$(stat_ms "$work/gui.json" sandboxed) ms vs $(stat_ms "$work/gui.json" bare) ms"
