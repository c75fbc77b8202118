#!/bin/bash
# The Flatpak imports against the real flatpak: an app built, exported,
# installed and bundled by flatpak itself, and `flatpak override`s on it.
# flatpak-app:, flatpak-repo: and flatpak-bundle: must give what
# `flatpak info --show-permissions` says, a launch with each must grant
# what `flatpak run` grants, and nothing in the installation, the
# repository or the bundle may change.
source "$(dirname "$0")/../lib.sh"
source "$TESTS_DIR/flatpak/flatpak-app.sh"

APP=org.fauxpak.ImportProbe
SYSTEM_APP=org.fauxpak.SystemImportProbe
RUNTIME=org.fauxpak.ImportRuntime
SAME=("$SYSTEM_PYTHON" "$TESTS_DIR/flatpak/same-permissions.py")

# libostree and the ~50 libraries it needs are loaded by the reader the
# imports run, never by every launch (issue 12: the loader's cost).
READER=$FAUXPAK_BUILD_ROOT/metadata/ostree-reader/fauxpak-ostree-reader
check "fauxpak itself does not load libostree" eval '! ldd "$FAUXPAK" | grep libostree >/dev/null'
check "  …its OSTree reader does" eval 'ldd "$READER" | grep libostree >/dev/null'

if ! flatpak_app_init "$TEST_TMP/flatpak" ||
   ! flatpak_app_static_binary "$TESTS_DIR/flatpak/info-probe.c" "$TEST_TMP/info-probe" ||
   ! flatpak_app_runtime $RUNTIME; then
  skip "no Flatpak app to import: $FLATPAK_APP_ERROR"
  exit 0
fi
ARCH=$(flatpak --default-arch)
REF=app/$APP/$ARCH/master

# What the app's finish-args grant, and paths to look for from inside.
mkdir -p "$TEST_TMP/by-app" "$TEST_TMP/by-override" "$TEST_TMP/by-system-override" "$TEST_TMP/secret"
for dir in by-app by-override by-system-override secret; do echo "$dir" >"$TEST_TMP/$dir/file"; done
PATHS=("$TEST_TMP/by-app/file" "$TEST_TMP/by-override/file" "$TEST_TMP/by-system-override/file" "$TEST_TMP/secret/file")
FINISH_ARGS=(--share=network --socket=wayland --filesystem=xdg-download:ro --filesystem="$TEST_TMP/by-app:ro"
             --talk-name=org.example.Peer --own-name=org.example.Own --system-talk-name=org.example.SystemPeer
             --env=GREETING=hi --persist=.probe)
if ! flatpak_app_build $APP $RUNTIME "$TEST_TMP/info-probe" "${FINISH_ARGS[@]}" ||
   ! flatpak_app_bundle $APP "$TEST_TMP/app.flatpak"; then
  not_ok "flatpak builds, installs and bundles the probe app: $FLATPAK_APP_ERROR"
  exit 1
fi

# profile IMPORT: a profile whose only permissions are IMPORT's.
profile () {
  local file=$TEST_TMP/profile-$_tap_count.json
  printf '{ "imports": ["%s"], "command": ["/app/bin/info-probe"] }\n' "$1" >"$file"
  echo "$file"
}
fauxpak_info () { "$FAUXPAK" info "$(profile "$1")"; }
fauxpak_launch () { "$FAUXPAK" run --ro-bind="$TEST_TMP/info-probe:/app/bin/info-probe" "$(profile "$1")" "${PATHS[@]}"; }
flatpak_launch () { flatpak run "--$1" "$2" "${PATHS[@]}" 2>>"$FLATPAK_APP_DIR/build.log"; }

# same DESCRIPTION EXPECTED-FILE COMMAND…: the command's output grants
# what EXPECTED-FILE does.
same () {
  local description=$1 expected=$2 actual=$TEST_TMP/actual-$_tap_count diff; shift 2
  if ! "$@" >"$actual" 2>"$actual.err"; then
    not_ok "$description (the command failed)"; sed 's/^/#   /' "$actual.err"; return
  fi
  if diff=$("${SAME[@]}" "$expected" "$actual"); then ok "$description"; else not_ok "$description"; echo "$diff"; fi
}

# probed DESCRIPTION EXPECTED-FILE COMMAND…: the same paths are readable.
probed () {
  local description=$1 expected=$2 actual; shift 2
  actual=$("$@" 2>&1 | sed -n '/^\[Probe\]$/,$p')
  if [ -n "$actual" ] && [ "$actual" = "$(sed -n '/^\[Probe\]$/,$p' "$expected")" ]; then
    ok "$description"
  else
    not_ok "$description"; diff <(sed -n '/^\[Probe\]$/,$p' "$expected") <(echo "$actual") | sed 's/^/#   /'
  fi
}

