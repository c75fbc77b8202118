#!/bin/bash
# Bad input gets a clear error naming the file, key or option and what was
# expected; fauxpak exits 125 and starts nothing.
source "$(dirname "$0")/../lib.sh"

P="$TEST_TMP/profiles"
mkdir -p "$P"
base="$XDG_RUNTIME_DIR/.flatpak"

# expect_error DESCRIPTION EXPECTED-TEXT COMMAND…: status 125, message on stderr.
expect_error () {
  local description=$1 expected=$2; shift 2
  local stderr status
  stderr=$("$@" 2>&1 >/dev/null); status=$?
  if [ $status -eq 125 ] && [[ "$stderr" == *"$expected"* ]]; then
    ok "$description"
  else
    not_ok "$description"
    printf '# status %s, expected 125 and: %s\n# stderr: %s\n' "$status" "$expected" "$stderr"
  fi
}

profile () { cat > "$P/$1"; echo "$P/$1"; }

good=$(profile good.json <<'J'
{ "app-id": "org.example.Good", "command": ["sh", "-c", "echo ran"] }
J
)
check_output "a good profile runs" "ran" "$FAUXPAK" run "$good"

f=$(profile syntax.json <<'J'
{
  "app-id": "org.example.Bad",
  "command": ["true"],,
}
J
)
expect_error "JSON syntax error names file, line and column" "$f:3:" "$FAUXPAK" run "$f"

f=$(profile unknown-key.json <<'J'
{ "app-id": "org.example.Bad", "command": ["true"], "socket": ["x11"] }
J
)
expect_error "unknown key names file and key" "$f: unknown key \"socket\"; expected one of:" "$FAUXPAK" run "$f"
expect_error "unknown key lists the keys it expected" "sockets" "$FAUXPAK" run "$f"

f=$(profile wrong-type.json <<'J'
{ "app-id": "org.example.Bad", "command": ["true"], "shared": "network" }
J
)
expect_error "wrong type names the key and what was expected" \
  "$f: key \"shared\": expected an array of strings, found a string" "$FAUXPAK" run "$f"

f=$(profile wrong-element.json <<'J'
{ "app-id": "org.example.Bad", "command": ["true"], "sockets": ["wayland", 3] }
J
)
expect_error "wrong element type names the element" \
  "key \"sockets[1]\": expected a string, found a number" "$FAUXPAK" run "$f"

f=$(profile bad-value.json <<'J'
{ "app-id": "org.example.Bad", "command": ["true"], "sockets": ["waylnd"] }
J
)
expect_error "an unknown socket lists the known ones" \
  "key \"sockets[0]\": unknown sockets value \"waylnd\"; expected one of: x11, wayland" "$FAUXPAK" run "$f"

f=$(profile bad-app-id.json <<'J'
{ "app-id": "example", "command": ["true"] }
J
)
expect_error "an invalid app id is named with the rule it breaks" \
  "$f: key \"app-id\": app id \"example\" has only one element" "$FAUXPAK" run "$f"
expect_error "an invalid --app-id is refused" "--app-id: app id \"1bad.id\" has an element starting with a digit" \
  "$FAUXPAK" run --app-id=1bad.id -- true
expect_error "an app id with a newline is refused" "contains a character" \
  "$FAUXPAK" run --app-id=$'org.example.A\n[Context]' -- true

f=$(profile unset-var.json <<'J'
{ "app-id": "org.example.Bad", "command": ["true"], "filesystems": ["$FAUXPAK_SURELY_UNSET/x"] }
J
)
unset FAUXPAK_SURELY_UNSET
expect_error "an unset variable in a path names the variable and the key" \
  "$f: key \"filesystems[0]\": \"\$FAUXPAK_SURELY_UNSET/x\" uses \$FAUXPAK_SURELY_UNSET, which is not set" "$FAUXPAK" run "$f"

f=$(profile missing-source.json <<'J'
{ "app-id": "org.example.Bad", "command": ["true"],
  "binds": [ { "type": "ro-bind", "source": "/nonexistent/fauxpak", "dest": "/opt/x" } ] }
J
)
expect_error "a missing required bind source is an error" \
  "bind source /nonexistent/fauxpak does not exist" "$FAUXPAK" run "$f"

f=$(profile optional-source.json <<'J'
{ "app-id": "org.example.Good", "command": ["echo", "started"],
  "binds": [ { "type": "ro-bind", "source": "/nonexistent/fauxpak", "dest": "/opt/x", "optional": true } ] }
J
)
check_output "an optional bind whose source is missing is skipped" "started" "$FAUXPAK" run "$f"

