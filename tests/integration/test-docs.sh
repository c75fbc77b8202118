#!/bin/bash
# The documentation that installs: the man pages render with man -l, say
# what README.md and fauxpak say (check-docs.py), and meson install puts
# them, the completion, the presets and the examples where they belong.
source "$(dirname "$0")/../lib.sh"
SOURCE_ROOT=$(cd "$TESTS_DIR/.." && pwd)

for page in fauxpak.1 fauxpak-profile.5; do
  if command -v man >/dev/null; then
    rendered=$(MANWIDTH=80 man --warnings -l "$SOURCE_ROOT/data/man/$page" 2>"$TEST_TMP/man-warnings")
    check "man -l renders $page" bash -c "[[ \"\$1\" == *NAME* && \"\$1\" == *DESCRIPTION* ]]" _ "$rendered"
    check "  …without warnings" test ! -s "$TEST_TMP/man-warnings"
    sed 's/^/# /' "$TEST_TMP/man-warnings"
  else
    skip "man is not installed"; skip "man is not installed"
  fi
done
check_output "fauxpak(1) names every command" "document-unexport" man -l "$SOURCE_ROOT/data/man/fauxpak.1"

# README's tables, the man pages, the schema and fauxpak agree.
/usr/bin/python3 "$TESTS_DIR/unit/check-docs.py" "$SOURCE_ROOT" "$FAUXPAK" > "$TEST_TMP/docs.tap"
docs_status=$?
while read -r line; do
  case $line in
    "ok "*) ok "${line#ok * - }" ;;
    "not ok "*) not_ok "${line#not ok * - }" ;;
    "#"*) echo "$line" ;;
  esac
done < "$TEST_TMP/docs.tap"
[ $docs_status -eq 0 ] || not_ok "check-docs.py exits 0"

# meson install, into a private destdir.
if [ -n "${FAUXPAK_BUILD_ROOT:-}" ] && command -v meson >/dev/null; then
  dest=$TEST_TMP/destdir
  if meson install -C "$FAUXPAK_BUILD_ROOT" --destdir "$dest" --no-rebuild >"$TEST_TMP/install.log" 2>&1; then
    ok "meson install succeeds"
  else
    not_ok "meson install succeeds"; sed 's/^/# /' "$TEST_TMP/install.log"
  fi
  prefix=$(meson introspect "$FAUXPAK_BUILD_ROOT" --buildoptions | /usr/bin/python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
  completions=$(pkg-config --define-variable=datadir="$prefix/share" --variable=completionsdir bash-completion 2>/dev/null)
  completions=${completions:-$prefix/share/bash-completion/completions}
  check "  …installs fauxpak(1)" test -f "$dest$prefix/share/man/man1/fauxpak.1"
  check "  …and fauxpak-profile(5)" test -f "$dest$prefix/share/man/man5/fauxpak-profile.5"
  check "  …the bash completion where bash-completion looks ($completions)" test -f "$dest$completions/fauxpak"
  check "  …the presets" test -f "$dest$prefix/share/fauxpak/presets/desktop.json"
  check "  …the examples" test -f "$dest$prefix/share/fauxpak/examples/text-editor.json"
  check "  …the binary" test -x "$dest$prefix/bin/fauxpak"
else
  for _ in 1 2 3 4 5 6 7; do skip "no build root or meson to install from"; done
fi
