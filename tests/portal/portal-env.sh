# portal-env.sh - a private xdg-desktop-portal stack for end-to-end tests.
# Source from bash:
#
#   . tests/portal/portal-env.sh
#   portal_env_start || exit 1
#   trap portal_env_stop EXIT
#   portal_env_set_open_uri "file://$PWD/some-file"
#   ... run sandboxed clients ...
#   portal_env_stop
#
# portal_env_start runs, each under its own pid, in a fresh temp dir:
#   dbus-daemon (private session bus, no service activation),
#   xdg-permission-store, xdg-document-portal (FUSE at $XDG_RUNTIME_DIR/doc),
#   filechooser-backend.py (org.freedesktop.impl.portal.Test) and
#   xdg-desktop-portal, waiting until each owns its bus name.
# It exports HOME, XDG_RUNTIME_DIR, XDG_{DATA,CONFIG,CACHE,STATE}_HOME,
# DBUS_SESSION_BUS_ADDRESS, XDG_CURRENT_DESKTOP=test, XDG_DESKTOP_PORTAL_DIR,
# so the real user's HOME and runtime dir are never used; portal_env_stop
# restores the caller's previous values.
#
# Other variables set by start (read-only for callers):
#   PORTAL_ENV_DIR          the temp dir (run/, home/, logs/, script/)
#   PORTAL_ENV_BUS_SOCKET   $XDG_RUNTIME_DIR/bus
#   PORTAL_ENV_DOC_MOUNT    $XDG_RUNTIME_DIR/doc (document portal FUSE mount)
#   PORTAL_ENV_BACKEND_LOG  one "<method> <app_id>" line per backend call
# Knobs (set before start):
#   PORTAL_ENV_TIMEOUT  seconds to wait for each service (default 10)
#   PORTAL_ENV_LIBEXEC  where the portal binaries live (default /usr/libexec)
#   PORTAL_ENV_PYTHON   python with gi (default /usr/bin/python3)
#   PORTAL_ENV_PORTAL_PATH  PATH of the two portals, which run `flatpak`
#                       (default: the caller's)
#   PORTAL_ENV_KEEP=1   keep the temp dir on stop (for debugging)
#
# All functions are safe under `set -euo pipefail` and return non-zero with a
# message on stderr on failure.

PORTAL_ENV_SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Variables we override; saved on start and restored on stop.
_PORTAL_ENV_VARS="HOME XDG_RUNTIME_DIR XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME
XDG_STATE_HOME DBUS_SESSION_BUS_ADDRESS XDG_CURRENT_DESKTOP XDG_DESKTOP_PORTAL_DIR
GIO_USE_VFS GSETTINGS_BACKEND"

_portal_env_log() { echo "portal-env: $*" >&2; }

_portal_env_save_vars() {
    local v
    for v in $_PORTAL_ENV_VARS; do
        if [ -n "${!v+set}" ]; then
            printf -v "_PORTAL_ENV_OLD_$v" '%s' "${!v}"
            printf -v "_PORTAL_ENV_HAD_$v" '%s' 1
        else
            printf -v "_PORTAL_ENV_HAD_$v" '%s' 0
        fi
    done
}

_portal_env_restore_vars() {
    local v had old
    for v in $_PORTAL_ENV_VARS; do
        had="_PORTAL_ENV_HAD_$v"
        old="_PORTAL_ENV_OLD_$v"
        [ -n "${!had:-}" ] || continue       # never saved
        if [ "${!had}" = 1 ]; then
            export "$v=${!old}"
        else
            unset "$v"
        fi
        unset "$had" "$old"
    done
}

# _portal_env_spawn NAME CMD... : start CMD in the background with its output
# in logs/NAME.log and record "PID NAME" in the pids file.
_portal_env_spawn() {
    local name=$1; shift
    "$@" </dev/null >"$PORTAL_ENV_DIR/logs/$name.log" 2>&1 &
    echo "$! $name" >>"$PORTAL_ENV_DIR/pids"
    _PORTAL_ENV_LAST_PID=$!
}

_portal_env_pid_of() {
    [ -f "${PORTAL_ENV_DIR:-}/pids" ] || return 1
    awk -v n="$1" '$2 == n { print $1 }' "$PORTAL_ENV_DIR/pids"
}

