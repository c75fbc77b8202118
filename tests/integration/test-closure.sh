#!/bin/bash
# A runtime of many paths under one directory (a Nix closure): the sandbox
# sees exactly the listed paths, read-only, and nothing else of the store,
# whichever way the launcher lays them out (launcher/fp-closure.c: one
# mount filled by propagation; one bind a path when that cannot be done).
source "$(dirname "$0")/../lib.sh"

STORE=$TEST_TMP/nix/store
IN=30          # listed: more than FP_CLOSURE_MIN_PATHS, laid out together
OUT=10         # in the store, not listed
mkdir -p "$STORE" "$TEST_TMP/profiles"
listed=()
unlisted=()
for i in $(seq 1 $((IN + OUT))); do
  name=$(printf '%032d-pkg%d' "$i" "$i")
  mkdir -p "$STORE/$name/bin"
  echo "content of $name" > "$STORE/$name/bin/data"
  if [ "$i" -le "$IN" ]; then listed+=("$STORE/$name"); else unlisted+=("$STORE/$name"); fi
done
# Store paths that are not directories: a file, and a link to a listed path.
echo "a store file" > "$STORE/$(printf '%032d' 0)-file.txt"
ln -s "${listed[0]}" "$STORE/$(printf '%032d' 0)-link"
listed+=("$STORE/$(printf '%032d' 0)-file.txt" "$STORE/$(printf '%032d' 0)-link")
# A path mounted on the host under a listed one comes along (binds are
# recursive) and is read-only too; only root can make one here.
if [ "$(id -u)" = 0 ]; then
  mkdir -p "${listed[1]}/sub" "$TEST_TMP/submount"
  echo "under a submount" > "$TEST_TMP/submount/data"
  mount --bind "$TEST_TMP/submount" "${listed[1]}/sub"
  _cleanup_submount () { umount "${listed[1]}/sub" 2>/dev/null; }
  trap '_cleanup_submount; _finish; exit $?' EXIT
fi

write_profile () {  # FILE COMMAND-JSON
  {
    printf '{\n  "app-id": "org.example.Closure",\n  "command": %s,\n' "$2"
    printf '  "runtime": { "paths": ["/usr", "/lib", "/lib64"'
    printf ', "%s"' "${listed[@]}"
    printf '], "host-etc": false }\n}\n'
  } > "$1"
}

# What the sandbox sees of the store: its names, each path's data, whether
# each can be written, and the mounts at and under the store's directory.
# shellcheck disable=SC2016  # expanded in the sandbox
PROBE='cd "$1" && ls -A | sort > "$2/names"
for p in *; do
  if [ -d "$p" ]; then cat "$p/bin/data"; else cat "$p"; fi
  if touch "$p/written" 2>/dev/null || { [ -f "$p" ] && sh -c ": >> \"\$0\"" "$p" 2>/dev/null; }; then echo "WRITABLE $p"; fi
