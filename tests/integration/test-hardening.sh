#!/bin/bash
# The seccomp filter and the namespace barriers, tried from inside the
# sandbox with the try-syscall probe. The portals trust /.flatpak-info as
# seen through /proc/PID/root: an app that could rearrange its own mounts
# could claim another app's identity, so that is tried head-on too.
#
# Meant to pass both as root (bwrap then makes no user namespace) and as an
# ordinary user; every expectation below holds for both.
source "$(dirname "$0")/../lib.sh"

: "${TRY_SYSCALL:?TRY_SYSCALL must point at the try-syscall probe (meson test sets it)}"

APP=org.example.Hardening
# A copy the sandbox can always read, whoever runs the test and wherever
# the build tree is.
PROBE_HOST="$TEST_TMP/try-syscall"
PROBE=/opt/try-syscall
cp "$TRY_SYSCALL" "$PROBE_HOST" && chmod 755 "$PROBE_HOST"

# `fauxpak run` with the probe at $PROBE; an array, so that it can also be
# handed to another process (the pty helper below).
RUN=("$FAUXPAK" run --ro-bind="$PROBE_HOST:$PROBE")

# sandboxed [FAUXPAK-OPTION…] -- COMMAND…: runs COMMAND in the sandbox.
sandboxed () {
  local options=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do options+=("$1"); shift; done
  shift
  "${RUN[@]}" "${options[@]}" --app-id=$APP -- "$@"
}

