#!/bin/bash
# permissions, documents, document-export and document-unexport against
# the real xdg-permission-store and xdg-document-portal on a private bus;
# what a document export grants is checked from inside a real sandbox.
# Needs xdg-desktop-portal, python3-gi and a read-write /dev/fuse.
source "$(dirname "$0")/../lib.sh"
source "$TESTS_DIR/portal/portal-env.sh"

APP=org.example.Docs
OTHER=org.example.Other

portal_env_start_or_skip "portal tests need"

SANDBOX_DOC=/run/user/$(id -u)/doc
STORE=(gdbus call --session --dest org.freedesktop.impl.portal.PermissionStore
       --object-path /org/freedesktop/impl/portal/PermissionStore)
store () { local method=$1; shift; "${STORE[@]}" --method "org.freedesktop.impl.portal.PermissionStore.$method" "$@"; }

# --- permissions -------------------------------------------------------------
store SetPermission notifications true notification $APP "['yes']" >/dev/null
store SetPermission background true background $APP "['no']" >/dev/null
store SetPermission notifications true notification $OTHER "['yes']" >/dev/null
perms=$("$FAUXPAK" permissions $APP 2>&1)
check "permissions lists the app's entry in the notifications table" \
  grep -qE '^notifications +notification +yes$' <<<"$perms"
check "  …and in the background table" grep -qE '^background +background +no$' <<<"$perms"
check "  …and only the app's" bash -c "[ \$(grep -c . <<<\"\$1\") -eq 3 ]" _ "$perms"
check_output "permissions of an invalid app id says so" 'app id "not an id"' "$FAUXPAK" permissions "not an id"
check_status "permissions --reset succeeds" 0 "$FAUXPAK" permissions --reset $APP
check "  …and the store holds nothing for the app" bash -c "[ -z \"\$('$FAUXPAK' permissions $APP)\" ]"
check "  …as the store itself says" bash -c "! $(printf '%q ' "${STORE[@]}") --method org.freedesktop.impl.portal.PermissionStore.Lookup notifications notification | grep -q $APP"
check "  …while the other app's permission stays" \
  bash -c "'$FAUXPAK' permissions $OTHER | grep -qE '^notifications +notification +yes$'"

# --- documents -----------------------------------------------------------------
files=$PORTAL_ENV_DIR/host-files    # neither home nor granted: hidden from sandboxes
mkdir -p "$files"
echo "exported to the app $$" > "$files/shared.txt"
echo "exported to nobody" > "$files/plain.txt"
exported=$("$FAUXPAK" document-export --app=$APP "$files/shared.txt" 2>&1)
doc_id=$(basename "$(dirname "$exported")")
check "document-export prints the file's path in the portal's mount" \
  test "$exported" = "$PORTAL_ENV_DOC_MOUNT/$doc_id/shared.txt"
check "  …where the host reads the file" grep -q "exported to the app $$" "$exported"
check "the app reads the exported file inside its sandbox" \
  bash -c "'$FAUXPAK' run --app-id=$APP -- cat '$SANDBOX_DOC/$doc_id/shared.txt' | grep -q 'exported to the app $$'"
check "another app does not see it" \
  bash -c "! '$FAUXPAK' run --app-id=$OTHER -- cat '$SANDBOX_DOC/$doc_id/shared.txt' 2>/dev/null"
check "the app still cannot see the file's real directory" \
  bash -c "! '$FAUXPAK' run --app-id=$APP -- cat '$files/shared.txt' 2>/dev/null"
plain=$("$FAUXPAK" document-export "$files/plain.txt")
plain_id=$(basename "$(dirname "$plain")")
check "document-export without --app exports to no app" \
  bash -c "'$FAUXPAK' documents | grep -E '^$plain_id ' | grep -qv org.example"
check "documents lists every document with its host path and apps" \
  bash -c "'$FAUXPAK' documents | grep -qE '^$doc_id +$files/shared.txt +$APP\\(read,write\\)$'"
check "documents APP-ID lists that app's documents" \
  bash -c "'$FAUXPAK' documents $APP | grep -qE '^$doc_id ' && ! '$FAUXPAK' documents $APP | grep -qE '^$plain_id '"
check "  …and not another app's" bash -c "! '$FAUXPAK' documents $OTHER | grep -q '$doc_id'"
check_output "document-export of a missing file names it" "cannot open $files/missing.txt" \
  "$FAUXPAK" document-export --app=$APP "$files/missing.txt"
check_status "document-unexport succeeds" 0 "$FAUXPAK" document-unexport "$files/shared.txt"
check "  …and the document is gone" bash -c "! '$FAUXPAK' documents | grep -q '$doc_id'"
check "  …and the app no longer reads it" \
  bash -c "! '$FAUXPAK' run --app-id=$APP -- cat '$SANDBOX_DOC/$doc_id/shared.txt' 2>/dev/null"
check "  …while the host file is untouched" grep -q "exported to the app $$" "$files/shared.txt"
check_output "document-unexport of a file not exported says so" "is not exported through the document portal" \
  "$FAUXPAK" document-unexport "$files/shared.txt"
check_status "  …with 125" 125 "$FAUXPAK" document-unexport "$files/shared.txt"
"$FAUXPAK" document-unexport "$files/plain.txt"
check_output "without a session bus the commands say so" "there is no session bus" \
  env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR=/nonexistent "$FAUXPAK" documents
