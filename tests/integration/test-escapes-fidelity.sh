#!/bin/bash
# Escapes tried against what issue 8 (fidelity) added, each from inside a
# real sandbox, as root and as an ordinary user: the directories the app's
# instances share with each other and keep between launches (its /tmp, its
# $XDG_RUNTIME_DIR, ~/.var/app/APP-ID and the files fauxpak puts there,
# such as user-dirs.dirs), the host's /etc by its one rule, /sys, the
# environment, and grants of other apps' per-app directories.
#
# The first class: bubblewrap makes every mount point by its path, with
# mkdir and creat, following links; while it does, the host's root is at
# /oldroot. A link the app left where a later launch mounts something
# (in a directory it can write and that outlives it) would make bubblewrap
# create directories and files anywhere on the host the launching user (or
# root) can write. Each attack plants such a link, the next launch must
# refuse (125) and the link's target must stay empty.
source "$(dirname "$0")/../lib.sh"

PY=$SYSTEM_PYTHON
UID_NOW=$(id -u)
SANDBOX_RUNTIME_DIR=/run/user/$UID_NOW
victim="$TEST_TMP/victim"   # a host directory no sandbox shows
mkdir -p "$victim"
victim_untouched () { [ -z "$(ls -A "$victim")" ]; }
run_in () { "$FAUXPAK" run "$@"; }
make_socket () { "$PY" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$1"; }

# planted_outcome STATUS DESCRIPTION COMMAND…: the launch after the plant
# exits STATUS, and nothing appears in the victim directory.
planted_outcome () {
  local expected=$1 description=$2 output status; shift 2
  output=$("$@" 2>&1)
  status=$?
  if [ "$status" -eq "$expected" ] && victim_untouched; then
    ok "$description"
  else
    not_ok "$description"
    diag "status $status; victim holds: $(ls -A "$victim" | tr '\n' ' ')" "$output"
  fi
  rm -rf "${victim:?}"/* "$victim"/.[!.]* 2>/dev/null
}
# planted_refused DESCRIPTION COMMAND…: the same, refused (125).
planted_refused () {
  local description=$1; shift
  planted_outcome 125 "$description: refused (125), nothing made where the link leads, as $(id -un)" "$@"
}

# === 1. links where the next launch mounts =================================
# user-dirs.dirs: written into the app's own config directory (which it
# writes, and sees a second time as /var/config) when xdg-download etc.
# is granted.
APP=org.example.FidEscape.UserDirs
mkdir -p "$HOME/Downloads" "$XDG_CONFIG_HOME"
printf 'XDG_DOWNLOAD_DIR="%s/Downloads"\n' "$HOME" >"$XDG_CONFIG_HOME/user-dirs.dirs"
check "xdg-download gives the app a user-dirs.dirs naming it" \
  run_in --filesystem=xdg-download --app-id=$APP -- grep -q XDG_DOWNLOAD_DIR "$HOME/.var/app/$APP/config/user-dirs.dirs"
run_in --app-id=$APP -- sh -c "rm -f /var/config/user-dirs.dirs && ln -s /oldroot$victim/created /var/config/user-dirs.dirs"
check "  (the app replaced config/user-dirs.dirs with a dangling link to the host)" \
  test -L "$HOME/.var/app/$APP/config/user-dirs.dirs"
planted_refused "user-dirs.dirs planted as a link" run_in --filesystem=xdg-download --app-id=$APP -- true
rm -f "$HOME/.var/app/$APP/config/user-dirs.dirs"
check "  …and with the link gone the launch works again" \
  run_in --filesystem=xdg-download --app-id=$APP -- grep -q XDG_DOWNLOAD_DIR "$HOME/.var/app/$APP/config/user-dirs.dirs"

# xdg-config/NAME also appears in the app's own config directory.
APP=org.example.FidEscape.XdgConfig
mkdir -p "$XDG_CONFIG_HOME/gtk-3.0"
printf '[Settings]\n' >"$XDG_CONFIG_HOME/gtk-3.0/settings.ini"
check "xdg-config/gtk-3.0/settings.ini shows in the app's config directory" \
  run_in --filesystem=xdg-config/gtk-3.0/settings.ini:ro --app-id=$APP -- \
    test -f "$HOME/.var/app/$APP/config/gtk-3.0/settings.ini"
run_in --app-id=$APP -- sh -c "rm -rf /var/config/gtk-3.0 && ln -s /oldroot$victim /var/config/gtk-3.0"
planted_refused "config/gtk-3.0 (above a granted file) planted as a link" \
  run_in --filesystem=xdg-config/gtk-3.0/settings.ini:ro --app-id=$APP -- true
run_in --app-id=$APP -- sh -c "rm -rf /var/config/gtk-3.0 && mkdir /var/config/gtk-3.0 &&
                               ln -s /oldroot$victim/settings.ini /var/config/gtk-3.0/settings.ini"
planted_refused "config/gtk-3.0/settings.ini (a granted file's place) planted as a dangling link" \
  run_in --filesystem=xdg-config/gtk-3.0/settings.ini:ro --app-id=$APP -- true

# The shared $XDG_RUNTIME_DIR: a socket bound into it.
APP=org.example.FidEscape.Pipewire
make_socket "$XDG_RUNTIME_DIR/pipewire-0"
check "--socket=pipewire binds the socket in \$XDG_RUNTIME_DIR" \
  run_in --socket=pipewire --app-id=$APP -- test -S "$SANDBOX_RUNTIME_DIR/pipewire-0"
run_in --app-id=$APP -- sh -c "rm -f \"\$XDG_RUNTIME_DIR/pipewire-0\" && ln -s /oldroot$victim/pipewire-0 \"\$XDG_RUNTIME_DIR/pipewire-0\""
# pipewire-0 there is a link fauxpak makes on the host (symlinkat, in
# the directory opened without following links; the socket itself is
# bound at /run/flatpak/pipewire-0): a link the app puts in its place is
# the app's own business, left as it is and never followed by a mount.
planted_outcome 0 "\$XDG_RUNTIME_DIR/pipewire-0 planted as a link: not followed, nothing made where it leads, as $(id -un)" \
  run_in --socket=pipewire --app-id=$APP -- test -S /run/flatpak/pipewire-0
rm -f "$XDG_RUNTIME_DIR/pipewire-0"

# …and a grant of something in it (xdg-run/NAME/FILE).
APP=org.example.FidEscape.XdgRun
mkdir -p "$XDG_RUNTIME_DIR/fp-ipc"
make_socket "$XDG_RUNTIME_DIR/fp-ipc/sock"
check "xdg-run/fp-ipc/sock is bound in the sandbox's \$XDG_RUNTIME_DIR" \
  run_in --filesystem=xdg-run/fp-ipc/sock --app-id=$APP -- test -S "$SANDBOX_RUNTIME_DIR/fp-ipc/sock"
run_in --app-id=$APP -- sh -c "rm -rf \"\$XDG_RUNTIME_DIR/fp-ipc\" && ln -s /oldroot$victim \"\$XDG_RUNTIME_DIR/fp-ipc\""
planted_refused "\$XDG_RUNTIME_DIR/fp-ipc (above a granted socket) planted as a link" \
  run_in --filesystem=xdg-run/fp-ipc/sock --app-id=$APP -- true
# bwrap works from /newroot: one ".." more than the sandbox path has climbs out.
depth=$(tr -cd / <<<"$SANDBOX_RUNTIME_DIR" | wc -c)
relative=$(printf '../%.0s' $(seq $((depth + 1))))oldroot$victim
run_in --app-id=$APP -- sh -c "rm -rf \"\$XDG_RUNTIME_DIR/fp-ipc\" && ln -s '$relative' \"\$XDG_RUNTIME_DIR/fp-ipc\""
planted_refused "  …as a relative link climbing to /oldroot" run_in --filesystem=xdg-run/fp-ipc/sock --app-id=$APP -- true
run_in --app-id=$APP -- rm -f "$SANDBOX_RUNTIME_DIR/fp-ipc"
# fauxpak's own link there ($XDG_RUNTIME_DIR/app -> ../../flatpak/app) is
# followed, as under Flatpak: another app's directory appears beside the app's.
mkdir -p "$XDG_RUNTIME_DIR/app/org.example.FidEscape.Ipc"
check "xdg-run/app/OTHER shows through fauxpak's own \$XDG_RUNTIME_DIR/app link" \
  run_in --filesystem=xdg-run/app/org.example.FidEscape.Ipc --app-id=$APP -- \
    test -d "$SANDBOX_RUNTIME_DIR/app/org.example.FidEscape.Ipc" -a -d "/run/flatpak/app/$APP"

# The shared /tmp: here home lies below it (lib.sh puts HOME in TMPDIR),
# so the sandbox's home and ~/.var/app/APP-ID are mounted inside it.
APP=org.example.FidEscape.Tmp
top=${TEST_TMP#/tmp/}
if [ "$top" != "$TEST_TMP" ] && [ "${top%%/*}" = "$top" ]; then
  check "home below /tmp: the app sees its home in its shared /tmp" run_in --app-id=$APP -- test -d "$HOME/.var/app/$APP"
  run_in --app-id=$APP -- sh -c "cd / && mv '$TEST_TMP' /tmp/moved && ln -s /oldroot$victim '$TEST_TMP'"
  planted_refused "/tmp/${top} (above home) planted as a link in the shared /tmp" run_in --app-id=$APP -- true
else
  skip "home is not directly below /tmp here"
fi

# === 2. the host's /etc by one rule ========================================
# Everything in /etc that others may not read stays hidden, at any depth:
# root in the sandbox is root's uid, and owns most of it.
APP=org.example.FidEscape.Etc
mapfile -t private_files < <(find /etc -xdev -type f ! -perm -o+r 2>/dev/null)
# What the sandbox reads of them (only a file it can read and that is not
# the empty placeholder counts).
leaked=$(run_in --app-id=$APP -- sh -c 'for f; do [ -s "$f" ] && [ -r "$f" ] && head -c1 "$f" >/dev/null 2>&1 && echo "$f"; done; true' \
  _ "${private_files[@]}" 2>&1)
check "no file of the host's /etc that others may not read has content in the sandbox (${#private_files[@]} on this host), as $(id -un)" \
  test -z "$leaked"
[ -n "$leaked" ] && diag "readable: $leaked"
mapfile -t private_dirs < <(find /etc -xdev -mindepth 1 -type d ! -perm -o+rx 2>/dev/null)
leaked=$(run_in --app-id=$APP -- sh -c 'for d; do [ -n "$(ls -A "$d" 2>/dev/null)" ] && echo "$d"; done; true' \
  _ "${private_dirs[@]}" 2>&1)
check "no directory of /etc that others may not enter lists anything (${#private_dirs[@]} on this host), as $(id -un)" \
  test -z "$leaked"
[ -n "$leaked" ] && diag "listed: $leaked"
for f in /etc/shadow /etc/gshadow /etc/sudoers /etc/krb5.keytab /etc/ssh/ssh_host_ed25519_key; do
  if [ -e "$f" ] && ! [ -r "$f" ] || [ "$(stat -c %a "$f" 2>/dev/null | cut -c3)" = 0 ]; then
    check "$f: nothing of it in the sandbox" run_in --app-id=$APP -- sh -c "! [ -s '$f' ]"
  fi
done

# === 3. /sys ================================================================
APP=org.example.FidEscape.Sys
writable=$(run_in --app-id=$APP -- sh -c "find /sys/block /sys/bus /sys/class /sys/dev /sys/devices -writable 2>/dev/null | head -5")
check "nothing under the sandbox's /sys is writable, as $(id -un)" test -z "$writable"
[ -n "$writable" ] && diag "writable: $writable"

# What only root may read in those directories acts on the host when read
# (/sys/class/zram-control/hot_add makes a zram device; a PCI device's
# resourceN maps its memory): as root, the sandbox reads none of it.
zram_before=$(ls -d /sys/block/zram* 2>/dev/null | tr '\n' ' ')
mapfile -t root_only < <(find /sys/block /sys/bus /sys/class /sys/dev /sys/devices -xdev -type f \
  -perm -u+r ! -perm -o+r 2>/dev/null)
read_inside=$(run_in --app-id=$APP -- sh -c 'for f; do [ -n "$(head -c1 "$f" 2>/dev/null)" ] && echo "$f"; done; true' \
  _ "${root_only[@]}" 2>&1)
check "nothing only root may read in /sys has content in the sandbox (${#root_only[@]} such files here), as $(id -un)" \
  test -z "$read_inside"
[ -n "$read_inside" ] && diag "read: $read_inside"
if [ "$UID_NOW" = 0 ]; then
  # …nor through a read-only bind of /sys a profile may ask for: hidden
  # there too, or (the whole of /sys has thousands) refused.
  read_inside=$(run_in --ro-bind=/sys/class:/mnt/class --app-id=$APP -- sh -c \
    'for f; do [ -n "$(head -c1 "/mnt/class/${f#/sys/class/}" 2>/dev/null)" ] && echo "$f"; done; true' _ \
    $(printf '%s\n' "${root_only[@]}" | grep '^/sys/class/') 2>&1)
  check "  …nor through --ro-bind=/sys/class:/mnt/class, as root" test -z "$read_inside"
  [ -n "$read_inside" ] && diag "read: $read_inside"
  out=$(run_in --ro-bind=/sys:/mnt/sys --app-id=$APP -- sh -c \
    'for f; do [ -n "$(head -c1 "/mnt$f" 2>/dev/null)" ] && echo "/mnt$f"; done; true' _ "${root_only[@]}" 2>&1)
  status=$?
  if { [ "$status" -eq 125 ] && [[ "$out" == *"only root may read"* ]]; } || { [ "$status" -eq 0 ] && [ -z "$out" ]; }; then
    ok "  …and --ro-bind=/sys:/mnt/sys hides them or is refused, as root"
  else
    not_ok "  …and --ro-bind=/sys:/mnt/sys hides them or is refused, as root"
    diag "status $status" "$out"
  fi
fi
zram_after=$(ls -d /sys/block/zram* 2>/dev/null | tr '\n' ' ')
check "  …and no zram device appeared on the host" test "$zram_before" = "$zram_after"
for dev in $zram_after; do
  [[ " $zram_before " == *" $dev "* ]] || echo "${dev#/sys/block/zram}" >/sys/class/zram-control/hot_remove 2>/dev/null
done

# === 4. the environment ======================================================
APP=org.example.FidEscape.Env
check_output "--env cannot change FLATPAK_ID or container" "org.example.FidEscape.Env flatpak" \
  run_in --env=FLATPAK_ID=org.example.Other --env=container=none --app-id=$APP -- sh -c 'echo "$FLATPAK_ID $container"'
check_output "--env cannot move XDG_RUNTIME_DIR" "$SANDBOX_RUNTIME_DIR" \
  run_in --env=XDG_RUNTIME_DIR=/tmp --app-id=$APP -- sh -c 'echo "$XDG_RUNTIME_DIR"'
check_output "  …nor --unset-env take them away" "org.example.FidEscape.Env flatpak $SANDBOX_RUNTIME_DIR" \
  run_in --unset-env=FLATPAK_ID --unset-env=container --unset-env=XDG_RUNTIME_DIR --app-id=$APP -- \
    sh -c 'echo "$FLATPAK_ID $container $XDG_RUNTIME_DIR"'

# A profile's variables are the app's: none reaches a helper fauxpak runs
# on the host side (the D-Bus proxy parses what the app sends).
if command -v dbus-daemon >/dev/null; then
  bus_address=$(dbus-daemon --session --fork --print-address=1 --print-pid=3 3>"$TEST_TMP/bus.pid")
  cleanup_kill "$(cat "$TEST_TMP/bus.pid")"
  cat >"$TEST_TMP/proxy-env.sh" <<'S'
# Finds the D-Bus proxy of this launch and prints its environment.
for p in /proc/[0-9]*; do
  if tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q "^xdg-dbus-proxy\|/xdg-dbus-proxy "; then
    tr '\0' '\n' <"$p/environ"
  fi
done
S
  DBUS_SESSION_BUS_ADDRESS=$bus_address run_in --env=LD_PRELOAD=/nonexistent/fp-preload.so \
    --env=GIO_EXTRA_MODULES=/nonexistent --app-id=$APP -- sleep 3 >/dev/null 2>&1 &
  sleep 1.5
  proxy_env=$(bash "$TEST_TMP/proxy-env.sh" 2>/dev/null)
  wait
  if [ -z "$proxy_env" ]; then
    skip "the D-Bus proxy was not seen running"
  else
    check "a profile's LD_PRELOAD does not reach the D-Bus proxy" bash -c '! grep -q "^LD_PRELOAD=" <<<"$1"' _ "$proxy_env"
    check "  …nor its other variables" bash -c '! grep -q "^GIO_EXTRA_MODULES=" <<<"$1"' _ "$proxy_env"
  fi
else
  skip "dbus-daemon is missing"
fi

# === 5. other apps' shared directories =======================================
APP=org.example.FidEscape.Neighbour
OTHER=org.example.FidEscape.Victim
run_in --app-id=$OTHER -- sh -c 'echo secret >/tmp/other-tmp && echo secret >"$XDG_RUNTIME_DIR/other-run"'
check "  (another app left files in its shared /tmp and \$XDG_RUNTIME_DIR)" \
  test -f "$XDG_RUNTIME_DIR/.flatpak/$OTHER/tmp/other-tmp"
check "an app's /tmp is not another app's" run_in --app-id=$APP -- sh -c '! [ -e /tmp/other-tmp ]'
check "  …nor its \$XDG_RUNTIME_DIR" run_in --app-id=$APP -- sh -c '! [ -e "$XDG_RUNTIME_DIR/other-run" ]'
check_status "xdg-run/.flatpak/OTHER (its shared directories): refused" 125 \
  run_in --filesystem="xdg-run/.flatpak/$OTHER" --app-id=$APP -- true
check_status "a raw bind of another app's shared /tmp: refused" 125 \
  run_in --bind="$XDG_RUNTIME_DIR/.flatpak/$OTHER/tmp:/mnt/o" --app-id=$APP -- true
check_status "~/.var/app/OTHER through xdg-data/../..: refused" 125 \
  run_in --filesystem="xdg-data/../../.var/app/$OTHER" --app-id=$APP -- true

# === 6. no host fd with the new mounts ========================================
APP=org.example.FidEscape.Fds
check_output "with per-app /tmp, xdg-run, user-dirs.dirs, app/APP-ID and per-app-dev-shm the app has fds 0 1 2 only" "0 1 2 " \
  run_in --filesystem=xdg-download --allow=per-app-dev-shm --app-id=$APP -- \
    sh -c 'for f in /proc/self/fd/*; do n=${f##*/}; [ -e "$f" ] && printf "%s " "$n"; done; echo' 

# === 6b. the X11 cookie file ==================================================
# fauxpak reads the host's Xauthority for an X11 grant; with home granted
# the app can put a FIFO there, which must not hang the next launch.
APP=org.example.FidEscape.Xauth
run_in --filesystem=home --app-id=$APP -- sh -c 'rm -f ~/.Xauthority && mkfifo ~/.Xauthority'
check "  (the app replaced ~/.Xauthority with a FIFO)" test -p "$HOME/.Xauthority"
timeout 20 env -u XAUTHORITY DISPLAY=:99 "$FAUXPAK" run --socket=x11 --app-id=$APP -- true >/dev/null 2>&1
status=$?
check "the next X11 launch does not wait on it (status $status)" test "$status" -ne 124
rm -f "$HOME/.Xauthority"

# === 7. what `fauxpak info` shows ==============================================
# Each mount names the grant it comes from: a hostile profile's host-etc
# must not show up under the name of an innocent grant listed after it.
APP=org.example.FidEscape.Info
info=$("$FAUXPAK" info --filesystem=host-etc --filesystem=host-os --filesystem=xdg-download --app-id=$APP 2>&1)
check "info names host-etc as what /run/host/etc comes from" \
  grep -qF "/etc -> /run/host/etc   [--filesystem=host-etc]" <<<"$info"
check "  …and host-os for /run/host/usr" grep -qF "/usr -> /run/host/usr   [--filesystem=host-os]" <<<"$info"
check "  …and says where user-dirs.dirs comes from" grep -q "user-dirs.dirs   \[user-dirs.dirs" <<<"$info"

# === 8. the accessibility bus through its proxy =================================
# The proxy lets the app reach the AT-SPI registry's few methods, as
# Flatpak's filter does: not another client of the bus, not a name of its
# own (a fake registry would read what other apps' screen readers ask).
APP=org.example.FidEscape.A11y
launcher=/usr/libexec/at-spi-bus-launcher
if [ -x "$launcher" ] && command -v gdbus >/dev/null && command -v dbus-daemon >/dev/null; then
  dbus-daemon --config-file="$TESTS_DIR/portal/dbus-session.conf" --address="unix:path=$XDG_RUNTIME_DIR/bus" \
    --nofork --nopidfile </dev/null >"$TEST_TMP/a11y-bus.log" 2>&1 &
  cleanup_kill $!
  export DBUS_SESSION_BUS_ADDRESS=unix:path=$XDG_RUNTIME_DIR/bus
  wait_for '[ -S "$XDG_RUNTIME_DIR/bus" ]'
  "$launcher" --launch-immediately >"$TEST_TMP/a11y.log" 2>&1 </dev/null &
  a11y_launcher=$!
  a11y_address=""
  wait_for 'a11y_address=$(gdbus call --session -d org.a11y.Bus -o /org/a11y/bus -m org.a11y.Bus.GetAddress 2>/dev/null)' 10
  a11y_address=$(sed -n "s/^('\(.*\)',)$/\1/p" <<<"$a11y_address")
  if [ -n "$a11y_address" ]; then
    # Another client of the accessibility bus, which the app must not reach.
    "$PY" - "$a11y_address" >"$TEST_TMP/a11y-victim.log" 2>&1 <<'P' &
import sys
from gi.repository import Gio, GLib
bus = Gio.DBusConnection.new_for_address_sync(sys.argv[1],
    Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "RequestName",
              GLib.Variant("(su)", ("org.example.A11yVictim", 4)), None, 0, -1, None)
print("owned", flush=True)
GLib.MainLoop().run()
P
    cleanup_kill $!
    wait_for 'grep -q owned "$TEST_TMP/a11y-victim.log"'
    ping="gdbus call --address \$AT_SPI_BUS_ADDRESS -d org.example.A11yVictim -o / -m org.freedesktop.DBus.Peer.Ping"
    check "  (outside, the victim on the accessibility bus answers)" sh -c \
      "gdbus call --address '$a11y_address' -d org.example.A11yVictim -o / -m org.freedesktop.DBus.Peer.Ping >/dev/null"
    check "the app has the accessibility bus at Flatpak's address" \
      run_in --app-id=$APP -- sh -c '[ "$AT_SPI_BUS_ADDRESS" = unix:path=/run/flatpak/at-spi-bus ] && [ -S /run/flatpak/at-spi-bus ]'
    check "  …but cannot call another client of it" run_in --app-id=$APP -- sh -c "! $ping"
    check "  …nor own the registry's name" run_in --app-id=$APP -- sh -c \
      '! gdbus call --address $AT_SPI_BUS_ADDRESS -d org.freedesktop.DBus -o /org/freedesktop/DBus \
         -m org.freedesktop.DBus.RequestName org.a11y.atspi.Registry 4 | grep -q "(uint32 1,)"'
    check "  …nor reach the real accessibility bus's socket" run_in --app-id=$APP -- sh -c \
      "! [ -e '${a11y_address#unix:path=}' ] && ! gdbus call --address '${a11y_address%%,*}' -d org.example.A11yVictim -o / -m org.freedesktop.DBus.Peer.Ping"
    check_output "fauxpak info shows the accessibility bus the launch gives" "/run/flatpak/at-spi-bus" \
      "$FAUXPAK" info --app-id=$APP
  else
    not_ok "at-spi-bus-launcher came up on the private session bus: $(cat "$TEST_TMP/a11y.log")"
  fi
  _kill_descendants "$a11y_launcher"
  kill "$a11y_launcher" 2>/dev/null
  wait "$a11y_launcher" 2>/dev/null
  unset DBUS_SESSION_BUS_ADDRESS
else
  skip "accessibility bus tests: at-spi2-core, gdbus or dbus-daemon is missing"
fi

# === 9. --nofilesystem under a wider grant ===================================
# A directory hidden from a home grant stays hidden when the user's home
# reaches it through a symlink (a dotfiles manager's ~/.ssh -> dotfiles/ssh),
# as Flatpak hides the link's target.
APP=org.example.FidEscape.Hide
mkdir -p "$HOME/dotfiles/ssh" "$HOME/plain-secret"
echo key >"$HOME/dotfiles/ssh/id_ed25519"
echo key >"$HOME/plain-secret/key"
ln -s dotfiles/ssh "$HOME/.ssh"
check "--nofilesystem=~/plain-secret under home hides it" \
  run_in --filesystem=home --nofilesystem="~/plain-secret" --app-id=$APP -- sh -c "! cat '$HOME/plain-secret/key'"
check "--nofilesystem=~/.ssh under home hides it when ~/.ssh is a symlink" \
  run_in --filesystem=home --nofilesystem="~/.ssh" --app-id=$APP -- sh -c "! cat '$HOME/.ssh/id_ed25519'"
check "  …and its target, by either path" \
  run_in --filesystem=home --nofilesystem="~/.ssh" --app-id=$APP -- sh -c "! cat '$HOME/dotfiles/ssh/id_ed25519'"
check "  …while the rest of home stays shared" \
  run_in --filesystem=home --nofilesystem="~/.ssh" --app-id=$APP -- test -d "$HOME/dotfiles"

# === 10. the app's own /dev/shm ==================================================
# per-app-dev-shm: a directory in the host's /dev/shm, which any program of
# the user's can rename (another app granted --device=shm among them). A
# loop on the host stands in for that app: it keeps swapping the directory
# for a link to a host directory, and back, while the app starts again and
# again; the app must never find the host directory as its /dev/shm.
APP=org.example.FidEscape.DevShm
if [ -d /dev/shm ] && ! [ -L /dev/shm ]; then
  check "per-app-dev-shm: the app's instances share a /dev/shm of their own" \
    run_in --allow=per-app-dev-shm --app-id=$APP -- sh -c 'echo mine >/dev/shm/fp-mark'
  shm_dir=$(readlink "$XDG_RUNTIME_DIR/.flatpak/$APP/dev-shm")
  check "  (it is $shm_dir, in the host's /dev/shm)" test -f "$shm_dir/fp-mark"
  echo host-secret >"$victim/host-file"
  (
    # Whichever directory the launcher made last (it makes a new one when
    # it finds a link), as the other app would find them in /dev/shm.
    while :; do
      for dir in /dev/shm/flatpak-$APP-*; do
        case $dir in *.away) continue ;; esac
        [ -d "$dir" ] && ! [ -L "$dir" ] && mv "$dir" "$dir.away" 2>/dev/null && ln -s "$victim" "$dir" 2>/dev/null
      done
      sleep 0.003
      for dir in /dev/shm/flatpak-$APP-*.away; do
        [ -d "$dir" ] && rm -f "${dir%.away}" 2>/dev/null && mv "$dir" "${dir%.away}" 2>/dev/null
      done
      sleep 0.001
    done
  ) &
  swapper=$!
  cleanup_kill $swapper
  seen=0
  for i in $(seq 40); do
    out=$(run_in --allow=per-app-dev-shm --app-id=$APP -- cat /dev/shm/host-file 2>/dev/null)
    [ "$out" = host-secret ] && seen=$((seen + 1))
  done
  kill $swapper 2>/dev/null; wait $swapper 2>/dev/null
  for dir in /dev/shm/flatpak-$APP-*.away; do [ -d "$dir" ] && rm -f "${dir%.away}" && mv "$dir" "${dir%.away}"; done
  check "  …and never gets a host directory swapped in for it (40 launches: $seen did)" test "$seen" -eq 0
  rm -f "$victim/host-file"
  # The host's /dev/shm outlives the test: leave nothing of this app there.
  rm -rf /dev/shm/flatpak-$APP-*
else
  skip "/dev/shm is not a directory here"
fi

# per-app-dev-shm directories live in the host's /dev/shm, beyond TEST_TMP.
find /dev/shm -maxdepth 1 -name 'flatpak-org.example.FidEscape.*' -user "$(id -u)" -exec rm -rf {} + 2>/dev/null
true
