#!/bin/bash
# Runs each fuzz target for a bounded time on its seed corpus:
#   tests/fuzz/run-fuzzers.sh BUILD_DIR SECONDS
# BUILD_DIR was configured with -Dfuzzing=true (CC=clang). Fails when a
# target crashes, leaks, trips a sanitizer or times out on an input; the
# input is kept in BUILD_DIR/fuzz-artifacts/ to reproduce it with
#   BUILD_DIR/tests/fuzz/fuzz-NAME BUILD_DIR/fuzz-artifacts/NAME/crash-…
# New inputs the fuzzers find go to a scratch corpus, not into the seeds.
set -uo pipefail

if [ $# -ne 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 BUILD_DIR SECONDS" >&2
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fauxpak-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# Leaks are bugs too; UB stops the run with a stack.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"

failed=0
for name in profile options; do
  exe="$build/tests/fuzz/fuzz-$name"
  seeds="$here/corpus-$name"
  artifacts="$build/fuzz-artifacts/$name"

  if [ ! -x "$exe" ]; then
    echo "$exe is missing: configure BUILD_DIR with CC=clang and -Dfuzzing=true" >&2
    exit 2
  fi
  # Only what this run finds: a stale crash from an earlier run is not news.
  rm -rf "$artifacts"
  mkdir -p "$scratch/$name" "$artifacts"
  echo "== fuzz-$name for ${seconds}s (seeds: $seeds)"
  "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
         -dict="$here/$name.dict" -print_final_stats=1 -artifact_prefix="$artifacts/" \
         "$scratch/$name" "$seeds"
  status=$?
  if [ $status -ne 0 ] || [ -n "$(ls -A "$artifacts")" ]; then
    echo "FAIL: fuzz-$name (exit $status); inputs in $artifacts:" >&2
    ls -l "$artifacts" >&2
    failed=1
  else
    echo "ok: fuzz-$name"
    rmdir "$artifacts" 2>/dev/null
  fi
done
rmdir "$build/fuzz-artifacts" 2>/dev/null
exit $failed
