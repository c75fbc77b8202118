#!/bin/bash
# The everyday command line against real sandboxes: ps, kill, enter,
# override, presets, run's --command/--cwd/--sandbox/--verbose, and the
# errors a newcomer meets. As root and as a user (enter where the kernel
# lets the user join the sandbox).
source "$(dirname "$0")/../lib.sh"
: "${TRY_SYSCALL:?TRY_SYSCALL must point at the try-syscall probe (meson test sets it)}"

APP=org.example.Cli
PROBE_HOST="$TEST_TMP/try-syscall"
PROBE=/opt/try-syscall
cp "$TRY_SYSCALL" "$PROBE_HOST" && chmod 755 "$PROBE_HOST"
export FAUXPAK_PRESET_PATH="$TESTS_DIR/../data/presets"
echo "host secret" > "$TEST_TMP/secret"

# start_app APP [RUN OPTIONS…]: a long-running sandbox; sets $launcher and
# $instance once its app runs.
start_app () {
  local app=$1; shift
  local before
  before=$(ls "$XDG_RUNTIME_DIR/.flatpak" 2>/dev/null)
  HOST_ONLY=leak "$FAUXPAK" run --ro-bind="$PROBE_HOST:$PROBE" --env=SANDBOX_VAR=inside "$@" \
    --app-id="$app" -- sleep 300 &
  launcher=$!
  cleanup_kill $launcher
  instance=
  wait_for "[ -n \"\$(app_instance $app $launcher)\" ]" 10 || return 1
  instance=$(app_instance "$app" "$launcher")
}

# app_instance APP PID: the instance id whose bwrap is PID and whose app runs.
app_instance () {
  "$FAUXPAK" ps --json | /usr/bin/python3 -c '
import json, sys
for i in json.load(sys.stdin):
    if i["application"] == sys.argv[1] and i["pid"] == int(sys.argv[2]) and i["command"] == "sleep 300":
        print(i["instance"])' "$1" "$2"
}

# --- ps --------------------------------------------------------------------
if start_app $APP; then ok "a sandbox starts and ps --json lists it"; else not_ok "a sandbox starts and ps --json lists it"; exit 1; fi
child=$("$FAUXPAK" ps --json | /usr/bin/python3 -c 'import json,sys; print([i["child-pid"] for i in json.load(sys.stdin) if i["instance"] == sys.argv[1]][0])' "$instance")
check_output "ps has the six columns" "INSTANCE     PID      CHILD-PID APPLICATION" "$FAUXPAK" ps
check "ps shows instance, pids, app id, start time and command" \
  bash -c "'$FAUXPAK' ps | grep -qE '^$instance +$launcher +$child +$APP +[0-9:-]+ +sleep 300\$'"
check "ps --columns picks and orders columns" \
  bash -c "'$FAUXPAK' ps --columns=application,instance | grep -qE '^$APP +$instance\$'"
check "ps --json has instance, pid, child-pid and application" /usr/bin/python3 -c '
import json, subprocess, sys
items = json.loads(subprocess.run([sys.argv[1], "ps", "--json"], capture_output=True, check=True).stdout)
mine = [i for i in items if i["instance"] == sys.argv[2]]
assert len(mine) == 1 and mine[0]["pid"] == int(sys.argv[3]) and mine[0]["child-pid"] == int(sys.argv[4])
assert mine[0]["application"] == sys.argv[5] and mine[0]["start-time"] > 0
' "$FAUXPAK" "$instance" "$launcher" "$child" "$APP"
check_output "ps --columns with a typo suggests the column" 'did you mean "application"' \
  "$FAUXPAK" ps --columns=instance,aplication
check_status "  …and refuses with 125" 125 "$FAUXPAK" ps --columns=instance,aplication

# --- enter -------------------------------------------------------------------
enter_output=$("$FAUXPAK" enter $APP sh -c 'echo "id=$FLATPAK_ID var=${SANDBOX_VAR:-} run=$XDG_RUNTIME_DIR"' 2>&1)
enter_status=$?
if [ $enter_status -ne 0 ] && [[ $enter_output == *"does not let"* ]] && [ "$(id -u)" -ne 0 ]; then
  for _ in 1 2 3 4 5 6 7 8 9 10; do skip "enter: the kernel does not let $(id -un) join: $enter_output"; done