f=$(profile bind-keys.json <<'J'
{ "app-id": "org.example.Bad", "command": ["true"], "binds": [ { "type": "bind", "src": "/tmp" } ] }
J
)
expect_error "an unknown key inside a bind is named" "key \"binds[0].src\": unknown key" "$FAUXPAK" run "$f"

f=$(profile no-command.json <<'J'
{ "app-id": "org.example.Bad" }
J
)
expect_error "a profile without a command says so" "$f: key \"command\" is missing" "$FAUXPAK" run "$f"

f=$(profile no-app-id.json <<'J'
{ "command": ["true"] }
J
)
expect_error "a profile without an app id says so" "$f: key \"app-id\" is missing" "$FAUXPAK" run "$f"

f=$(profile bad-preset.json <<'J'
{ "app-id": "org.example.Bad", "command": ["true"], "imports": ["no-such-preset"] }
J
)
expect_error "an unknown preset is named with where it was looked for" \
  "key \"imports[0]\": no preset \"no-such-preset\" (looked in" "$FAUXPAK" run "$f"

profile cycle-a.json >/dev/null <<'J'
{ "imports": ["cycle-b.json"] }
J
profile cycle-b.json >/dev/null <<'J'
{ "imports": ["cycle-a.json"] }
J
f=$(profile cycle.json <<'J'
{ "app-id": "org.example.Bad", "command": ["true"], "imports": ["cycle-a.json"] }
J
)
expect_error "an import cycle is reported" "import cycle" "$FAUXPAK" run "$f"

f=$(profile empty.json < /dev/null)
expect_error "an empty profile is an error" "$f: the file is empty" "$FAUXPAK" run "$f"
expect_error "a missing profile file is named" "$P/missing.json: cannot read" "$FAUXPAK" run "$P/missing.json"

f=$(profile bind-control.json <<'J'
{ "app-id": "org.example.Bad", "command": ["true"], "binds": [ { "source": "/srv/x\nfilesystems=host" } ] }
J
)
expect_error "a path with a newline is refused (it would reach .flatpak-info)" \
  "key \"binds[0].source\": path \"/srv/x" "$FAUXPAK" run "$f"

# Command-line options.
expect_error "an unknown option is refused" "Unknown option --frobnicate" "$FAUXPAK" run --frobnicate --app-id=org.example.A -- true
expect_error "a bad --share value lists the accepted ones" \
  "unknown shared value \"internet\"; expected one of: network, ipc" "$FAUXPAK" run --share=internet --app-id=org.example.A -- true
expect_error "a bad filesystem mode is refused" "expected :ro, :rw or :create" \
  "$FAUXPAK" run --filesystem=~/x:rx --app-id=org.example.A -- true
expect_error "\"..\" in a filesystem grant is refused" "contains \"..\"" \
  "$FAUXPAK" run --filesystem=~/x/../.ssh --app-id=org.example.A -- true
expect_error "--env needs VAR=VALUE" "--env=NOVALUE: expected VAR=VALUE" \
  "$FAUXPAK" run --env=NOVALUE --app-id=org.example.A -- true
expect_error "an env value with a newline is refused" "contains a newline" \
  "$FAUXPAK" run --env=$'A=b\n[Context]' --app-id=org.example.A -- true
expect_error "a bad bus name is refused" "is not a D-Bus well-known name" \
  "$FAUXPAK" run --talk-name=not..valid --app-id=org.example.A -- true
expect_error "--app-id without a command" "needs a command" "$FAUXPAK" run --app-id=org.example.A
expect_error "no profile and no app id" "expected a profile" "$FAUXPAK" run
expect_error "an unknown command" "unknown command \"frob\"" "$FAUXPAK" frob
expect_error "a relative bind source is refused" "expected absolute paths" \
  "$FAUXPAK" run --bind=relative:/x --app-id=org.example.A -- true
expect_error "a missing bwrap is reported and nothing starts" "bubblewrap (bwrap) is not installed" \
  env FAUXPAK_BWRAP=/nonexistent/bwrap "$FAUXPAK" run --app-id=org.example.A -- true

check "refused launches left no instance directory" bash -c "[ \"\$(ls '$base' 2>/dev/null | grep -c '^[0-9]*\$')\" -le 1 ]"

# help and version
check_output "--version prints the version" "fauxpak 0." "$FAUXPAK" --version
check_output "help prints the usage" "fauxpak run [PERMISSIONS] PROFILE.json" "$FAUXPAK" help
help=$("$FAUXPAK" run --help)
for option in share unshare socket nosocket device nodevice filesystem nofilesystem persist env \
              unset-env talk-name own-name see-name system-talk-name system-own-name bind ro-bind \
              dev-bind tmpfs app-id preset; do
  check_output "run --help describes --$option" "--$option" echo "$help"
done
