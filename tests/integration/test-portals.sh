#!/bin/bash
# fauxpak with real portals on a private bus: the FileChooser and document
# portals identify the app, the filtered D-Bus (xdg-dbus-proxy) lets
# through only what the profile allows and dies with the sandbox, files
# are forwarded with @@, a bus on an abstract socket is not exposed to an
# app sharing the network, and a missing document portal is handled as the
# profile's "documents" says. Needs xdg-desktop-portal, xdg-dbus-proxy,
# python3-gi and a read-write /dev/fuse; skips when they are missing.
source "$(dirname "$0")/../lib.sh"
source "$TESTS_DIR/portal/portal-env.sh"

APP=org.example.Probe
OTHER=org.example.Other
PY=/usr/bin/python3
CLIENT=/opt/portal/portal-client.py   # where run_app shows tests/portal

portal_env_start_or_skip "portal tests need"

# portal-env moved HOME and XDG_RUNTIME_DIR into its own directory.
SANDBOX_DOC=/run/user/$(id -u)/doc
hostdir=$PORTAL_ENV_DIR/host-files     # neither home nor shared: hidden
mkdir -p "$hostdir"
echo "opened through the portal $$" > "$hostdir/open-me.txt"

# run_app [FAUXPAK RUN OPTIONS…] -- COMMAND…, with the portal client inside.
run_app () {
  "$FAUXPAK" run --ro-bind="$TESTS_DIR/portal:/opt/portal" "$@"
}

# Pids of live D-Bus proxies (or the bwrap around one) of this test's
# instances; a zombie has finished and does not count.
proxy_pids () {
  local dir cmdline state
  for dir in /proc/[0-9]*; do
    cmdline=$(tr '\0' ' ' 2>/dev/null < "$dir/cmdline") || continue
    [[ $cmdline == *xdg-dbus-proxy* && $cmdline == *"$XDG_RUNTIME_DIR/.flatpak/"* ]] || continue
    state=$(sed 's/.*) //' "$dir/stat" 2>/dev/null | cut -d' ' -f1)
    [ -n "$state" ] && [ "$state" != Z ] && echo "${dir#/proc/}"
  done
  return 0
}
no_proxy_left () { [ -z "$(proxy_pids)" ]; }

# matches STRING PATTERN…: STRING matches one of the glob PATTERNs.
matches () {
  local string=$1 pattern; shift
  for pattern in "$@"; do
    # shellcheck disable=SC2053 # the pattern is a glob on purpose
    [[ $string == $pattern ]] && return 0
  done
  return 1
}
# lacks LINE TEXT: no line of TEXT is LINE.
lacks () { ! grep -qxF -- "$1" <<<"$2"; }