else
  check "enter runs a command with the app's environment, not bwrap's (the host's)" \
    test "$enter_output" = "id=$APP var=inside run=/run/user/$(id -u)"
  check "enter by instance id runs in the same sandbox (its pid 1 is bwrap's init, the app is there)" \
    "$FAUXPAK" enter "$instance" sh -c 'grep -qx bwrap /proc/1/comm && grep -lx sleep /proc/[0-9]*/comm >/dev/null'
  check "enter sees the sandbox's root: /.flatpak-info names the app" \
    "$FAUXPAK" enter $APP grep -qx "name=$APP" /.flatpak-info
  check "enter does not see the host's files" "$FAUXPAK" enter $APP test ! -e "$TEST_TMP/secret"
  check "enter's command holds no capabilities" \
    "$FAUXPAK" enter $APP grep -q '^CapEff:[[:space:]]*0*$' /proc/self/status
  check "enter's command has no_new_privs and a seccomp filter" \
    "$FAUXPAK" enter $APP sh -c 'grep -q "^NoNewPrivs:[[:space:]]*1$" /proc/self/status && grep -q "^Seccomp:[[:space:]]*2$" /proc/self/status'
  check_output "enter's command gets the sandbox's filter: unshare(CLONE_NEWUSER) is refused" EPERM \
    "$FAUXPAK" enter $APP "$PROBE" unshare-user
  check_output "  …and mount is refused" EPERM "$FAUXPAK" enter $APP "$PROBE" mount
  check_status "enter returns the command's exit status" 7 "$FAUXPAK" enter $APP sh -c 'exit 7'
  check "enter starts in the app's directory" \
    bash -c "[ \"\$('$FAUXPAK' enter $APP pwd)\" = \"\$(readlink /proc/\$(cat /proc/$child/task/$child/children | cut -d' ' -f1)/cwd)\" ]"
fi
# Another user may not enter: the kernel keeps root's (or anyone's)
# sandbox to its owner, and the error says so.
if [ "$(id -u)" -eq 0 ] && runuser -u nobody -- test -x "$FAUXPAK" 2>/dev/null; then
  chmod 755 "$XDG_RUNTIME_DIR" && chmod -R a+rX "$XDG_RUNTIME_DIR/.flatpak"
  check_output "another user cannot enter root's sandbox, and is told why" "belongs to another user" \
    runuser -u nobody -- env -i PATH=/usr/bin:/bin HOME=/ XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" "$FAUXPAK" enter $APP true
  check_status "  …with 125" 125 \
    runuser -u nobody -- env -i PATH=/usr/bin:/bin HOME=/ XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" "$FAUXPAK" enter $APP true
  chmod 700 "$XDG_RUNTIME_DIR"
else
  skip "entering another user's sandbox: needs root and a fauxpak that nobody can run"
  skip "entering another user's sandbox: needs root and a fauxpak that nobody can run"
fi
check_output "enter with an unknown app id says so and suggests a running one" \
  "no running instance or app id \"org.example.Clj\"; did you mean \"$APP\"?" "$FAUXPAK" enter org.example.Clj true
check_status "  …with 125" 125 "$FAUXPAK" enter org.example.Clj true
check_output "enter without a command says what it expects" "expected INSTANCE|APP-ID COMMAND" "$FAUXPAK" enter $APP
check_status "enter of a missing program fails with 127" 127 "$FAUXPAK" enter $APP /no/such/program

# --- kill --------------------------------------------------------------------
second_launcher=$launcher
second_instance=$instance
start_app $APP
check "two instances of one app run" bash -c "[ \$('$FAUXPAK' ps --columns=application | grep -cx $APP) -eq 2 ]"
check_status "kill APP-ID succeeds" 0 "$FAUXPAK" kill $APP
check "  …and ends every instance of it" bash -c "! '$FAUXPAK' ps --columns=application | grep -qx $APP"
check "  …bwrap has exited" bash -c "! kill -0 $launcher 2>/dev/null || grep -q '^State:.*Z' /proc/$launcher/status"
check "  …and so has the other instance's" \
  bash -c "! kill -0 $second_launcher 2>/dev/null || grep -q '^State:.*Z' /proc/$second_launcher/status"
wait $launcher $second_launcher 2>/dev/null
start_app org.example.KillOne
one=$instance one_launcher=$launcher
start_app org.example.KillTwo
check_status "kill INSTANCE succeeds" 0 "$FAUXPAK" kill "$one"
check "  …and ends that instance only" \
  bash -c "! '$FAUXPAK' ps --columns=instance | grep -qx '$one' && '$FAUXPAK' ps --columns=instance | grep -qx '$instance'"
