#!/bin/bash
# fauxpak run: what the app sees from inside the sandbox.
source "$(dirname "$0")/../lib.sh"

APP=org.example.Probe
run_in () { "$FAUXPAK" run "$@"; }

# --- .flatpak-info ---------------------------------------------------------
info=$(run_in --share=network --socket=pulseaudio --filesystem=xdg-download:ro \
        --talk-name=org.example.Peer --env=GREETING=hi \
        --app-id=$APP -- cat /.flatpak-info)
check_output ".flatpak-info names the app" "name=$APP" echo "$info"
check_output ".flatpak-info has an instance id" "instance-id=" echo "$info"
check_output ".flatpak-info [Context] shared" "shared=network;" echo "$info"
check_output ".flatpak-info [Context] filesystems" "filesystems=xdg-download:ro;" echo "$info"
check_output ".flatpak-info session bus policy" "org.example.Peer=talk" echo "$info"
check_output ".flatpak-info [Environment]" "GREETING=hi" echo "$info"
check_output ".flatpak-info [Instance] arch" "arch=$(uname -m)" echo "$info"
check "XDG_RUNTIME_DIR/flatpak-info is the same file" \
  run_in --app-id=$APP -- sh -c 'cmp /.flatpak-info "$XDG_RUNTIME_DIR/flatpak-info"'
check "/.flatpak-info cannot be written" \
  run_in --app-id=$APP -- sh -c '! (echo x >> /.flatpak-info) 2>/dev/null'
check "/.flatpak-info cannot be replaced" \
  run_in --app-id=$APP -- sh -c '! rm -f /.flatpak-info 2>/dev/null && ! mv /tmp /.flatpak-info 2>/dev/null; grep -q name=org.example.Probe /.flatpak-info'

# --- environment -----------------------------------------------------------
envdump=$(run_in --env=FOO=bar --app-id=$APP -- env)
check_output "FLATPAK_ID is the app id" "FLATPAK_ID=$APP" echo "$envdump"
check_output "container=flatpak" "container=flatpak" echo "$envdump"
check_output "XDG_DATA_HOME inside ~/.var/app" "XDG_DATA_HOME=$HOME/.var/app/$APP/data" echo "$envdump"
check_output "XDG_CONFIG_HOME inside ~/.var/app" "XDG_CONFIG_HOME=$HOME/.var/app/$APP/config" echo "$envdump"
check_output "XDG_CACHE_HOME inside ~/.var/app" "XDG_CACHE_HOME=$HOME/.var/app/$APP/cache" echo "$envdump"
check_output "--env sets a variable" "FOO=bar" echo "$envdump"
export FAUXPAK_TEST_VAR=present
check "--unset-env removes a variable" \
  run_in --unset-env=FAUXPAK_TEST_VAR --app-id=$APP -- sh -c '[ -z "${FAUXPAK_TEST_VAR+x}" ]'
unset FAUXPAK_TEST_VAR

# --- home and grants -------------------------------------------------------
mkdir -p "$HOME/secret" "$HOME/docs" "$HOME/ro" "$TEST_TMP/elsewhere"
echo "top secret" > "$HOME/secret/key.txt"
echo "readable" > "$HOME/docs/a.txt"
echo "read only" > "$HOME/ro/b.txt"
echo "moved" > "$TEST_TMP/elsewhere/c.txt"

check "home is invisible by default" \
  run_in --app-id=$APP -- sh -c '[ ! -e "$HOME/secret" ] && [ -z "$(ls -A "$HOME" | grep -v "^.var$")" ]'
check "a granted path is readable" \
  run_in --filesystem="$HOME/docs" --app-id=$APP -- grep -q readable "$HOME/docs/a.txt"
check "a grant does not reveal its siblings" \
  run_in --filesystem="$HOME/docs" --app-id=$APP -- test ! -e "$HOME/secret/key.txt"
check "a read-write grant is writable and the host sees it" \
  run_in --filesystem=~/docs --app-id=$APP -- sh -c "echo written > $HOME/docs/new.txt"
check "  …the write landed on the host" grep -q written "$HOME/docs/new.txt"
check "a :ro grant is readable" \
  run_in --filesystem=~/ro:ro --app-id=$APP -- grep -q "read only" "$HOME/ro/b.txt"
