#!/bin/bash
# fauxpak install, uninstall and list; running an installed app by its id;
# the flatpak front (info --file-access from the launch's own mount plan,
# run, everything else to the real flatpak); portal-front. Then with real
# portals, the front first on their PATH: a desktop launch (gio launch)
# forwards a file the sandbox cannot see, the app opens and saves through
# the file chooser, and a save into a granted directory returns the host
# path while one elsewhere returns a document.
source "$(dirname "$0")/../lib.sh"
source "$TESTS_DIR/portal/portal-env.sh"

: "${FLATPAK_FRONT:?FLATPAK_FRONT must point at the flatpak front (meson test sets it)}"
SRC=$(cd "$TESTS_DIR/.." && pwd)
PY=/usr/bin/python3
FX=$(readlink -f "$FAUXPAK")
FRONT_DIR=$(dirname "$FLATPAK_FRONT")
APP=org.example.Installed
export FAUXPAK_PRESET_PATH=$SRC/data/presets
# The apps' own desktop files, icons and services, as a distro has them.
SYSTEM=$TEST_TMP/system
export XDG_DATA_DIRS=$SYSTEM:/usr/share
# The real flatpak, if any, for comparison: first on PATH outside the front.
REAL_FLATPAK=$(command -v flatpak || true)

# key FILE KEY: the value of KEY= in a desktop or service file.
key () { sed -n "s/^$2=//p" "$1" | head -1; }
validates () {
  local out
  out=$(desktop-file-validate "$1" 2>&1) && ! grep -qi 'error' <<<"$out" ||
    { printf '%s\n' "$out" | sed 's/^/#   /'; return 1; }
}
exported_leftovers () {
  find "$XDG_DATA_HOME" -name "*$1*" 2>/dev/null
  grep -rl --binary-files=without-match -- "$1" "$XDG_DATA_HOME" 2>/dev/null
}

# A probe app: opens and saves through the file chooser, records the
# files it is given, says who it is.
make_probe () {
  mkdir -p "$TEST_TMP/app" "$HOME/granted" "$HOME/readonly"
  cat > "$TEST_TMP/app/probe.sh" <<EOF
#!/bin/sh
case "\$1" in
  open) p=\$($PY $TESTS_DIR/portal/portal-client.py open) || exit 1; printf '%s\n' "\$p"; cat "\$p" ;;
  save) $PY $TESTS_DIR/portal/portal-client.py save --name "\$2" --write "\$3" ;;
  id) shift; echo "ran \$FLATPAK_ID \$*" ;;
  docs) ls /run/flatpak/doc; echo --; ls "\$XDG_RUNTIME_DIR/doc" ;;
  sh) shift; exec sh -c "\$@" ;;
  *) for f in "\$@"; do printf '%s\n' "\$f"; cat "\$f"; done > "\$HOME/granted/seen.new"
     mv "\$HOME/granted/seen.new" "\$HOME/granted/seen" ;;
esac
EOF
  chmod 755 "$TEST_TMP/app/probe.sh"
  cat > "$TEST_TMP/probe.json" <<EOF
{ "app-id": "$APP", "command": ["$TEST_TMP/app/probe.sh"],
  "filesystems": ["~/granted", "~/readonly:ro", "$TEST_TMP/app:ro", "$TESTS_DIR/portal:ro"],
  "desktop": { "name": "Probe", "categories": ["Utility"], "mime-types": ["text/plain"] } }
EOF
}

# --- an example profile -----------------------------------------------------
cp "$SRC/data/examples/text-editor.json" "$TEST_TMP/editor.json"
install_quietly () { "$FAUXPAK" install "$@" > /dev/null; }
check "install an example profile" install_quietly "$TEST_TMP/editor.json"
desktop=$XDG_DATA_HOME/applications/org.gnome.gedit.desktop
check "  …writes \$XDG_DATA_HOME/applications/<app-id>.desktop" test -f "$desktop"
check "  …which passes desktop-file-validate" validates "$desktop"
check "  …runs fauxpak run APP-ID, forwarding files" \
  test "$(key "$desktop" Exec)" = "$FX run --no-die-with-parent --file-forwarding org.gnome.gedit @@ %F @@"
check "  …with TryExec fauxpak and X-Flatpak the app id" \
  test "$(key "$desktop" TryExec)/$(key "$desktop" X-Flatpak)" = "$FX/org.gnome.gedit"