snapshot () { find "$FLATPAK_APP_DIR/user" "$FLATPAK_APP_DIR/system" "$FLATPAK_APP_REPO" "$TEST_TMP/app.flatpak" \
                -printf '%p %T@ %s %m\n' 2>/dev/null | sort; }

# --- the app as built: repository and bundle -------------------------------
flatpak info --user --show-permissions $APP >"$TEST_TMP/flatpak-permissions-0"
flatpak_launch user $APP >"$TEST_TMP/flatpak-run-0"
snapshot >"$TEST_TMP/before"

same "flatpak-repo: gives flatpak info --show-permissions" "$TEST_TMP/flatpak-permissions-0" \
  fauxpak_info "flatpak-repo:$FLATPAK_APP_REPO:$REF"
same "flatpak-bundle: gives flatpak info --show-permissions" "$TEST_TMP/flatpak-permissions-0" \
  fauxpak_info "flatpak-bundle:$TEST_TMP/app.flatpak"
same "flatpak-app: without overrides gives flatpak info --show-permissions" "$TEST_TMP/flatpak-permissions-0" \
  fauxpak_info "flatpak-app:$APP"
same "flatpak-repo: of the installation's own repository (REMOTE:REF)" "$TEST_TMP/flatpak-permissions-0" \
  fauxpak_info "flatpak-repo:$FLATPAK_USER_DIR/repo:$FLATPAK_APP_REMOTE:$REF"
same "flatpak run's .flatpak-info grants the same" "$TEST_TMP/flatpak-permissions-0" cat "$TEST_TMP/flatpak-run-0"
for import in "flatpak-repo:$FLATPAK_APP_REPO:$REF" "flatpak-bundle:$TEST_TMP/app.flatpak" "flatpak-app:$APP"; do
  same "a launch with ${import%%:*}: has flatpak run's [Context]" "$TEST_TMP/flatpak-run-0" fauxpak_launch "$import"
  probed "  …and reads what flatpak run reads, no more" "$TEST_TMP/flatpak-run-0" fauxpak_launch "$import"
done
check_output "  …flatpak run read the app's grant" "$TEST_TMP/by-app/file=readable" cat "$TEST_TMP/flatpak-run-0"
check_output "  …and not the rest" "$TEST_TMP/secret/file=absent" cat "$TEST_TMP/flatpak-run-0"

# --- overrides, user (and system for a system app, as root) -----------------
flatpak override --user $APP --share=ipc --nosocket=wayland --filesystem="$TEST_TMP/by-override:ro" \
  --nofilesystem=xdg-download --no-talk-name=org.example.Peer --unset-env=GREETING --env=PER_APP=1
flatpak override --user --env=GLOBAL=1 --env=PER_APP=global --persist=.global --nofilesystem=host:reset
flatpak info --user --show-permissions $APP >"$TEST_TMP/flatpak-permissions-1"
flatpak_launch user $APP >"$TEST_TMP/flatpak-run-1"
snapshot >"$TEST_TMP/before"
same "flatpak-app: applies the user's overrides as flatpak does" "$TEST_TMP/flatpak-permissions-1" \
  fauxpak_info "flatpak-app:$APP"
same "flatpak-app://master names the branch" "$TEST_TMP/flatpak-permissions-1" fauxpak_info "flatpak-app:$APP//master"
same "a launch with flatpak-app: has flatpak run's [Context]" "$TEST_TMP/flatpak-run-1" fauxpak_launch "flatpak-app:$APP"
probed "  …and reads what flatpak run reads, no more" "$TEST_TMP/flatpak-run-1" fauxpak_launch "flatpak-app:$APP"
check_output "  …flatpak run read the override's grant" "$TEST_TMP/by-override/file=readable" cat "$TEST_TMP/flatpak-run-1"
check_output "  …and not the app's, which host:reset took away" "$TEST_TMP/by-app/file=absent" cat "$TEST_TMP/flatpak-run-1"
check_output "fauxpak info --sources names the override file" \
  "# shared=ipc: from the user installation's flatpak override for $APP, $FLATPAK_USER_DIR/overrides/$APP" \
  "$FAUXPAK" info --sources "$(profile "flatpak-app:$APP")"
check_output "fauxpak info --sources names the global override" \
  "# GLOBAL=1: from the user installation's flatpak override for all apps, $FLATPAK_USER_DIR/overrides/global" \
  "$FAUXPAK" info --sources "$(profile "flatpak-app:$APP")"
check_output "fauxpak info --sources names the installed metadata" \
  "# shared=network: from flatpak-app:$APP, the metadata of $REF in the user installation $FLATPAK_USER_DIR" \
  "$FAUXPAK" info --sources "$(profile "flatpak-app:$APP")"
