#!/bin/bash
# Smoke test of the private portal stack with plain bwrap (no fauxpak): an app
# in a sandbox whose root holds /.flatpak-info is identified by the portal,
# gets a file through the FileChooser portal via the document portal, and
# cannot see the file's real directory. Prints TAP. Run as root or as a user
# who can use /dev/fuse and unprivileged user namespaces.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/portal-env.sh"

APP_ID=org.example.Smoke
PY=/usr/bin/python3      # the system python: it has gi (a PATH python may not)

n=0 failed=0
ok()     { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check()  { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
diag()   { sed 's/^/# /'; }

echo "1..9"

if portal_env_start; then
    ok "private portal stack started"
else
    not_ok "private portal stack started"
    echo "Bail out! cannot start the portal stack"
    exit 1
fi
cleanup() {
    [ "$failed" -eq 0 ] || portal_env_dump_logs 2>&1 | diag
    portal_env_stop
}
trap cleanup EXIT

# Host files live outside anything the sandbox mounts (its /tmp is a tmpfs).
hostdir=$PORTAL_ENV_DIR/host-files
mkdir -p "$hostdir"
echo "smoke content $$" >"$hostdir/open-me.txt"
info=$PORTAL_ENV_DIR/flatpak-info
printf '[Application]\nname=%s\n' "$APP_ID" >"$info"

# Merged-/usr hosts have /bin etc. as symlinks into /usr; recreate those.
# (A host where they are real directories would need them bound instead.)
usr_links=()
for d in bin lib lib64 sbin; do
    if [ -L "/$d" ]; then
        usr_links+=(--symlink "$(readlink "/$d")" "/$d")
    elif [ -d "/$d" ]; then
        usr_links+=(--ro-bind "/$d" "/$d")
    fi
done

sandbox() {
    # /.flatpak-info comes from a copy (--ro-bind-data) so nothing the host
    # or app writes later can change the identity the portal reads.
    bwrap --unshare-all --die-with-parent \
        --ro-bind /usr /usr "${usr_links[@]}" \
        --proc /proc --dev /dev --tmpfs /tmp \
        --ro-bind-data 9 /.flatpak-info \
        --ro-bind "$here/portal-client.py" /tmp/portal-client.py \
        --bind "$PORTAL_ENV_BUS_SOCKET" "$PORTAL_ENV_BUS_SOCKET" \
        --bind "$PORTAL_ENV_DOC_MOUNT/by-app/$APP_ID" "$PORTAL_ENV_DOC_MOUNT" \
        --clearenv --setenv PATH /usr/bin --setenv HOME /tmp \
        --setenv XDG_RUNTIME_DIR "$XDG_RUNTIME_DIR" \
        --setenv DBUS_SESSION_BUS_ADDRESS "unix:path=$PORTAL_ENV_BUS_SOCKET" \
        --setenv GIO_USE_VFS local \
        -- "$@" 9<"$info"
}

check "sandbox cannot see the host file's directory" \
    sandbox /bin/sh -c "test -r /.flatpak-info && test ! -e '$hostdir'"

# OpenFile: the backend picks the host file; the portal exports it via the
# document portal and returns a path under the sandbox's doc mount.
portal_env_set_open_uri "file://$hostdir/open-me.txt"
if out=$(sandbox $PY /tmp/portal-client.py open 2>&1); then
    ok "OpenFile from the sandbox succeeded"
else
    not_ok "OpenFile from the sandbox succeeded"
fi
path=$(printf '%s\n' "$out" | tail -n 1)
echo "$out" | diag
case $path in
    "$PORTAL_ENV_DOC_MOUNT"/*/open-me.txt) ok "returned path is in the document portal" ;;
    *) not_ok "returned path is in the document portal" ;;
esac
check "sandboxed app reads the file content at the returned path" \
    test "$(sandbox cat "$path" 2>&1)" = "smoke content $$"
check "backend saw OpenFile from $APP_ID" \
    grep -qx "OpenFile $APP_ID" "$PORTAL_ENV_BACKEND_LOG"

# SaveFile: a file that does not exist yet; the app writes through the
# returned path and the bytes land in the real host file.
portal_env_set_save_uri "file://$hostdir/saved.txt"
if out=$(sandbox $PY /tmp/portal-client.py save --name saved.txt \
        --write "saved from sandbox" 2>&1); then
    ok "SaveFile from the sandbox succeeded and wrote the returned path"
else
    not_ok "SaveFile from the sandbox succeeded and wrote the returned path"
fi
echo "$out" | diag
check "host file holds what the sandboxed app wrote" \
    test "$(cat "$hostdir/saved.txt" 2>&1)" = "saved from sandbox"
check "backend saw SaveFile from $APP_ID" \
    grep -qx "SaveFile $APP_ID" "$PORTAL_ENV_BACKEND_LOG"

[ "$failed" -eq 0 ]
