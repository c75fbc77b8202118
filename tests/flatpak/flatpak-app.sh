# Builds real Flatpak apps offline, into a private repository and a private
# installation, for the tests and the benchmark that hold fauxpak against
# the real `flatpak`. Nothing touches the user's or the system's
# installation. Source it from bash, then:
#
#   flatpak_app_init DIR
#       A private installation under DIR: exports FLATPAK_USER_DIR,
#       FLATPAK_SYSTEM_DIR and FLATPAK_CONFIG_DIR; the repository is
#       $FLATPAK_APP_REPO (DIR/repo), added to the installation as the
#       remote $FLATPAK_APP_REMOTE.
#   flatpak_app_static_binary SOURCE.c OUTPUT [GCC-ARG…]
#       gcc -static: a runtime made here has no libc of its own.
#   flatpak_app_runtime RUNTIME-ID [FILE…]
#       A runtime (branch 1) whose /usr/bin holds the FILEs (and the host's
#       ldconfig when it is static, as a real runtime has one), exported
#       and installed.
#   flatpak_app_runtime_libraries RUNTIME-ID BINARY…
#       Before flatpak_app_runtime: the shared libraries the dynamically
#       linked BINARYs need (ldd), and their loader, go into that runtime's
#       /usr/lib (at the host's paths below /usr), so an app linked against
#       the host's libraries (GIO, say) runs in it.
#   flatpak_app_build APP-ID RUNTIME-ID BINARY [BUILD-FINISH-ARG…]
#       An app (branch master) with BINARY as /app/bin/<its name>, its
#       command, finished with the given arguments (finish-args such as
#       --share=network), exported and installed. The build directory is
#       $FLATPAK_APP_DIR/src/APP-ID.
#       Installs go to the private user installation, or with
#       FLATPAK_APP_INSTALLATION=system to the private system one (root
#       only: anyone else would need flatpak's system helper on the real
#       system bus); an app's runtime follows it there.
#   flatpak_app_bundle APP-ID FILE
#       `flatpak build-bundle` of the app's master branch into FILE.
#   flatpak_app_run APP-ID [ARG…]
#       `flatpak run --user APP-ID ARG…`.
#
# Each returns non-zero when it cannot do its part, with FLATPAK_APP_ERROR
# saying why (the caller skips with it); the details are in
# $FLATPAK_APP_DIR/build.log.

FLATPAK_APP_ERROR=""
FLATPAK_APP_REMOTE=fauxpak-local
_flatpak_app_system_bus_pid=""

_flatpak_app_fail () {
  FLATPAK_APP_ERROR="$1${FLATPAK_APP_DIR:+: $(tail -n 1 "$FLATPAK_APP_DIR/build.log" 2>/dev/null)}"
  return 1
}

flatpak_app_init () {
  FLATPAK_APP_DIR=$1
  FLATPAK_APP_REPO=$1/repo
  command -v flatpak >/dev/null || { FLATPAK_APP_ERROR="flatpak is not installed"; return 1; }
  command -v dbus-daemon >/dev/null || { FLATPAK_APP_ERROR="dbus-daemon is not installed"; return 1; }
  mkdir -p "$1/user" "$1/system" "$1/config" "$1/src" || { FLATPAK_APP_ERROR="cannot create $1"; return 1; }
  : >"$1/build.log"
  export FLATPAK_USER_DIR=$1/user FLATPAK_SYSTEM_DIR=$1/system FLATPAK_CONFIG_DIR=$1/config
}

flatpak_app_static_binary () {
  local source=$1 output=$2; shift 2
  command -v gcc >/dev/null || { FLATPAK_APP_ERROR="gcc is not installed (needed for a static binary)"; return 1; }
  gcc -static -O2 -o "$output" "$source" "$@" >>"$FLATPAK_APP_DIR/build.log" 2>&1 ||
    _flatpak_app_fail "gcc -static $source failed (is a static libc, libc6-dev, installed?)"
}

# Installing as non-root asks malcontent (parental controls) on the system
# bus and fails without one: each install gets a private, empty system bus.
# (Runs do without: flatpak skips the check when there is no system bus.)
_flatpak_app_start_system_bus () {
  local dir=$FLATPAK_APP_DIR tries=100
  cat >"$dir/system-bus.conf" <<'XML'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <auth>EXTERNAL</auth>
  <listen>unix:tmpdir=/tmp</listen>
  <policy context="default">
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
    <allow own="*"/>
  </policy>
</busconfig>
XML
  rm -f "$dir/system-bus.address"
  dbus-daemon --config-file="$dir/system-bus.conf" --address="unix:path=$dir/system-bus" --nofork --nopidfile \
    --print-address=3 3>"$dir/system-bus.address" </dev/null >>"$dir/build.log" 2>&1 &
  _flatpak_app_system_bus_pid=$!
  while [ ! -s "$dir/system-bus.address" ] && [ "$tries" -gt 0 ]; do sleep 0.05; tries=$((tries - 1)); done
  [ -s "$dir/system-bus.address" ] || { _flatpak_app_stop_system_bus; _flatpak_app_fail "the private system bus for flatpak install did not start"; }
}