# --- FileChooser.OpenFile through the proxy and the document portal ------
portal_env_set_open_uri "file://$hostdir/open-me.txt"
out=$(run_app --app-id=$APP -- sh -c '
  p=$('"$PY $CLIENT"' open) || exit 1
  printf "%s\n" "$p" "$(readlink -f "$p")" "$(cat "$p")"
  if test -e "'"$hostdir"'"; then echo "host dir visible"; fi' 2>&1)
returned=$(sed -n 1p <<<"$out")
resolved=$(sed -n 2p <<<"$out")
check "OpenFile returns a path in the sandbox's \$XDG_RUNTIME_DIR/doc/" \
  matches "$resolved" "$SANDBOX_DOC/*/open-me.txt"
# The portal builds the path from its own mount point, the host's
# $XDG_RUNTIME_DIR/doc: the sandbox's on a desktop, where that is
# /run/user/UID, and a link to it here.
check "  …as the portal spells it: there, or under the portal's mount point" \
  matches "$returned" "$SANDBOX_DOC/*/open-me.txt" "$PORTAL_ENV_DOC_MOUNT/*/open-me.txt"
check "  …and the app reads the file's content there" \
  test "$(sed -n 3p <<<"$out")" = "opened through the portal $$"
check "  …while the file's real directory is not visible inside" \
  lacks "host dir visible" "$out"
check "the backend saw OpenFile from the profile's app id" \
  grep -qx "OpenFile $APP" "$PORTAL_ENV_BACKEND_LOG"
[ "$_tap_failed" -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /'
doc_id=$(sed -n "s|^$SANDBOX_DOC/\([^/]*\)/open-me.txt$|\1|p" <<<"$resolved")

# --- FileChooser.SaveFile ------------------------------------------------
portal_env_set_save_uri "file://$hostdir/saved.txt"
check "SaveFile: the app writes through the returned path" \
  run_app --app-id=$APP -- sh -c "$PY $CLIENT save --name saved.txt --write 'saved from the sandbox $$' >/dev/null"
check "  …and the bytes land in the host file" \
  test "$(cat "$hostdir/saved.txt" 2>&1)" = "saved from the sandbox $$"
check "the backend saw SaveFile from the profile's app id" \
  grep -qx "SaveFile $APP" "$PORTAL_ENV_BACKEND_LOG"

# --- one app's documents are not another's --------------------------------
check "the document is there for $APP" \
  run_app --app-id=$APP -- test -r "$SANDBOX_DOC/$doc_id/open-me.txt"
check "another app id cannot see $APP's document" \
  run_app --app-id=$OTHER -- sh -c "! cat '$SANDBOX_DOC/$doc_id/open-me.txt' 2>/dev/null &&
                                    ! ls '$SANDBOX_DOC' | grep -qx '$doc_id' &&
                                    ! cat '$returned' 2>/dev/null"

# --- the D-Bus filter -------------------------------------------------------
cat > "$TEST_TMP/names.py" <<'PY'
import sys
from gi.repository import Gio, GLib
bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
for name in sys.argv[1:]:
    Gio.bus_own_name_on_connection(bus, name, Gio.BusNameOwnerFlags.NONE, None, None)
GLib.MainLoop().run()
PY
"$PY" "$TEST_TMP/names.py" org.example.Allowed org.example.Hidden org.example.Seen > "$TEST_TMP/names.log" 2>&1 &
cleanup_kill $!
if wait_for 'gdbus call --session -d org.freedesktop.DBus -o /org/freedesktop/DBus \
               -m org.freedesktop.DBus.NameHasOwner org.example.Seen 2>/dev/null | grep -q true'; then
  filtered=(--talk-name=org.example.Allowed --see-name=org.example.Seen --app-id=$APP)
  names=$(run_app "${filtered[@]}" -- "$PY" "$CLIENT" list-names)
  check "an allowed name is in ListNames" grep -qx org.example.Allowed <<<"$names"
  check "a name the profile does not allow is absent from ListNames" lacks org.example.Hidden "$names"
  check "  …and so is the portal backend behind the portal" lacks org.freedesktop.impl.portal.Test "$names"
  check "the app can call an allowed name" run_app "${filtered[@]}" -- "$PY" "$CLIENT" call org.example.Allowed
  check "calling a name the profile does not allow fails" \
    run_app "${filtered[@]}" -- sh -c "! $PY $CLIENT call org.example.Hidden 2>/dev/null"
  check "owning <app-id>.Foo works" run_app "${filtered[@]}" -- "$PY" "$CLIENT" own $APP.Foo
  check "owning another name fails" \
    run_app "${filtered[@]}" -- sh -c "! $PY $CLIENT own org.example.Stolen 2>/dev/null"
  run_app --log-session-bus "${filtered[@]}" -- sh -c "$PY $CLIENT call org.example.Seen 2>/dev/null" \
    > "$TEST_TMP/log.out" 2> "$TEST_TMP/log.err"
  check "--log-session-bus shows a denied call on stderr" grep -q 'DENIED' "$TEST_TMP/log.err"
  check "  …and nothing of the log on the app's stdout" test ! -s "$TEST_TMP/log.out"
  # The private bus stands in for the system bus: a system-bus policy
  # gets the app a second, filtered bus from the same proxy.
  system=$(DBUS_SYSTEM_BUS_ADDRESS=$DBUS_SESSION_BUS_ADDRESS \
           run_app --system-talk-name=org.example.Allowed --app-id=$APP -- sh -c \
             'cat /.flatpak-info; echo "address=$DBUS_SYSTEM_BUS_ADDRESS"
              gdbus call --system -d org.freedesktop.DBus -o /org/freedesktop/DBus -m org.freedesktop.DBus.ListNames')
  check "a system-bus policy gets the app a filtered system bus" \
    bash -c "grep -q \"'org.example.Allowed'\" <<<\"\$1\" && ! grep -q \"'org.example.Hidden'\" <<<\"\$1\"" _ "$system"
  check "  …at /run/dbus/system_bus_socket" grep -qx "address=unix:path=/run/dbus/system_bus_socket" <<<"$system"
  check "  …and .flatpak-info says system-bus-proxy=true" grep -qx "system-bus-proxy=true" <<<"$system"
  check "without a system-bus policy there is no system bus" \
    env DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS" \
      "$FAUXPAK" run --app-id=$APP -- sh -c '[ -z "$DBUS_SYSTEM_BUS_ADDRESS" ] && [ ! -e /run/dbus/system_bus_socket ]'
  raw=$(run_app --socket=session-bus --app-id=$APP -- sh -c "$PY $CLIENT list-names; cat /.flatpak-info")
  check "socket=session-bus: the real bus, unfiltered" grep -qx org.example.Hidden <<<"$raw"
  check "  …and no session-bus-proxy in .flatpak-info" lacks session-bus-proxy=true "$raw"
else
  not_ok "the test's own bus names were owned"
fi
check ".flatpak-info says session-bus-proxy=true" \
  run_app --app-id=$APP -- grep -qx session-bus-proxy=true /.flatpak-info

cat > "$TEST_TMP/rules.json" <<JSON
{ "app-id": "$APP", "command": ["true"],
  "session-bus-calls": { "org.example.Allowed": ["org.example.Allowed.Frob@/org/example/*"] },
  "session-bus-broadcasts": { "org.example.Allowed": ["org.example.Allowed.Changed"] } }
JSON
proxy_command=$("$FAUXPAK" info --show-dbus-proxy "$TEST_TMP/rules.json")
check "call rules from a profile reach the proxy" \
  grep -qxF -- "--call=org.example.Allowed=org.example.Allowed.Frob@/org/example/*" <<<"$proxy_command"
check "broadcast rules from a profile reach the proxy" \
  grep -qxF -- "--broadcast=org.example.Allowed=org.example.Allowed.Changed" <<<"$proxy_command"

# --- file forwarding ------------------------------------------------------
mkdir -p "$hostdir/forward" "$HOME/shared"
echo "forwarded $$" > "$hostdir/forward/f.txt"
echo "already visible" > "$HOME/shared/v.txt"
show_arg_and_content='printf "%s\n" "$1"; cat "${1#file://}"'
out=$(run_app --file-forwarding --app-id=$APP -- sh -c "$show_arg_and_content" sh @@ "$hostdir/forward/f.txt" @@)
check "@@ FILE @@: a hidden file is passed as its path in the document portal" \
  matches "$(sed -n 1p <<<"$out")" "$SANDBOX_DOC/*/f.txt"
check "  …where the app reads it" test "$(sed -n 2p <<<"$out")" = "forwarded $$"
out=$(run_app --file-forwarding --app-id=$APP -- sh -c "$show_arg_and_content" sh @@u "file://$hostdir/forward/f.txt" @@)
check "@@u URI @@: a hidden file is passed as a file:// URI in the document portal" \
  matches "$(sed -n 1p <<<"$out")" "file://$SANDBOX_DOC/*/f.txt"
check "  …where the app reads it" test "$(sed -n 2p <<<"$out")" = "forwarded $$"
out=$(run_app --file-forwarding --filesystem="$HOME/shared" --app-id=$APP -- \
        sh -c "$show_arg_and_content" sh @@ "$HOME/shared/v.txt" @@)
check "a file the sandbox sees is passed unchanged" \
  test "$out" = "$HOME/shared/v.txt"$'\n'"already visible"
check "files of the runtime are passed unchanged, through the /bin link too" \
  test "$("$FAUXPAK" run --file-forwarding --app-id=$APP -- echo @@ /usr/bin/env /bin/sh @@)" = "/usr/bin/env /bin/sh"
check "a relative path is forwarded too" \
  bash -c "cd '$hostdir/forward' && '$FAUXPAK' run --file-forwarding --app-id=$APP -- cat @@ f.txt @@ | grep -qx 'forwarded $$'"
check "without --file-forwarding, @@ is an ordinary argument" \
  test "$("$FAUXPAK" run --app-id=$APP -- echo @@ x @@u y @@)" = "@@ x @@u y @@"
check_status "forwarding a file that does not exist refuses to start (125)" 125 \
  "$FAUXPAK" run --file-forwarding --app-id=$APP -- true @@ "$hostdir/nonexistent" @@

# start_private_bus ADDRESS: a dbus-daemon of this test's own listening on
# ADDRESS, with the stack's configuration (nothing is activated from the
# host); sets private_bus to the address it prints and private_bus_pid.
start_private_bus () {
  local file=$TEST_TMP/private-bus.$RANDOM
  dbus-daemon --config-file="$TESTS_DIR/portal/dbus-session.conf" --address="$1" \
    --nofork --nopidfile --print-address=3 3>"$file" 2>>"$TEST_TMP/private-bus.log" &
  private_bus_pid=$!
  cleanup_kill $private_bus_pid
  wait_for '[ -s "$file" ]' 10 || return 1
  private_bus=$(head -1 "$file")
}
stop_private_bus () { kill "$private_bus_pid" 2>/dev/null; wait "$private_bus_pid" 2>/dev/null; }
# has_owner ADDRESS NAME
has_owner () {
  gdbus call --address "$1" -d org.freedesktop.DBus -o /org/freedesktop/DBus \
    -m org.freedesktop.DBus.NameHasOwner "$2" 2>/dev/null | grep -q true
}

# --- a document portal's version, asked once and checked ------------------
# A stand-in portal on a bus of its own reports the version it is given and
# logs each call.
cat > "$TEST_TMP/fake-documents.py" <<'PY'
import sys
from gi.repository import Gio, GLib
version, mount, log = int(sys.argv[1]), sys.argv[2], open(sys.argv[3], "a", buffering=1)
node = Gio.DBusNodeInfo.new_for_xml("""<node><interface name="org.freedesktop.portal.Documents">
  <method name="GetMountPoint"><arg type="ay" direction="out"/></method>
  <method name="AddFull"><arg type="ah" direction="in"/><arg type="u" direction="in"/>
    <arg type="s" direction="in"/><arg type="as" direction="in"/>
    <arg type="as" direction="out"/><arg type="a{sv}" direction="out"/></method>
  <property name="version" type="u" access="read"/></interface></node>""")
def call(conn, sender, path, iface, method, params, invocation):
    log.write(method + "\n")
    if method == "GetMountPoint":
        invocation.return_value(GLib.Variant("(ay)", (mount.encode() + b"\0",)))
    else:
        invocation.return_value(GLib.Variant("(asa{sv})", (["fakedoc"], {})))
def get_property(conn, sender, path, iface, name):
    log.write("Get " + name + "\n")
    return GLib.Variant("u", version)
bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
bus.register_object("/org/freedesktop/portal/documents", node.interfaces[0], call, get_property, None)
Gio.bus_own_name_on_connection(bus, "org.freedesktop.portal.Documents", Gio.BusNameOwnerFlags.NONE, None, None)
GLib.MainLoop().run()
PY
fake_docs_log=$TEST_TMP/fake-documents.log
mkdir -p "$TEST_TMP/fake-doc/by-app/$APP" "$hostdir/dirs/one" "$hostdir/dirs/two"
# fake_docs VERSION: a fresh stand-in portal answering with VERSION.
fake_docs () {
  [ -z "${fake_docs_pid:-}" ] || { kill "$fake_docs_pid"; wait "$fake_docs_pid" 2>/dev/null; }
  wait_for '! has_owner "$private_bus" org.freedesktop.portal.Documents' 5
  : > "$fake_docs_log"
  DBUS_SESSION_BUS_ADDRESS=$private_bus \
    "$PY" "$TEST_TMP/fake-documents.py" "$1" "$TEST_TMP/fake-doc" "$fake_docs_log" &
  fake_docs_pid=$!
  cleanup_kill $fake_docs_pid
  wait_for 'has_owner "$private_bus" org.freedesktop.portal.Documents' 10
}
forward_dirs () {
  DBUS_SESSION_BUS_ADDRESS=$private_bus "$FAUXPAK" run --file-forwarding --app-id=$APP -- \
    echo @@ "$hostdir/dirs/one" "$hostdir/dirs/two" @@
}
if start_private_bus "unix:path=$TEST_TMP/docs-bus" && fake_docs 0; then
  check_status "a document portal of version 0: forwarding a directory refuses (125)" 125 forward_dirs
  check_output "  …saying the version is unusable" "version 0" forward_dirs
  fake_docs 4
  out=$(forward_dirs 2>&1)
  check "version 4: two directories are forwarded" \
    test "$out" = "$SANDBOX_DOC/fakedoc/one $SANDBOX_DOC/fakedoc/two"
  check "  …and the version is asked once per launch, not per directory" \
    test "$(grep -c '^Get version$' "$fake_docs_log")" -eq 1
  [ "$_tap_failed" -eq 0 ] || { printf '%s\n' "$out"; cat "$fake_docs_log"; } | sed 's/^/#   /'
  kill "$fake_docs_pid"
  stop_private_bus
else
  not_ok "a private bus with a stand-in document portal starts"
fi

# --- buses on abstract sockets ---------------------------------------------
# An abstract socket belongs to the network namespace: an app that shares
# the host's network could connect to the real bus past the proxy. fauxpak
# refuses such a launch; without the network the proxy (which shares the
# host's) serves the bus and its filter holds.
abstract=unix:abstract=/tmp/fauxpak-test-$$
if start_private_bus "$abstract"; then
  check_status "an abstract-socket session bus with --share=network: refused (125)" 125 \
    env DBUS_SESSION_BUS_ADDRESS="$private_bus" "$FAUXPAK" run --share=network --app-id=$APP -- true
  check_output "  …saying why and what to do" "abstract socket" \
    env DBUS_SESSION_BUS_ADDRESS="$private_bus" "$FAUXPAK" run --share=network --app-id=$APP -- true
  check_output "  …(--unshare=network)" "--unshare=network" \
    env DBUS_SESSION_BUS_ADDRESS="$private_bus" "$FAUXPAK" run --share=network --app-id=$APP -- true
  check "  …and the app never ran" \
    test -z "$(DBUS_SESSION_BUS_ADDRESS=$private_bus "$FAUXPAK" run --share=network --app-id=$APP -- echo started 2>/dev/null)"
  check "without the network, the app owns <app-id>.Foo through the proxy" \
    env DBUS_SESSION_BUS_ADDRESS="$private_bus" "$FAUXPAK" run --ro-bind="$TESTS_DIR/portal:/opt/portal" \
      --app-id=$APP -- "$PY" "$CLIENT" own $APP.Foo
  check "  …and the filter holds: owning a foreign name fails" \
    env DBUS_SESSION_BUS_ADDRESS="$private_bus" "$FAUXPAK" run --ro-bind="$TESTS_DIR/portal:/opt/portal" \
      --app-id=$APP -- sh -c "! $PY $CLIENT own org.example.Stolen 2>/dev/null"
  check "the raw bus granted knowingly (--socket=session-bus) runs with the network" \
    env DBUS_SESSION_BUS_ADDRESS="$private_bus" "$FAUXPAK" run --share=network --socket=session-bus --app-id=$APP -- true
  check_status "an abstract-socket system bus with --share=network: refused (125)" 125 \
    env DBUS_SYSTEM_BUS_ADDRESS="$private_bus" "$FAUXPAK" run --share=network \
      --system-talk-name=org.example.Allowed --app-id=$APP -- true
  check_status "  …even when the profile does not ask for the system bus" 125 \
    env DBUS_SYSTEM_BUS_ADDRESS="$private_bus" "$FAUXPAK" run --share=network --app-id=$APP -- true
  check "  …and served by the proxy without the network" \
    env DBUS_SYSTEM_BUS_ADDRESS="$private_bus" "$FAUXPAK" run --system-talk-name=org.example.Allowed \
      --app-id=$APP -- sh -c 'gdbus call --system -d org.freedesktop.DBus -o /org/freedesktop/DBus \
        -m org.freedesktop.DBus.GetId >/dev/null'
  stop_private_bus
else
  not_ok "a private bus on $abstract starts"
fi

# A bus on a path and an abstract socket at once, its address in either
# order, the path %-escaped as D-Bus addresses are.
mkdir -p "$TEST_TMP/a dir"
sed "s|<listen>.*</listen>|<listen>unix:path=$TEST_TMP/a%20dir/bus</listen><listen>$abstract-multi</listen>|" \
  "$TESTS_DIR/portal/dbus-session.conf" > "$TEST_TMP/two-listens.conf"
dbus-daemon --config-file="$TEST_TMP/two-listens.conf" --nofork --nopidfile 2>>"$TEST_TMP/private-bus.log" &
private_bus_pid=$!
cleanup_kill $private_bus_pid
path_first="unix:path=$TEST_TMP/a%20dir/bus;$abstract-multi"
abstract_first="$abstract-multi;unix:path=$TEST_TMP/a%20dir/bus"
if wait_for 'has_owner "$path_first" org.freedesktop.DBus' 10; then
  check "path first, then abstract: the proxy binds the unescaped path" \
    env DBUS_SESSION_BUS_ADDRESS="$path_first" "$FAUXPAK" run --ro-bind="$TESTS_DIR/portal:/opt/portal" \
      --app-id=$APP -- "$PY" "$CLIENT" own $APP.Foo
  out=$(DBUS_SESSION_BUS_ADDRESS=$abstract_first "$FAUXPAK" run --ro-bind="$TESTS_DIR/portal:/opt/portal" \
          --socket=session-bus --app-id=$APP -- sh -c "cat /.flatpak-info; $PY $CLIENT own org.example.Raw && echo owned" 2>&1)
  check "abstract first: --socket=session-bus binds the path entry, unproxied" \
    bash -c "grep -qx owned <<<\"\$1\" && ! grep -q session-bus-proxy=true <<<\"\$1\"" _ "$out"
  check_status "either order, with --share=network: refused (125), path first" 125 \
    env DBUS_SESSION_BUS_ADDRESS="$path_first" "$FAUXPAK" run --share=network --app-id=$APP -- true
  check_status "  …and abstract first" 125 \
    env DBUS_SESSION_BUS_ADDRESS="$abstract_first" "$FAUXPAK" run --share=network --app-id=$APP -- true
else
  not_ok "a private bus on a path and an abstract socket starts"
fi
stop_private_bus

# --- the proxy's lifetime -------------------------------------------------
first=$XDG_RUNTIME_DIR/.flatpak/$(run_app --app-id=$APP -- sed -n 's/^instance-id=//p' /.flatpak-info)
check "the proxy is gone once the sandbox has exited" wait_for no_proxy_left 5
run_app --app-id=$APP -- true
check "  …and the next launch removed its instance directory and socket" \
  test ! -e "$first/session-bus-proxy" -a ! -e "$first"

"$FAUXPAK" run --app-id=$APP -- sleep "3217.$$" &
bwrap_pid=$!
cleanup_kill $bwrap_pid
# Once the app runs: until its pid 1 starts, bwrap's child does not yet
# die with bwrap (see docs/SECURITY.md).
if wait_for '[ -n "$(proxy_pids)" ] && grep -qsx "$bwrap_pid" "$XDG_RUNTIME_DIR"/.flatpak/*/pid &&
             pgrep -xf "sleep 3217.$$" >/dev/null' 10; then
  killed=$(dirname "$(grep -lsx "$bwrap_pid" "$XDG_RUNTIME_DIR"/.flatpak/*/pid)")
  kill -9 $bwrap_pid
  wait $bwrap_pid 2>/dev/null
  check "the proxy is gone after bwrap is killed with SIGKILL" wait_for no_proxy_left 5
  check "  …and so is the app" wait_for '! pgrep -f "sleep 3217.$$" >/dev/null' 5
  run_app --app-id=$APP -- true
  check "  …and the next launch removed its instance directory and socket" \
    test ! -e "$killed/session-bus-proxy" -a ! -e "$killed"
else
  not_ok "a sandbox with a proxy started in the background"
fi

check_output "a proxy that fails to start: fauxpak refuses, naming it" "xdg-dbus-proxy" \
  env FAUXPAK_DBUS_PROXY=/bin/false "$FAUXPAK" run --app-id=$APP -- true
check_status "  …with status 125" 125 env FAUXPAK_DBUS_PROXY=/bin/false "$FAUXPAK" run --app-id=$APP -- true
check "  …and the app never ran" \
  test -z "$(FAUXPAK_DBUS_PROXY=/bin/false "$FAUXPAK" run --app-id=$APP -- echo started 2>/dev/null)"

instances_before=$(ls "$XDG_RUNTIME_DIR/.flatpak" | wc -l)
"$FAUXPAK" info --show-bwrap --app-id=$APP -- true > "$TEST_TMP/show-bwrap"
check "info --show-bwrap binds the proxy's socket as the session bus" \
  grep -qx "/run/user/$(id -u)/bus" "$TEST_TMP/show-bwrap"
check "  …and starts no proxy" no_proxy_left
check "  …and makes no instance" test "$(ls "$XDG_RUNTIME_DIR/.flatpak" | wc -l)" -eq "$instances_before"

# --- the portals see the profile's app id, whatever the app tries ---------
# A forgery from inside (new namespaces, a keyfile of its own over
# /.flatpak-info or as a new root), then a portal call from wherever that
# left the process; and a keyfile-shaped environment value.
calls_before=$(wc -l < "$PORTAL_ENV_BACKEND_LOG")
if [ -n "${TRY_SYSCALL:-}" ]; then
  run_app --ro-bind="$TRY_SYSCALL:/opt/try-syscall" --app-id=$APP -- \
    /opt/try-syscall forge-then-exec $PY $CLIENT open > "$TEST_TMP/forge.out" 2>&1
  check "a forgery attempt from inside fails at every step" grep -qx "not forged" "$TEST_TMP/forge.out"
  check "  …and the FileChooser portal, called afterwards, sees the profile's app id" \
    bash -c "tail -n +$((calls_before + 1)) '$PORTAL_ENV_BACKEND_LOG' | grep -qx 'OpenFile $APP'"
  check "  …and never the forged one" \
    bash -c "! tail -n +$((calls_before + 1)) '$PORTAL_ENV_BACKEND_LOG' | grep -qv 'OpenFile $APP'"
else
  skip "TRY_SYSCALL is not set"
fi
calls_before=$(wc -l < "$PORTAL_ENV_BACKEND_LOG")
run_app --env='INJECTED=[Application] name=org.example.Evil' --app-id=$APP -- \
  sh -c "grep -c '^name=' /.flatpak-info; $PY $CLIENT open" > "$TEST_TMP/inject.out" 2>&1
check "a keyfile-shaped environment value stays a value: one name= in .flatpak-info" \
  grep -qx 1 "$TEST_TMP/inject.out"
check "  …and the portal sees the profile's app id" \
  bash -c "tail -n +$((calls_before + 1)) '$PORTAL_ENV_BACKEND_LOG' | grep -qx 'OpenFile $APP'"
check_status "an environment value with a newline is refused before anything starts" 125 \
  run_app --env=$'INJECTED=x\nname=org.example.Evil' --app-id=$APP -- true

# --- without the document portal (last: this stops it) ---------------------
portal_env_stop_document_portal
"$FAUXPAK" run --app-id=$APP -- echo app ran > "$TEST_TMP/nodoc.out" 2> "$TEST_TMP/nodoc.err"
check "without the document portal the app still starts" grep -qx "app ran" "$TEST_TMP/nodoc.out"
check "  …and fauxpak says why documents are unavailable" \
  grep -q "document portal is not available" "$TEST_TMP/nodoc.err"
cat > "$TEST_TMP/required.json" <<JSON
{ "app-id": "$APP", "command": ["echo", "app ran"], "documents": "required" }
JSON
check_status "with \"documents\": \"required\" it refuses (125)" 125 "$FAUXPAK" run "$TEST_TMP/required.json"
check_output "  …saying why" "document portal is not available" "$FAUXPAK" run "$TEST_TMP/required.json"
# Refused after its proxy was started: the proxy is not killed while its
# bwrap sets up (bwrap's child would wait for it forever, holding the
# caller's stdout), it ends once ready, with nothing left.
for _ in 1 2 3 4 5 6 7 8 9 10; do "$FAUXPAK" run "$TEST_TMP/required.json" >/dev/null 2>&1; done
check "  …and leaves no proxy behind, however soon it gives up" \
  wait_for '! pgrep -u "$(id -u)" -f "$XDG_RUNTIME_DIR/.flatpak/[^ ]*/session-bus-proxy" >/dev/null'
sed 's/required/off/' "$TEST_TMP/required.json" > "$TEST_TMP/off.json"
check "with \"documents\": \"off\" it starts without a word about documents" \
  test -z "$("$FAUXPAK" run "$TEST_TMP/off.json" 2>&1 >/dev/null)"
