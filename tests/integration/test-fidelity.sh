#!/bin/bash
# What a Flatpak user gets and fauxpak must give too, with real programs:
# a GTK window on an X server that checks cookies, GTK settings and user
# directories through the grants that carry them, the accessibility
# registry through the proxied AT-SPI bus, and the host runtime's /etc.
source "$(dirname "$0")/../lib.sh"

APP=org.example.Fidelity
PROBE_DIR=/opt/fidelity
PROBE="$SYSTEM_PYTHON $PROBE_DIR/gtk-probe.py"
run_in () { "$FAUXPAK" run --ro-bind="$TESTS_DIR/fidelity:$PROBE_DIR" --app-id=$APP "$@"; }
fails () { ! "$@" >/dev/null 2>&1; }
has_gtk () { "$SYSTEM_PYTHON" -c 'import gi; gi.require_version("Gtk", "3.0"); from gi.repository import Gtk' 2>/dev/null; }

# --- X11 with a cookie ------------------------------------------------------
display=""
if command -v Xvfb >/dev/null && command -v xauth >/dev/null && has_gtk; then
  export XAUTHORITY=$TEST_TMP/Xauthority
  cookie=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  exec {xvfb_fd}<> <(:)
  # -auth: the server refuses a client without the cookie.
  : >"$XAUTHORITY"
  Xvfb -displayfd "$xvfb_fd" -auth "$TEST_TMP/server-auth" -nolisten tcp >"$TEST_TMP/xvfb.log" 2>&1 &
  cleanup_kill $!
  # The server reads its cookie file when the first client connects: write it first.
  xauth -f "$TEST_TMP/server-auth" add ":0" . "$cookie" 2>/dev/null
  if read -r -t 10 display <&"$xvfb_fd"; then
    xauth -f "$TEST_TMP/server-auth" add ":$display" . "$cookie"
    xauth -f "$XAUTHORITY" add ":$display" . "$cookie"
    # Cookies the sandbox must not get: another display's, another machine's.
    xauth -f "$XAUTHORITY" add ":$((display + 1))" . "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    xauth -f "$XAUTHORITY" add "otherhost.example/unix:$display" . "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    export DISPLAY=:$display
  else
    display=""
  fi
fi

if [ -n "$display" ]; then
  check "the X server refuses a client without the cookie" \
    fails env XAUTHORITY=/dev/null "$SYSTEM_PYTHON" "$TESTS_DIR/fidelity/gtk-probe.py" window
  check "  …and accepts the host's cookie outside the sandbox" \
    bash -c "$SYSTEM_PYTHON '$TESTS_DIR/fidelity/gtk-probe.py' window | grep -qx mapped"
  check_output "a GTK window opens with --socket=x11" "mapped" run_in --socket=x11 -- $PROBE window
  check "  …under the host's DISPLAY" run_in --socket=x11 -- sh -c "[ \"\$DISPLAY\" = ':$display' ]"
  xauth_inside=$(run_in --socket=x11 -- xauth -f /run/flatpak/Xauthority list 2>/dev/null)
  check "  …with only that display's cookie from this machine" \
    bash -c '[ "$(grep -c . <<<"$1")" = 1 ] && grep -q "/unix:$2 .*$3" <<<"$1" && grep -qv otherhost <<<"$1"' _ \
    "$xauth_inside" "$display" "$cookie"
  check "without an X11 grant there is no window" fails run_in -- $PROBE window
  check_output "fallback-x11 opens it when there is no Wayland" "mapped" run_in --socket=fallback-x11 -- $PROBE window
  check "/tmp/.X11-unix shows only the granted display" \
    run_in --socket=x11 -- sh -c "[ \"\$(ls /tmp/.X11-unix)\" = X$display ]"
  # With a runtime directory outside /tmp, as a desktop's /run/user/UID
  # is: the test's own lies in /tmp, and a /tmp grant showing its bus
  # socket is refused (README).
  desktop_run=$(mktemp -d /var/tmp/fauxpak-fidelity-run.XXXXXX) && chmod 700 "$desktop_run"
  check "  …and nothing without the grant, even with the host's /tmp" \
    env XDG_RUNTIME_DIR="$desktop_run" "$FAUXPAK" run --ro-bind="$TESTS_DIR/fidelity:$PROBE_DIR" --app-id=$APP \
      --filesystem=/tmp -- sh -c '[ -d "$1" ] && [ -z "$(ls -A /tmp/.X11-unix)" ]' _ "$TEST_TMP"
  rm -rf "$desktop_run"

  # What `flatpak build-finish` writes for many Flathub apps: x11 and
  # fallback-x11 and wayland, which to Flatpak means Wayland alone.
  "$SYSTEM_PYTHON" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$XDG_RUNTIME_DIR/wayland-0"
  mkdir -p "$TEST_TMP/import"
  printf '[Application]\nname=%s\ncommand=env\n\n[Context]\nsockets=x11;fallback-x11;wayland;\n' $APP \
    >"$TEST_TMP/import/metadata"
  printf '{"imports": ["flatpak-metadata:metadata"]}\n' >"$TEST_TMP/import/app.json"
  imported_env=$("$FAUXPAK" run "$TEST_TMP/import/app.json" 2>/dev/null)
  check "imported x11;fallback-x11;wayland gives Wayland" grep -qx "WAYLAND_DISPLAY=wayland-0" <<<"$imported_env"
  check "  …and no X11, as under Flatpak" bash -c '! grep -q "^DISPLAY=" <<<"$1"' _ "$imported_env"
  rm -f "$XDG_RUNTIME_DIR/wayland-0"

  # GTK's settings.ini through the desktop preset's xdg-config/gtk-3.0 grant.
  mkdir -p "$XDG_CONFIG_HOME/gtk-3.0"
  printf '[Settings]\ngtk-application-prefer-dark-theme=1\n' >"$XDG_CONFIG_HOME/gtk-3.0/settings.ini"
  check_output "a GTK app sees the host's settings.ini through the desktop preset" "True" \
    run_in --preset=desktop -- $PROBE dark-theme
  check_output "  …and not without it" "False" run_in --socket=x11 -- $PROBE dark-theme
