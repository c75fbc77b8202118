# Shared set-up for the integration tests: a private HOME and
# XDG_RUNTIME_DIR per test file, TAP output, and clean-up of everything the
# test started. Source it from a bash test script.
set -uo pipefail

: "${FAUXPAK:?FAUXPAK must point at the fauxpak binary (meson test sets it)}"
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SYSTEM_PYTHON=/usr/bin/python3

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/fauxpak-test.XXXXXX")
chmod 755 "$TEST_TMP"
export HOME="$TEST_TMP/home"
export XDG_RUNTIME_DIR="$TEST_TMP/run"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share" XDG_CACHE_HOME="$HOME/.cache"
mkdir -p "$HOME" && mkdir -m 700 "$XDG_RUNTIME_DIR"
unset DBUS_SESSION_BUS_ADDRESS WAYLAND_DISPLAY DISPLAY SSH_AUTH_SOCK FAUXPAK_PRESET_PATH
cd "$TEST_TMP" || exit 1

_tap_count=0
_tap_failed=0
_cleanup_pids=()

ok () { _tap_count=$((_tap_count + 1)); echo "ok $_tap_count - $*"; }
not_ok () { _tap_count=$((_tap_count + 1)); _tap_failed=$((_tap_failed + 1)); echo "not ok $_tap_count - $*"; }
skip () { _tap_count=$((_tap_count + 1)); echo "ok $_tap_count - # SKIP $*"; }

# check DESCRIPTION COMMAND…: one TAP line from a command's status.
check () {
  local description=$1; shift
  if "$@"; then ok "$description"; else not_ok "$description"; fi
}

# check_output DESCRIPTION EXPECTED-SUBSTRING COMMAND…: the command's
# combined output must contain the substring.
check_output () {
  local description=$1 expected=$2; shift 2
  local output
  output=$("$@" 2>&1)
  if [[ "$output" == *"$expected"* ]]; then
    ok "$description"
  else
    not_ok "$description"
    printf '# expected to find: %s\n# got:\n' "$expected"
    printf '%s\n' "$output" | sed 's/^/#   /'
  fi
}

# check_status DESCRIPTION EXPECTED-STATUS COMMAND…
check_status () {
  local description=$1 expected=$2; shift 2
  "$@" >/dev/null 2>&1
  local status=$?
  if [ "$status" -eq "$expected" ]; then ok "$description"; else not_ok "$description (status $status, expected $expected)"; fi
}

diag () { printf '# %s\n' "$@"; }

# Waits up to $2 seconds (default 10) for a command to succeed.
wait_for () {
  local tries=$(( ${2:-10} * 20 ))
  while [ $tries -gt 0 ]; do
    if eval "$1"; then return 0; fi
    sleep 0.05
    tries=$((tries - 1))
  done
  return 1
}

cleanup_kill () { _cleanup_pids+=("$@"); }

# A stray sandbox that kept our stdout open would keep the test runner
# waiting after the script ends; no child outlives the test.
_kill_descendants () {
  local child
  for child in $(pgrep -P "$1"); do
    _kill_descendants "$child"
    kill -9 "$child" 2>/dev/null
  done
}

_finish () {
  local pid
  for pid in "${_cleanup_pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  _kill_descendants $$
  wait 2>/dev/null
  echo "1..$_tap_count"
  cd / && rm -rf "$TEST_TMP"
  [ "$_tap_failed" -eq 0 ]
}
trap '_finish; exit $?' EXIT

# Instance directories (numbers), not the per-app ones beside them.
instance_dirs () { ls -d "$XDG_RUNTIME_DIR"/.flatpak/[0-9]*/ 2>/dev/null; }
