#!/bin/bash
# Host-side writes do not follow the app's links. The app writes all of
# ~/.var/app/APP-ID (and whatever it is granted): any directory there that
# a later launch creates or binds may have been replaced, from inside, by a
# symlink to a host directory the app wants written or shown. Each attack
# below is made from inside a real sandbox; the next launch must refuse
# (125) and leave the link's target untouched.
source "$(dirname "$0")/../lib.sh"

APP=org.example.Links
APP_DIR="$HOME/.var/app/$APP"
victim="$TEST_TMP/victim"   # a host directory the sandbox never shows
mkdir -p "$victim"

run_in () { "$FAUXPAK" run "$@"; }
victim_untouched () { [ -z "$(ls -A "$victim")" ]; }

# plant NAME: from inside, replace ~/.var/app/APP/NAME with a link to the victim.
# Moved aside, not removed: what the sandbox mounts inside it (the host's
# font cache in cache/fontconfig) cannot be removed, but its parent can be
# renamed all the same.
plant () {
  run_in --app-id=$APP -- sh -c "mkdir -p \"\$(dirname '$APP_DIR/$1')\" &&
                                 { [ ! -e '$APP_DIR/$1' ] || mv '$APP_DIR/$1' \"\$(mktemp -u '$APP_DIR/moved.XXXXXX')\"; } &&
                                 ln -s '$victim' '$APP_DIR/$1'"
}

check "a first launch makes the app's directories" run_in --app-id=$APP -- true
for name in .local data config cache .local/state; do
  plant "$name"
  check "  (the app replaced ~/.var/app/$APP/$name with a symlink from inside)" test -L "$APP_DIR/$name"
  check_status "$name planted as a symlink: the next launch refuses, as $(id -un)" 125 run_in --app-id=$APP -- true
  check "  …and writes nothing where it leads" victim_untouched
  check_output "  …saying why" "is not a directory (a symlink?)" run_in --app-id=$APP -- true
  rm -f "$APP_DIR/$name"
done

# A persistent directory below another: the link may be at any level.
check "--persist=.a/b works" run_in --persist=.a/b --app-id=$APP -- touch "$HOME/.a/b/f"
plant .a
check_status "a persistent directory's parent planted as a symlink: refused, as $(id -un)" 125 \
  run_in --persist=.a/b --app-id=$APP -- true
check "  …and nothing is made there" victim_untouched
rm -f "$APP_DIR/.a"

# A :create grant below a directory the app can write through another grant.
mkdir -p "$HOME/project"
check ":create makes a missing directory below a granted one" \
  run_in --filesystem="~/project" --filesystem="~/project/new/sub:create" --app-id=$APP -- test -d "$HOME/project/new/sub"
run_in --filesystem="~/project" --app-id=$APP -- sh -c "rm -rf ~/project/new && ln -s '$victim' ~/project/new"
check "  (the app replaced ~/project/new with a symlink from inside)" test -L "$HOME/project/new"
check_status "a :create grant through a planted symlink: refused, as $(id -un)" 125 \
  run_in --filesystem="~/project" --filesystem="~/project/new/sub:create" --app-id=$APP -- true
check "  …and the grant's directory is not made where the link leads" victim_untouched

# The instance directory's parent, $XDG_RUNTIME_DIR/.flatpak: no grant
# reaches it, so this link is planted from the host, as a stand-in for any
# way one could get there.
mv "$XDG_RUNTIME_DIR/.flatpak" "$TEST_TMP/flatpak-instances"
ln -s "$victim" "$XDG_RUNTIME_DIR/.flatpak"
check_status "\$XDG_RUNTIME_DIR/.flatpak as a symlink: the launch refuses, as $(id -un)" 125 run_in --app-id=$APP -- true
check "  …and makes no instance where it leads" victim_untouched
rm -f "$XDG_RUNTIME_DIR/.flatpak"
mv "$TEST_TMP/flatpak-instances" "$XDG_RUNTIME_DIR/.flatpak"
check "with the link gone, launches work again" run_in --app-id=$APP -- true

# Links of the host's own above home and the runtime directory are the
# system's, not the app's: a home reached through one still works.
mkdir -p "$TEST_TMP/real-home"
ln -s "$TEST_TMP/real-home" "$TEST_TMP/linked-home"
check "a home reached through a symlink works, with a persistent directory and :create" \
  env HOME="$TEST_TMP/linked-home" "$FAUXPAK" run --persist=.p --filesystem="~/made:create" --app-id=$APP -- \
    sh -c 'touch ~/.p/f && test -d ~/made'
check "  …and its directories are made in the real home" \
  test -f "$TEST_TMP/real-home/.var/app/$APP/.p/f" -a -d "$TEST_TMP/real-home/made"

# Mount points the sandbox makes inside what the app writes: bwrap would
# make each on the host, following a link the app left in its place or
# on the way to it. Each is made by fauxpak instead, without following
# links; a link refuses the launch.
if [ -d /var/cache/fontconfig ]; then
  # cache/fontconfig is mounted on in every sandbox (the host's font
  # cache): only a fresh cache directory can hold a link there.
  run_in --app-id=$APP -- sh -c "mv '$APP_DIR/cache' '$APP_DIR/cache.moved' && mkdir '$APP_DIR/cache' &&
                                 ln -s '$victim/fontconfig' '$APP_DIR/cache/fontconfig'"
  check "  (the app replaced cache/fontconfig with a symlink from inside)" test -L "$APP_DIR/cache/fontconfig"
  check_status "cache/fontconfig planted as a symlink: refused, as $(id -un)" 125 run_in --app-id=$APP -- true
  check "  …and nothing is made where it leads" victim_untouched
  rm -f "$APP_DIR/cache/fontconfig"
fi

mkdir -p "$XDG_CONFIG_HOME/gtk-3.0"
check "--filesystem=xdg-config/gtk-3.0 shows it in the app's config too" \
  run_in --filesystem=xdg-config/gtk-3.0:ro --app-id=$APP -- test -d "$APP_DIR/config/gtk-3.0"
run_in --app-id=$APP -- sh -c "rm -rf '$APP_DIR/config/gtk-3.0' && ln -s '$victim/gtk-3.0' '$APP_DIR/config/gtk-3.0'"
check "  (the app replaced config/gtk-3.0 with a symlink from inside)" test -L "$APP_DIR/config/gtk-3.0"
check_status "  …the next launch with the grant refuses, as $(id -un)" 125 \
  run_in --filesystem=xdg-config/gtk-3.0:ro --app-id=$APP -- true
check "  …and makes nothing where it leads" victim_untouched
rm -f "$APP_DIR/config/gtk-3.0"

# $XDG_RUNTIME_DIR inside is the one the app's instances share.
mkdir -p "$XDG_RUNTIME_DIR/testdir"
check "--filesystem=xdg-run/testdir works" \
  run_in --filesystem=xdg-run/testdir --app-id=$APP -- sh -c 'test -d "$XDG_RUNTIME_DIR/testdir"'
run_in --app-id=$APP -- sh -c "rmdir \"\$XDG_RUNTIME_DIR/testdir\"; ln -s '$victim/testdir' \"\$XDG_RUNTIME_DIR/testdir\""
check_status "\$XDG_RUNTIME_DIR/testdir planted as a symlink: the next launch with the grant refuses, as $(id -un)" 125 \
  run_in --filesystem=xdg-run/testdir --app-id=$APP -- true
check "  …and makes nothing where it leads" victim_untouched
run_in --app-id=$APP -- sh -c 'rm -f "$XDG_RUNTIME_DIR/testdir"'
# fauxpak's own link there (pipewire-0 -> ../../flatpak/pipewire-0, left by
# --socket=pipewire) is no planted one: an xdg-run/pipewire-0 grant takes
# its place, and the socket grant makes it again.
"$SYSTEM_PYTHON" -c "import socket,time,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); time.sleep(60)" \
  "$XDG_RUNTIME_DIR/pipewire-0" &
cleanup_kill $!
wait_for "[ -S '$XDG_RUNTIME_DIR/pipewire-0' ]" 10
check "--socket=pipewire, then xdg-run/pipewire-0, then --socket=pipewire again: each sees the socket" \
  sh -c "$(printf '%q ' "$FAUXPAK") run --socket=pipewire --app-id=$APP -- sh -c 'test -S \"\$XDG_RUNTIME_DIR/pipewire-0\"' &&
         $(printf '%q ' "$FAUXPAK") run --filesystem=xdg-run/pipewire-0 --app-id=$APP -- sh -c 'test -S \"\$XDG_RUNTIME_DIR/pipewire-0\"' &&
         $(printf '%q ' "$FAUXPAK") run --socket=pipewire --app-id=$APP -- sh -c 'test -S \"\$XDG_RUNTIME_DIR/pipewire-0\"'"

# The app's /tmp is shared by its instances: home (under /tmp here) is
# mounted inside it, and a directory on the way there can be replaced.
home_top=/tmp/$(cut -d/ -f3 <<< "$HOME")
run_in --app-id=$APP -- sh -c "mv '$home_top' '/tmp/moved' && ln -s '$victim' '$home_top'"
check_status "a directory on the way to a mount point in the shared /tmp planted as a symlink: refused, as $(id -un)" 125 \
  run_in --app-id=$APP -- true
check "  …and makes nothing where it leads" victim_untouched
rm -f "$XDG_RUNTIME_DIR/.flatpak/$APP/tmp/$(basename "$home_top")"
check "with the link gone, launches work again" run_in --app-id=$APP -- true

# A link of the user's own under a grant of theirs is no planted one: a
# ~/.config kept with the dotfiles still works under a home grant (the
# permission files are hidden where fauxpak reads them, through it).
mv "$XDG_CONFIG_HOME" "$TEST_TMP/config.saved"
mkdir -p "$HOME/dotfiles/config"
ln -s "$HOME/dotfiles/config" "$XDG_CONFIG_HOME"
check "--filesystem=home with ~/.config a symlink of the user's works" \
  run_in --filesystem=home --app-id=$APP -- sh -c "test -d '$XDG_CONFIG_HOME/' && ! ls -A '$XDG_CONFIG_HOME/fauxpak' | grep -q ."
rm -f "$XDG_CONFIG_HOME"
mv "$TEST_TMP/config.saved" "$XDG_CONFIG_HOME"
