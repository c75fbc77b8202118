#!/bin/bash
# No host fd reaches the app: whatever kind of launch, the app's process
# has fds 0, 1 and 2 open and nothing else. An fd the app inherits is a
# way around every mount: a directory fd opened on the host leads, with
# "../" enough times, to the host's /, and through it to everything the
# sandbox was built to hide. Each fauxpak hands bwrap (the info fd, the
# seccomp program, the .flatpak-info memfd, the proxy's sync pipe, the
# persistent directories' and app data's directory fds) is tried here, as
# are fds fauxpak itself inherited from whoever started it. The D-Bus
# proxy, which talks to the app, must hold no host file or directory
# either. Needs the private portal stack for proxy and documents; those
# parts skip without it.
source "$(dirname "$0")/../lib.sh"
source "$TESTS_DIR/portal/portal-env.sh"

: "${TRY_SYSCALL:?TRY_SYSCALL must point at the try-syscall probe (meson test sets it)}"

APP=org.example.Fds
PROBE_HOST="$TEST_TMP/try-syscall"
PROBE=/opt/try-syscall
cp "$TRY_SYSCALL" "$PROBE_HOST" && chmod 755 "$PROBE_HOST"
PY=/usr/bin/python3

# fds_in [FAUXPAK RUN OPTIONS…] [-- ARG…]: the probe's list of its open fds.
fds_in () {
  local options=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do options+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  "$FAUXPAK" run --ro-bind="$PROBE_HOST:$PROBE" "${options[@]}" --app-id=$APP -- "$PROBE" fds "$@" 2>&1
}

# expect_only_stdio DESCRIPTION [FAUXPAK RUN OPTIONS…]
expect_only_stdio () {
  local description=$1 output; shift
  output=$(fds_in "$@")
  if [ "$output" = "0 1 2" ]; then
    ok "$description: the app has only fds 0 1 2, as $(id -un)"
  else
    not_ok "$description: the app has only fds 0 1 2, as $(id -un)"
    diag "got: $output"
  fi
}

# --- launches without a bus -------------------------------------------------
# info-fd, seccomp, the .flatpak-info memfd and the instance lock are in
# every launch.
expect_only_stdio "a plain launch (info fd, seccomp, .flatpak-info, lock)"
expect_only_stdio "a persistent directory" --persist=.x
expect_only_stdio "several persistent directories" --persist=.x --persist=.y/z
mkdir -p "$HOME/granted"
expect_only_stdio "a :create grant made by this launch" --filesystem="~/granted/new:create"
expect_only_stdio "filesystem grants and a raw bind" --filesystem="~/granted" --ro-bind=/etc/hostname:/tmp/h
expect_only_stdio "multiarch and devel (other seccomp programs)" --allow=multiarch --allow=devel

# The attack itself: a directory fd inherited from whoever started fauxpak
# (here our /, as fd 7) and a file fd (fd 9), walked up to the host's root.
out=$( (exec 7</ 9<"$HOME"; "$FAUXPAK" run --ro-bind="$PROBE_HOST:$PROBE" --app-id=$APP -- sh -c \
         "$PROBE fds; ls /proc/self/fd/7/ 2>&1 | head -1") 2>&1)
check "fds fauxpak inherited do not reach the app, as $(id -un)" test "$(sed -n 1p <<<"$out")" = "0 1 2"
check "  …so the host's / is not reachable through an inherited fd" \
  grep -q "No such file or directory" <<<"$(sed -n 2p <<<"$out")"
[ "$_tap_failed" -eq 0 ] || diag "$out"
# Stdio passes to the app as it is: a directory there is refused.
check_status "a directory as stdin is refused (125), as $(id -un)" 125 \
  bash -c '"$1" run --app-id=$2 -- true 0</' _ "$FAUXPAK" $APP
check_status "  …as stdout too" 125 bash -c '"$1" run --app-id=$2 -- true 1</' _ "$FAUXPAK" $APP
if [ -x "$PY" ]; then
  out=$("$FAUXPAK" run --persist=.x --app-id=$APP -- "$PY" -c '
import os
for fd in range(3, 256):
    try:
        r = os.open("../" * 40, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        print("escaped through fd", fd, sorted(os.listdir(r))[:5])
    except OSError:
        pass
print("done")' 2>&1)
  check "no fd below 256 leads out of the sandbox (the persist attack), as $(id -un)" test "$out" = "done"
  [ "$out" = done ] || diag "$out"
fi

# --- the bus, the documents and file forwarding -----------------------------
portal_env_start_or_skip "proxy, documents and forwarding launches need"
# portal-env moved HOME: the probe goes where the sandbox can read it.
PROBE_HOST="$PORTAL_ENV_DIR/try-syscall"
cp "$TRY_SYSCALL" "$PROBE_HOST" && chmod 755 "$PROBE_HOST"

cat > "$PORTAL_ENV_DIR/no-documents.json" <<EOF
{ "app-id": "$APP", "command": ["$PROBE", "fds"], "documents": "off" }
EOF
out=$("$FAUXPAK" run --ro-bind="$PROBE_HOST:$PROBE" "$PORTAL_ENV_DIR/no-documents.json" 2>&1)
check "the session bus through xdg-dbus-proxy (sync fd), no documents: the app has only fds 0 1 2, as $(id -un)" \
  test "$out" = "0 1 2"
[ "$out" = "0 1 2" ] || diag "got: $out"
expect_only_stdio "the proxy and the document portal" --talk-name=org.example.Any
echo forwarded > "$PORTAL_ENV_DIR/forward-me.txt"
expect_only_stdio "file forwarding through the document portal" \
  --file-forwarding -- @@ "$PORTAL_ENV_DIR/forward-me.txt" @@
expect_only_stdio "the system bus too, when there is one" --system-talk-name=org.example.Any

# The proxy's own sandbox: what it holds beyond stdio must be sockets,
# pipes and kernel objects, never a host file or directory.
"$FAUXPAK" run --app-id=$APP -- sleep 5 >/dev/null 2>&1 &
app=$!
cleanup_kill $app
proxy=
wait_for 'proxy=$(for p in $(pgrep -x xdg-dbus-proxy); do
                  tr "\0" " " < "/proc/$p/cmdline" 2>/dev/null | grep -qF "$XDG_RUNTIME_DIR/.flatpak/" &&
                  echo "$p"; done | head -1); [ -n "$proxy" ]'
if [ -n "$proxy" ]; then
  bad=
  for fd in /proc/"$proxy"/fd/*; do
    n=${fd##*/}
    target=$(readlink "$fd" 2>/dev/null) || continue
    [ "$n" -le 2 ] && continue
    case $target in socket:*|pipe:*|anon_inode:*) ;; *) bad+=" $n->$target" ;; esac
  done
  check "xdg-dbus-proxy holds no host file or directory beyond stdio, as $(id -un)" test -z "$bad"
  [ -z "$bad" ] || diag "proxy fds:$bad"
  check "xdg-dbus-proxy holds no capabilities and an empty bounding set, as $(id -un)" \
    test "$(grep -c '^Cap\(Inh\|Prm\|Eff\|Bnd\|Amb\):[[:space:]]*0*$' /proc/"$proxy"/status)" = 5
else
  not_ok "xdg-dbus-proxy is found while the app runs"
fi
kill "$app" 2>/dev/null
wait "$app" 2>/dev/null
