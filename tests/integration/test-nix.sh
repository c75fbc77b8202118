#!/bin/bash
# The Nix side (nix/, flake.nix), offline, with Debian's nix-bin: every
# Nix file parses; the flake's outputs and nix/package.nix evaluate against
# a stand-in nixpkgs; and nix/default.nix's wrap, built in a private store
# through tests/nix/stub-pkgs.nix (runCommand, writeText and closureInfo on
# builtins.derivation, with a static busybox added to the store), gives a
# wrapper that runs under its app id with the package's closure as the
# store and nothing else of it, and a desktop file named after the app id
# that runs the wrapper with file forwarding (through the document portal
# for a file the sandbox does not see, when the portal stack can run).
source "$(dirname "$0")/../lib.sh"
source "$TESTS_DIR/portal/portal-env.sh"

SOURCE_ROOT=$(cd "$TESTS_DIR/.." && pwd)
APP=org.example.Hello

missing=
for tool in nix-build nix-instantiate nix-store gio; do
  command -v "$tool" >/dev/null || missing+=" $tool"
done
[ -x /bin/busybox ] || missing+=" /bin/busybox (busybox-static)"
if [ -n "$missing" ]; then
  skip "the Nix tests need:$missing"
  exit 0
fi

# A private store under the test's directory, so that nothing of /nix is
# used or changed, and the same works as root and as a user: Nix takes
# the store, its database and its configuration from these variables. The
# store's path may not go through a symlink. No build sandbox (the builds
# are this test's own, and it needs namespaces Nix would set up as root
# only), no build users (root would need the nixbld group), no
# substituters (offline).
NIX_ROOT=$(realpath "$TEST_TMP")/nix
export NIX_STORE_DIR=$NIX_ROOT/store NIX_STATE_DIR=$NIX_ROOT/var/nix \
  NIX_LOG_DIR=$NIX_ROOT/var/log/nix NIX_CONF_DIR=$NIX_ROOT/etc
unset NIX_REMOTE NIX_PATH NIX_USER_CONF_FILES
mkdir -p "$NIX_CONF_DIR"
# Store paths are read-only, which keeps a user's rm -rf out at the end.
unlock_store () { chmod -R u+w "$NIX_ROOT" 2>/dev/null; }
trap 'unlock_store; _finish; exit $?' EXIT
printf '%s\n' 'sandbox = false' 'build-users-group =' 'substituters =' > "$NIX_CONF_DIR/nix.conf"

# lacks LINE TEXT: no line of TEXT is LINE.
lacks () { ! grep -qxF -- "$1" <<<"$2"; }
# quiet COMMAND…: runs it, its output shown as TAP comments only when it fails.
quiet () {
  local out
  if out=$("$@" 2>&1); then return 0; fi
  printf '%s\n' "$out" | sed 's/^/#   /'
  return 1
}

# --- every Nix file parses ---------------------------------------------------
for file in "$SOURCE_ROOT"/nix/*.nix "$SOURCE_ROOT"/flake.nix "$SOURCE_ROOT"/tests/nix/*.nix; do
  check "nix-instantiate --parse ${file#"$SOURCE_ROOT"/}" quiet nix-instantiate --parse "$file"
done

# The static busybox the stand-in builds with, as a directory holding
# bin/busybox (busybox picks its applet from its name, so the store file
# must be called busybox).
mkdir -p "$TEST_TMP/busybox/bin" "$TEST_TMP/shared" "$TEST_TMP/hidden"
cp /bin/busybox "$TEST_TMP/busybox/bin/busybox"
echo "shared with the sandbox $$" > "$TEST_TMP/shared/note.txt"
echo "forwarded through the document portal $$" > "$TEST_TMP/hidden/secret.txt"

# --- the flake and package.nix evaluate ---------------------------------------
eval_json=$(nix-instantiate --eval --strict --json "$SOURCE_ROOT/tests/nix/eval-outputs.nix" \
              --arg busyboxDir "$TEST_TMP/busybox" 2>"$TEST_TMP/eval.err")
if [ -z "$eval_json" ]; then
  not_ok "the flake's outputs and nix/package.nix evaluate"
  sed 's/^/#   /' "$TEST_TMP/eval.err"
else
  ok "the flake's outputs and nix/package.nix evaluate"
fi
eval_is () { /usr/bin/python3 -c 'import json, sys; v = json.loads(sys.argv[1]).get(sys.argv[2]); sys.exit(0 if v == json.loads(sys.argv[3]) else print("# %s is %s" % (sys.argv[2], json.dumps(v))) or 1)' "$eval_json" "$1" "$2"; }
check "flake: outputs packages, lib and overlays" eval_is flakeOutputs '["lib", "overlays", "packages"]'
check "flake: packages.<system>.default is nix/package.nix" eval_is flakeDefault '"fauxpak-stub"'
check "flake: lib.wrap pkgs gives wrappers running that package's bin/fauxpak" \
  eval_is flakeWrapRuns "\"'/stub/fauxpak/bin/fauxpak'\""
check "  …whose meta.mainProgram is the wrapper's (nix run)" eval_is wrapMainProgram '"hello"'
check "flake: the overlay adds pkgs.fauxpak and pkgs.fauxpakWrap" eval_is overlayWrapRuns "\"'/stub/fauxpak/bin/fauxpak'\""
check "package.nix: the version is meson.build's" \
  eval_is packageName "\"fauxpak-$(sed -n "s/^ *version : '\([^']*\)'.*/\1/p" "$SOURCE_ROOT/meson.build" | head -n 1)\""
