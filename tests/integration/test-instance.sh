#!/bin/bash
# The Flatpak instance a launch creates: its directory, what flatpak ps sees,
# and that nothing is left once the sandbox is gone, however it ended.
source "$(dirname "$0")/../lib.sh"

APP=org.example.Instance
base="$XDG_RUNTIME_DIR/.flatpak"

"$FAUXPAK" run --app-id=$APP -- sleep 300 &
launcher=$!
cleanup_kill $launcher
if ! wait_for '[ -s "$(ls -d "$base"/*/ 2>/dev/null | head -1)bwrapinfo.json" ]'; then
  not_ok "the instance directory appears with bwrapinfo.json"
  exit 1
fi
dir=$(ls -d "$base"/*/ | head -1); dir=${dir%/}
id=$(basename "$dir")
ok "the instance directory appears with bwrapinfo.json"

check "the instance id is an unsigned integer" bash -c "[[ '$id' =~ ^[0-9]+$ ]]"
check "info is the keyfile with the app id" grep -qx "name=$APP" "$dir/info"
check "info names its own instance id" grep -qx "instance-id=$id" "$dir/info"
check "pid is the launcher's pid: fauxpak became bwrap (no resident process)" \
  bash -c "[ \"\$(cat '$dir/pid')\" = '$launcher' ] && [ \"\$(cat /proc/$launcher/comm)\" = bwrap ]"
child=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["child-pid"])' "$dir/bwrapinfo.json")
check "bwrapinfo.json child-pid is a live process" kill -0 "$child"
check "bwrapinfo.json records the namespaces" grep -q '"pid-namespace"' "$dir/bwrapinfo.json"
check "pid-start-time is the start time of that pid" \
  bash -c "[ \"\$(cat '$dir/pid-start-time')\" = \"\$(sed 's/.*) //' /proc/$launcher/stat | cut -d' ' -f20)\" ]"
# The sandbox takes the lock (--lock-file) once it is set up, a moment
# after bwrap writes bwrapinfo.json.
check ".ref exists and is held locked" \
  wait_for "[ -f '$dir/.ref' ] && grep -q \"\$(stat -c %i '$dir/.ref')\" /proc/locks" 5
check_output "fauxpak ps lists the instance with its pids and app id" \
  "$id" "$FAUXPAK" ps
check "fauxpak ps shows pid, child pid and app id" \
  bash -c "'$FAUXPAK' ps --columns=instance,pid,child-pid,application | grep -qE '^$id +$launcher +$child +$APP\$'"
if command -v flatpak >/dev/null; then
  check "the real flatpak ps lists the instance and its app id" \
    bash -c "flatpak ps --columns=instance,application | grep -qP '^$id\t$APP\$'"
  check "  …and its pids" \
    bash -c "flatpak ps --columns=instance,pid,child-pid | grep -qP '^$id\t$launcher\t$child\$'"
else
  skip "flatpak is not installed"
  skip "flatpak is not installed"
fi

"$FAUXPAK" run --app-id=org.example.Other -- true
check "another launch leaves a live instance alone" test -d "$dir"
check_status "killing bwrap with SIGKILL ends the launch" 0 kill -9 "$launcher"
wait "$launcher" 2>/dev/null
check "  …and the sandboxed process dies with it" wait_for "! kill -0 $child 2>/dev/null" 5
"$FAUXPAK" run --app-id=$APP -- true
check "the next launch removes the dead instance" test ! -e "$dir"

# Garbage collection of instances that exited normally.
# bwrap returns once the app exits; its pid 1, which holds the lock, ends
# a moment later, and only an unlocked instance is collected.
no_locked_ref () {
  local ref
  for ref in "$base"/*/.ref; do
    [ -e "$ref" ] && grep -q ":$(stat -c %i "$ref") " /proc/locks && return 1
  done
  return 0
}
before=$(ls "$base" | wc -l)
"$FAUXPAK" run --app-id=$APP -- true
wait_for no_locked_ref
"$FAUXPAK" run --app-id=$APP -- true
check "finished instances do not pile up" bash -c "[ \$(ls '$base' | grep -c '^[0-9]*\$') -le 1 ]"

# A half-allocated directory (no .ref) from a launcher that died long ago.
mkdir "$base/123"
touch -d '2 hours ago' "$base/123"
"$FAUXPAK" run --app-id=$APP -- true
check "a stale directory without .ref is removed" test ! -e "$base/123"
mkdir "$base/456"
"$FAUXPAK" run --app-id=$APP -- true
check "a fresh directory without .ref is left alone (it may be allocating)" test -d "$base/456"
rmdir "$base/456"

