#!/bin/bash
# The whole test suite, as CI runs it, from a fresh Debian 12 machine:
#   tests/run-all.sh
# As root it installs the packages, then runs every test as root and again
# as an unprivileged user, and once more under AddressSanitizer and
# UndefinedBehaviorSanitizer. As another user it runs the suite once as
# that user (the packages must be installed already).
set -euo pipefail

SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
UNPRIVILEGED_USER=${FAUXPAK_TEST_USER:-fauxpak-test}
FUZZ_SECONDS=${FAUXPAK_FUZZ_SECONDS:-20}

step () { printf '\n=== %s\n' "$*"; }

# Run with sudo from a user's checkout, the build directories made as root
# go back to that user, who can then build and test there without sudo.
user_tree=
on_exit () {
  [ -n "$user_tree" ] && rm -rf "$user_tree"
  if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_UID:-}" ] && [ "$SUDO_UID" != 0 ]; then
    local dir
    for dir in build build-asan build-fuzz; do
      [ -d "$SOURCE_DIR/$dir" ] && chown -R "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$SOURCE_DIR/$dir"
    done
  fi
  return 0
}
trap on_exit EXIT

# Meson test programs passed and failed over every run, for the summary.
passed=0
failed=0

# count_results LOG: adds meson's "Ok:"/"Fail:"/"Timeout:" summary to the totals.
count_results () {
  local ok bad
  ok=$(awk '$1 == "Ok:" { n += $2 } END { print n + 0 }' "$1")
  bad=$(awk '$1 == "Fail:" || $1 == "Timeout:" || $1 == "Unexpected" { n += $NF } END { print n + 0 }' "$1")
  passed=$((passed + ok))
  failed=$((failed + bad))
}

# build_and_test BUILD_DIR [MESON OPTIONS…]
build_and_test () {
  local build_dir=$1; shift
  local log
  if [ ! -f "$build_dir/build.ninja" ]; then
    meson setup "$build_dir" "$SOURCE_DIR" "$@"
  fi
  ninja -C "$build_dir"
  log=$(mktemp)
  meson test -C "$build_dir" --print-errorlogs --num-processes 2 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  count_results "$log"
  rm -f "$log"
  return "$status"
}

if [ "$(id -u)" -eq 0 ]; then
  step "installing packages"
  "$SOURCE_DIR/tools/install-deps.sh"
fi

step "build and test as $(id -un)"
build_and_test "$SOURCE_DIR/build"

if [ "$(id -u)" -ne 0 ]; then
  echo "$passed passed, $failed failed"
  exit 0
fi

step "build and test as the unprivileged user $UNPRIVILEGED_USER"
id "$UNPRIVILEGED_USER" >/dev/null 2>&1 || useradd --create-home "$UNPRIVILEGED_USER"
# The document portal's FUSE mount needs /dev/fuse; Debian's udev rule makes
# it 0666, but containers often leave it root-only.
[ -c /dev/fuse ] && chmod 0666 /dev/fuse
# A copy the user owns: the checkout may sit in a directory only root reads.
user_tree=$(mktemp -d /tmp/fauxpak-unprivileged.XXXXXX)
(cd "$SOURCE_DIR" && tar --exclude='./build*' --exclude=./.git -cf - .) | tar -C "$user_tree" -xf -
chown -R "$UNPRIVILEGED_USER" "$user_tree"
chmod 755 "$user_tree"
user_log=$(mktemp)
runuser -u "$UNPRIVILEGED_USER" -- env -i PATH=/usr/local/bin:/usr/bin:/bin \
  HOME="$(getent passwd "$UNPRIVILEGED_USER" | cut -d: -f6)" \
  bash "$user_tree/tests/run-all.sh" 2>&1 | tee "$user_log"
user_status=${PIPESTATUS[0]}
count_results "$user_log"
rm -f "$user_log"
[ "$user_status" -eq 0 ] || exit "$user_status"

step "build and test under AddressSanitizer and UndefinedBehaviorSanitizer"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
build_and_test "$SOURCE_DIR/build-asan" -Db_sanitize=address,undefined -Db_lundef=false

if [ -x "$SOURCE_DIR/tests/fuzz/run-fuzzers.sh" ]; then
  step "fuzzing the profile and option parsers for ${FUZZ_SECONDS}s each"
  if [ ! -f "$SOURCE_DIR/build-fuzz/build.ninja" ]; then
    CC=clang meson setup "$SOURCE_DIR/build-fuzz" "$SOURCE_DIR" -Dfuzzing=true -Db_lundef=false
  fi
  ninja -C "$SOURCE_DIR/build-fuzz"
  "$SOURCE_DIR/tests/fuzz/run-fuzzers.sh" "$SOURCE_DIR/build-fuzz" "$FUZZ_SECONDS"
fi

step "all tests passed: as root, as $UNPRIVILEGED_USER, under ASan+UBSan, and fuzzed"
echo "$passed passed, $failed failed"