check "  …and the profile's name, categories and MIME types" \
  test "$(key "$desktop" Name)|$(key "$desktop" Categories)|$(key "$desktop" MimeType)" = \
       "Text Editor|GNOME;GTK;Utility;TextEditor;|text/plain;"
check "the profile is kept under \$XDG_DATA_HOME/fauxpak/" \
  test -f "$XDG_DATA_HOME/fauxpak/apps/org.gnome.gedit/profile.json"
sed -i 's/"command": \["gedit"\]/"command": ["gedit-changed"]/' "$TEST_TMP/editor.json"
check "  …so editing the original changes nothing installed" \
  test "$("$FAUXPAK" info --show-bwrap org.gnome.gedit | tail -1)" = gedit
"$FAUXPAK" install "$TEST_TMP/editor.json" >/dev/null
check "  …until it is installed again" \
  test "$("$FAUXPAK" info --show-bwrap org.gnome.gedit | tail -1)" = gedit-changed

mkdir -p "$XDG_DATA_HOME/applications"
printf '[Desktop Entry]\nType=Application\nName=Mine\nExec=mine\n' > "$XDG_DATA_HOME/applications/org.example.Hand.desktop"
echo '{ "app-id": "org.example.Hand", "command": ["mine"] }' > "$TEST_TMP/hand.json"
check_status "a desktop file written by hand where the export goes: install refuses (125)" 125 \
  "$FAUXPAK" install "$TEST_TMP/hand.json"
check_output "  …saying so" "was not written by fauxpak install" "$FAUXPAK" install "$TEST_TMP/hand.json"
check "  …leaving the file as it was and nothing installed" \
  bash -c "grep -qx Exec=mine '$XDG_DATA_HOME/applications/org.example.Hand.desktop' &&
           [ ! -e '$XDG_DATA_HOME/fauxpak/apps/org.example.Hand' ]"
rm "$XDG_DATA_HOME/applications/org.example.Hand.desktop"

# --- the app's own desktop file, icons and D-Bus services --------------------
mkdir -p "$SYSTEM/applications" "$SYSTEM/icons/hicolor/48x48/apps" "$SYSTEM/icons/hicolor/scalable/apps"
cat > "$SYSTEM/applications/probe-viewer.desktop" <<'EOF'
[Desktop Entry]
Type=Application
Name=Probe Viewer
Name[de]=Probenbetrachter
Exec=/usr/bin/probe-viewer --new-window %U
TryExec=probe-viewer
Icon=probe-viewer
Terminal=false
Categories=Utility;
MimeType=text/plain;image/png;
StartupWMClass=ProbeViewer
DBusActivatable=true
Actions=new-window;

[Desktop Action new-window]
Name=New Window
Exec=probe-viewer --new-window "a b"
EOF
"$PY" - "$SYSTEM/icons/hicolor/48x48/apps/probe-viewer.png" <<'PY'
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
rows = b"".join(b"\0" + b"\x80\x40\x20" * 48 for _ in range(48))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 48, 48, 8, 2, 0, 0, 0))
                              + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
PY
echo '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"/>' > "$SYSTEM/icons/hicolor/scalable/apps/probe-viewer.svg"
cat > "$TEST_TMP/viewer.json" <<'EOF'
{ "app-id": "org.example.Viewer", "command": ["probe-viewer"],
  "session-bus-policy": { "org.example.Viewer.Helper": "own", "org.example.Foreign": "own" } }
EOF
"$FAUXPAK" install "$TEST_TMP/viewer.json" > "$TEST_TMP/viewer.out" 2>&1
viewer=$XDG_DATA_HOME/applications/org.example.Viewer.desktop
check "the app's own desktop file, found by its command's name, is installed as <app-id>.desktop" test -f "$viewer"
check "  …and passes desktop-file-validate" validates "$viewer"
check "  …Exec runs fauxpak with the app's arguments, URIs forwarded" \
  test "$(key "$viewer" Exec)" = "$FX run --no-die-with-parent --file-forwarding org.example.Viewer --new-window @@u %U @@"
check "  …and so does its action's" \
  test "$(sed -n '/^\[Desktop Action new-window\]/,$ s/^Exec=//p' "$viewer")" = "$FX run --no-die-with-parent org.example.Viewer --new-window \"a b\""
check "  …StartupWMClass, MimeType, translations and actions are kept" \
  test "$(key "$viewer" StartupWMClass)|$(key "$viewer" MimeType)|$(key "$viewer" 'Name\[de\]')|$(key "$viewer" Actions)" = \
       "ProbeViewer|text/plain;image/png;|Probenbetrachter|new-window;"