else
  skip "X11 tests: Xvfb, xauth or GTK 3 (gir1.2-gtk-3.0) is missing"
fi

# --- Flatpak's spellings -------------------------------------------------------
check_output "home/DIR is Flatpak's ~/DIR (Brave's manifest)" "filesystems=~/.local/share/applications:create;" \
  "$FAUXPAK" info --filesystem=home/.local/share/applications:create --app-id=$APP

# --- user directories ------------------------------------------------------
if has_gtk; then
  mkdir -p "$HOME/Downloads" "$XDG_CONFIG_HOME"
  printf 'XDG_DOWNLOAD_DIR="%s/Downloads"\n' "$HOME" >"$XDG_CONFIG_HOME/user-dirs.dirs"
  check_output "GLib finds Downloads with xdg-download" "$HOME/Downloads" \
    run_in --filesystem=xdg-download -- $PROBE download
  check_output "  …and not without the grant" "None" run_in -- $PROBE download
  check_output "  …and the host's user-dirs.dirs with home" "$HOME/Downloads" \
    run_in --filesystem=home -- $PROBE download
fi

# --- the accessibility bus ---------------------------------------------------
launcher=/usr/libexec/at-spi-bus-launcher
if [ -x "$launcher" ] && has_gtk; then
  dbus-daemon --config-file="$TESTS_DIR/portal/dbus-session.conf" --address="unix:path=$XDG_RUNTIME_DIR/bus" \
    --nofork --nopidfile </dev/null >"$TEST_TMP/bus.log" 2>&1 &
  cleanup_kill $!
  export DBUS_SESSION_BUS_ADDRESS=unix:path=$XDG_RUNTIME_DIR/bus
  if wait_for '[ -S "$XDG_RUNTIME_DIR/bus" ]'; then
    # Not cleanup_kill: killed first, it would leave its bus daemon behind,
    # reparented; lib.sh ends the whole tree, children first.
    "$launcher" --launch-immediately >"$TEST_TMP/a11y.log" 2>&1 </dev/null &
    a11y_launcher=$!
    a11y_address=""
    wait_for 'a11y_address=$(gdbus call --session -d org.a11y.Bus -o /org/a11y/bus -m org.a11y.Bus.GetAddress 2>/dev/null)' 10
    if [ -n "$a11y_address" ]; then
      out=$(run_in -- $PROBE a11y 2>&1)
      check_output "an a11y client inside reaches the registry through the proxied bus" "registry answered" echo "$out"
      check_output "  …which filters what Flatpak's filter filters" "introspection denied" echo "$out"
      check_output "  …at Flatpak's address" "AT_SPI_BUS_ADDRESS=unix:path=/run/flatpak/at-spi-bus" \
        run_in -- env
      # What fauxpak info lists is what the sandbox gets, the proxy's socket too.
      "$FAUXPAK" info --ro-bind="$TESTS_DIR/fidelity:$PROBE_DIR" --app-id=$APP -- true > "$TEST_TMP/a11y-info.txt"
      run_in -- cat /proc/self/mountinfo > "$TEST_TMP/a11y-mounts.txt"
      check_output "  …which fauxpak info lists" "-> /run/flatpak/at-spi-bus" cat "$TEST_TMP/a11y-info.txt"
      check "  …with every other mount of the sandbox" \
        "$SYSTEM_PYTHON" "$TESTS_DIR/mount-compare.py" /proc/self/mountinfo "$TEST_TMP/a11y-mounts.txt" "$TEST_TMP/a11y-info.txt"
    else
      not_ok "at-spi-bus-launcher came up on the private session bus: $(cat "$TEST_TMP/a11y.log")"
    fi
    _kill_descendants "$a11y_launcher"
    kill "$a11y_launcher" 2>/dev/null
    wait "$a11y_launcher" 2>/dev/null
  else
    not_ok "the private session bus did not start"
  fi
  unset DBUS_SESSION_BUS_ADDRESS