"$FAUXPAK" kill org.example.KillTwo
wait $one_launcher $launcher 2>/dev/null
check_output "kill of nothing says that nothing runs" "nothing runs" "$FAUXPAK" kill org.example.Gone
check_status "  …with 125" 125 "$FAUXPAK" kill org.example.Gone
if command -v flatpak >/dev/null; then
  start_app org.example.Flatpak
  check "the real flatpak ps lists what fauxpak ps lists" \
    bash -c "flatpak ps --columns=instance,application | grep -qP '^$instance\torg.example.Flatpak\$'"
  "$FAUXPAK" kill org.example.Flatpak
  check "  …and not once fauxpak kill ended it" \
    bash -c "! flatpak ps --columns=instance | grep -qx '$instance'"
  wait $launcher 2>/dev/null
else
  skip "flatpak is not installed"; skip "flatpak is not installed"
fi

# --- override -------------------------------------------------------------------
OV=org.example.Override
ov_file="$XDG_CONFIG_HOME/fauxpak/overrides/$OV"
check_status "override with permissions succeeds" 0 \
  "$FAUXPAK" override --share=network --nosocket=x11 --filesystem=xdg-download:ro --env=OVERRIDDEN=yes $OV
check "  …and writes a [Context] keyfile in \$XDG_CONFIG_HOME/fauxpak/overrides" \
  bash -c "grep -qx 'shared=network;' '$ov_file' && grep -qx 'sockets=!x11;' '$ov_file' && grep -qx '\[Context\]' '$ov_file'"
check_output "override --show prints it" "filesystems=xdg-download:ro;" "$FAUXPAK" override --show $OV
"$FAUXPAK" override --socket=wayland $OV
check_output "a second override adds to the first" "shared=network;" "$FAUXPAK" override --show $OV
check "  …its own change too" bash -c "'$FAUXPAK' override --show $OV | grep -qx 'sockets=!x11;wayland;'"
check "info shows the override's grants" \
  bash -c "'$FAUXPAK' info --app-id=$OV -- true | grep -qx 'shared=network;'"
check_output "info says which override applies" "$ov_file" "$FAUXPAK" info --app-id=$OV -- true
check "the sandbox gets the override: its environment" \
  bash -c "[ \"\$('$FAUXPAK' run --app-id=$OV -- sh -c 'echo \$OVERRIDDEN')\" = yes ]"
check "the override applies after the profile: it revokes what the profile grants" \
  bash -c "'$FAUXPAK' info --socket=x11 --app-id=$OV -- true | grep -q '^sockets=.*x11' && \
           printf '{\"app-id\": \"$OV\", \"command\": \"true\", \"sockets\": [\"x11\"]}' > '$TEST_TMP/ov.json' && \
           ! '$FAUXPAK' info '$TEST_TMP/ov.json' | grep -q '^sockets=.*x11'"
check "command-line options apply after the override" \
  bash -c "! '$FAUXPAK' info --unshare=network --app-id=$OV -- true | grep -q '^shared=network'"
check "run --sandbox drops the profile's and the override's grants" \
  bash -c "! '$FAUXPAK' run --sandbox --app-id=$OV -- cat /.flatpak-info | grep -q '^shared=\|^filesystems='"
check "  …while options given with it still add" \
  bash -c "'$FAUXPAK' run --sandbox --share=ipc --app-id=$OV -- cat /.flatpak-info | grep -qx 'shared=ipc;'"
check_output "override refuses what [Context] cannot say" "--bind has no place in an override" \
  "$FAUXPAK" override --bind=/tmp $OV
check_output "override with a typo suggests the option" 'did you mean "--share"' "$FAUXPAK" override --sahre=network $OV
check_output "override with a bad value names it" 'did you mean "wayland"' "$FAUXPAK" override --socket=waylnd $OV
check_output "override of an invalid app id says so" 'app id "../../evil"' "$FAUXPAK" override --share=network ../../evil
check_status "override --reset succeeds" 0 "$FAUXPAK" override --reset $OV
check "  …and removes the file" test ! -e "$ov_file"
check "  …and info no longer grants the network" bash -c "! '$FAUXPAK' info --app-id=$OV -- true | grep -q '^shared='"
mkdir -p "$(dirname "$ov_file")" && printf '[Context]\nsockets=waylnd;\n' > "$ov_file"
check_output "a broken override refuses the launch, naming the file and key" "$ov_file: [Context] sockets" \
  "$FAUXPAK" run --app-id=$OV -- true