check "  …and says what it was renamed from, as Flatpak does" \
  test "$(key "$viewer" X-Flatpak-RenamedFrom)" = "probe-viewer.desktop;"
check "  …TryExec is fauxpak, X-Flatpak the app id, Icon the app id" \
  test "$(key "$viewer" TryExec)|$(key "$viewer" X-Flatpak)|$(key "$viewer" Icon)" = "$FX|org.example.Viewer|org.example.Viewer"
icons=$XDG_DATA_HOME/icons/hicolor
check "its icons are copied to hicolor/…/apps/<app-id>.*" \
  bash -c "cmp -s '$SYSTEM/icons/hicolor/48x48/apps/probe-viewer.png' '$icons/48x48/apps/org.example.Viewer.png' &&
           cmp -s '$SYSTEM/icons/hicolor/scalable/apps/probe-viewer.svg' '$icons/scalable/apps/org.example.Viewer.svg'"
services=$XDG_DATA_HOME/dbus-1/services
check "a DBusActivatable app gets a D-Bus service running fauxpak" \
  test "$(key "$services/org.example.Viewer.service" Exec)" = "$FX run org.example.Viewer --gapplication-service"
check "  …and so does a name under its app id that it may own" \
  test "$(key "$services/org.example.Viewer.Helper.service" Exec)" = "$FX run org.example.Viewer"
check "  …but not a name outside its app id, which would take over that service" \
  test ! -e "$services/org.example.Foreign.service"
check_output "  …saying so" "no D-Bus service for org.example.Foreign" cat "$TEST_TMP/viewer.out"

# --- running an installed app by its id, and the flatpak front -------------
make_probe
check "install the probe app" install_quietly "$TEST_TMP/probe.json"
check "fauxpak run APP-ID runs the installed app" \
  test "$("$FAUXPAK" run $APP id a b 2>&1)" = "ran $APP a b"
check "  …and a \"--\" among its arguments is the app's" \
  test "$("$FAUXPAK" run $APP id -- x 2>&1)" = "ran $APP -- x"
check "fauxpak info APP-ID describes it" bash -c "'$FAUXPAK' info $APP | grep -qx name=$APP"
check_status "an id that is neither a file nor an installed app: refused (125)" 125 \
  "$FAUXPAK" run org.example.NotInstalled
check_output "  …saying so" "neither a profile file nor the id of an installed app" \
  "$FAUXPAK" info org.example.NotInstalled
check "flatpak run APP-ID through the front runs the fauxpak app" \
  test "$(PATH=$FRONT_DIR:$PATH flatpak run $APP id x 2>&1)" = "ran $APP x"
check "  …ignoring the options that choose a Flatpak build" \
  test "$(PATH=$FRONT_DIR:$PATH flatpak run --branch=stable --arch "$(uname -m)" $APP id 2>&1)" = "ran $APP "
check "flatpak run --command=CMD APP-ID through the front runs CMD in the app's sandbox" \
  test "$(PATH=$FRONT_DIR:$PATH flatpak run --command=sh $APP -c 'echo $FLATPAK_ID' 2>&1)" = "$APP"

mkdir -p "$TEST_TMP/secret"
echo secret > "$TEST_TMP/secret/file"
ln -s "$TEST_TMP/secret" "$HOME/granted/link"
# access PATH: the front's answer for the probe app.
access () { PATH=$FRONT_DIR:$PATH flatpak info --file-access="$1" $APP 2>&1; }
check "the front: a granted directory is read-write" test "$(access "$HOME/granted")" = read-write
check "  …and so is a file yet to be saved there" test "$(access "$HOME/granted/new.txt")" = read-write
check "  …a :ro grant is read-only" test "$(access "$HOME/readonly/new.txt")" = read-only
check "  …the runtime is read-only" test "$(access /usr/bin/env)" = read-only
check "  …the rest of home is hidden" test "$(access "$HOME/other.txt")" = hidden
check "  …and so is what a symlink in a granted directory points at outside it" \
  test "$(access "$HOME/granted/link/file")" = hidden
check "  …--file-access PATH (two arguments) is answered too" \
  test "$(PATH=$FRONT_DIR:$PATH flatpak info --file-access "$HOME/granted" $APP)" = read-write
check "  …and fauxpak info --file-access gives the same answers" \
  test "$("$FAUXPAK" info --file-access="$HOME/readonly" $APP)/$("$FAUXPAK" info --file-access="$HOME/other" $APP)" = read-only/hidden