# expect_probe DESCRIPTION EXPECTED [FAUXPAK-OPTION…] -- PROBE-ARG…: the
# probe's one-line answer inside the sandbox must be EXPECTED ("ok" or an
# errno name), and its exit status must agree.
expect_probe () {
  local description=$1 expected=$2; shift 2
  local options=() output status expected_status=1
  while [ $# -gt 0 ] && [ "$1" != -- ]; do options+=("$1"); shift; done
  shift
  [ "$expected" = ok ] && expected_status=0
  output=$(sandboxed "${options[@]}" -- "$PROBE" "$@" 2>&1)
  status=$?
  if [ "$status" -eq "$expected_status" ] && [ "$output" = "$expected" ]; then
    ok "$description ($expected)"
  else
    not_ok "$description"
    diag "expected $expected (exit $expected_status), got exit $status:" "$output"
  fi
}

# What the probe answers on the host, outside any sandbox: the control for
# calls whose result depends on the kernel rather than on the filter.
on_host () { "$PROBE_HOST" "$@" 2>/dev/null; }

# --- the filter is there -----------------------------------------------------
check "the app runs under a seccomp filter (Seccomp: 2), as $(id -un)" \
  sandboxed -- grep -q '^Seccomp:[[:space:]]*2$' /proc/self/status
# Every set, the bounding set too: root that runs a program regains every
# capability in the bounding set (no_new_privs aside), so it must be empty.
for set in Inh Prm Eff Bnd Amb; do
  check "the app holds no capabilities: Cap$set is empty, as $(id -un)" \
    sandboxed -- grep -q "^Cap$set:[[:space:]]*0*\$" /proc/self/status
done
bwrap_args=$("$FAUXPAK" info --show-bwrap --app-id=$APP -- true)
check "the bwrap command line has --seccomp" grep -qx -- --seccomp <<<"$bwrap_args"
if [ "$(id -u)" -eq 0 ]; then
  check "as root: --unshare-user and --cap-drop ALL (bwrap would keep root's capabilities)" \
    bash -c 'grep -qx -- --unshare-user <<<"$1" && grep -qx -- --cap-drop <<<"$1" && grep -qx ALL <<<"$1"' _ "$bwrap_args"
elif bwrap --help 2>/dev/null | grep -q -- --disable-userns; then
  check "unprivileged, bwrap supports it: --unshare-user --disable-userns" \
    bash -c 'grep -qx -- --disable-userns <<<"$1" && grep -qx -- --unshare-user <<<"$1"' _ "$bwrap_args"
else
  skip "this bwrap has no --disable-userns; the seccomp filter alone blocks user namespaces"
fi

# --- uid 0 has no power over the host -----------------------------------
# The kernel lets uid 0 write sysctls by uid alone: core_pattern names a
# program the host's root runs on the next crash, modprobe one it runs
# for a module request. Opened for writing and closed unwritten, so the
# host never changes even if the sandbox fails. As a user these are not
# writable either; the claims hold for both.
writable_probe='
import os, sys
for path in sys.argv[1:]:
    try:
        os.close(os.open(path, os.O_WRONLY))
        print("writable:", path)
    except OSError as e:
        pass
print("done")'
# unwritable DESCRIPTION [FAUXPAK-OPTION…] -- PATH…: none of the paths can be
# opened for writing inside.
unwritable () {
  local description=$1 options=() out; shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do options+=("$1"); shift; done
  shift
  out=$(sandboxed "${options[@]}" -- "$SYSTEM_PYTHON" -c "$writable_probe" "$@" 2>&1)
  if [ "$out" = done ]; then ok "$description"; else not_ok "$description"; diag "$out"; fi
}
for sysctl in kernel/core_pattern kernel/modprobe kernel/hostname vm/drop_caches fs/binfmt_misc/register; do
  [ -e "/proc/sys/$sysctl" ] || { skip "no /proc/sys/$sysctl here"; continue; }
  unwritable "/proc/sys/$sysctl cannot be opened for writing, as $(id -un)" -- "/proc/sys/$sysctl"
done
unwritable "the host's net.* cannot be written with --share=network, as $(id -un)" --share=network -- \
  /proc/sys/net/ipv4/ip_forward /proc/sys/net/core/somaxconn
unwritable "/proc/sysrq-trigger and the rest of /proc's kernel files cannot be written, as $(id -un)" -- \
  /proc/sysrq-trigger /proc/mtrr /proc/sys/kernel/sysrq /proc/sys/kernel/ns_last_pid
# Siblings: nothing in /proc beyond the app's own processes, nothing in
# /dev beyond the sandbox's own nodes, is writable to the app, nor any
# block device. find -writable asks access(2), which knows read-only
# mounts; /proc/pressure takes unprivileged triggers by design.
own_dev='^/dev(/(null|zero|full|random|urandom|tty|ptmx|stdin|stdout|stderr|fd|pts(/.*)?|shm(/.*)?|console))?$'
for options in "" "--share=network" "--device=dri --device=input --device=shm"; do
  # shellcheck disable=SC2086 # the options are words on purpose
  out=$(sandboxed $options -- sh -c 'find /proc /dev /sys -xdev -writable 2>/dev/null;
          find /dev -type b 2>/dev/null' | grep -v '^/proc/\([0-9]\|self\|thread-self\)' |
        grep -vE "$own_dev" | grep -v '^/proc/pressure/')
  check "${options:-no grants}: no kernel interface or device of the host is writable, as $(id -un)" test -z "$out"
  [ -z "$out" ] || diag "$out"
done
if [ "$(id -u)" -eq 0 ]; then
  check_status "as root: --device=all is refused (the host's disks), 125" 125 sandboxed --device=all -- true
  check_output "  …saying why" "write the host's disks" sandboxed --device=all -- true
  check_status "as root: a read-write bind of /sys is refused, 125" 125 sandboxed --bind=/sys:/tmp/sys -- true
  if [ -d /sys/fs/cgroup ]; then
    check_status "as root: a read-write bind of /sys/fs/cgroup is refused (cgroup writes as root), 125" 125 \
      sandboxed --bind=/sys/fs/cgroup:/tmp/cgroup -- true
  fi
  check_status "as root: a bind of the host's /proc is refused, even read-only, 125" 125 \
    sandboxed --ro-bind=/proc:/tmp/proc -- true
  check_status "as root: a bind of the host's /proc/sys is refused, 125" 125 \
    sandboxed --bind=/proc/sys:/tmp/sys -- true
  # (/sys whole holds thousands of files only root may read, too many to
  # hide: refused as root, test-escapes-fidelity.sh.)
  check "as root: a read-only bind of /sys/devices is allowed, and cannot be written" \
    sandboxed --ro-bind=/sys/devices:/tmp/sys -- sh -c '! find /tmp/sys -maxdepth 3 -writable 2>/dev/null | grep -q .'
else
  # A user's --device=all is the user's devices: the host's disks are root's.
  out=$(sandboxed --device=all -- sh -c 'find /dev -type b -writable 2>/dev/null')
  check "--device=all as a user: no block device is writable" test -z "$out"
fi

# The host's /etc at /run/host/etc (host-etc, host) holds what others may
# read, as the host runtime's /etc does: uid 0 inside reads what the
# host's root reads, and a grant of /etc is not one of its shadow file.
if [ -f /etc/shadow ]; then
  for grant in host-etc host; do
    check "--filesystem=$grant: /run/host/etc/shadow is empty inside, as $(id -un)" \
      sandboxed --filesystem=$grant -- sh -c '[ -f /run/host/etc/passwd ] && [ ! -s /run/host/etc/shadow ]'
  done
fi
if [ -d /etc/ssl/private ]; then
  check "--filesystem=host-etc: /run/host/etc/ssl/private is empty inside, as $(id -un)" \
    sandboxed --filesystem=host-etc -- sh -c '[ -z "$(ls -A /run/host/etc/ssl/private 2>/dev/null)" ]'
fi

# --- namespaces ----------------------------------------------------------
expect_probe "unshare(CLONE_NEWUSER) is refused" EPERM -- unshare-user
expect_probe "unshare(CLONE_NEWNS) is refused" EPERM -- unshare-mount
expect_probe "clone(CLONE_NEWUSER) is refused" EPERM -- clone-newuser
expect_probe "clone(CLONE_NEWNS) is refused" EPERM -- clone-newns
expect_probe "clone3 is refused as unimplemented, so libc falls back to clone" ENOSYS -- clone3
expect_probe "  …fork still works" ok -- fork
expect_probe "  …threads still work (glibc retries clone3's ENOSYS with clone)" ok -- thread

# --- mounts ----------------------------------------------------------------
expect_probe "mount is refused" EPERM -- mount
expect_probe "umount of /.flatpak-info is refused" EPERM -- umount /.flatpak-info
expect_probe "pivot_root is refused" EPERM -- pivot-root
expect_probe "chroot is refused" EPERM -- chroot
expect_probe "open_tree (new mount API) is refused" ENOSYS -- open-tree /.flatpak-info
expect_probe "fsopen (new mount API) is refused" ENOSYS -- fsopen

# --- other kernel interfaces -----------------------------------------------
expect_probe "keyctl is refused" EPERM -- keyctl
expect_probe "syslog (dmesg) is refused" EPERM -- syslog
expect_probe "ioctl TIOCLINUX is refused" EPERM -- tioclinux
expect_probe "personality(ADDR_NO_RANDOMIZE) is refused" EPERM -- personality
expect_probe "personality(PER_LINUX) is allowed" ok -- personality-linux
expect_probe "ptrace of the app's own child is refused" EPERM -- ptrace-attach child
expect_probe "perf_event_open is refused" EPERM -- perf-event-open
expect_probe "process_vm_writev (ptrace by other means) is refused" EPERM -- process-vm-writev
expect_probe "pidfd_getfd (another process's fds) is refused" EPERM -- pidfd-getfd
expect_probe "userfaultfd is refused" EPERM -- userfaultfd
expect_probe "bpf is refused" EPERM -- bpf
expect_probe "kexec_load is refused" EPERM -- kexec-load
expect_probe "init_module is refused" EPERM -- init-module
expect_probe "open_by_handle_at is refused" EPERM -- open-by-handle-at
expect_probe "mount_setattr (new mount API) is refused" ENOSYS -- mount-setattr
expect_probe "move_mount (new mount API) is refused" ENOSYS -- move-mount
expect_probe "fsmount (new mount API) is refused" ENOSYS -- fsmount
expect_probe "quotactl_fd is refused" EPERM -- quotactl-fd
# open_tree_attr (Linux 6.15) is newer than libseccomp 2.5.4 knows: no
# capability, no clone of a mount, the kernel says.
if [ "$(on_host open-tree-attr)" != ENOSYS ]; then
  out=$(sandboxed -- "$PROBE" open-tree-attr 2>&1)
  check "open_tree_attr(OPEN_TREE_CLONE) is refused by the kernel (no capability): $out" test "$out" = EPERM
fi

# --- io_uring: system calls the filter would not see ------------------------
# IORING_OP_SOCKET makes a socket on the ring's behalf: AF_VSOCK, which
# socket(2) refuses, reaches a VM's hypervisor whatever the namespaces.
if on_host io-uring-setup >/dev/null; then
  expect_probe "io_uring_setup is refused as unimplemented" ENOSYS -- io-uring-setup
  expect_probe "io_uring_enter is refused" ENOSYS -- io-uring-enter
  expect_probe "io_uring_register is refused" ENOSYS -- io-uring-register
  expect_probe "an AF_VSOCK socket through IORING_OP_SOCKET: refused at io_uring_setup" ENOSYS -- io-uring-socket-vsock
  expect_probe "  …with --allow=devel too (no feature grants io_uring)" ENOSYS --allow=devel -- io-uring-socket-vsock
  expect_probe "  …and with --allow=multiarch" ENOSYS --allow=multiarch -- io-uring-socket-vsock
  diag "on the host, the same IORING_OP_SOCKET(AF_VSOCK): $(on_host io-uring-socket-vsock)"
else
  for i in 1 2 3 4 5 6; do skip "the kernel has no io_uring"; done
fi
expect_probe "socketpair(AF_VSOCK) gets the family rule too" EAFNOSUPPORT -- socketpair-vsock
expect_probe "--allow=devel: process_vm_writev is free, as ptrace is" ok --allow=devel -- process-vm-writev

# --- sockets -----------------------------------------------------------------
expect_probe "AF_UNIX sockets work" ok -- socket-unix
expect_probe "AF_INET sockets work" ok -- socket-inet
expect_probe "AF_INET sockets work with --share=network" ok --share=network -- socket-inet
expect_probe "AF_NETLINK sockets work" ok -- socket-netlink
if on_host socket-inet6 >/dev/null; then
  expect_probe "AF_INET6 sockets work" ok -- socket-inet6
else
  skip "the kernel has no IPv6"
fi
expect_probe "AF_PACKET sockets are refused" EAFNOSUPPORT -- socket-packet
expect_probe "AF_BLUETOOTH sockets are refused" EAFNOSUPPORT -- socket-bluetooth
expect_probe "AF_CAN sockets are refused" EAFNOSUPPORT -- socket-can
# With the feature the filter must step aside: the answer is the kernel's.
host_bt=$(on_host socket-bluetooth)
expect_probe "--allow=bluetooth: AF_BLUETOOTH is up to the kernel" "$host_bt" --allow=bluetooth -- socket-bluetooth
host_can=$(on_host socket-can)
expect_probe "--allow=canbus: AF_CAN is up to the kernel" "$host_can" --allow=canbus -- socket-can
if [ "$host_bt" != ok ] || [ "$host_can" != ok ]; then
  diag "this kernel answers AF_BLUETOOTH: $host_bt, AF_CAN: $host_can; with no such support" \
       "the feature checks cannot tell the filter from the kernel"
fi

# --- 32-bit system calls -----------------------------------------------------
# A 64-bit program can enter the kernel through the i386 ABI (int 0x80),
# where the syscall numbers differ. Without multiarch that ABI is refused
# wholesale; with it, the same rules apply there.
if [ "$(uname -m)" = x86_64 ] && on_host unshare-user-i386 >/dev/null; then
  expect_probe "i386 ABI without multiarch: refused wholesale" ENOSYS -- unshare-user-i386
  expect_probe "i386 ABI with --allow=multiarch: unshare still refused" EPERM --allow=multiarch -- unshare-user-i386
  expect_probe "  …and with multiarch the 64-bit rules still hold" EPERM --allow=multiarch -- unshare-user
  expect_probe "i386 socket() with multiarch: AF_UNIX works" ok --allow=multiarch -- socket-unix-i386
  expect_probe "i386 socket() with multiarch: AF_PACKET refused" EAFNOSUPPORT --allow=multiarch -- socket-packet-i386
  # The family hides behind socketcall's pointer, where seccomp cannot
  # look: creating sockets that way is refused outright, as under Flatpak.
  # 32-bit programs need a libc that makes the direct call (Linux >= 4.3).
  expect_probe "i386 socketcall(SYS_SOCKET) with multiarch: refused (fail closed)" EAFNOSUPPORT \
    --allow=multiarch -- socketcall-unix-i386
  expect_probe "i386 io_uring_setup with multiarch: refused" ENOSYS --allow=multiarch -- io-uring-setup-i386
  expect_probe "i386 ioctl(TIOCSTI) with multiarch: refused" EPERM --allow=multiarch -- tiocsti-i386
  expect_probe "i386 ioctl(TIOCSTI) without multiarch: the ABI is refused" ENOSYS -- tiocsti-i386
else
  for i in 1 2 3 4 5 6 7 8 9; do
    skip "the i386 system call ABI is not available here (not x86_64, or no IA-32 emulation/user namespaces)"
  done
fi

# x32 (x86_64 numbers with bit 30 set) has no rules of its own: the filter
# refuses the whole ABI, as a kernel without it does. This kernel may have
# x32 off, in which case the answer is the same either way.
if [ "$(uname -m)" = x86_64 ]; then
  expect_probe "x32 socket(AF_PACKET): refused (ENOSYS, the ABI is not allowed)" ENOSYS -- socket-packet-x32
  diag "on the host, x32 socket(AF_PACKET): $(on_host socket-packet-x32)"
fi

# --- devel ---------------------------------------------------------------------
expect_probe "--allow=devel: ptrace of the app's own child works" ok --allow=devel -- ptrace-attach child
expect_probe "--allow=devel: personality is free" ok --allow=devel -- personality
expect_probe "--allow=devel: perf_event_open is up to the kernel" "$(on_host perf-event-open)" \
  --allow=devel -- perf-event-open
expect_probe "--allow=devel: namespaces stay refused" EPERM --allow=devel -- unshare-user
expect_probe "--allow=devel: mounts stay refused" EPERM --allow=devel -- mount

# A host process of the same user: in another pid namespace, the sandbox
# cannot even name it.
bash -c 'exec -a fauxpak-hardening-marker sleep 300' &
host_pid=$!
cleanup_kill $host_pid
expect_probe "--allow=devel: ptrace of a host process fails (pid namespace)" ESRCH \
  --allow=devel -- ptrace-attach $host_pid
procs=$(sandboxed -- sh -c 'for f in /proc/[0-9]*/cmdline; do tr "\0" " " < "$f"; echo; done' 2>&1)
if grep -q fauxpak-hardening-marker <<<"$procs"; then
  not_ok "host processes are not visible in /proc"
  diag "$procs"
elif [ "$(grep -c . <<<"$procs")" -lt 6 ]; then
  ok "host processes are not visible in /proc"
else
  not_ok "host processes are not visible in /proc (too many processes)"
  diag "$procs"
fi

# --- TIOCSTI ---------------------------------------------------------------------
# Text pushed into the terminal would be read by the user's shell after the
# app exits. Run under a pty (the sandbox's controlling terminal), then read
# what is pending in the terminal's input once the probe is done.
in_pty () {
  "$SYSTEM_PYTHON" -c '
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
' "$@"
}
# Runs COMMAND… in the pty, then reads one pending line for up to 2 s.
pending_after () {
  in_pty bash -c '"$@" >/dev/null 2>&1; read -r -t 2 line; echo "pending:[$line]"' _ "$@"
}
if [ -x "$SYSTEM_PYTHON" ]; then
  host_result=$(pending_after "$PROBE_HOST" tiocsti)
  if [[ "$host_result" == *"pending:[fauxpak-injected]"* ]]; then
    ok "control: on the host, TIOCSTI input reaches the terminal"
    check_output "TIOCSTI from the sandbox does not reach the terminal" "pending:[]" \
      pending_after "${RUN[@]}" --app-id=$APP -- "$PROBE" tiocsti
    check_output "TIOCSTI with bit 32 set in the request does not either" "pending:[]" \
      pending_after "${RUN[@]}" --app-id=$APP -- "$PROBE" tiocsti-high
    check_output "--allow=devel: TIOCSTI still does not reach the terminal" "pending:[]" \
      pending_after "${RUN[@]}" --allow=devel --app-id=$APP -- "$PROBE" tiocsti
  else
    skip "the kernel refuses TIOCSTI on its own here (dev.tty.legacy_tiocsti=0?)"
    skip "TIOCSTI high bits: no control"
    skip "TIOCSTI devel: no control"
    diag "$host_result"
  fi
  check_output "TIOCSTI is refused with EPERM in a pty" "EPERM" \
    in_pty bash -c '"$@"; true' _ "${RUN[@]}" --app-id=$APP -- "$PROBE" tiocsti
else
  skip "no $SYSTEM_PYTHON for a pty"
fi

# --- /.flatpak-info --------------------------------------------------------------
check "/.flatpak-info cannot be written" \
  sandboxed -- sh -c '! (echo "[Application]" >> /.flatpak-info) 2>/dev/null'
check "/.flatpak-info cannot be removed, renamed or replaced" \
  sandboxed -- sh -c '! rm -f /.flatpak-info 2>/dev/null && ! mv /.flatpak-info /tmp/x 2>/dev/null &&
                      ! ln -sf /tmp /.flatpak-info 2>/dev/null && grep -qx "name='$APP'" /.flatpak-info'
check "/.flatpak-info is still the app's after an unmount attempt" \
  sandboxed -- sh -c "$PROBE umount /.flatpak-info >/dev/null; grep -qx 'name=$APP' /.flatpak-info"
for features in "" --allow=devel --allow=multiarch; do
  output=$(sandboxed $features -- "$PROBE" forge-flatpak-info 2>&1)
  status=$?
  if [ $status -eq 1 ] && [[ "$output" == *"not forged"* ]] &&
     [[ "$output" == *"unshare user+mount namespace: EPERM"* ]] &&
     [[ "$output" == *"bind-mount over /.flatpak-info: EPERM"* ]] &&
     [[ "$output" == *"open_tree forged file: ENOSYS"* ]] &&
     [[ "$output" == *"chroot into the forged root: EPERM"* ]]; then
    ok "forging /.flatpak-info (new user+mount ns, bind mount, new mount API, chroot) fails ${features:-with no features}"
  else
    not_ok "forging /.flatpak-info fails ${features:-with no features}"
    diag "exit $status:" "$output"
  fi
done