check_status "  …with 125 (never a launch without it)" 125 "$FAUXPAK" run --app-id=$OV -- true
rm -f "$ov_file"

# --- run's options ------------------------------------------------------------
check "run --command runs another program with the arguments that follow" \
  bash -c "[ \"\$('$FAUXPAK' run --app-id=$APP --command=echo -- true hello)\" = hello ]"
printf '{"app-id": "%s", "command": ["sh", "-c", "echo from-profile"]}\n' $APP > "$TEST_TMP/cmd.json"
check "run --command replaces a profile's command and its default arguments" \
  bash -c "[ \"\$('$FAUXPAK' run --command=echo '$TEST_TMP/cmd.json' given)\" = given ]"
check "run --cwd starts in that directory" bash -c "[ \"\$('$FAUXPAK' run --cwd=/tmp --app-id=$APP -- pwd)\" = /tmp ]"
verbose=$("$FAUXPAK" run --verbose --app-id=$APP -- echo ran 2>&1)
check "run --verbose prints the sandbox's permissions" bash -c "[[ '$verbose' == *'[Application]'*'name=$APP'* ]]"
check "  …and the bubblewrap command line" bash -c "[[ \"\$1\" == *'fauxpak: bubblewrap:'*'--unshare-pid'* ]]" _ "$verbose"
check "  …and still runs the app" bash -c "[[ \"\$1\" == *ran* ]]" _ "$verbose"

# --- the errors a newcomer meets ------------------------------------------------
check_output "a missing program is refused with its name" "program /no/such/program does not exist" \
  "$FAUXPAK" run --app-id=$APP -- /no/such/program
check_status "  …with 125" 125 "$FAUXPAK" run --app-id=$APP -- /no/such/program
check_output "a missing program in PATH is refused with its name" "program no-such-program not found in PATH" \
  "$FAUXPAK" run --app-id=$APP -- no-such-program
printf '#!/bin/sh\necho hidden\n' > "$TEST_TMP/hidden-program" && chmod 755 "$TEST_TMP/hidden-program"
check_output "a program the sandbox would not see is refused" "is not visible inside the sandbox" \
  "$FAUXPAK" run --app-id=$APP -- "$TEST_TMP/hidden-program"
check "  …and runs once it is granted" \
  bash -c "[ \"\$('$FAUXPAK' run --filesystem='$TEST_TMP/hidden-program:ro' --app-id=$APP -- '$TEST_TMP/hidden-program')\" = hidden ]"
instances_before=$(ls "$XDG_RUNTIME_DIR/.flatpak")
"$FAUXPAK" run --app-id=$APP -- /no/such/program 2>/dev/null
check "a refused program leaves no instance behind" test "$(ls "$XDG_RUNTIME_DIR/.flatpak")" = "$instances_before"
check_output "run -- COMMAND without --app-id says an app id is needed" "needs an app id" "$FAUXPAK" run -- true
check_output "  …also after options" "fauxpak run --app-id=org.example.App -- true" "$FAUXPAK" run --share=network -- true
check_output "an unknown command suggests the nearest" 'unknown command "kil"; did you mean "kill"?' "$FAUXPAK" kil
check_output "an unknown option suggests the nearest" 'did you mean "--share"?' "$FAUXPAK" run --sha=network --app-id=$APP -- true
check_output "an unknown value suggests the nearest" 'did you mean "wayland"?' "$FAUXPAK" run --socket=waylnd --app-id=$APP -- true
check_output "an unknown preset suggests the nearest" 'did you mean "devshell"?' "$FAUXPAK" run --preset=devshel --app-id=$APP -- true

# --- presets --------------------------------------------------------------------
check "presets lists each preset on one line with its description" \
  bash -c "'$FAUXPAK' presets | grep -qE '^desktop +A graphical' && '$FAUXPAK' presets | grep -qE '^devshell +A development shell'"
check "help lists every command" \
  bash -c "for c in ps kill enter override permissions documents document-export document-unexport presets; do '$FAUXPAK' help | grep -q \"fauxpak \$c\" || exit 1; done"