inside=$("$FAUXPAK" run $APP sh "touch '$HOME/granted/w' && echo rw; touch '$HOME/readonly/w' 2>/dev/null || echo ro
                                cat '$HOME/granted/link/file' 2>/dev/null || echo hidden" 2>&1)
check "  …which is what the sandbox itself sees" test "$(tr '\n' ' ' <<<"$inside")" = "rw ro hidden "
if [ -n "$REAL_FLATPAK" ]; then
  real=$("$REAL_FLATPAK" info --file-access=/tmp org.example.NotFauxpak 2>&1; echo "status $?")
  front=$(PATH=$FRONT_DIR:$PATH flatpak info --file-access=/tmp org.example.NotFauxpak 2>&1; echo "status $?")
  check "an app fauxpak does not own goes to the real flatpak: same output and status" test "$front" = "$real"
  check "  …and so does any other command" \
    test "$(PATH=$FRONT_DIR:$PATH flatpak --version 2>&1; echo $?)" = "$("$REAL_FLATPAK" --version 2>&1; echo $?)"
else
  skip "no real flatpak to compare the front with"
fi
check_status "without Flatpak, the front refuses other commands (1)" 1 env PATH="$FRONT_DIR" "$FLATPAK_FRONT" --version
check_output "  …saying Flatpak is not installed" "Flatpak is not installed" env PATH="$FRONT_DIR" "$FLATPAK_FRONT" --version
check "  …and still answers for fauxpak's apps" \
  test "$(env PATH="$FRONT_DIR" "$FLATPAK_FRONT" info --file-access="$HOME/granted" $APP)" = read-write

# --- list ---------------------------------------------------------------------
check "fauxpak list lists the installed apps" \
  bash -c "'$FAUXPAK' list | awk 'NR > 1 { print \$1 }' | tr '\n' ' ' | grep -qx 'org.example.Installed org.example.Viewer org.gnome.gedit '"
check "fauxpak list --json: an array of app ids, names, profiles and exports" \
  "$PY" -c 'import json, sys; apps = json.load(sys.stdin); assert [a["app-id"] for a in apps] == ["org.example.Installed", "org.example.Viewer", "org.gnome.gedit"]; assert apps[0]["name"] == "Probe" and apps[0]["exports"]' \
  < <("$FAUXPAK" list --json)

# --- portal-front ---------------------------------------------------------------
front_in_use=$("$FAUXPAK" portal-front status | sed -n 's/^Front: //p')
"$FAUXPAK" portal-front enable > "$TEST_TMP/front.out" 2>&1
dropin=$XDG_CONFIG_HOME/systemd/user/xdg-document-portal.service.d/fauxpak-flatpak-front.conf
check "portal-front enable: a drop-in puts the front first on the document portal's PATH" \
  grep -q "^Environment=\"PATH=$front_in_use:" "$dropin"
check "  …and on xdg-desktop-portal's" \
  grep -q "^Environment=\"PATH=$front_in_use:" "$XDG_CONFIG_HOME/systemd/user/xdg-desktop-portal.service.d/fauxpak-flatpak-front.conf"
check_status "  …status says it is enabled (0)" 0 "$FAUXPAK" portal-front status
"$FAUXPAK" portal-front disable > /dev/null 2>&1
check "portal-front disable removes both" test ! -e "$dropin" -a ! -e "$XDG_CONFIG_HOME/systemd/user/xdg-desktop-portal.service.d"
check_status "  …status says it is not (1)" 1 "$FAUXPAK" portal-front status

# --- uninstall --------------------------------------------------------------------
mkdir -p "$HOME/.var/app/$APP/data" "$TEST_TMP/outside"
echo keep > "$TEST_TMP/outside/keep"
ln -s "$TEST_TMP/outside" "$HOME/.var/app/$APP/data/planted"
check_status "uninstall --delete-data" 0 "$FAUXPAK" uninstall --delete-data $APP
check "  …removes ~/.var/app/APP-ID" test ! -e "$HOME/.var/app/$APP"
check "  …without following a link planted in it" test "$(cat "$TEST_TMP/outside/keep")" = keep
check "  …and the app is no longer installed" \
  bash -c "! '$FAUXPAK' run $APP id 2>/dev/null"
"$FAUXPAK" uninstall org.example.Viewer >/dev/null
"$FAUXPAK" uninstall org.gnome.gedit >/dev/null
check "uninstall leaves nothing of the apps in \$XDG_DATA_HOME" \
  test -z "$(exported_leftovers org.example; exported_leftovers org.gnome.gedit)"
check "  …nor an empty fauxpak apps directory entry" test -z "$(ls -A "$XDG_DATA_HOME/fauxpak/apps")"
check_status "uninstalling an app that is not installed is refused (125)" 125 "$FAUXPAK" uninstall $APP

# --- with real portals, the front first on their PATH -------------------------------
if ! command -v gio >/dev/null; then
  skip "portal tests need: gio"
  exit 0
fi
PORTAL_ENV_PORTAL_PATH="$FRONT_DIR:$PATH" portal_env_start_or_skip "portal tests need"
SANDBOX_DOC=/run/user/$(id -u)/doc
hostdir=$PORTAL_ENV_DIR/host-files
mkdir -p "$hostdir"
make_probe
"$FAUXPAK" install "$TEST_TMP/probe.json" >/dev/null
desktop=$XDG_DATA_HOME/applications/$APP.desktop
check "installed with the portals running: the desktop file validates" validates "$desktop"

echo "launched from the desktop $$" > "$hostdir/launch-me.txt"
gio launch "$desktop" "$hostdir/launch-me.txt" > "$TEST_TMP/gio.out" 2>&1
if wait_for '[ -s "$HOME/granted/seen" ]' 20; then
  check "gio launch DESKTOP FILE: the app gets the file in the document portal" \
    bash -c "[[ \$(sed -n 1p '$HOME/granted/seen') == $SANDBOX_DOC/*/launch-me.txt ]]"
  check "  …and reads it, though the sandbox cannot see its directory" \
    test "$(sed -n 2p "$HOME/granted/seen")" = "launched from the desktop $$"
else
  not_ok "gio launch DESKTOP FILE ran the app"
  sed 's/^/#   /' "$TEST_TMP/gio.out"
fi

echo "opened through the portal $$" > "$hostdir/open-me.txt"
portal_env_set_open_uri "file://$hostdir/open-me.txt"
out=$("$FAUXPAK" run $APP open 2>&1)
check "fauxpak run APP-ID: OpenFile gives a document the app reads" \
  bash -c "[[ \$(sed -n 1p <<<\"\$1\") == */doc/*/open-me.txt ]] && [ \"\$(sed -n 2p <<<\"\$1\")\" = 'opened through the portal $$' ]" _ "$out"
check "  …and the backend saw the app id" grep -qx "OpenFile $APP" "$PORTAL_ENV_BACKEND_LOG"
[ "$_tap_failed" -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /'

portal_env_set_save_uri "file://$HOME/granted/saved.txt"
out=$("$FAUXPAK" run $APP save saved.txt "saved in a granted directory $$" 2>&1)
check "SaveFile into a granted directory returns the host path: no document (the front answered)" \
  test "$out" = "$HOME/granted/saved.txt"
check "  …and the bytes are there" test "$(cat "$HOME/granted/saved.txt" 2>&1)" = "saved in a granted directory $$"
portal_env_set_save_uri "file://$hostdir/elsewhere.txt"
out=$("$FAUXPAK" run $APP save elsewhere.txt "saved elsewhere $$" 2>&1)
# Newer portals (after 1.22.1) hand an app whose desktop file says
# X-Flatpak its documents under /run/flatpak/doc, as Flatpak binds them.
check "SaveFile elsewhere returns a document" \
  bash -c "[[ '$out' == $SANDBOX_DOC/*/elsewhere.txt || '$out' == $PORTAL_ENV_DOC_MOUNT/*/elsewhere.txt ||
              '$out' == /run/flatpak/doc/*/elsewhere.txt ]]"
check "  …through which the bytes land in the host file" test "$(cat "$hostdir/elsewhere.txt" 2>&1)" = "saved elsewhere $$"
docs=$("$FAUXPAK" run $APP docs 2>&1)
check "the app's documents are at /run/flatpak/doc too, as under Flatpak" \
  bash -c "[ -n \"\$(sed -n '1p' <<<\"\$1\")\" ] && [ \"\$(sed -n '1,/^--$/p' <<<\"\$1\" | sed '\$d')\" = \"\$(sed '1,/^--$/d' <<<\"\$1\")\" ]" _ "$docs"
[ "$_tap_failed" -eq 0 ] || printf '%s\n' "$docs" | sed 's/^/#   /'

"$FAUXPAK" uninstall $APP >/dev/null
check "uninstall leaves nothing of the app" test -z "$(exported_leftovers $APP)"