check "a :ro grant is not writable" \
  run_in --filesystem=~/ro:ro --app-id=$APP -- sh -c "! echo x 2>/dev/null > $HOME/ro/b.txt"
check "  …and the host file is unchanged" grep -qx "read only" "$HOME/ro/b.txt"
check "--filesystem=home shows home" \
  run_in --filesystem=home --app-id=$APP -- grep -q "top secret" "$HOME/secret/key.txt"
check ":create makes the directory on the host" \
  run_in --filesystem=~/made:create --app-id=$APP -- test -d "$HOME/made"
check "  …it exists on the host" test -d "$HOME/made"
# As under Flatpak, a revoked directory is an empty one.
check "--nofilesystem revokes a grant" \
  run_in --filesystem=~/docs --nofilesystem=~/docs --app-id=$APP -- test ! -e "$HOME/docs/a.txt"
check "a source mounted at another destination (--ro-bind=SRC:DST)" \
  run_in --ro-bind="$TEST_TMP/elsewhere:/opt/data" --app-id=$APP -- grep -q moved /opt/data/c.txt
check "  …and not at its own path" \
  run_in --ro-bind="$TEST_TMP/elsewhere:/opt/data" --app-id=$APP -- test ! -e "$TEST_TMP/elsewhere"
check "--tmpfs mounts an empty directory" \
  run_in --tmpfs=/opt/scratch --app-id=$APP -- sh -c 'touch /opt/scratch/x && [ -f /opt/scratch/x ]'
check "persistent app data survives between runs" \
  run_in --app-id=$APP -- sh -c 'echo kept > "$XDG_DATA_HOME/state"'
check "  …the next run reads it" run_in --app-id=$APP -- sh -c 'grep -q kept "$XDG_DATA_HOME/state"'
check "  …it lives in ~/.var/app/<id>/data on the host" grep -q kept "$HOME/.var/app/$APP/data/state"
check "--persist keeps ~/DIR in ~/.var/app/<id>/DIR" \
  run_in --persist=.mozilla --app-id=$APP -- sh -c 'echo p > "$HOME/.mozilla/prefs"'
check "  …on the host" grep -q p "$HOME/.var/app/$APP/.mozilla/prefs"
check "the host's /usr is there read-only" \
  run_in --app-id=$APP -- sh -c '[ -x /usr/bin/env ] && ! touch /usr/fauxpak-test 2>/dev/null'
touch "$TEST_TMP/host-tmp-marker"
check "/tmp is private" \
  run_in --app-id=$APP -- test ! -e "$TEST_TMP/host-tmp-marker"

# --- processes, namespaces --------------------------------------------------
check "new pid namespace: the host's processes are not visible" \
  run_in --app-id=$APP -- sh -c '[ "$(ls -d /proc/[0-9]* | wc -l)" -lt 6 ]'
check_status "the app's exit status is fauxpak's" 42 run_in --app-id=$APP -- sh -c 'exit 42'