check "package.nix: fauxpak runs bwrap and xdg-dbus-proxy by absolute path" eval_is packageWrapsPrograms \
  '"wrapProgram $out/bin/fauxpak \\\n  --set-default FAUXPAK_BWRAP /stub/bubblewrap/bin/bwrap \\\n  --set-default FAUXPAK_DBUS_PROXY /stub/xdg-dbus-proxy/bin/xdg-dbus-proxy\n"'
check "package.nix: the source leaves out build directories and nix/" \
  eval_is packageSourceKeeps '[true, false, false, false]'

# --- wrap, built in the private store -----------------------------------------
build () {
  nix-build "$SOURCE_ROOT/tests/nix/wrap-test.nix" --arg busyboxDir "$TEST_TMP/busybox" \
    --argstr fauxpak "$FAUXPAK" --argstr sharedDir "$TEST_TMP/shared" -A "$1" -o "$TEST_TMP/$1" \
    >/dev/null 2>>"$TEST_TMP/build.err"
}
if ! { build hello && build extra && build wrapped && build wrappedWholeStore; }; then
  not_ok "the test package and its wrappers build in a private store"
  sed 's/^/#   /' "$TEST_TMP/build.err"
  exit 1
fi
ok "the test package and its wrappers build in a private store"
HELLO=$(readlink "$TEST_TMP/hello")
EXTRA=$(readlink "$TEST_TMP/extra")
WRAPPED=$(readlink "$TEST_TMP/wrapped")
WHOLE=$(readlink "$TEST_TMP/wrappedWholeStore")
# A store path no closure holds, added for the test: it must stay out.
echo "not in any closure" > "$TEST_TMP/outsider"
OUTSIDER=$(nix-store --add "$TEST_TMP/outsider" 2>/dev/null)
check "a store path outside the closure exists on the host" test -e "$OUTSIDER"

closure=$(nix-store -qR "$HELLO" "$EXTRA" | sed 's|.*/||' | sort)
diag "closure of the package and extraStorePaths: $(tr '\n' ' ' <<<"$closure")"

# --- the wrapper, run ------------------------------------------------------------
check_output "bin/hello runs the package's program with the wrapper's arguments" \
  "arg: one two" "$WRAPPED/bin/hello" "one two"
check "  …in a sandbox whose /.flatpak-info names the app id" \
  test "$("$WRAPPED/bin/hello" --app-id 2>/dev/null)" = "$APP"
inside=$("$WRAPPED/bin/hello" --store 2>"$TEST_TMP/store.err" | sort)
check "  …whose store holds the closure of the package and extraStorePaths, nothing else" test "$inside" = "$closure"
if [ "$inside" != "$closure" ]; then
  diag "seen in the sandbox: $(tr '\n' ' ' <<<"$inside")"
  sed 's/^/#   /' "$TEST_TMP/store.err"
fi
check "  …not the store path added outside it" lacks "${OUTSIDER##*/}" "$inside"
check "  …nor the wrapper's own output" lacks "${WRAPPED##*/}" "$inside"
check "  …where the closure is read-only" \
  test "$("$WRAPPED/bin/hello" --write "$HELLO" 2>/dev/null)" = read-only

check_output "with closureOnly = false, the whole store is there" "${OUTSIDER##*/}" \
  "$WHOLE/bin/hello" --store
check "  …read-only" test "$("$WHOLE/bin/hello" --write "$NIX_STORE_DIR" 2>/dev/null)" = read-only

# --- the profile ---------------------------------------------------------------------
profile=$WRAPPED/share/fauxpak/$APP.json
profile_is () { /usr/bin/python3 -c 'import json, sys; p = json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2], {"p": p}) else 1)' "$profile" "$1"; }
check "share/fauxpak/$APP.json is the profile, with the app id" profile_is 'p["app-id"] == "'$APP'"'
check "  …the command in the package" profile_is 'p["command"] == ["'"$HELLO"'/bin/hello"]'
check "  …the presets as imports" profile_is 'p["imports"] == ["desktop"]'
check "  …the attributes of profile" profile_is 'p["filesystems"] == ["'"$TEST_TMP"'/shared:ro"]'
store_paths=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["runtime"]["paths-from"])' "$profile")
check "  …and runtime.paths-from, closureInfo's store-paths" \
  test "$(sed 's|.*/||' "$store_paths" | sort)" = "$closure"
check "with closureOnly = false, the runtime is the store" \
  /usr/bin/python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1]))["runtime"] != {"paths": [sys.argv[2]]})' \
  "$WHOLE/share/fauxpak/$APP"Store.json "$NIX_STORE_DIR"