check_output "fauxpak info --sources names the commit" \
  "from flatpak-repo:$FLATPAK_APP_REPO:$REF, xa.metadata of commit $(ostree --repo="$FLATPAK_APP_REPO" rev-parse $REF)" \
  "$FAUXPAK" info --sources "$(profile "flatpak-repo:$FLATPAK_APP_REPO:$REF")"
check_output "fauxpak info --sources names the bundle" "from flatpak-bundle:$TEST_TMP/app.flatpak, the metadata of $REF" \
  "$FAUXPAK" info --sources "$(profile "flatpak-bundle:$TEST_TMP/app.flatpak")"
annotated=$("$FAUXPAK" info --sources "$(profile "flatpak-app:$APP")")
check "  …and its output stays a keyfile that grants the same" \
  "${SAME[@]}" "$TEST_TMP/flatpak-permissions-1" <(echo "$annotated")

if [ "$(id -u)" -eq 0 ]; then
  if FLATPAK_APP_INSTALLATION=system flatpak_app_build $SYSTEM_APP $RUNTIME "$TEST_TMP/info-probe" "${FINISH_ARGS[@]}"; then
    flatpak override --system $SYSTEM_APP --filesystem="$TEST_TMP/by-system-override:ro" --env=PER_APP=system
    flatpak override --system --share=ipc --env=SYSTEM_GLOBAL=1 --env=GLOBAL=system
    flatpak info --system --show-permissions $SYSTEM_APP >"$TEST_TMP/flatpak-permissions-2"
    flatpak_launch system $SYSTEM_APP >"$TEST_TMP/flatpak-run-2"
    flatpak info --user --show-permissions $APP >"$TEST_TMP/flatpak-permissions-1"
    snapshot >"$TEST_TMP/before"
    same "flatpak-app: of a system app applies system then user overrides" "$TEST_TMP/flatpak-permissions-2" \
      fauxpak_info "flatpak-app:$SYSTEM_APP"
    same "a launch with it has flatpak run's [Context]" "$TEST_TMP/flatpak-run-2" fauxpak_launch "flatpak-app:$SYSTEM_APP"
    probed "  …and reads what flatpak run reads, no more" "$TEST_TMP/flatpak-run-2" fauxpak_launch "flatpak-app:$SYSTEM_APP"
    check_output "  …flatpak run got the system's global override" "SYSTEM_GLOBAL=1" cat "$TEST_TMP/flatpak-run-2"
    check_output "  …and the user's host:reset took the system override's grant away" \
      "$TEST_TMP/by-system-override/file=absent" cat "$TEST_TMP/flatpak-run-2"
    same "the system's overrides do not reach a user app" "$TEST_TMP/flatpak-permissions-1" \
      fauxpak_info "flatpak-app:$APP"
  else
    not_ok "flatpak installs the probe app system-wide: $FLATPAK_APP_ERROR"
  fi
else
  skip "system installation and system overrides: need root"
fi

# --- errors, and nothing written ------------------------------------------
check_output "no such app names both installations" \
  "flatpak-app:org.fauxpak.Missing: no such app: app/org.fauxpak.Missing/$ARCH/master is installed neither in the user installation $FLATPAK_USER_DIR nor in the system installation $FLATPAK_SYSTEM_DIR" \
  fauxpak_info flatpak-app:org.fauxpak.Missing
check_output "no such branch lists what is installed" "installed are $REF (user)" fauxpak_info "flatpak-app:$APP//stable"
check_output "no such ref names the repository and its refs" \
  "$FLATPAK_APP_REPO: no such ref app/org.fauxpak.Missing/$ARCH/master (it has $REF" \
  fauxpak_info "flatpak-repo:$FLATPAK_APP_REPO:app/org.fauxpak.Missing/$ARCH/master"
check_output "not an OSTree repository" "$TEST_TMP/by-app: not an OSTree repository" \
  fauxpak_info "flatpak-repo:$TEST_TMP/by-app:$REF"
check_output "a runtime's commit is not an app" "[Application] name is missing" \
  fauxpak_info "flatpak-repo:$FLATPAK_APP_REPO:runtime/$RUNTIME/$ARCH/1"
check_output "not a bundle" "$TEST_TMP/info-probe: not a Flatpak bundle" fauxpak_info "flatpak-bundle:$TEST_TMP/info-probe"
check_status "fauxpak refuses to start with a missing import" 125 fauxpak_launch flatpak-app:org.fauxpak.Missing
snapshot >"$TEST_TMP/after"
check "the installations, the repository and the bundle are unchanged" diff "$TEST_TMP/before" "$TEST_TMP/after"