# --- network ---------------------------------------------------------------
"$SYSTEM_PYTHON" "$TESTS_DIR/tcp-listen.py" "$TEST_TMP/port" &
cleanup_kill $!
if wait_for '[ -s "$TEST_TMP/port" ]'; then
  port=$(cat "$TEST_TMP/port")
  check "the host's loopback server answers on the host" \
    bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && read -r line <&3 && [ \"\$line\" = hello ]"
  check "network off: no route to the host's loopback server" \
    run_in --app-id=$APP -- bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null"
  interfaces='tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | grep -vx lo | wc -l'
  check "network off: only a loopback interface" \
    run_in --app-id=$APP -- sh -c "[ \$($interfaces) -eq 0 ]"
  check "  (control: with the network shared the host's interfaces show)" \
    run_in --share=network --app-id=$APP -- sh -c "[ \$($interfaces) -gt 0 ]"
  check "--share=network reaches the host's loopback server" \
    run_in --share=network --app-id=$APP -- bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && read -r line <&3 && [ \"\$line\" = hello ]"
else
  not_ok "test server did not start"
fi

# --- the current directory ----------------------------------------------
mkdir -p "$HOME/project/src" "$HOME/other"
echo code > "$HOME/project/src/main.c"
echo private > "$HOME/other/notes"
check "devshell preset: the current directory is read-write" \
  bash -c "cd '$HOME/project' && '$FAUXPAK' run --preset=devshell --app-id=$APP -- sh -c 'pwd; cat src/main.c; touch built.o' | grep -q code"
check "  …the build output is on the host" test -f "$HOME/project/built.o"
check "devshell preset: a sibling directory is hidden" \
  bash -c "cd '$HOME/project' && '$FAUXPAK' run --preset=devshell --app-id=$APP -- test ! -e '$HOME/other/notes'"
check "an unshared current directory starts the app in home" \
  bash -c "cd '$HOME/other' && '$FAUXPAK' run --app-id=$APP -- pwd | grep -qx '$HOME'"

# --- profiles ----------------------------------------------------------------
mkdir -p "$TEST_TMP/store/abc-hello/bin" "$TEST_TMP/profiles"
printf '#!/usr/bin/sh\necho hello from the store\n' > "$TEST_TMP/store/abc-hello/bin/hello"
chmod +x "$TEST_TMP/store/abc-hello/bin/hello"
cat > "$TEST_TMP/profiles/closure.json" <<J
{
  "app-id": "org.example.Closure",
  "command": ["$TEST_TMP/store/abc-hello/bin/hello"],
  "runtime": { "paths": ["/usr", "/lib", "/lib64", "\$FAUXPAK_TEST_STORE/abc-hello"], "host-etc": false }
}
J
export FAUXPAK_TEST_STORE="$TEST_TMP/store"
check_output "runtime paths: the listed closure runs" "hello from the store" \
  "$FAUXPAK" run "$TEST_TMP/profiles/closure.json"
"$FAUXPAK" info --show-bwrap "$TEST_TMP/profiles/closure.json" > "$TEST_TMP/closure.args"
check "runtime paths: /usr is bound but no /bin link and no host /etc" \
  bash -c "grep -qx /usr '$TEST_TMP/closure.args' && ! grep -qx /bin '$TEST_TMP/closure.args' && ! grep -qx /etc/passwd '$TEST_TMP/closure.args'"
sed -i 's/"command": \[.*\]/"command": ["\/usr\/bin\/sh", "-c", "test ! -e \/bin \&\& test ! -e \/etc\/passwd"]/' "$TEST_TMP/profiles/closure.json"
check "runtime paths: inside, /bin and /etc/passwd do not exist" "$FAUXPAK" run "$TEST_TMP/profiles/closure.json"

cat > "$TEST_TMP/profiles/vars.json" <<'J'
{
  "app-id": "org.example.Vars",
  "command": ["sh", "-c"],
  "shared": ["network"],
  "filesystems": ["$HOME/docs:ro", "${HOME}/ro"],
  "environment": { "FROM_PROFILE": "yes", "LANG": null }
}
J
check "\$HOME and \${HOME} in profile paths are expanded at launch" \
  "$FAUXPAK" run "$TEST_TMP/profiles/vars.json" 'grep -q readable ~/docs/a.txt && grep -q "read only" ~/ro/b.txt'
check "profile arguments come after the profile's own" \
  "$FAUXPAK" run "$TEST_TMP/profiles/vars.json" '[ "$FROM_PROFILE" = yes ] && [ -z "${LANG+x}" ]'
if [ -n "${port:-}" ]; then
  check "the command line overrides the profile (--unshare=network)" \
    "$FAUXPAK" run --unshare=network "$TEST_TMP/profiles/vars.json" "! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null"
fi
check "the command line overrides the profile (--nofilesystem)" \
  "$FAUXPAK" run --nofilesystem='~/docs' "$TEST_TMP/profiles/vars.json" 'test ! -e ~/docs/a.txt'
check_output "info prints the keyfile the launch would write" "name=org.example.Vars" \
  "$FAUXPAK" info "$TEST_TMP/profiles/vars.json"
check_output "info shows command-line overrides" "shared=network;ipc;" \
  "$FAUXPAK" info --share=ipc "$TEST_TMP/profiles/vars.json"

# --- symlinks in grants ------------------------------------------------------
mkdir -p "$HOME/real/dir" "$HOME/real/other" "$HOME/links"
echo "through the link" > "$HOME/real/dir/f"
ln -s "$HOME/real/dir" "$HOME/links/to-dir"
ln -s / "$HOME/links/to-root"
ln -s "$HOME/.." "$HOME/links/to-above-home"
ln -s /etc "$HOME/links/to-runtime"
check "a granted symlink shows its target through the name" \
  run_in --filesystem=~/links/to-dir --app-id=$APP -- grep -q "through the link" "$HOME/links/to-dir/f"
check "  …as a symlink to the target's real path" \
  run_in --filesystem=~/links/to-dir --app-id=$APP -- sh -c "[ \"\$(readlink '$HOME/links/to-dir')\" = '$HOME/real/dir' ]"
check "  …and nothing beside the target" \
  run_in --filesystem=~/links/to-dir --app-id=$APP -- test ! -e "$HOME/real/other"
check_output "a symlink to / is not followed, and fauxpak says why" "which is wider than what was named" \
  run_in --filesystem=~/links/to-root --app-id=$APP -- true
check "  …the sandbox does not get the host's root there" \
  run_in --filesystem=~/links/to-root --app-id=$APP -- sh -c "[ ! -e '$HOME/links/to-root/etc/shadow' ] && [ ! -e '$HOME/links/to-root/work' ]"
check "a symlink to a directory above home is not followed" \
  run_in --filesystem=~/links/to-above-home --app-id=$APP -- test ! -e "$HOME/links/to-above-home"
check "a symlink into the runtime (/etc) is not followed" \
  run_in --filesystem=~/links/to-runtime:ro --app-id=$APP -- test ! -e "$HOME/links/to-runtime"

# --- what the app inherits ---------------------------------------------------
check "the app holds no fd to the instance's .ref or any .flatpak file" \
  run_in --app-id=$APP -- sh -c '! ls -l /proc/self/fd/ | grep -q "\.flatpak/"'
preload_lines=$(run_in --env=LD_PRELOAD=/nonexistent/fauxpak-preload.so --app-id=$APP -- true 2>&1 | grep -c fauxpak-preload)
check "a profile's LD_PRELOAD is the app's, not the host bwrap's (one loader message, not two)" \
  test "$preload_lines" -eq 1
check "the bwrap command line carries the app's environment" \
  bash -c "'$FAUXPAK' info --show-bwrap --env=SHOWN=yes --app-id=$APP -- true | grep -qx SHOWN"
check "a directory the sandbox sees at the same path is where the app starts (/usr/share)" \
  bash -c "cd /usr/share && '$FAUXPAK' run --app-id=$APP -- pwd | grep -qx /usr/share"

# --- a --preset adds permissions, never identity ----------------------------
mkdir -p "$TEST_TMP/presets"
cat > "$TEST_TMP/presets/team.json" <<'J'
{ "app-id": "org.example.FromPreset", "command": ["/bin/false"], "shared": ["network"] }
J
check_output "--preset does not replace --app-id" "name=$APP" \
  env FAUXPAK_PRESET_PATH="$TEST_TMP/presets" "$FAUXPAK" info --preset=team --app-id=$APP -- true
check_output "  …but adds its permissions" "shared=network;" \
  env FAUXPAK_PRESET_PATH="$TEST_TMP/presets" "$FAUXPAK" info --preset=team --app-id=$APP -- true
check_output "  …and does not replace the command" "mine" \
  env FAUXPAK_PRESET_PATH="$TEST_TMP/presets" "$FAUXPAK" run --preset=team --app-id=$APP -- echo mine

# --- a persistent directory replaced by a symlink from inside ---------------
# (Flatpak's CVE-2024-42472: the next launch would bind the link's target.)
PERSIST_APP=org.example.Persist
run_in --persist=.state --app-id=$PERSIST_APP -- sh -c \
  "mv ~/.var/app/$PERSIST_APP/.state ~/.var/app/$PERSIST_APP/.old && ln -s / ~/.var/app/$PERSIST_APP/.state"
check "  (the app could plant the symlink in its own data directory)" test -L "$HOME/.var/app/$PERSIST_APP/.state"
check_status "the next launch refuses to bind it" 125 \
  run_in --persist=.state --app-id=$PERSIST_APP -- touch "$HOME/.state/tmp/escaped"
check_output "  …saying why" "is not a directory (a symlink?)" \
  run_in --persist=.state --app-id=$PERSIST_APP -- true
check "  …and nothing was written through it" test ! -e /tmp/escaped