# A pid outlives its process only as a number: once the sandbox is gone
# the kernel may give it to anything. An unlocked instance whose pid names
# some other live process (here our own sleep) is dead all the same.
start_time () { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20; }
sleep 300 &
squatter=$!
cleanup_kill $squatter
fake_instance () {  # ID: an unlocked instance with a pid file naming the squatter
  mkdir "$base/$1"
  printf '[Application]\nname=%s\n\n[Instance]\ninstance-id=%s\n' "$APP" "$1" > "$base/$1/info"
  echo "$squatter" > "$base/$1/pid"
  touch "$base/$1/.ref"
}
fake_instance 1001
echo $(( $(start_time $squatter) + 1 )) > "$base/1001/pid-start-time"  # the sandbox's, long gone
fake_instance 1002
start_time $squatter > "$base/1002/pid-start-time"    # the launcher, between lock and --lock-file
fake_instance 1003                                    # made by Flatpak: no start time
touch -d '1 minute ago' "$base/1003/.ref"
fake_instance 1004                                    # Flatpak's, .ref not yet locked
check "fauxpak ps does not list an instance whose pid was reused" \
  bash -c "! '$FAUXPAK' ps | grep -q '^1001 '"
check "  …but lists one whose process is still the one that wrote the pid" \
  bash -c "'$FAUXPAK' ps | grep -q '^1002 '"
"$FAUXPAK" run --app-id=$APP -- true
check "the next launch removes an instance whose pid was reused" test ! -e "$base/1001"
check "  …and keeps the one whose process is still the same" test -d "$base/1002"
check "an unlocked instance without a start time, as Flatpak writes, is removed" test ! -e "$base/1003"
check "  …unless its .ref is seconds old (Flatpak creates it before locking it)" test -d "$base/1004"
rm -rf "$base"/100[24]
kill $squatter; wait $squatter 2>/dev/null   # later tests wait for every child

# The sandbox dies with the process that started fauxpak. Wait until this
# launch's app runs (older instance directories linger until the next
# launch collects them; and bwrap's child, until its pid 1 starts, does not
# yet die with bwrap: see docs/SECURITY.md) before killing its parent.
rm -rf "$base"/*
bash -c "exec 3>&-; '$FAUXPAK' run --app-id=$APP -- sleep 300.$$ & wait" &
parent=$!
wait_for "[ -s \"\$(ls -d '$base'/*/ 2>/dev/null | head -1)bwrapinfo.json\" ]" 10
# …and until the app runs: bwrap's child arms its own death signal only
# once the sandbox is set up; killed before, the parent would leave it.
sandbox_child=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["child-pid"])' \
  "$(ls -d "$base"/*/ | head -1)bwrapinfo.json" 2>/dev/null)
wait_for "pgrep -x sleep -P '$sandbox_child' >/dev/null" 10
sandbox_bwrap=$(pgrep -P $parent | head -1)
cleanup_kill "$sandbox_bwrap"
check "  (the sandbox runs, as bwrap, under the parent)" bash -c "[ \"\$(cat /proc/$sandbox_bwrap/comm)\" = bwrap ]"
kill -9 $parent
check "the sandbox dies with its launcher's parent" wait_for "! kill -0 $sandbox_bwrap 2>/dev/null" 5

# --no-die-with-parent (what installed desktop entries use): a starter
# that exits at once (gio launch, a menu) leaves the app running.
rm -rf "$base"/*
bash -c "exec 3>&-; '$FAUXPAK' run --no-die-with-parent --app-id=$APP -- sleep 301.$$ & wait" &
starter=$!
wait_for "pgrep -f 'sleep 301.$$' >/dev/null" 10
outliving_bwrap=$(pgrep -P $starter | head -1)
cleanup_kill "$outliving_bwrap"
kill -9 $starter
sleep 1
check "--no-die-with-parent: the sandbox goes on when its starter is killed" \
  bash -c "pgrep -f 'sleep 30[1].$$' >/dev/null"
kill -9 "$outliving_bwrap" 2>/dev/null
pkill -9 -f "sleep 301.$$" 2>/dev/null

# A launch that fails leaves nothing behind.
rm -rf "$base"; mkdir -p "$base"
"$FAUXPAK" run --bind=/nonexistent/source --app-id=$APP -- true 2>/dev/null
# (The app's per-app directory, named for it, may stay, as under Flatpak.)
check "a refused launch leaves no instance directory" bash -c "[ -z \"\$(ls -A '$base' | grep -v '^$APP\$')\" ]"

# Many launches at once, of the same and of another app id, get distinct instances.
for i in $(seq 1 50); do
  app=$APP; [ $((i % 2)) -eq 0 ] && app=org.example.Second
  "$FAUXPAK" run --app-id=$app -- sh -c "grep instance-id= /.flatpak-info" > "$TEST_TMP/concurrent.$i" &
done
wait
check "50 concurrent launches get 50 distinct instance ids" \
  bash -c "[ \$(cat '$TEST_TMP'/concurrent.* | sort -u | wc -l) -eq 50 ]"
"$FAUXPAK" run --app-id=$APP -- true
check "  …and their directories are gone after the next launch" bash -c "[ \$(ls '$base' | grep -c '^[0-9]*\$') -le 1 ]"
