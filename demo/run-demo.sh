#!/bin/bash
# One command to see fauxpak work: a private D-Bus session with the real
# xdg-desktop-portal and document portal (and a scripted file chooser in
# place of a dialog), and a sandboxed app that opens a file through the
# portal and prints what it read, although it cannot see the file's
# directory. Nothing of your own session is used or changed.
#
#   demo/run-demo.sh        (as root it first installs the Debian packages;
#                            it builds fauxpak into build/ if needed)
#
# Needs: bubblewrap, xdg-dbus-proxy, xdg-desktop-portal, fuse3, python3-gi,
# meson and a C compiler to build, and a /dev/fuse you can read and write.
set -euo pipefail

SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${FAUXPAK_BUILD_DIR:-$SOURCE_DIR/build}
APP_ID=org.fauxpak.Demo
PY=/usr/bin/python3   # the system python, which has gi

if [ -t 1 ]; then bold=$'\e[1m' dim=$'\e[2m' red=$'\e[31m' green=$'\e[32m' off=$'\e[0m'
else bold= dim= red= green= off=; fi
step () { printf '\n%s==> %s%s\n' "$bold" "$*" "$off"; }
say () { printf '    %s\n' "$@"; }
shown () { sed "s/^/    ${dim}│${off} /"; }
fail () { printf '\n%sdemo failed: %s%s\n' "$red" "$*" "$off" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
  step "Installing what the demo needs (Debian packages)"
  "$SOURCE_DIR/tools/install-deps.sh" | shown
  # Debian's udev rule makes /dev/fuse 0666; containers often leave it
  # root-only, and the document portal needs it.
  [ -c /dev/fuse ] && chmod 0666 /dev/fuse
fi

step "Checking what the demo needs"
missing=()
command -v bwrap >/dev/null || missing+=("bubblewrap")
command -v xdg-dbus-proxy >/dev/null || missing+=("xdg-dbus-proxy")
command -v dbus-daemon >/dev/null || missing+=("dbus-daemon (dbus)")
[ -x /usr/libexec/xdg-desktop-portal ] && [ -x /usr/libexec/xdg-document-portal ] ||
  missing+=("xdg-desktop-portal")
command -v fusermount3 >/dev/null || missing+=("fuse3")
"$PY" -c 'import gi' 2>/dev/null || missing+=("python3-gi")
if [ ! -x "$BUILD_DIR/launcher/fauxpak" ]; then
  command -v meson >/dev/null || missing+=("meson")
  command -v ninja >/dev/null || missing+=("ninja-build")
fi
if [ ${#missing[@]} -gt 0 ]; then
  fail "missing: ${missing[*]} (on Debian or Ubuntu: apt-get install bubblewrap xdg-dbus-proxy xdg-desktop-portal fuse3 python3-gi meson ninja-build libglib2.0-dev libjson-glib-dev libseccomp-dev)"
fi
if [ ! -r /dev/fuse ] || [ ! -w /dev/fuse ]; then
  fail "/dev/fuse is not readable and writable by $(id -un); the document portal needs it (as root: chmod 0666 /dev/fuse)"
fi
say "bubblewrap, xdg-dbus-proxy, the portals, FUSE and python3-gi are there."

step "Building fauxpak"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  meson setup "$BUILD_DIR" "$SOURCE_DIR" >/dev/null || fail "meson setup failed"
fi
ninja -C "$BUILD_DIR" launcher/fauxpak >/dev/null || fail "the build failed (run: ninja -C $BUILD_DIR)"
# Under sudo, the build stays the invoking user's, not root's.
if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_UID:-}" ] && [ "$SUDO_UID" != 0 ]; then
  chown -R "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$BUILD_DIR"
fi
FAUXPAK=$BUILD_DIR/launcher/fauxpak
say "$FAUXPAK"

step "Starting a private portal stack"
# shellcheck source=../tests/portal/portal-env.sh
source "$SOURCE_DIR/tests/portal/portal-env.sh"
portal_env_start || fail "the portal stack did not start"
trap 'portal_env_stop' EXIT
say "a private dbus-daemon:      $DBUS_SESSION_BUS_ADDRESS" \
    "xdg-permission-store, xdg-document-portal (FUSE at $PORTAL_ENV_DOC_MOUNT)," \
    "xdg-desktop-portal, and a scripted FileChooser backend instead of a dialog." \
    "HOME and XDG_RUNTIME_DIR are private too: $PORTAL_ENV_DIR"

step "Putting a file where the app cannot look"
secret_dir=$PORTAL_ENV_DIR/private-papers
mkdir -p "$secret_dir"
printf 'Dear diary, fauxpak works.\n' > "$secret_dir/diary.txt"
say "$secret_dir/diary.txt contains:"
shown < "$secret_dir/diary.txt"
# In real life the user picks the file in a dialog; the backend stands in.
portal_env_set_open_uri "file://$secret_dir/diary.txt"
say "The file chooser backend will answer the next OpenFile with this file."

# The app: portal-client.py, shown to the sandbox read-only at /opt/demo.
run_app () {
  "$FAUXPAK" run --ro-bind="$SOURCE_DIR/tests/portal:/opt/demo" --app-id=$APP_ID -- "$@"
}

step "The app looks for the directory on its own"
say "\$ fauxpak run --app-id=$APP_ID -- ls $secret_dir"
if run_app ls "$secret_dir" 2>&1 | shown; then
  fail "the sandbox could see $secret_dir"
fi
say "${green}The sandbox does not have that directory at all.${off}"

step "The app asks the FileChooser portal for a file"
say "Inside the sandbox, through its filtered D-Bus (xdg-dbus-proxy):" \
    "  path=\$(python3 portal-client.py open); cat \"\$path\""
output=$(run_app sh -c "
  path=\$($PY /opt/demo/portal-client.py open --title 'Open a diary') || exit 1
  echo \"app: the portal handed me \$path\"
  echo \"app: which is \$(readlink -f \"\$path\") in my sandbox\"
  echo \"app: it says: \$(cat \"\$path\")\"
  if ls '$secret_dir' >/dev/null 2>&1; then echo 'app: I can see the real directory'; else
    echo \"app: and I still cannot see $secret_dir\"; fi") ||
  { printf '%s\n' "$output" | shown; portal_env_dump_logs; fail "the app could not open the file"; }
printf '%s\n' "$output" | shown
grep -q 'it says: Dear diary, fauxpak works.' <<<"$output" || fail "the app did not read the file"

step "Who did the portal think was asking?"
say "The backend was called with this app id (from /.flatpak-info in the sandbox):"
shown < "$PORTAL_ENV_BACKEND_LOG"
grep -qx "OpenFile $APP_ID" "$PORTAL_ENV_BACKEND_LOG" || fail "the backend did not see $APP_ID"

step "What the app sees of the session bus"
say "ListNames through the proxy: the portals, but not the services behind them:"
run_app "$PY" /opt/demo/portal-client.py list-names | grep -v '^:' | shown

step "Done"
say "${green}The app read a file the user chose, from a directory it cannot see,${off}" \
    "${green}and the portals treated it as the Flatpak app $APP_ID.${off}" \
    "Stopping the portal stack and removing $PORTAL_ENV_DIR."
