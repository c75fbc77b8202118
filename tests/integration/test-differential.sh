#!/bin/bash
# The differential suite: the real `flatpak run` is the oracle. One probe
# (tests/differential/probe.c) runs inside a Flatpak app built offline into
# a private installation (tests/flatpak/flatpak-app.sh) and inside
# `fauxpak run`, with the same permission options, the same home, runtime
# directory, session bus and fixtures; the two reports are normalised
# (tests/differential/compare.py: instance ids, the runtime itself) and must
# be equal, except for the differences README.md lists as deliberate.
#   DIFFERENTIAL_CASES="name …" runs only those cases.
source "$(dirname "$0")/../lib.sh"
# shellcheck source=/dev/null
source "$TESTS_DIR/flatpak/flatpak-app.sh"

: "${DIFFERENTIAL_PROBE:?DIFFERENTIAL_PROBE must point at the probe (meson test sets it)}"
APP=org.fauxpak.Differential
RUNTIME=org.fauxpak.DifferentialPlatform
COMPARE=$TESTS_DIR/differential/compare.py

finish () { exit 0; }

for tool in flatpak dbus-daemon; do
  command -v "$tool" >/dev/null || { skip "the differential suite needs $tool"; finish; }
done

# --- the oracle: a Flatpak app holding the probe -------------------------
# Its runtime holds only the libraries the probe links against; the app has
# no permissions of its own: every case gives them on the command line, to
# flatpak run and to fauxpak run alike.
probe_bin=$TEST_TMP/bin/probe
mkdir -p "$TEST_TMP/bin" && cp "$DIFFERENTIAL_PROBE" "$probe_bin"
if ! { flatpak_app_init "$TEST_TMP/flatpak" &&
       flatpak_app_runtime_libraries $RUNTIME "$probe_bin" &&
       flatpak_app_runtime $RUNTIME &&
       flatpak_app_build $APP $RUNTIME "$probe_bin"; }; then
  skip "the differential suite: $FLATPAK_APP_ERROR"
  finish
fi

# --- fixtures: one home, runtime dir and session bus for both -------------
# Home is not under /tmp (where lib.sh puts it): there it would be part of
# the /tmp Flatpak shares between an app's instances, and each run would
# see the mount points the last one left.
real_home=$(getent passwd "$(id -un)" | cut -d: -f6)
DIFF_DIR=$(mktemp -d "$real_home/.fauxpak-differential.XXXXXX" 2>/dev/null) ||
  { skip "the differential suite: cannot make a directory in $real_home"; finish; }
# The runtime directory is not under /tmp either (a desktop's is
# /run/user/UID): there --filesystem=/tmp would show the session bus
# socket, which fauxpak refuses to do (README), nor in a home a grant shows.
RUN_DIR=$(mktemp -d /var/tmp/fauxpak-differential-run.XXXXXX) ||
  { rm -rf "$DIFF_DIR"; skip "the differential suite: cannot make a runtime directory in /var/tmp"; finish; }
chmod 700 "$RUN_DIR"
rmdir "$XDG_RUNTIME_DIR"
export XDG_RUNTIME_DIR=$RUN_DIR
trap 'rm -rf "$DIFF_DIR" "$RUN_DIR"; _finish; exit $?' EXIT
export HOME=$DIFF_DIR/home XDG_CONFIG_HOME=$DIFF_DIR/home/.config XDG_DATA_HOME=$DIFF_DIR/home/.local/share \
  XDG_CACHE_HOME=$DIFF_DIR/home/.cache
mkdir -p "$HOME"
mkdir -p "$HOME"/{Downloads,Documents,Pictures,Music,proj,.ssh,.mozilla,.config/gtk-3.0,.local/share/fonts,.cache/thumbnails}
mkdir -p "$HOME/.var/app/org.example.Other" "$TEST_TMP/shared" "$TEST_TMP/cwd"
echo key >"$HOME/.ssh/id_ed25519"
# A file in each shared directory: a grant that mounted an empty directory
# in its place would otherwise pass for one that shows the host's.
MARKED=("$HOME/Downloads" "$HOME/Documents" "$HOME/Pictures" "$HOME/Music" "$HOME/proj" "$HOME/.mozilla"
        "$HOME/.local/share/fonts" "$HOME/.cache/thumbnails" "$TEST_TMP/shared")