else
  skip "a11y tests: at-spi2-core or GTK 3 is missing"
fi

# --- the host runtime's /etc and /var ----------------------------------------
# The rule (README): the host's /etc, read-only, without what others may
# not read; the host's font cache at /var/cache/fontconfig.
check "/etc holds what programs read (manpath.config, java, services)" \
  run_in -- sh -c 'test -r /etc/manpath.config && test -r /etc/services && ls /etc/java-* >/dev/null 2>&1 || ! ls -d /etc/java-* >/dev/null 2>&1'
if [ -e /etc/shadow ]; then
  check "  …but not /etc/shadow (empty)" run_in -- sh -c "! [ -s /etc/shadow ]"
fi
if [ -d /etc/ssl/private ]; then
  check "  …nor the contents of /etc/ssl/private" run_in -- sh -c '[ -z "$(ls -A /etc/ssl/private 2>/dev/null)" ]'
fi
if command -v java >/dev/null; then
  mkdir -p "$TEST_TMP/java"
  printf 'public class Hello { public static void main(String[] a) { System.out.println("hello from the JVM"); } }\n' \
    >"$TEST_TMP/java/Hello.java"
  check_output "a JVM program runs" "hello from the JVM" \
    "$FAUXPAK" run --ro-bind="$TEST_TMP/java:/opt/java" --app-id=$APP -- java /opt/java/Hello.java
else
  skip "java is not installed"
fi
if command -v man >/dev/null && [ -e /usr/share/man/man1/ls.1.gz ]; then
  check_output "man finds and shows a page" "NAME" run_in -- env MANPAGER=cat MANWIDTH=80 man ls
fi
if command -v fc-match >/dev/null && [ -d /var/cache/fontconfig ]; then
  rm -rf "$HOME/.var/app/$APP/cache/fontconfig"
  check "a font lookup works" run_in -- sh -c 'fc-match sans >/dev/null'
  font_cache_inside=$(run_in -- ls /var/cache/fontconfig 2>/dev/null)
  check "  …with the host's font cache at /var/cache/fontconfig" \
    bash -c '[ -n "$1" ] && [ "$1" = "$2" ]' _ "$font_cache_inside" "$(ls /var/cache/fontconfig)"
  # Only where the host's own lookup, with an empty user cache, finds the
  # system cache valid: a cache older than its font directories (an image
  # that lost their mtimes) is rebuilt outside the sandbox too.
  host_cache=$(mktemp -d "$TEST_TMP/host-cache.XXXXXX")
  XDG_CACHE_HOME=$host_cache fc-match sans >/dev/null 2>&1
  if [ -z "$(ls -A "$host_cache/fontconfig" 2>/dev/null)" ]; then
    check "  …from the host's font cache (nothing was cached anew)" \
      bash -c "[ -z \"\$(ls -A '$HOME/.var/app/$APP/cache/fontconfig' 2>/dev/null)\" ]"
  else
    skip "the host's font cache: /var/cache/fontconfig is stale here, the host rebuilds it too (fc-cache -s)"
  fi
fi
check_output "a TLS client finds the system's trust store" "trusted" \
  run_in -- "$SYSTEM_PYTHON" -c 'import ssl; print("trusted" if ssl.create_default_context().get_ca_certs() else "no CA")'
check "getservbyname works (/etc/services)" \
  run_in -- "$SYSTEM_PYTHON" -c 'import socket; assert socket.getservbyname("https") == 443'

# A runtime of listed paths holding /etc, with the host's /etc as well.
mkdir -p "$TEST_TMP/profiles"
printf '{"app-id": "%s", "command": ["/bin/true"], "runtime": {"paths": ["/usr", "/etc"]}}\n' $APP \
  >"$TEST_TMP/profiles/etc-paths.json"
check_output "runtime paths holding /etc with host-etc are refused, saying what to do" "\"host-etc\": false" \
  "$FAUXPAK" run "$TEST_TMP/profiles/etc-paths.json"
check_status "  …with status 125" 125 "$FAUXPAK" run "$TEST_TMP/profiles/etc-paths.json"
printf '{"app-id": "%s", "command": ["/usr/bin/test", "-r", "/etc/os-release"], "runtime": {"paths": ["/usr", "/lib", "/lib64", "/etc"], "host-etc": false}}\n' $APP \
  >"$TEST_TMP/profiles/etc-paths-own.json"
if [ -L /bin ]; then
  check "  …and work with \"host-etc\": false" "$FAUXPAK" run "$TEST_TMP/profiles/etc-paths-own.json"
fi