_portal_env_has_owner() {
    gdbus call --session --dest org.freedesktop.DBus \
        --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.NameHasOwner "$1" 2>/dev/null |
        grep -q true
}

# _portal_env_wait WHAT PID TEST-CMD... : poll TEST-CMD every 0.1 s for up to
# PORTAL_ENV_TIMEOUT s; fail early if PID dies (no point waiting for a corpse).
_portal_env_wait() {
    local what=$1 pid=$2; shift 2
    local tries=$(( ${PORTAL_ENV_TIMEOUT:-10} * 10 ))
    while [ "$tries" -gt 0 ]; do
        if "$@"; then return 0; fi
        if ! _portal_env_alive "$pid"; then
            _portal_env_log "$what (pid $pid) exited early"
            return 1
        fi
        sleep 0.1
        tries=$((tries - 1))
    done
    _portal_env_log "timed out waiting for $what"
    return 1
}

_portal_env_is_mounted() {
    # mountinfo escapes spaces etc. as octal; our paths contain none.
    [ -n "$1" ] && awk -v m="$1" '$5 == m { found = 1 } END { exit !found }' \
        /proc/self/mountinfo
}

# Alive = exists and is not a zombie. bash reaps its own children, but when
# stop runs in a subshell the exited services stay zombies of the parent.
_portal_env_alive() {
    local stat
    read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
    stat=${stat##*) }          # skip "pid (comm) "; comm may contain spaces
    [ "${stat%% *}" != Z ]
}

_portal_env_kill() {
    local pid=$1 tries=50
    kill -TERM "$pid" 2>/dev/null || true
    while _portal_env_alive "$pid" && [ "$tries" -gt 0 ]; do
        sleep 0.1
        tries=$((tries - 1))
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true   # reap, and silence bash's "Terminated"
}

_portal_env_unmount_doc() {
    local mnt=${PORTAL_ENV_DOC_MOUNT:-}
    _portal_env_is_mounted "$mnt" || return 0
    # After the portal died the mount is "Transport endpoint is not connected";
    # a plain -u still works then. -z (lazy) is the fallback if something in a
    # test still holds a file open in it.
    fusermount3 -u "$mnt" 2>/dev/null || fusermount3 -uz "$mnt" 2>/dev/null ||
        umount -l "$mnt" 2>/dev/null || true
    if _portal_env_is_mounted "$mnt"; then
        _portal_env_log "could not unmount $mnt"
        return 1
    fi
}

# A failed start shows the service logs (they go away with the temp dir).
_portal_env_abort() {
    portal_env_dump_logs
    portal_env_stop
}

# portal_env_missing: prints what the stack (and an app talking to it
# through xdg-dbus-proxy and the document portal) needs and this machine
# lacks; nothing when all is there.
portal_env_missing() {
    local python=${PORTAL_ENV_PYTHON:-/usr/bin/python3} missing=
    [ -x "${PORTAL_ENV_LIBEXEC:-/usr/libexec}/xdg-desktop-portal" ] || missing+=" xdg-desktop-portal"
    command -v xdg-dbus-proxy >/dev/null || missing+=" xdg-dbus-proxy"
    "$python" -c 'import gi' 2>/dev/null || missing+=" python3-gi"
    { [ -r /dev/fuse ] && [ -w /dev/fuse ]; } || missing+=" read-write /dev/fuse"
    printf '%s' "$missing"
}

# portal_env_start_or_skip WHAT: for a TAP test (tests/lib.sh). Skips the
# rest of the test (exit 0), saying "WHAT:" and what is missing, when this
# machine lacks what the stack needs; fails it when the stack does not
# start; otherwise stops the stack at exit, with its logs when a check
# failed (they go away with the temp dir).
portal_env_start_or_skip() {
    local missing
    missing=$(portal_env_missing)
    if [ -n "$missing" ]; then
        skip "$1:$missing"
        exit 0
    fi
    if ! portal_env_start 2>"$TEST_TMP/portal-env.log"; then
        not_ok "the private portal stack starts"
        sed 's/^/# /' "$TEST_TMP/portal-env.log"
        exit 1
    fi
    trap '[ "$_tap_failed" -eq 0 ] || portal_env_dump_logs 2>&1 | sed "s/^/# /"; portal_env_stop; _finish; exit $?' EXIT
}

portal_env_start() {
    if [ -n "${PORTAL_ENV_DIR:-}" ]; then
        _portal_env_log "already started ($PORTAL_ENV_DIR)"
        return 1
    fi
    local libexec=${PORTAL_ENV_LIBEXEC:-/usr/libexec}
    local python=${PORTAL_ENV_PYTHON:-/usr/bin/python3}
    local pid

    # The document portal needs /dev/fuse; as non-root it is often 0600 root.
    if [ ! -r /dev/fuse ] || [ ! -w /dev/fuse ]; then
        _portal_env_log "/dev/fuse is not read/writable by $(id -un) (as root: chmod 0666 /dev/fuse)"
        return 1
    fi

    _portal_env_save_vars
    PORTAL_ENV_DIR=$(mktemp -d "${TMPDIR:-/tmp}/fauxpak-portal.XXXXXX") || {
        _portal_env_restore_vars; return 1; }
    touch "$PORTAL_ENV_DIR/.portal-env"       # marker checked before rm -rf
    # sun_path holds 108 bytes; a long TMPDIR would make the bus unbindable.
    if [ "${#PORTAL_ENV_DIR}" -gt 90 ]; then
        _portal_env_log "temp dir path too long for a unix socket: $PORTAL_ENV_DIR"
        _portal_env_abort; return 1
    fi
    mkdir -m 700 "$PORTAL_ENV_DIR/run"
    mkdir -p "$PORTAL_ENV_DIR/home" "$PORTAL_ENV_DIR/logs" "$PORTAL_ENV_DIR/script"
    : >"$PORTAL_ENV_DIR/pids"

    export HOME=$PORTAL_ENV_DIR/home
    export XDG_RUNTIME_DIR=$PORTAL_ENV_DIR/run
    export XDG_DATA_HOME=$HOME/.local/share
    export XDG_CONFIG_HOME=$HOME/.config
    export XDG_CACHE_HOME=$HOME/.cache
    export XDG_STATE_HOME=$HOME/.local/state
    export XDG_CURRENT_DESKTOP=test
    export XDG_DESKTOP_PORTAL_DIR=$PORTAL_ENV_SRCDIR
    # Keep GIO from trying to reach gvfs or dconf over the (empty) bus.
    export GIO_USE_VFS=local
    export GSETTINGS_BACKEND=memory
    PORTAL_ENV_BUS_SOCKET=$XDG_RUNTIME_DIR/bus
    PORTAL_ENV_DOC_MOUNT=$XDG_RUNTIME_DIR/doc
    PORTAL_ENV_BACKEND_LOG=$PORTAL_ENV_DIR/backend.log
    : >"$PORTAL_ENV_BACKEND_LOG"
    export DBUS_SESSION_BUS_ADDRESS=unix:path=$PORTAL_ENV_BUS_SOCKET

    # 1. Bus. --print-address is written once the socket listens.
    _portal_env_spawn dbus-daemon dbus-daemon \
        --config-file="$PORTAL_ENV_SRCDIR/dbus-session.conf" \
        --address="$DBUS_SESSION_BUS_ADDRESS" --nofork --nopidfile \
        --print-address=3 3>"$PORTAL_ENV_DIR/bus-address"
    pid=$_PORTAL_ENV_LAST_PID
    _portal_env_wait "dbus-daemon" "$pid" test -s "$PORTAL_ENV_DIR/bus-address" &&
        _portal_env_wait "dbus-daemon" "$pid" \
            _portal_env_has_owner org.freedesktop.DBus || {
        _portal_env_abort; return 1; }

    # 2. Services, in dependency order: the document portal stores its
    # permissions in the permission store; xdg-desktop-portal looks up its
    # backend and the document portal when it starts.
    _portal_env_spawn permission-store "$libexec/xdg-permission-store"
    _portal_env_wait "xdg-permission-store" "$_PORTAL_ENV_LAST_PID" \
        _portal_env_has_owner org.freedesktop.impl.portal.PermissionStore || {
        _portal_env_abort; return 1; }

    _portal_env_spawn document-portal env PATH="${PORTAL_ENV_PORTAL_PATH:-$PATH}" "$libexec/xdg-document-portal"
    pid=$_PORTAL_ENV_LAST_PID
    # The name is owned a moment before the FUSE mount is up; wait for both.
    _portal_env_wait "xdg-document-portal" "$pid" \
        _portal_env_has_owner org.freedesktop.portal.Documents &&
        _portal_env_wait "document portal mount" "$pid" \
            _portal_env_is_mounted "$PORTAL_ENV_DOC_MOUNT" || {
        _portal_env_abort; return 1; }

    _portal_env_spawn backend "$python" "$PORTAL_ENV_SRCDIR/filechooser-backend.py" \
        --log "$PORTAL_ENV_BACKEND_LOG" --script-dir "$PORTAL_ENV_DIR/script" \
        --ready-file "$PORTAL_ENV_DIR/backend.ready"
    _portal_env_wait "filechooser backend" "$_PORTAL_ENV_LAST_PID" \
        _portal_env_has_owner org.freedesktop.impl.portal.Test || {
        _portal_env_abort; return 1; }

    _portal_env_spawn desktop-portal env PATH="${PORTAL_ENV_PORTAL_PATH:-$PATH}" "$libexec/xdg-desktop-portal" --verbose
    _portal_env_wait "xdg-desktop-portal" "$_PORTAL_ENV_LAST_PID" \
        _portal_env_has_owner org.freedesktop.portal.Desktop || {
        _portal_env_abort; return 1; }
    return 0
}

# Stop only the document portal and unmount it (tests of behaviour without it).
portal_env_stop_document_portal() {
    local pid
    [ -n "${PORTAL_ENV_DIR:-}" ] || return 0
    for pid in $(_portal_env_pid_of document-portal); do
        _portal_env_kill "$pid"
    done
    sed -i '/ document-portal$/d' "$PORTAL_ENV_DIR/pids"
    _portal_env_unmount_doc
}

# Stop everything start started, unmount, remove the temp dir, restore the
# caller's environment. Idempotent: a second call does nothing.
portal_env_stop() {
    local dir=${PORTAL_ENV_DIR:-} pid name rc=0
    [ -n "$dir" ] || return 0
    if [ -f "$dir/pids" ]; then
        # Reverse start order: clients of a service go before the service.
        while read -r pid name; do
            _portal_env_kill "$pid"
        done < <(tac "$dir/pids")
        : >"$dir/pids"
    fi
    _portal_env_unmount_doc || rc=1
    if [ "$rc" -ne 0 ]; then
        # Never rm -rf through a live document mount: it maps to real files.
        _portal_env_log "leaving $dir in place because $PORTAL_ENV_DOC_MOUNT is still mounted"
    elif [ "${PORTAL_ENV_KEEP:-0}" = 1 ]; then
        _portal_env_log "kept $dir"
    elif [ -f "$dir/.portal-env" ]; then
        rm -rf --one-file-system "$dir"
    fi
    _portal_env_restore_vars
    unset PORTAL_ENV_DIR PORTAL_ENV_BUS_SOCKET PORTAL_ENV_DOC_MOUNT PORTAL_ENV_BACKEND_LOG
    return "$rc"
}

# Script the backend of a running env. Each takes effect on the next call.
portal_env_set_open_uri() { printf '%s\n' "$@" >"$PORTAL_ENV_DIR/script/open-uris"; }
portal_env_set_save_uri() { printf '%s\n' "$@" >"$PORTAL_ENV_DIR/script/save-uris"; }
# 0 success, 1 cancelled, 2 other error.
portal_env_set_response() { echo "$1" >"$PORTAL_ENV_DIR/script/response"; }

# Print every service log to stderr (call when a test fails).
portal_env_dump_logs() {
    local f
    for f in "${PORTAL_ENV_DIR:-/nonexistent}"/logs/*.log; do
        [ -f "$f" ] || continue
        echo "==== $(basename "$f")" >&2
        cat "$f" >&2
    done
}