_flatpak_app_stop_system_bus () {
  [ -n "$_flatpak_app_system_bus_pid" ] || return 0
  kill "$_flatpak_app_system_bus_pid" 2>/dev/null
  wait "$_flatpak_app_system_bus_pid" 2>/dev/null
  _flatpak_app_system_bus_pid=""
}

_flatpak_app_install () {  # REF
  local status installation=--${FLATPAK_APP_INSTALLATION:-user}
  if [ "$installation" = --system ] && [ "$(id -u)" -ne 0 ]; then
    FLATPAK_APP_ERROR="a system installation needs root"; return 1
  fi
  if ! flatpak "$installation" remotes 2>/dev/null | grep -q "^$FLATPAK_APP_REMOTE"; then
    flatpak "$installation" remote-add --no-gpg-verify "$FLATPAK_APP_REMOTE" "file://$FLATPAK_APP_REPO" \
      >>"$FLATPAK_APP_DIR/build.log" 2>&1 || { _flatpak_app_fail "flatpak remote-add failed"; return 1; }
  fi
  _flatpak_app_start_system_bus || return 1
  DBUS_SYSTEM_BUS_ADDRESS=unix:path=$FLATPAK_APP_DIR/system-bus \
    flatpak "$installation" install --noninteractive --reinstall -y "$FLATPAK_APP_REMOTE" "$1" >>"$FLATPAK_APP_DIR/build.log" 2>&1
  status=$?
  _flatpak_app_stop_system_bus
  [ "$status" -eq 0 ] || _flatpak_app_fail "flatpak install $1 failed"
}

flatpak_app_runtime () {
  local id=$1 src=$FLATPAK_APP_DIR/src/$1 arch ldconfig file
  shift
  arch=$(flatpak --default-arch)
  mkdir -p "$src/files/bin" "$src/files/etc"
  for file in "$@"; do cp "$file" "$src/files/bin/" || { FLATPAK_APP_ERROR="cannot copy $file"; return 1; }; done
  for ldconfig in /sbin/ldconfig /usr/sbin/ldconfig; do
    if [ -x "$ldconfig" ] && LC_ALL=C ldd "$ldconfig" 2>&1 | grep -q -e "not a dynamic" -e "statically linked"; then
      cp "$ldconfig" "$src/files/bin/ldconfig"; break
    fi
  done
  cat >"$src/metadata" <<EOF
[Runtime]
name=$id
runtime=$id/$arch/1
sdk=$id/$arch/1
EOF
  flatpak build-export --runtime --files=files "$FLATPAK_APP_REPO" "$src" 1 >>"$FLATPAK_APP_DIR/build.log" 2>&1 ||
    { _flatpak_app_fail "flatpak build-export of the runtime $id failed"; return 1; }
  _flatpak_app_install "$id//1"
}

flatpak_app_runtime_libraries () {
  local files=$FLATPAK_APP_DIR/src/$1/files binary lib dest
  shift
  for binary in "$@"; do
    # ldd prints "name => /path (addr)" and the loader as "/path (addr)".
    for lib in $(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
      dest=$files/${lib#/usr}
      case $lib in /usr/*) ;; *) dest=$files/$lib ;; esac
      mkdir -p "$(dirname "$dest")" && cp -L "$lib" "$dest" ||
        { FLATPAK_APP_ERROR="cannot copy $lib into the runtime $1"; return 1; }
    done
  done
}

flatpak_app_build () {
  local id=$1 runtime=$2 binary=$3 src=$FLATPAK_APP_DIR/src/$1
  shift 3
  rm -rf "$src"
  {
    flatpak build-init "$src" "$id" "$runtime" "$runtime" 1 &&
    mkdir -p "$src/files/bin" && cp "$binary" "$src/files/bin/" &&
    flatpak build-finish --command="$(basename "$binary")" "$@" "$src" &&
    flatpak build-export "$FLATPAK_APP_REPO" "$src" master
  } >>"$FLATPAK_APP_DIR/build.log" 2>&1 || { _flatpak_app_fail "building the Flatpak app $id failed"; return 1; }
  _flatpak_app_install "$id//master"
}

flatpak_app_bundle () {
  flatpak build-bundle "$FLATPAK_APP_REPO" "$2" "$1" master >>"$FLATPAK_APP_DIR/build.log" 2>&1 ||
    _flatpak_app_fail "flatpak build-bundle $1 failed"
}

flatpak_app_run () {
  local id=$1; shift
  flatpak run --user "$id" "$@"
}