# --- desktop files, D-Bus services, icons --------------------------------------------------
desktop=$WRAPPED/share/applications/$APP.desktop
check "the main desktop file is named after the app id" test -f "$desktop"
check "  …and not by its old name" test ! -e "$WRAPPED/share/applications/hello.desktop"
check "  …its Exec runs the wrapper with file forwarding" \
  grep -qxF "Exec=$WRAPPED/bin/hello --greet @@ %F @@" "$desktop"
check "  …as does an action's, for URIs" grep -qxF "Exec=$WRAPPED/bin/hello --uri @@u %U @@" "$desktop"
check "  …X-Flatpak is the app id, once" test "$(grep '^X-Flatpak=' "$desktop")" = "X-Flatpak=$APP"
check "  …TryExec, naming the unwrapped program, is gone" bash -c "! grep -q '^TryExec=' '$desktop'"
if command -v desktop-file-validate >/dev/null; then
  check "  …desktop-file-validate accepts it" quiet desktop-file-validate "$desktop"
else
  skip "desktop-file-validate is not installed"
fi
check "another desktop file keeps its name and runs the wrapper (a quoted program too)" \
  grep -qxF "Exec=$WRAPPED/bin/hello --settings" "$WRAPPED/share/applications/hello-settings.desktop"
service=$WRAPPED/share/dbus-1/services/org.example.HelloService.service
check "the D-Bus service file starts the wrapper" grep -qxF "Exec=$WRAPPED/bin/hello --service" "$service"
check "  …and not the unwrapped program through systemd" bash -c "! grep -q '^SystemdService=' '$service'"
check "icons are linked from the package" \
  cmp -s "$WRAPPED/share/icons/hicolor/scalable/apps/hello.svg" "$SOURCE_ROOT/tests/nix/hello.svg"

# The desktop file as a desktop starts it (GLib's GDesktopAppInfo).
launch () {
  : > "$TEST_TMP/launch.out"
  gio launch "$desktop" "$@" >"$TEST_TMP/launch.out" 2>&1 &&
    wait_for 'grep -qx "hello: done" "$TEST_TMP/launch.out"' 10
}
launch "$TEST_TMP/shared/note.txt"
check "gio launch of $APP.desktop with a file the sandbox sees: the app gets its path" \
  grep -qxF "arg: $TEST_TMP/shared/note.txt" "$TEST_TMP/launch.out"
check "  …reads it" grep -qxF "content: shared with the sandbox $$" "$TEST_TMP/launch.out"
check "  …and gets no @@ marker" bash -c "! grep -q '^arg: @@' '$TEST_TMP/launch.out'"
[ "$_tap_failed" -eq 0 ] || sed 's/^/#   /' "$TEST_TMP/launch.out"

# A file the sandbox does not see goes through the document portal.
portal_missing=
[ -x /usr/libexec/xdg-desktop-portal ] || portal_missing+=" xdg-desktop-portal"
/usr/bin/python3 -c 'import gi' 2>/dev/null || portal_missing+=" python3-gi"
{ [ -r /dev/fuse ] && [ -w /dev/fuse ]; } || portal_missing+=" read-write /dev/fuse"
if [ -n "$portal_missing" ]; then
  skip "forwarding a hidden file through the document portal needs:$portal_missing"
elif ! portal_env_start 2>"$TEST_TMP/portal-env.log"; then
  not_ok "the private portal stack starts"
  sed 's/^/#   /' "$TEST_TMP/portal-env.log"
else
  trap 'portal_env_stop; unlock_store; _finish; exit $?' EXIT
  launch "$TEST_TMP/hidden/secret.txt"
  check "gio launch with a file the sandbox does not see: the app gets it in the document portal" \
    grep -q "^arg: /run/user/$(id -u)/doc/[^/]*/secret.txt$" "$TEST_TMP/launch.out"
  check "  …and reads it there" grep -qxF "content: forwarded through the document portal $$" "$TEST_TMP/launch.out"
  [ "$_tap_failed" -eq 0 ] || sed 's/^/#   /' "$TEST_TMP/launch.out"
  portal_env_stop
  trap 'unlock_store; _finish; exit $?' EXIT
fi

# --- runtime.paths-from, from a launch's side -----------------------------------------------
printf '%s\n' "$HELLO" "not/absolute" > "$TEST_TMP/bad-closure"
printf '{"app-id": "%s", "command": ["%s/bin/hello"], "runtime": {"paths-from": "bad-closure"}}\n' \
  "$APP" "$HELLO" > "$TEST_TMP/bad.json"
check_status "a closure file with a bad line refuses the launch (125)" 125 "$FAUXPAK" run "$TEST_TMP/bad.json"
check_output "  …naming the key, the file and the line" \
  "bad.json: key \"runtime.paths-from\": $TEST_TMP/bad-closure:2: \"not/absolute\" is not an absolute path" \
  "$FAUXPAK" run "$TEST_TMP/bad.json"
