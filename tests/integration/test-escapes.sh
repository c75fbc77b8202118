#!/bin/bash
# Escapes a hostile app or a hostile profile tried (issue 7, classes 4-7),
# each performed from inside a real sandbox and asserted to fail, as root
# and as an ordinary user:
#   grants nobody can see (raw binds, manifests), what `fauxpak info` shows
#   against the app's real mount table; other apps' data, buses and
#   instances; sockets granted wider than named; presets that hand out the
#   host (dconf, devshell's $PWD, credentials in the environment).
source "$(dirname "$0")/../lib.sh"
source "$TESTS_DIR/flatpak/flatpak-app.sh"

APP=org.example.Escape
OTHER=org.example.Victim
PY=$SYSTEM_PYTHON
run_in () { "$FAUXPAK" run "$@"; }

# Instances of the refused app ($APP); another app runs beside it below.
app_instances () { grep -lsx "name=$APP" "$XDG_RUNTIME_DIR"/.flatpak/*/info | wc -l; }

# refused DESCRIPTION EXPECTED-MESSAGE COMMAND…: exit 125, the message
# naming what was refused, and no instance left behind.
refused () {
  local description=$1 expected=$2; shift 2
  local before after output status
  before=$(app_instances)
  output=$("$@" 2>&1)
  status=$?
  after=$(app_instances)
  if [ "$status" -eq 125 ] && [[ "$output" == *"$expected"* ]] && [ "$after" -le "$before" ]; then
    ok "$description: refused (125)"
  else
    not_ok "$description: refused (125)"
    diag "status $status (expected 125), instances $before -> $after, expected \"$expected\" in:" "$output"
  fi
}

mkdir -p "$HOME/project" "$TEST_TMP/elsewhere" "$TEST_TMP/profiles"
echo moved > "$TEST_TMP/elsewhere/c.txt"

# === 4. grants nobody can see ===============================================
cat > "$TEST_TMP/profiles/root-bind.json" <<J
{ "app-id": "$APP", "command": ["ls", "/var/lib/cache"],
  "binds": [{ "type": "bind", "source": "/", "dest": "/var/lib/cache" }] }
J
refused "a profile bind of the host's / at /var/lib/cache" "its source is the host's root" \
  run_in "$TEST_TMP/profiles/root-bind.json"
refused "  …and fauxpak info says so before any run" "its source is the host's root" \
  "$FAUXPAK" info "$TEST_TMP/profiles/root-bind.json"
refused "--bind=/:/var/lib/cache" "its source is the host's root" \
  run_in --bind=/:/var/lib/cache --app-id=$APP -- true
ln -s / "$HOME/root-link"
refused "--ro-bind of a symlink to /" "resolves to /" \
  run_in --ro-bind="$HOME/root-link:/mnt/r" --app-id=$APP -- true
refused "--bind of home elsewhere" "home or a directory above it" \
  run_in --bind="$HOME:/mnt/h" --app-id=$APP -- true
refused "--ro-bind of the directory above home" "home or a directory above it" \
  run_in --ro-bind="$TEST_TMP:/mnt/t" --app-id=$APP -- true
refused "--bind of the host's /proc/sys (core_pattern)" "host's /proc" \
  run_in --bind=/proc/sys:/mnt/sys --app-id=$APP -- true
refused "--bind of the host's /sys" "host's /sys" run_in --bind=/sys:/mnt/sys --app-id=$APP -- true
refused "--ro-bind of /proc/self/fd" "host's /proc" \
  run_in --ro-bind=/proc/self/fd:/mnt/fd --app-id=$APP -- true
printf '[Application]\nname=%s\n' "$OTHER" > "$TEST_TMP/forged-info"
refused "--ro-bind of a forged keyfile over /.flatpak-info" "identified by" \
  run_in --ro-bind="$TEST_TMP/forged-info:/.flatpak-info" --app-id=$APP -- true
refused "--tmpfs over /run/flatpak" "identified by" run_in --tmpfs=/run/flatpak --app-id=$APP -- true
refused "--tmpfs over /" "identified by" run_in --tmpfs=/ --app-id=$APP -- true
refused "--tmpfs over the sandbox's \$XDG_RUNTIME_DIR/flatpak-info" "flatpak-info" \
  run_in --tmpfs="/run/user/$(id -u)" --app-id=$APP -- true

# A profile's runtime paths are read-only binds like any other.
for paths in '"/usr", "/"' '"/usr", "/proc"' "\"/usr\", \"$XDG_RUNTIME_DIR\""; do
  printf '{"app-id": "%s", "command": ["true"], "runtime": {"paths": [%s]}}\n' "$APP" "$paths" > "$TEST_TMP/profiles/runtime.json"
  refused "runtime.paths [$paths]" "runtime.paths" run_in "$TEST_TMP/profiles/runtime.json"
done

# A Flathub manifest may use Flatpak's vocabulary only.
for arg in "--bind=/:/var/lib/cache" "--ro-bind=/etc:/x" "--dev-bind=/dev:/dev" "--tmpfs=/opt" "--bind" "--see-name=org.x.Y"; do
  name=${arg%%=*}
  printf 'app-id: %s\ncommand: "true"\nfinish-args:\n  - --share=ipc\n  - %s\n' "$APP" "$arg" > "$TEST_TMP/profiles/m.yaml"
  printf '{"imports": ["flatpak-manifest:m.yaml"]}\n' > "$TEST_TMP/profiles/manifest.json"
  refused "a manifest's finish-args $arg" "finish-args[1]\": $name is fauxpak's own option" \
    run_in "$TEST_TMP/profiles/manifest.json"
done

# What info lists is what the app gets: a raw bind elsewhere, shown in the
# listing and in /.flatpak-info.
cat > "$TEST_TMP/profiles/elsewhere.json" <<J
{ "app-id": "$APP", "command": ["cat", "/.flatpak-info"],
  "binds": [{ "type": "ro-bind", "source": "$TEST_TMP/elsewhere", "dest": "/opt/data" },
            { "type": "tmpfs", "dest": "/opt/scratch" }] }
J
check_output "info lists a raw bind with its source, its destination and the grant" \
  "#   ro    $TEST_TMP/elsewhere -> /opt/data   [--ro-bind=$TEST_TMP/elsewhere:/opt/data]" \
  "$FAUXPAK" info "$TEST_TMP/profiles/elsewhere.json"
check_output "/.flatpak-info names every raw bind" \
  "binds=--ro-bind=$TEST_TMP/elsewhere:/opt/data;--tmpfs=/opt/scratch;" run_in "$TEST_TMP/profiles/elsewhere.json"

# Over every fixture profile: the app's mount table against info's list.
# Each is run as it is, with its command replaced by one that prints the
# mount table (and what its host lacks made up: a Nix closure becomes the
# host's /usr, a required document portal optional).
mkdir -p "$HOME/project/closure" "$HOME/cfg"
SOURCE_ROOT=$(cd "$TESTS_DIR/.." && pwd)
fixtures=("$SOURCE_ROOT"/data/examples/*.json "$SOURCE_ROOT"/tests/fuzz/corpus-profile/{minimal,full,runtime-paths}.json
          "$TEST_TMP/profiles/elsewhere.json")
for preset in "$SOURCE_ROOT"/data/presets/*.json; do
  name=$(basename "$preset" .json)
  printf '{"app-id": "%s", "imports": ["%s"]}\n' "$APP" "$name" > "$TEST_TMP/profiles/preset-$name.json"
  fixtures+=("$TEST_TMP/profiles/preset-$name.json")
done
for fixture in "${fixtures[@]}"; do
  copy="$TEST_TMP/profiles/run-$(basename "$fixture")"
  "$PY" - "$fixture" "$copy" <<'PY'
import json, os, sys
profile = json.load(open(sys.argv[1]))
profile["command"] = ["/usr/bin/cat", "/proc/self/mountinfo"]
profile.setdefault("app-id", "org.example.Escape")
runtime = profile.get("runtime")
if isinstance(runtime, dict) and not all(os.path.exists(os.path.expandvars(p)) for p in runtime.get("paths", [])):
    runtime["paths"] = ["/usr"] + [p for p in ("/lib", "/lib64") if os.path.exists(p)]
if profile.get("documents") == "required":
    profile["documents"] = "optional"
for bind in profile.get("binds", []):
    bind["optional"] = True  # a source this host lacks (/srv/a) is skipped alike by info and run
# Home is under /tmp here: a tmpfs at /tmp would cover it.
home = os.environ["HOME"]
profile["binds"] = [b for b in profile.get("binds", [])
                    if not (b.get("type") == "tmpfs" and (home + "/").startswith(b["dest"].rstrip("/") + "/"))]
# Relative imports stay where they were.
profile["imports"] = [i if ":" in i or not i.endswith(".json") else os.path.join(os.path.dirname(sys.argv[1]), i)
                      for i in profile.get("imports", [])]
json.dump(profile, open(sys.argv[2], "w"))
PY
  label="fixture $(basename "$(dirname "$fixture")")/$(basename "$fixture")"
  if ! (cd "$HOME/project" && "$FAUXPAK" info "$copy" > "$TEST_TMP/info.txt" 2> "$TEST_TMP/info.err"); then
    not_ok "$label: fauxpak info"; diag "$(cat "$TEST_TMP/info.err")"; continue
  fi
  if ! (cd "$HOME/project" && "$FAUXPAK" run "$copy" > "$TEST_TMP/mounts.txt" 2> "$TEST_TMP/run.err"); then
    not_ok "$label: runs"; diag "$(cat "$TEST_TMP/run.err")"; continue
  fi
  if problems=$("$PY" "$TESTS_DIR/mount-compare.py" /proc/self/mountinfo "$TEST_TMP/mounts.txt" "$TEST_TMP/info.txt"); then
    ok "$label: the app's mount table is what fauxpak info listed"
  else
    not_ok "$label: the app's mount table is what fauxpak info listed"; diag "$problems"
  fi
done

# === 5. other apps' data, buses and identity ================================
mkdir -p "$HOME/.var/app/$OTHER/data"
echo "victim's secret" > "$HOME/.var/app/$OTHER/data/secret"
check "--filesystem=home hides other apps' ~/.var/app" \
  run_in --filesystem=home --app-id=$APP -- sh -c "[ ! -e '$HOME/.var/app/$OTHER' ] && [ -d '$HOME/.var/app/$APP' ]"
check "  …and the app's own directory stays writable" \
  run_in --filesystem=home --app-id=$APP -- sh -c 'echo mine > "$XDG_DATA_HOME/own"'
check "--filesystem=~/.var:ro hides them too" \
  run_in --filesystem=~/.var:ro --app-id=$APP -- test ! -e "$HOME/.var/app/$OTHER/data/secret"
refused "--filesystem=~/.var/app (every app's data)" "other apps' data" \
  run_in --filesystem=~/.var/app --app-id=$APP -- true
ln -s "$HOME/.var/app" "$HOME/apps-link"
refused "  …through a symlink to it" "other apps' data" run_in --filesystem=~/apps-link --app-id=$APP -- true
refused "  …through a raw bind of ~/.var elsewhere" "other apps' data" \
  run_in --ro-bind="$HOME/.var:/mnt/var" --app-id=$APP -- true
check "--persist=.var keeps the app's own, not the others'" \
  run_in --persist=.var --filesystem=home --app-id=$APP -- test ! -e "$HOME/.var/app/$OTHER/data/secret"

# The app writes fauxpak's own permission files through an ordinary grant
# (xdg-config, xdg-data, home) for its next launch to read: an override or
# its installed profile granting the raw session bus. Hidden, as Flatpak
# hides its own directory; a grant of them itself is refused.
mkdir -p "$XDG_CONFIG_HOME"
for grant in xdg-config home; do
  run_in --filesystem=$grant --app-id=$APP -- sh -c \
    "mkdir -p '$XDG_CONFIG_HOME/fauxpak/overrides' && printf '[Context]\\nsockets=session-bus;\\n' > '$XDG_CONFIG_HOME/fauxpak/overrides/$APP'" \
    >/dev/null 2>&1
  check "--filesystem=$grant: the app cannot write its own fauxpak override" \
    test ! -e "$XDG_CONFIG_HOME/fauxpak/overrides/$APP"
done
mkdir -p "$XDG_DATA_HOME/fauxpak/apps/$OTHER" "$XDG_DATA_HOME/flatpak/overrides"
echo '{"app-id": "'$OTHER'"}' > "$XDG_DATA_HOME/fauxpak/apps/$OTHER/profile.json"
check "--filesystem=xdg-data: installed profiles and Flatpak's overrides are hidden" \
  run_in --filesystem=xdg-data --app-id=$APP -- sh -c \
    "[ ! -e '$XDG_DATA_HOME/fauxpak/apps/$OTHER/profile.json' ] && [ ! -e '$XDG_DATA_HOME/flatpak/overrides' ]"
refused "--filesystem=xdg-config/fauxpak (fauxpak's overrides)" "permission files" \
  run_in --filesystem=xdg-config/fauxpak --app-id=$APP -- true
refused "--filesystem=xdg-data/flatpak (Flatpak's overrides and permission store)" "permission files" \
  run_in --filesystem=xdg-data/flatpak --app-id=$APP -- true
rm -rf "$XDG_DATA_HOME/fauxpak" "$XDG_DATA_HOME/flatpak"

refused "--filesystem=xdg-run (no sub-path)" "xdg-run needs a sub-path" run_in --filesystem=xdg-run --app-id=$APP -- true
refused "--filesystem=xdg-run/." "xdg-run needs a sub-path" run_in --filesystem=xdg-run/. --app-id=$APP -- true
# Another app running, with its instance (where its proxy would listen).
run_in --app-id=$OTHER -- sleep 60 &
cleanup_kill $!
wait_for "grep -qsx 'name=$OTHER' \"\$XDG_RUNTIME_DIR\"/.flatpak/*/info" 20
refused "--filesystem=xdg-run/.flatpak (other apps' instances and proxies)" "instance directories" \
  run_in --filesystem=xdg-run/.flatpak:ro --app-id=$APP -- ls "$XDG_RUNTIME_DIR/.flatpak"
other_instance=$(basename "$(dirname "$(grep -lsx "name=$OTHER" "$XDG_RUNTIME_DIR"/.flatpak/*/info | head -n 1)")")
refused "--filesystem=xdg-run/.flatpak/ID (one other instance)" "instance directories" \
  run_in --filesystem="xdg-run/.flatpak/$other_instance" --app-id=$APP -- true
refused "--ro-bind of \$XDG_RUNTIME_DIR elsewhere" "would show the app" \
  run_in --ro-bind="$XDG_RUNTIME_DIR:/mnt/rt" --app-id=$APP -- true
# The runtime directory is in /tmp here: a grant of what holds it holds the bus.
refused "--filesystem=/tmp:ro with \$XDG_RUNTIME_DIR under /tmp (the session bus socket)" "bus socket" \
  run_in --filesystem=/tmp:ro --app-id=$APP -- true
ln -s "$XDG_RUNTIME_DIR" "$HOME/rt-link"
refused "  …through a symlink to \$XDG_RUNTIME_DIR" "would show the app" \
  run_in --filesystem=~/rt-link --app-id=$APP -- true
mkdir -p "$XDG_RUNTIME_DIR/doc/by-app/$OTHER" "$XDG_RUNTIME_DIR/at-spi" "$XDG_RUNTIME_DIR/systemd"
refused "--filesystem=xdg-run/doc/by-app/OTHER (another app's documents)" "document portal" \
  run_in --filesystem="xdg-run/doc/by-app/$OTHER" --app-id=$APP -- true
refused "--ro-bind of the document portal's whole mount" "document portal" \
  run_in --ro-bind="$XDG_RUNTIME_DIR/doc:/mnt/doc" --app-id=$APP -- true
refused "--filesystem=xdg-run/at-spi (the accessibility bus)" "accessibility bus" \
  run_in --filesystem=xdg-run/at-spi --app-id=$APP -- true
refused "--filesystem=xdg-run/systemd (the user's service manager)" "systemd" \
  run_in --filesystem=xdg-run/systemd --app-id=$APP -- true
rt_home="$HOME/rt"; mkdir -m 700 "$rt_home"
refused "--filesystem=home with \$XDG_RUNTIME_DIR inside home" "would show the app" \
  env XDG_RUNTIME_DIR="$rt_home" "$FAUXPAK" run --filesystem=home --app-id=$APP -- true

refused "XDG_RUNTIME_DIR unset (no ~/.cache fallback)" "XDG_RUNTIME_DIR is unset" \
  env -u XDG_RUNTIME_DIR "$FAUXPAK" run --app-id=$APP -- true
check "  …and nothing went to ~/.cache/.flatpak" test ! -e "$HOME/.cache/.flatpak"
mkdir -m 755 "$TEST_TMP/open-run"
refused "XDG_RUNTIME_DIR that others can enter (0755)" "mode 0755" \
  env XDG_RUNTIME_DIR="$TEST_TMP/open-run" "$FAUXPAK" run --app-id=$APP -- true
ln -s "$XDG_RUNTIME_DIR" "$TEST_TMP/run-link"
refused "XDG_RUNTIME_DIR that is a symlink" "a symlink" \
  env XDG_RUNTIME_DIR="$TEST_TMP/run-link" "$FAUXPAK" run --app-id=$APP -- true

host_info_link="/run/user/$(id -u)/flatpak-info"
# (a dangling link: -e alone would not see it)
{ [ -L "$host_info_link" ] || [ -e "$host_info_link" ]; } && had_link=yes || had_link=no
check_output "--filesystem=/run (a parent of /run/flatpak) is not shared, as under Flatpak" \
  "not sharing /run with the sandbox: the path is reserved" run_in --filesystem=/run --app-id=$APP -- true
check "  …the app's /run is its own" run_in --filesystem=/run:ro --app-id=$APP -- test ! -e /run/dbus/system_bus_socket
if [ "$had_link" = no ]; then
  check "  …and no flatpak-info link was made in the host's /run" \
    bash -c "[ ! -L '$host_info_link' ] && [ ! -e '$host_info_link' ]"
fi
if [ -d /run/user ]; then
  check_output "--filesystem=/run/user (a parent of \$XDG_RUNTIME_DIR/flatpak-info) is not shared" \
    "not sharing /run/user" run_in --filesystem=/run/user --app-id=$APP -- true
else
  skip "no /run/user on this host"
fi

# === 6. sockets granted wider than named ====================================
# The issue's layout: GnuPG's socket directory in $XDG_RUNTIME_DIR, with the
# agent's other sockets beside S.gpg-agent. Before, the whole directory was
# bound read-write and the app replaced S.gpg-agent.ssh with its own.
gnupg="$XDG_RUNTIME_DIR/gnupg"
mkdir -m 700 "$gnupg"
"$PY" - "$gnupg" <<'PY' &
import os, socket, sys, time
socks = []
for name in ("S.gpg-agent", "S.gpg-agent.ssh", "S.gpg-agent.extra"):
    s = socket.socket(socket.AF_UNIX)
    s.bind(os.path.join(sys.argv[1], name))
    s.listen()
    socks.append(s)
time.sleep(60)
PY
cleanup_kill $!
wait_for "[ -S '$gnupg/S.gpg-agent.extra' ]" 10
sandbox_gnupg="/run/user/$(id -u)/gnupg"
replace_agent_sockets="
import os, socket
for d in ('$sandbox_gnupg', '$gnupg'):
    for name in ('S.gpg-agent.ssh', 'S.gpg-agent'):
        try:
            os.unlink(os.path.join(d, name))
        except OSError:
            pass
        try:
            socket.socket(socket.AF_UNIX).bind(os.path.join(d, name))
        except OSError:
            pass
"
inode_before=$(stat -c %i "$gnupg/S.gpg-agent.ssh")
agent_inode=$(stat -c %i "$gnupg/S.gpg-agent")
run_in --socket=gpg-agent --app-id=$APP -- "$PY" -c "$replace_agent_sockets" 2>/dev/null
check "--socket=gpg-agent: the app cannot replace the host's S.gpg-agent.ssh (a man in the middle of ssh)" \
  test "$(stat -c %i "$gnupg/S.gpg-agent.ssh")" = "$inode_before"
check "  …nor S.gpg-agent" test "$(stat -c %i "$gnupg/S.gpg-agent")" = "$agent_inode"

# The real gpg-agent, where gpgconf says it listens (under this test's
# GNUPGHOME: a directory of its own, removed at the end).
if command -v gpg-agent >/dev/null && command -v gpgconf >/dev/null; then
  export GNUPGHOME="$HOME/.gnupg"
  mkdir -m 700 "$GNUPGHOME"
  gpg-connect-agent /bye >/dev/null 2>&1
  real_agent=$(gpgconf --list-dirs agent-socket)
  if wait_for "[ -S '$real_agent.ssh' ]" 10; then
    real_ssh_inode=$(stat -c %i "$real_agent.ssh")
    check "  …with the real gpg-agent: the app sees its socket alone" \
      run_in --socket=gpg-agent --app-id=$APP -- sh -c "[ -S '$sandbox_gnupg/S.gpg-agent' ] && [ \"\$(ls -A '$sandbox_gnupg')\" = S.gpg-agent ]"
    check "  …and talks to the agent through it" \
      run_in --socket=gpg-agent --app-id=$APP -- "$PY" -c "import socket; s = socket.socket(socket.AF_UNIX); s.connect('$sandbox_gnupg/S.gpg-agent'); assert s.recv(64).startswith(b'OK')"
    check "  …which is bound read-only (its mode cannot be changed)" \
      run_in --socket=gpg-agent --app-id=$APP -- sh -c "! chmod 777 '$sandbox_gnupg/S.gpg-agent' 2>/dev/null"
    run_in --socket=gpg-agent --app-id=$APP -- "$PY" -c "${replace_agent_sockets//$gnupg/$(dirname "$real_agent")}" 2>/dev/null
    check "  …and cannot replace the agent's S.gpg-agent.ssh" test "$(stat -c %i "$real_agent.ssh")" = "$real_ssh_inode"
  else
    skip "gpg-agent did not start"
  fi
  gpgconf --kill gpg-agent 2>/dev/null
  gpgconf --remove-socketdir 2>/dev/null
  unset GNUPGHOME
else
  skip "gpg-agent is not installed"
fi

# ssh-auth: the socket SSH_AUTH_SOCK names, and never a directory it names.
mkdir -p "$TEST_TMP/ssh"; echo "private key" > "$TEST_TMP/ssh/id_key"
"$PY" -c "import socket,time,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); time.sleep(60)" "$TEST_TMP/ssh/agent.sock" &
cleanup_kill $!
wait_for "[ -S '$TEST_TMP/ssh/agent.sock' ]" 10
check "--socket=ssh-auth: the agent socket, read-only, and not its directory" \
  env SSH_AUTH_SOCK="$TEST_TMP/ssh/agent.sock" "$FAUXPAK" run --socket=ssh-auth --app-id=$APP -- \
  sh -c '[ -S "$SSH_AUTH_SOCK" ] && ! chmod 777 "$SSH_AUTH_SOCK" 2>/dev/null && [ ! -e "$(dirname "$SSH_AUTH_SOCK")/id_key" ]'
check "--socket=ssh-auth with SSH_AUTH_SOCK naming a directory binds nothing" \
  env SSH_AUTH_SOCK="$TEST_TMP/ssh" "$FAUXPAK" run --socket=ssh-auth --app-id=$APP -- \
  sh -c '[ -z "${SSH_AUTH_SOCK:-}" ] && [ ! -e "/run/user/$(id -u)/ssh-auth/id_key" ]'
check "--socket=wayland with WAYLAND_DISPLAY=. does not bind \$XDG_RUNTIME_DIR" \
  env WAYLAND_DISPLAY=. "$FAUXPAK" run --socket=wayland --app-id=$APP -- \
  sh -c '[ ! -e "$XDG_RUNTIME_DIR/wayland-0/.flatpak" ] && [ ! -e "$XDG_RUNTIME_DIR/wayland-0/gnupg" ]'
mkdir -p "$XDG_RUNTIME_DIR/pulse"; echo cookie > "$XDG_RUNTIME_DIR/pulse/cookie"
"$PY" -c "import socket,time,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); time.sleep(60)" "$XDG_RUNTIME_DIR/pulse/native" &
cleanup_kill $!
wait_for "[ -S '$XDG_RUNTIME_DIR/pulse/native' ]" 10
check "--socket=pulseaudio: native alone, read-only" \
  run_in --socket=pulseaudio --app-id=$APP -- \
  sh -c '[ -S "$XDG_RUNTIME_DIR/pulse/native" ] && [ ! -e "$XDG_RUNTIME_DIR/pulse/cookie" ] && ! chmod 777 "$XDG_RUNTIME_DIR/pulse/native" 2>/dev/null'
socket_mounts=$("$FAUXPAK" info --socket=pulseaudio --socket=gpg-agent --socket=pipewire --socket=wayland \
  --socket=x11 --socket=cups --socket=pcsc --socket=ssh-auth --app-id=$APP -- true | grep -F '[--socket=')
check "every socket grant binds one socket, read-only" \
  bash -c "[ -n \"\$1\" ] && ! grep -v '^#   ro ' <<< \"\$1\"" _ "$socket_mounts"
[ -n "$socket_mounts" ] && diag "$socket_mounts"

# === 7. presets that hand out the host ======================================
proxy_rules=$(env DBUS_SESSION_BUS_ADDRESS="unix:path=$XDG_RUNTIME_DIR/no-bus" \
  "$FAUXPAK" info --show-dbus-proxy --preset=desktop --app-id=$APP -- true 2>&1)
check "desktop preset: the proxy does not let the app talk to ca.desrt.dconf" \
  bash -c "[[ '$proxy_rules' == *--filter* ]] && [[ '$proxy_rules' != *ca.desrt.dconf* ]]"

# The real dconf service on a private bus: the app must not change the
# user's settings through it, and its own settings must persist.
if [ -x /usr/libexec/dconf-service ] && command -v dbus-daemon >/dev/null && command -v gsettings >/dev/null; then
  bus_dir="$TEST_TMP/bus"; mkdir -p "$bus_dir"
  dbus-daemon --config-file="$TESTS_DIR/portal/dbus-session.conf" --address="unix:path=$bus_dir/socket" \
    --nofork --print-pid > "$bus_dir/pid" &
  cleanup_kill $!
  wait_for "[ -S '$bus_dir/socket' ]" 10
  export DBUS_SESSION_BUS_ADDRESS="unix:path=$bus_dir/socket"
  /usr/libexec/dconf-service &
  cleanup_kill $!
  wait_for "gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus --method org.freedesktop.DBus.NameHasOwner ca.desrt.dconf 2>/dev/null | grep -q true" 10
  key="org.gnome.desktop.interface clock-format"
  GSETTINGS_BACKEND=dconf gsettings set $key 24h
  before=$(GSETTINGS_BACKEND=dconf gsettings get $key)
  run_in --preset=desktop --app-id=$APP -- sh -c "GSETTINGS_BACKEND=dconf gsettings set $key 12h" >/dev/null 2>&1
  sleep 0.5
  check "desktop preset: dconf write from inside does not change the host's setting" \
    test "$(GSETTINGS_BACKEND=dconf gsettings get $key)" = "$before"
  check "desktop preset: the app's own settings persist (keyfile backend in its config directory)" \
    run_in --preset=desktop --app-id=$APP -- sh -c "gsettings set $key 12h && [ \"\$(gsettings get $key)\" = \"'12h'\" ]"
  check "  …the next run reads them back" \
    run_in --preset=desktop --app-id=$APP -- sh -c "[ \"\$(gsettings get $key)\" = \"'12h'\" ]"
  check "  …from ~/.var/app/APP-ID/config/glib-2.0/settings/keyfile" \
    grep -q "clock-format='12h'" "$HOME/.var/app/$APP/config/glib-2.0/settings/keyfile"
  check "  …and the host's setting is still its own" \
    test "$(GSETTINGS_BACKEND=dconf gsettings get $key)" = "$before"
  unset DBUS_SESSION_BUS_ADDRESS
else
  skip "dconf-service, dbus-daemon or gsettings is missing"
fi

# devshell shares $PWD: never home, above it, / or a system directory
# unless --allow-wide-cwd says so.
for wide in "$HOME" "$TEST_TMP" / /tmp /usr /etc; do
  refused "devshell started in $wide" "--allow-wide-cwd" \
    bash -c "cd '$wide' && '$FAUXPAK' run --preset=devshell --app-id=$APP -- true"
done
mkdir -p "$HOME/.ssh"; echo "ssh key" > "$HOME/.ssh/id_ed25519"
refused "devshell started in ~/.ssh" "hidden directory of your home" \
  bash -c "cd '$HOME/.ssh' && '$FAUXPAK' run --preset=devshell --app-id=$APP -- true"
refused "an example with \$PWD:ro (cli-offline) started in home" "--allow-wide-cwd" \
  bash -c "cd '$HOME' && '$FAUXPAK' info '$SOURCE_ROOT/data/examples/cli-offline.json'"
check "--allow-wide-cwd shares home when asked loudly" \
  bash -c "cd '$HOME' && '$FAUXPAK' run --allow-wide-cwd --preset=devshell --app-id=$APP -- test -e '$HOME/.ssh/id_ed25519'"
check "devshell in a project directory still works" \
  bash -c "cd '$HOME/project' && '$FAUXPAK' run --preset=devshell --app-id=$APP -- touch built.o" 

# Credentials in the environment stay out of devshell…
creds=(GITHUB_TOKEN=ghp_x AWS_ACCESS_KEY_ID=AKIA AWS_SECRET_ACCESS_KEY=s MY_API_TOKEN=t DB_PASSWORD=p
       OPENAI_API_KEY=k VAULT_SECRET_ID=v SSH_AUTH_SOCK=/tmp/agent GPG_AGENT_INFO=/tmp/gpg:1:1)
leaked=$(cd "$HOME/project" && env "${creds[@]}" "$FAUXPAK" run --preset=devshell --app-id=$APP -- env |
         grep -E '^(GITHUB_TOKEN|AWS_|MY_API_TOKEN|DB_PASSWORD|OPENAI_API_KEY|VAULT_SECRET_ID|SSH_AUTH_SOCK|GPG_AGENT_INFO)=' || true)
check "devshell: credentials in the environment do not pass in" test -z "$leaked"
[ -z "$leaked" ] || diag "leaked: $leaked"
cat > "$HOME/project/keeps.json" <<'J'
{ "app-id": "org.example.Escape", "imports": ["devshell"], "command": ["sh", "-c", "echo \"$GITHUB_TOKEN/${AWS_SECRET_ACCESS_KEY:-none}\""],
  "environment": { "GITHUB_TOKEN": true } }
J
check_output "  …unless the profile keeps one by name" "ghp_x/none" \
  bash -c "cd '$HOME/project' && env ${creds[*]} '$FAUXPAK' run keeps.json"
check "  …other variables still pass" \
  bash -c "cd '$HOME/project' && env FAUXPAK_PLAIN=yes '$FAUXPAK' run --preset=devshell --app-id=$APP -- sh -c '[ \"\$FAUXPAK_PLAIN\" = yes ]'"

# === the real flatpak as the oracle =========================================
# The same probe under `flatpak run` of a real (offline-built) app and under
# fauxpak, for what fauxpak claims to do as Flatpak does: other apps' data
# hidden under home and ~/.var, gpg-agent's one socket (where gpgconf puts
# it under this test's home: as a user without /run/user/UID), xdg-run refused.
# The gpg-agent run comes last: flatpak leaves its mount point behind.
ORACLE_APP=org.example.EscapeOracle
if flatpak_app_init "$TEST_TMP/flatpak" &&
   flatpak_app_runtime org.example.EscapeRuntime /bin/busybox &&
   flatpak_app_build $ORACLE_APP org.example.EscapeRuntime /bin/busybox; then
  mkdir -p "$HOME/.var/app/$OTHER/data" "$HOME/docs"
  echo secret > "$HOME/.var/app/$OTHER/data/secret"
  echo doc > "$HOME/docs/a"
  probe='for p in "$HOME/.var/app/'$OTHER'/data/secret" "$HOME/.var/app/'$ORACLE_APP'" "$HOME/docs/a" "$HOME/.var/app"; do
           if [ -e "$p" ]; then echo "present $p"; else echo "absent $p"; fi; done
         ls -A "$HOME/.var/app" | tr "\n" " "; echo
         ls -A "/run/user/$(id -u)/gnupg" 2>/dev/null | tr "\n" " "; echo'
  # A gpg-agent where gpgconf says it listens, with its other sockets.
  agent=$(gpgconf --list-dirs agent-socket 2>/dev/null)
  if [[ "$agent" == "$TEST_TMP"/* ]]; then
    mkdir -p -m 700 "$(dirname "$agent")"
    "$PY" - "$agent" <<'PY' &
import socket, sys, time
socks = []
for suffix in ("", ".ssh", ".extra"):
    s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1] + suffix); s.listen(); socks.append(s)
time.sleep(60)
PY
    cleanup_kill $!
    wait_for "[ -S '$agent.extra' ]" 10
  fi
  for options in "--filesystem=home" "--filesystem=~/.var:ro" "--filesystem=home --socket=gpg-agent"; do
    # shellcheck disable=SC2086
    expected=$(flatpak run --user $options --command=busybox $ORACLE_APP sh -c "$probe" 2>"$TEST_TMP/flatpak.err")
    # shellcheck disable=SC2086
    got=$("$FAUXPAK" run $options --app-id=$ORACLE_APP -- /bin/busybox sh -c "$probe" 2>/dev/null)
    if [ -n "$expected" ] && [ "$got" = "$expected" ]; then
      ok "as under flatpak run $options: other apps' data hidden, the app's own there, sockets as named"
    else
      not_ok "as under flatpak run $options"
      diff <(echo "$expected") <(echo "$got") | sed "s/^/# /"; sed "s/^/# /" "$TEST_TMP/flatpak.err"
    fi
  done
  flatpak run --user --filesystem=xdg-run --command=busybox $ORACLE_APP true >/dev/null 2>&1
  flatpak_status=$?
  "$FAUXPAK" run --filesystem=xdg-run --app-id=$ORACLE_APP -- true >/dev/null 2>&1
  fauxpak_status=$?
  check "--filesystem=xdg-run is refused by flatpak ($flatpak_status) and by fauxpak ($fauxpak_status)" \
    test "$flatpak_status" -ne 0 -a "$fauxpak_status" -eq 125
else
  skip "the real flatpak as the oracle: $FLATPAK_APP_ERROR"
fi