for dir in "${MARKED[@]}"; do echo marker >"$dir/marker"; done
printf '[Settings]\ngtk-application-prefer-dark-theme=1\n' >"$HOME/.config/gtk-3.0/settings.ini"
cat >"$HOME/.config/user-dirs.dirs" <<EOF
XDG_DOWNLOAD_DIR="$HOME/Downloads"
XDG_DOCUMENTS_DIR="$HOME/Documents"
XDG_PICTURES_DIR="$HOME/Pictures"
XDG_MUSIC_DIR="$HOME/Music"
EOF
# Sockets where a desktop session has them (bound, never listened on: the
# probe only looks).
make_socket () { "$SYSTEM_PYTHON" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$1"; }
mkdir -p "$XDG_RUNTIME_DIR/pulse" "$XDG_RUNTIME_DIR/testdir"
make_socket "$XDG_RUNTIME_DIR/wayland-0"
make_socket "$XDG_RUNTIME_DIR/pulse/native"
make_socket "$XDG_RUNTIME_DIR/pipewire-0"
make_socket "$TEST_TMP/ssh-agent.sock"
echo x >"$XDG_RUNTIME_DIR/testdir/file"

# A private session bus with a few names to see, talk to and own.
dbus-daemon --config-file="$TESTS_DIR/portal/dbus-session.conf" --address="unix:path=$XDG_RUNTIME_DIR/bus" \
  --nofork --nopidfile </dev/null >"$TEST_TMP/bus.log" 2>&1 &
cleanup_kill $!
wait_for '[ -S "$XDG_RUNTIME_DIR/bus" ]' || { not_ok "the private session bus did not start"; finish; }
export DBUS_SESSION_BUS_ADDRESS=unix:path=$XDG_RUNTIME_DIR/bus
# …and a private system bus, which the machine may lack.
dbus-daemon --config-file="$TESTS_DIR/portal/dbus-session.conf" --address="unix:path=$XDG_RUNTIME_DIR/system-bus" \
  --nofork --nopidfile </dev/null >"$TEST_TMP/system-bus.log" 2>&1 &
cleanup_kill $!
wait_for '[ -S "$XDG_RUNTIME_DIR/system-bus" ]' || { not_ok "the private system bus did not start"; finish; }
BUS_NAMES=(org.example.Talk org.example.See org.freedesktop.Notifications org.freedesktop.portal.Test
           org.example.Hidden org.mpris.MediaPlayer2.Other)
"$SYSTEM_PYTHON" "$TESTS_DIR/differential/bus-names.py" "$TEST_TMP/bus-names.ready" "${BUS_NAMES[@]}" \
  2>"$TEST_TMP/bus-names.log" &
cleanup_kill $!
wait_for '[ -s "$TEST_TMP/bus-names.ready" ]' || { not_ok "the bus names did not come up: $(cat "$TEST_TMP/bus-names.log")"; finish; }

"$SYSTEM_PYTHON" "$TESTS_DIR/tcp-listen.py" "$TEST_TMP/port" &
cleanup_kill $!
wait_for '[ -s "$TEST_TMP/port" ]' || { not_ok "the loopback server did not start"; finish; }
PORT=$(cat "$TEST_TMP/port")

PROBE_ARGS=(--tcp="$PORT")
for p in /sys/block /sys/bus /sys/class /sys/dev /sys/devices /sys/fs /sys/kernel /sys/module \
         /dev/shm /dev/snd /dev/dri /dev/kvm /dev/fuse /dev/input \
         /tmp /tmp/.X11-unix /var /var/tmp /var/cache /var/data /var/config /var/lib /var/run \
         /run/host /run/host/usr /run/host/etc /run/host/bin /run/host/sbin /run/host/lib /run/host/lib64 \
         /run/host/os-release /run/host/etc/ld.so.cache /run/host/etc/alternatives /run/media \
         /root /mnt /opt /srv /home /media /boot \
         "$HOME" "$HOME/Downloads" "$HOME/Documents" "$HOME/Pictures" "$HOME/Music" "$HOME/proj" \
         "$HOME/newdir" "$HOME/.ssh" "$HOME/.ssh/id_ed25519" "$HOME/.mozilla" "$HOME/.var" "$HOME/.var/app" \
         "$HOME/.var/app/org.example.Other" "$HOME/.var/app/$APP" "$HOME/.var/app/$APP/config" \
         "$HOME/.var/app/$APP/config/user-dirs.dirs" "$HOME/.var/app/$APP/config/gtk-3.0" \
         "$HOME/.var/app/$APP/config/gtk-3.0/settings.ini" "$HOME/.var/app/$APP/data/fonts" \
         "$HOME/.var/app/$APP/cache/thumbnails" "$HOME/.var/app/$APP/.mozilla" \
         "$HOME/.config" "$HOME/.config/gtk-3.0/settings.ini" "$HOME/.local/share/fonts" \
         "$HOME/.cache" "$HOME/.cache/thumbnails" "$HOME/.local/share" "$HOME/.local/share/flatpak" "$HOME/.config/fauxpak" \
         "$TEST_TMP" "$TEST_TMP/shared" "$TEST_TMP/cwd" "$XDG_RUNTIME_DIR" \
         "$XDG_RUNTIME_DIR/app/$APP" "$XDG_RUNTIME_DIR/testdir" "/run/flatpak/app/$APP"; do
  PROBE_ARGS+=(--path="$p")
done
for dir in "${MARKED[@]}"; do PROBE_ARGS+=(--path="$dir/marker"); done
PROBE_ARGS+=(--path="$HOME/.var/app/$APP/data/fonts/marker" --path="$HOME/.var/app/$APP/cache/thumbnails/marker")
for name in "${BUS_NAMES[@]}"; do PROBE_ARGS+=(--talk="$name"); done
for name in "$APP.Sub" org.example.Own org.mpris.MediaPlayer2.$APP org.example.Talk; do PROBE_ARGS+=(--own="$name"); done

# The same environment for both, with what Flatpak clears on the host side.
run_env=(env -i PATH=/usr/bin:/bin HOME="$HOME" USER="$(id -un)" LANG=C.UTF-8 TERM=dumb
         XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS"
         DBUS_SYSTEM_BUS_ADDRESS="unix:path=$XDG_RUNTIME_DIR/system-bus"
         XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_DATA_HOME="$XDG_DATA_HOME" XDG_CACHE_HOME="$XDG_CACHE_HOME"
         FLATPAK_USER_DIR="$FLATPAK_USER_DIR" FLATPAK_SYSTEM_DIR="$FLATPAK_SYSTEM_DIR"
         FLATPAK_CONFIG_DIR="$FLATPAK_CONFIG_DIR" WAYLAND_DISPLAY=wayland-0
         SSH_AUTH_SOCK="$TEST_TMP/ssh-agent.sock" PYTHONPATH=/host/python GST_PLUGIN_PATH=/host/gst
         TMPDIR=/host/tmp LD_PRELOAD= XDG_CURRENT_DESKTOP=test)

# An X server that checks cookies, when Xvfb is there.
xvfb_display=""
if command -v Xvfb >/dev/null && command -v xauth >/dev/null; then
  export XAUTHORITY=$TEST_TMP/Xauthority
  xauth -f "$XAUTHORITY" add :0 . 0123456789abcdef0123456789abcdef 2>/dev/null
  exec {xvfb_fd}<> <(:)
  Xvfb -displayfd "$xvfb_fd" -auth "$XAUTHORITY" -nolisten tcp >"$TEST_TMP/xvfb.log" 2>&1 &
  cleanup_kill $!
  if read -r -t 10 xvfb_display <&"$xvfb_fd"; then
    xauth -f "$XAUTHORITY" remove :0 2>/dev/null
    xauth -f "$XAUTHORITY" add ":$xvfb_display" . "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d " \n")"
    run_env+=(DISPLAY=":$xvfb_display" XAUTHORITY="$XAUTHORITY")
    PROBE_ARGS+=(--path="/tmp/.X11-unix/X$xvfb_display")
  fi
fi

# fauxpak's and Flatpak's permission files, which fauxpak covers (README).
HIDDEN_STATE=("$XDG_CONFIG_HOME/fauxpak" "$XDG_DATA_HOME/fauxpak" "$XDG_DATA_HOME/flatpak")

# The test's runtime directory is not /run/user/UID: Flatpak shows an
# xdg-run/… grant at the host's path (making the directories above it in
# the sandbox's /var/tmp), fauxpak in the sandbox's $XDG_RUNTIME_DIR
# (README: the same place on a desktop).
XDG_RUN_WHY="the host's runtime dir is not /run/user/UID here"
run_dir_re=${XDG_RUNTIME_DIR//./\\.}
XDG_RUN_ALLOWED=(--allow="rundir:testdir|testdir/file:$XDG_RUN_WHY"
                 --allow="path:$run_dir_re|$run_dir_re/testdir:$XDG_RUN_WHY")
DISCORD_RUN_ALLOWED=(--allow="rundir:app/com\.discordapp\.Discord:$XDG_RUN_WHY"
                     --allow="path:$run_dir_re:$XDG_RUN_WHY")

# Each run starts from no per-app state: both keep the app's shared /tmp
# in $XDG_RUNTIME_DIR/.flatpak/APP-ID and /var/tmp in ~/.var/app/APP-ID,
# where the mount points one run makes would show as directories to the
# next (a grant that mounted nothing would pass for one that did).
reset_app_state () {
  local shm
  shm=$(readlink "$XDG_RUNTIME_DIR/.flatpak/$APP/dev-shm" 2>/dev/null)
  [[ $shm == /dev/shm/flatpak-$APP-* ]] && rm -rf "$shm"
  rm -rf "$XDG_RUNTIME_DIR/.flatpak/$APP" "$HOME/.var/app/$APP"
  # …and the empty permission directories fauxpak makes to cover them
  rmdir "${HIDDEN_STATE[@]}" 2>/dev/null
}

# run_case [--allow=SECTION:PATTERN:REASON]… [--root-refuses=MESSAGE] NAME
# OPTION…: the probe under both, compared. --root-refuses: as root fauxpak
# refuses these options with status 125 and MESSAGE (a deliberate
# difference, README), where flatpak runs the probe.
run_case () {
  local allow=() root_refuses=""
  while [[ $1 == --allow=* ]]; do allow+=("$1"); shift; done
  if [[ $1 == --root-refuses=* ]]; then root_refuses=${1#--root-refuses=}; shift; fi
  local name=$1; shift
  if [ -n "${DIFFERENTIAL_CASES:-}" ] && [[ " $DIFFERENTIAL_CASES " != *" $name "* ]]; then return; fi
  local out=$TEST_TMP/out/$name
  mkdir -p "$out"
  local cwd=${CASE_CWD:-$TEST_TMP/cwd}
  reset_app_state
  (cd "$cwd" && timeout 60 "${run_env[@]}" flatpak run --user "$@" $APP "${PROBE_ARGS[@]}") \
    >"$out/flatpak" 2>"$out/flatpak.err"
  local flatpak_status=$?
  reset_app_state
  (cd "$cwd" && timeout 60 "${run_env[@]}" "$FAUXPAK" run "$@" --app-id=$APP --ro-bind="$TEST_TMP/bin:/app/bin" \
     -- /app/bin/probe "${PROBE_ARGS[@]}") >"$out/fauxpak" 2>"$out/fauxpak.err"
  local fauxpak_status=$?
  if [ "$flatpak_status" -ne 0 ]; then
    not_ok "$name: flatpak run failed ($flatpak_status)"
    sed 's/^/#   /' "$out/flatpak.err"
    return
  fi
  if [ -n "$root_refuses" ] && [ "$(id -u)" -eq 0 ]; then
    if [ "$fauxpak_status" -eq 125 ] && grep -qF -- "$root_refuses" "$out/fauxpak.err"; then
      ok "$name: as root fauxpak refuses, as README says ($*)"
    else
      not_ok "$name: as root fauxpak must refuse with \"$root_refuses\" (status $fauxpak_status)"
      sed 's/^/#   /' "$out/fauxpak.err"
    fi
    return
  fi
  if [ "$fauxpak_status" -ne 0 ]; then
    not_ok "$name: fauxpak run failed ($fauxpak_status)"
    sed 's/^/#   /' "$out/fauxpak.err"
    return
  fi
  if "$SYSTEM_PYTHON" "$COMPARE" --app-id=$APP --probe-bind="--ro-bind=$TEST_TMP/bin:/app/bin" \
       --flatpak-installation="$FLATPAK_USER_DIR" \
       "${HIDDEN_STATE[@]/#/--hidden-state=}" "${allow[@]}" \
       "$out/flatpak" "$out/fauxpak" >"$out/diff"; then
    ok "$name: fauxpak shows what flatpak shows ($*)"
  else
    not_ok "$name: fauxpak differs from flatpak ($*)"
    sed 's/^/#   /' "$out/diff"
    # What fauxpak said about it (a grant it did not share, and why).
    grep -v '^fauxpak: no documents for' "$out/fauxpak.err" | sed 's/^/#   fauxpak said: /'
  fi
}

# --- each permission alone ---------------------------------------------
run_case default
run_case share-network --share=network
run_case share-ipc --share=ipc
run_case socket-wayland --socket=wayland
run_case socket-fallback-x11 --socket=fallback-x11
run_case socket-wayland-fallback-x11 --socket=wayland --socket=fallback-x11
run_case socket-pulseaudio --socket=pulseaudio
run_case socket-session-bus --socket=session-bus
run_case socket-ssh-auth --socket=ssh-auth
run_case socket-pcsc --socket=pcsc
run_case socket-cups --socket=cups
run_case socket-system-bus --socket=system-bus
run_case socket-gpg-agent --socket=gpg-agent
if [ -n "$xvfb_display" ]; then
  run_case socket-x11 --socket=x11
  run_case socket-x11-fallback-wayland --socket=x11 --socket=fallback-x11 --socket=wayland
  run_case socket-x11-tmp --socket=x11 --filesystem=/tmp
fi
run_case tmp-no-x11 --filesystem=/tmp
run_case device-dri --device=dri
run_case device-kvm --device=kvm
run_case device-shm --device=shm
# As root, the host's /dev holds its disks: fauxpak refuses it (issue 7).
ROOT_DEV_REFUSED="--root-refuses=not binding the devices of /dev into the sandbox"
run_case "$ROOT_DEV_REFUSED" device-all --device=all
run_case "$ROOT_DEV_REFUSED" device-all-shm --device=all --device=shm
run_case feature-devel --allow=devel
run_case feature-multiarch --allow=multiarch
run_case feature-bluetooth --allow=bluetooth
run_case feature-canbus --allow=canbus
run_case feature-per-app-dev-shm --allow=per-app-dev-shm
run_case fs-home --filesystem=home
run_case fs-home-ro --filesystem=home:ro
run_case fs-host --filesystem=host
run_case fs-host-ro --filesystem=host:ro
# Started in a directory of home: where does the app start?
CASE_CWD=$HOME/proj run_case fs-host-cwd --filesystem=host
CASE_CWD=$HOME/proj run_case fs-home-cwd --filesystem=home
run_case fs-host-os --filesystem=host-os
run_case fs-host-etc --filesystem=host-etc
run_case fs-xdg-download --filesystem=xdg-download
run_case fs-xdg-documents-ro --filesystem=xdg-documents:ro
run_case fs-xdg-config-sub --filesystem=xdg-config/gtk-3.0:ro
run_case fs-xdg-data-sub --filesystem=xdg-data/fonts:ro
run_case fs-xdg-cache-sub --filesystem=xdg-cache/thumbnails
run_case "${XDG_RUN_ALLOWED[@]}" fs-xdg-run --filesystem=xdg-run/testdir
run_case --allow="rundir:pipewire-0:$XDG_RUN_WHY" --allow="path:$run_dir_re:$XDG_RUN_WHY" \
  fs-xdg-run-pipewire --filesystem=xdg-run/pipewire-0
run_case fs-xdg-data-create --filesystem=xdg-data/applications:create
run_case fs-tilde --filesystem=~/proj
run_case fs-home-alias --filesystem=home/proj:ro
run_case fs-create --filesystem=~/newdir:create
run_case fs-absolute --filesystem="$TEST_TMP/shared"
run_case fs-revoked --filesystem=~/proj --nofilesystem=~/proj
run_case fs-home-minus-ssh --filesystem=home --nofilesystem=~/.ssh
run_case persist --persist=.mozilla
run_case persist-with-home --persist=.mozilla --filesystem=home
run_case env-set --env=FOO=bar
run_case env-protected --env=FLATPAK_ID=org.evil.App --env=container=none
run_case env-unset --unset-env=LANG
run_case bus-talk --talk-name=org.example.Talk
run_case bus-system-talk --system-talk-name=org.freedesktop.UPower
# flatpak 1.14 has no --see-name (fauxpak's extension)
run_case bus-own --own-name=org.example.Own
run_case bus-wildcard --talk-name='org.example.*'

# --- what Flathub manifests ask for -----------------------------------------
# --device=all as root is refused (above): there the chat client and the
# game launcher are compared with the GPU alone.
DEVICE_ALL=--device=all
[ "$(id -u)" -ne 0 ] || DEVICE_ALL=--device=dri
# A browser (org.mozilla.firefox).
run_case browser --share=ipc --share=network --socket=pulseaudio --socket=wayland --socket=fallback-x11 \
  --device=dri --filesystem=xdg-download --talk-name=org.freedesktop.FileManager1 \
  --own-name='org.mozilla.firefox.*' --own-name='org.mpris.MediaPlayer2.firefox.*' --persist=.mozilla
# An IDE (com.visualstudio.code).
run_case ide --share=ipc --share=network --socket=x11 --socket=pulseaudio --socket=ssh-auth --device=dri \
  --filesystem=host --allow=devel --talk-name=org.freedesktop.Notifications \
  --talk-name=org.freedesktop.secrets --persist=.vscode
# A chat client (com.discordapp.Discord).
run_case "${DISCORD_RUN_ALLOWED[@]}" chat --share=ipc --share=network --socket=x11 --socket=pulseaudio $DEVICE_ALL \
  --filesystem=xdg-download --filesystem=xdg-pictures:ro --filesystem=xdg-run/app/com.discordapp.Discord:create \
  --talk-name=org.freedesktop.Notifications --talk-name=org.kde.StatusNotifierWatcher
# A game launcher (com.valvesoftware.Steam).
run_case "${DISCORD_RUN_ALLOWED[@]}" game-launcher --share=ipc --share=network --socket=x11 --socket=wayland --socket=pulseaudio \
  $DEVICE_ALL --allow=multiarch --allow=devel --allow=bluetooth --allow=per-app-dev-shm \
  --filesystem=xdg-music:ro --filesystem=xdg-pictures:ro --filesystem=xdg-run/app/com.discordapp.Discord:create \
  --persist=. --talk-name=org.freedesktop.Notifications --talk-name=org.kde.StatusNotifierWatcher

[ "$_tap_count" -gt 0 ] || skip "no case selected by DIFFERENTIAL_CASES"