done > "$2/data"
[ -e "$1/'"${listed[1]##*/}"'/sub/data" ] && cat "$1/'"${listed[1]##*/}"'/sub/data" >> "$2/data"
touch "$1/'"${listed[1]##*/}"'/sub/written" 2>/dev/null && echo "WRITABLE sub" >> "$2/data"
cut -d" " -f5 /proc/self/mountinfo | grep -x -e "$1" -e "$1/.*" | sort > "$2/mounts"
cut -d" " -f5,6 /proc/self/mountinfo | grep -e "^$1/" | sort > "$2/mount-options"
for p in '"${unlisted[*]##*/}"'; do
  [ -e "$1/$p" ] && echo "SEEN $p"
  mkdir "$1/$p" 2>/dev/null && [ -e "$1/$p/bin/data" ] && echo "REACHED $p"
done > "$2/unlisted"
find /run/flatpak/.flatpak -mindepth 2 -path "*/closure/*" > "$2/staging" 2>/dev/null
true'
write_profile "$TEST_TMP/profiles/closure.json" "[\"/usr/bin/sh\", \"-c\", $(printf '%s' "$PROBE" | /usr/bin/python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))'), \"probe\", \"$STORE\", \"$TEST_TMP/out\"]"

mkdir -p "$TEST_TMP/out"
check "a closure of $((IN + 2)) paths runs" \
  "$FAUXPAK" run --filesystem="$TEST_TMP/out" "$TEST_TMP/profiles/closure.json"

for p in "${listed[@]}"; do basename "$p"; done | sort > "$TEST_TMP/expected-names"
check "exactly the listed paths are in the store, nothing else" \
  cmp "$TEST_TMP/expected-names" "$TEST_TMP/out/names"
check "  …every listed path has its own content" \
  bash -c "for p in ${listed[*]:0:$IN}; do grep -qx \"content of \${p##*/}\" '$TEST_TMP/out/data' || exit 1; done; grep -qx 'a store file' '$TEST_TMP/out/data'"
check "  …a link is its target's content under the link's name" \
  test "$(grep -c "content of ${listed[0]##*/}" "$TEST_TMP/out/data")" -eq 2
check "  …every path is read-only" bash -c "! grep -q WRITABLE '$TEST_TMP/out/data'"
check "  …no unlisted path is there by its name, nor reached by making it" \
  bash -c "[ -f '$TEST_TMP/out/unlisted' ] && [ ! -s '$TEST_TMP/out/unlisted' ]"
if [ "$(stat -c %a "$(command -v bwrap)")" -lt 4000 ]; then
  check "  …every mount of the closure is read-only, nosuid and nodev, as bwrap's --ro-bind" \
    bash -c "[ -s '$TEST_TMP/out/mount-options' ] && ! grep -v -E ' (ro,|.*,ro,|.*,ro\$)' '$TEST_TMP/out/mount-options' | grep -q . &&
             ! grep -v nosuid '$TEST_TMP/out/mount-options' | grep -q . && ! grep -v nodev '$TEST_TMP/out/mount-options' | grep -q ."
fi
if [ "$(id -u)" = 0 ]; then
  check "  …a mount under a listed path comes along, read-only" grep -qx "under a submount" "$TEST_TMP/out/data"
else
  skip "a mount under a listed path (only root can make one here)"
fi
check "  …nothing was written on the host" \
  bash -c "! find '$STORE' -name written | grep -q ."
mounts=$(cat "$TEST_TMP/out/mounts")
if [ "$(stat -c %a "$(command -v bwrap)")" -ge 4000 ]; then
  skip "the closure's layout (a setuid bwrap: one bind a path)"
else
  check "the closure is one mount at the store, with one a path under it" \
    bash -c "grep -qx '$STORE' <<<'$mounts' && [ \$(grep -c '^$STORE/' <<<'$mounts') -ge $IN ]"
fi
# With a session bus the launcher has GDBus's thread when it lays out the
# closure, and the kernel gives a process of several threads no user
# namespace: a user's launcher enters its own before the first thread.
if [ "$(stat -c %a "$(command -v bwrap)")" -lt 4000 ] && command -v dbus-daemon >/dev/null; then
  dbus-daemon --config-file="$TESTS_DIR/portal/dbus-session.conf" --address="unix:path=$TEST_TMP/closure-bus" \
    --nofork --nopidfile </dev/null >"$TEST_TMP/closure-bus.log" 2>&1 &
  cleanup_kill $!
  if wait_for '[ -S "$TEST_TMP/closure-bus" ]'; then
    rm -f "$TEST_TMP/out/mounts"
    DBUS_SESSION_BUS_ADDRESS=unix:path=$TEST_TMP/closure-bus \
      "$FAUXPAK" run --filesystem="$TEST_TMP/out" "$TEST_TMP/profiles/closure.json"
    check "  …and so it is with a session bus (a launcher of several threads)" \
      bash -c "grep -qx '$STORE' '$TEST_TMP/out/mounts' && [ \$(grep -c '^$STORE/' '$TEST_TMP/out/mounts') -ge $IN ]"
  else
    not_ok "the private session bus did not start"
  fi
fi
check "  …and nowhere else: no copy under the instance directory" \
  bash -c "[ -e '$TEST_TMP/out/staging' ] && ! [ -s '$TEST_TMP/out/staging' ]"
check "the host has no mount of the launcher's making" \
  bash -c "! cut -d' ' -f5 /proc/self/mountinfo | grep -x -e '$STORE' -e '$XDG_RUNTIME_DIR/.*'"
closure_instances=$(instance_dirs)
"$FAUXPAK" run --app-id=org.example.Other -- true
check "the instance and its staging directory are collected once it is gone" \
  bash -c "for d in $closure_instances; do [ ! -e \"\$d\" ] || exit 1; done"

# A grant under the store's directory: the layout must not cover it.
mkdir -p "$TEST_TMP/granted"
extra=$STORE/$(printf '%032d' 99)-granted
mkdir -p "$extra" && echo granted > "$extra/data"
check_output "a grant under the closure's directory is seen beside the closure" "granted" \
  "$FAUXPAK" run --filesystem="$TEST_TMP/out" --filesystem="$extra:ro" "$TEST_TMP/profiles/closure.json"
{ cat "$TEST_TMP/expected-names"; basename "$extra"; } | sort > "$TEST_TMP/expected-names-granted"
check "  …with the listed paths, and no other" \
  cmp "$TEST_TMP/expected-names-granted" "$TEST_TMP/out/names"

# The dry run shows one bind a path: replayable with bwrap alone.
"$FAUXPAK" info --show-bwrap "$TEST_TMP/profiles/closure.json" > "$TEST_TMP/closure.args"
check "fauxpak info shows each listed path" \
  bash -c "for p in ${listed[*]}; do grep -qx \"\$p\" '$TEST_TMP/closure.args' || exit 1; done"

# The app's command reads its own closure like any other program.
write_profile "$TEST_TMP/profiles/hello.json" "[\"/usr/bin/cat\", \"${listed[5]}/bin/data\"]"
check_output "a program of the closure reads from it" "content of ${listed[5]##*/}" \
  "$FAUXPAK" run "$TEST_TMP/profiles/hello.json"

# Fail closed: the helper that lays out the closure is killed while it
# works (a big closure gives the time to catch it); bwrap then gets no
# whole seccomp filter and the app never runs.
BIG=$TEST_TMP/big/nix/store
mkdir -p "$BIG"
big=()
for i in $(seq 1 3000); do big+=("$BIG/$(printf '%032d' "$i")-big"); done
mkdir "${big[@]}"
{
  printf '{ "app-id": "org.example.Big", "command": ["/usr/bin/touch", "%s"],\n' "$TEST_TMP/out/big-ran"
  printf '  "runtime": { "paths": ["/usr", "/lib", "/lib64"'
  printf ', "%s"' "${big[@]}"
  printf '], "host-etc": false } }\n'
} > "$TEST_TMP/profiles/big.json"
check "a closure of ${#big[@]} paths runs when nothing kills its helper" \
  bash -c "'$FAUXPAK' run --filesystem='$TEST_TMP/out' '$TEST_TMP/profiles/big.json' && test -e '$TEST_TMP/out/big-ran'"
if [ "$(stat -c %a "$(command -v bwrap)")" -ge 4000 ]; then
  skip "a killed layout helper (a setuid bwrap: one bind a path, no helper)"
else
  # stopped PID: its state is T (a zombie, Z, is past stopping).
  stopped () { [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = T ]; }
  caught=
  for attempt in 1 2 3 4 5; do
    rm -f "$TEST_TMP/out/big-ran"
    "$FAUXPAK" run --filesystem="$TEST_TMP/out" "$TEST_TMP/profiles/big.json" 2>/dev/null &
    launcher=$!
    # The helper is the launcher's child (the launcher is bwrap by then)
    # that is still fauxpak. Stopped, it is killed only while it has not
    # bound every path yet: it sends the filter's end only after that.
    for _ in $(seq 1 2000); do
      for child in $(pgrep -P "$launcher" 2>/dev/null); do
        [ "$(cat "/proc/$child/comm" 2>/dev/null)" = fauxpak ] || continue
        kill -STOP "$child" 2>/dev/null || continue
        for _ in $(seq 1 100); do stopped "$child" && break; sleep 0.01; done
        # Its binds, under the staging directory's b0 (fp-closure.c); once
        # they are moved onto the staging mount (/closure/0) the helper may
        # have sent the filter's end, and killing it proves nothing.
        bound=$(awk '$5 ~ "/closure/b[0-9]+/" { n++ } END { print n + 0 }' "/proc/$child/mountinfo" 2>/dev/null)
        moved=$(awk '$5 ~ "/closure/[0-9]+/" { n++ } END { print n + 0 }' "/proc/$child/mountinfo" 2>/dev/null)
        if stopped "$child" && [ "${moved:-1}" -eq 0 ] && [ "${bound:-0}" -lt "${#big[@]}" ]; then
          kill -9 "$child"
          caught=$child
          diag "killed the layout helper with $bound of ${#big[@]} paths bound"
        else
          kill -CONT "$child" 2>/dev/null
        fi
        break 2
      done
      kill -0 "$launcher" 2>/dev/null || break
    done
    wait "$launcher"
    status=$?
    [ -n "$caught" ] && break
  done
  if [ -z "$caught" ]; then
    skip "a killed layout helper (it was done before it could be caught, 5 times)"
  else
    check "a launch whose layout helper is killed fails" test "$status" -ne 0
    check "  …and its app never runs" test ! -e "$TEST_TMP/out/big-ran"
  fi
fi
