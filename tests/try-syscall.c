/* try-syscall: makes one system call the sandbox should (or should not)
 * refuse, and says what happened.
 *
 *   try-syscall COMMAND [ARG…]
 *
 * Prints "ok" when the call succeeded, or the errno name (EPERM, ENOSYS…)
 * when it failed, on one line. Exit status: 0 success, 1 failed with that
 * errno, 2 usage error or a call this machine cannot make at all.
 * forge-flatpak-info prints one line per step and exits 0 only when the
 * forgery worked.
 *
 * Deliberately plain C with no dependency beyond libc, so that it runs in
 * any sandbox whose runtime has a libc. Raw syscall(2) is used where a libc
 * wrapper would hide the call (clone3 fallback) or does not exist. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC 0x00000001
#endif
/* <linux/keyctl.h> is not always installed; these are ABI. */
#define PROBE_KEYCTL_GET_KEYRING_ID 0
#define PROBE_KEY_SPEC_SESSION_KEYRING -3
/* TIOCLINUX subcode that only reads: which modifier keys are down. */
#define PROBE_TIOCL_GETSHIFTSTATE 6
/* Unchanging ABI numbers for the i386 entry from a 64-bit process. */
#define I386_NR_UNSHARE 310
#define I386_NR_SOCKETCALL 102
#define I386_NR_SOCKET 359
#define I386_NR_IOCTL 54
#define I386_NR_IO_URING_SETUP 425
/* x32 system calls are x86_64's with this bit set, some with numbers of
 * their own from 512 up; socket keeps its x86_64 number. */
#define X32_SYSCALL_BIT 0x40000000
#define X86_64_NR_SOCKET 41
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

#define FORGED_NAME "org.example.Forged"

static const char *
errno_name (int errnum)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char *name = strerrorname_np (errnum);

  if (name != NULL)
    return name;
#endif
  {
    static char buffer[32];

    snprintf (buffer, sizeof buffer, "errno %d", errnum);
    return buffer;
  }
}

/* The one-line report every command ends with. `result` < 0 means failure
 * with errno set. */
static int
report (long result)
{
  if (result < 0)
    {
      printf ("%s\n", errno_name (errno));
      return 1;
    }
  printf ("ok\n");
  return 0;
}

/* For calls whose raw result is -errno (int 0x80). */
static int
report_raw (long result)
{
  if (result < 0 && result > -4096)
    {
      errno = (int) -result;
      return report (-1);
    }
  return report (0);
}

static int
usage (void)
{
  fprintf (stderr,
           "usage: try-syscall COMMAND [ARG]\n"
           "commands: unshare-user unshare-mount clone-newns clone-newuser clone3\n"
           "  mount [TARGET] umount [TARGET] pivot-root chroot open-tree [PATH] fsopen\n"
           "  tiocsti [TEXT] tiocsti-high [TEXT] tioclinux ptrace-attach PID|child\n"
           "  perf-event-open personality personality-linux keyctl syslog\n"
           "  socket-unix socket-inet socket-inet6 socket-netlink socket-bluetooth\n"
           "  socket-can socket-packet unshare-user-i386 socket-unix-i386\n"
           "  socket-packet-i386 socketcall-unix-i386 fork thread\n"
           "  forge-flatpak-info fds io-uring-setup io-uring-enter io-uring-register\n"
           "  io-uring-socket-vsock io-uring-setup-i386 socket-packet-x32 tiocsti-i386 userfaultfd bpf\n"
           "  kexec-load open-by-handle-at process-vm-writev pidfd-getfd socketpair-vsock\n"
           "  mount-setattr move-mount fsmount open-tree-attr quotactl-fd init-module\n"
           "  forge-then-exec COMMAND [ARG...]\n");
  return 2;
}

/* clone(2) without a libc wrapper: with a NULL stack it behaves like fork,
 * which is all a namespace test needs. */
static long
raw_clone (unsigned long flags)
{
  long pid = syscall (SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);

  if (pid == 0)
    _exit (0);
  if (pid > 0)
    waitpid ((pid_t) pid, NULL, 0);
  return pid;
}

static long
raw_clone3 (void)
{
  /* struct clone_args, version 0 (64 bytes); <linux/sched.h> clashes
   * with <sched.h> on some systems, so it is spelled out. */
  struct {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
  } args = { .exit_signal = SIGCHLD };
  long pid;

#ifdef SYS_clone3
  pid = syscall (SYS_clone3, &args, sizeof args);
#else
  pid = syscall (435, &args, sizeof args);
#endif
  if (pid == 0)
    _exit (0);
  if (pid > 0)
    waitpid ((pid_t) pid, NULL, 0);
  return pid;
}

static int
terminal_fd (void)
{
  int fd = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

  return fd >= 0 ? fd : 0;
}

/* Pushes `text` into the terminal's input queue, one byte at a time, as if
 * typed: whoever reads the terminal next (the user's shell) gets it. With
 * `high_bits`, the request carries bit 32 set, which the kernel ignores: a
 * filter comparing all 64 bits would let that through. */
static int
push_input (const char *text, int high_bits)
{
  int fd = terminal_fd ();

  for (const char *p = text; *p != '\0'; p++)
    {
      long r;

      if (high_bits)
        r = syscall (SYS_ioctl, fd, (unsigned long) TIOCSTI | (1UL << 32), p);
      else
        r = ioctl (fd, TIOCSTI, p);
      if (r < 0)
        return report (-1);
    }
  return report (0);
}

static int
try_tioclinux (void)
{
  char subcode = PROBE_TIOCL_GETSHIFTSTATE;

  return report (ioctl (terminal_fd (), TIOCLINUX, &subcode));
}

static int
try_ptrace_attach (const char *target)
{
  pid_t pid;
  pid_t child = -1;
  long r;
  int saved_errno;

  if (strcmp (target, "child") == 0)
    {
      /* A child of ours: the one process any ptrace policy (Yama's
       * included) lets us attach to, so only seccomp can refuse. */
      child = fork ();
      if (child < 0)
        return report (-1);
      if (child == 0)
        {
          for (;;)
            pause ();
        }
      pid = child;
    }
  else
    pid = (pid_t) atol (target);
  if (pid <= 0)
    return usage ();

  r = ptrace (PTRACE_ATTACH, pid, NULL, NULL);
  saved_errno = errno;
  if (r == 0)
    {
      waitpid (pid, NULL, __WALL);
      ptrace (PTRACE_DETACH, pid, NULL, NULL);
    }
  if (child > 0)
    {
      kill (child, SIGKILL);
      waitpid (child, NULL, 0);
    }
  errno = saved_errno;
  return report (r);
}

static int
try_perf_event_open (void)
{
  struct perf_event_attr attr = {
    .type = PERF_TYPE_SOFTWARE,
    .size = sizeof attr,
    .config = PERF_COUNT_SW_TASK_CLOCK,
    .disabled = 1,
    .exclude_kernel = 1,
    .exclude_hv = 1,
  };
  long fd = syscall (SYS_perf_event_open, &attr, 0, -1, -1, 0);

  if (fd >= 0)
    close ((int) fd);
  return report (fd);
}

static int
try_socket (int family, int type, int protocol)
{
  int fd = socket (family, type | SOCK_CLOEXEC, protocol);

  if (fd >= 0)
    close (fd);
  return report (fd);
}

#if defined(__x86_64__)
static long
i386_syscall3 (long nr, long a, long b, long c)
{
  long r;

  __asm__ volatile ("int $0x80" : "=a" (r) : "a" (nr), "b" (a), "c" (b), "d" (c) : "memory");
  return r;
}
#endif

static int
try_unshare_user_i386 (void)
{
#if defined(__x86_64__)
  /* The i386 system call entry, usable from a 64-bit process: its calls
   * carry another audit architecture and other numbers. */
  return report_raw (i386_syscall3 (I386_NR_UNSHARE, CLONE_NEWUSER, 0, 0));
#else
  fprintf (stderr, "try-syscall: the i386 commands need x86_64\n");
  return 2;
#endif
}


/* socket(2) through the i386 ABI, directly (socket is its own call there
 * since Linux 4.3) or, with `socketcall`, multiplexed the old way, which
 * glibc still uses on i386 when built for kernels older than 4.3. */
static int
try_socket_i386 (int family, int socketcall)
{
#if defined(__x86_64__)
  long r;

  if (socketcall)
    {
      /* socketcall takes a pointer to its arguments, which the i386 entry
       * reads as 32 bits: they must live below 4 GiB. */
      uint32_t *args = mmap (NULL, 4096, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

      if (args == MAP_FAILED)
        return report (-1);
      args[0] = (uint32_t) family;
      args[1] = family == AF_PACKET ? SOCK_RAW : SOCK_STREAM;
      args[2] = 0;
      r = i386_syscall3 (I386_NR_SOCKETCALL, 1 /* SYS_SOCKET */, (long) (uintptr_t) args, 0);
      munmap (args, 4096);
    }
  else
    r = i386_syscall3 (I386_NR_SOCKET, family, family == AF_PACKET ? SOCK_RAW : SOCK_STREAM, 0);
  if (r >= 0)
    close ((int) r);
  return report_raw (r);
#else
  (void) family;
  (void) socketcall;
  fprintf (stderr, "try-syscall: the i386 commands need x86_64\n");
  return 2;
#endif
}

static void *
thread_main (void *data)
{
  return data;
}

static int
try_thread (void)
{
  pthread_t thread;
  int r = pthread_create (&thread, NULL, thread_main, NULL);

  if (r != 0)
    {
      errno = r;
      return report (-1);
    }
  pthread_join (thread, NULL);
  return report (0);
}

static int
try_fork (void)
{
  pid_t pid = fork ();

  if (pid == 0)
    _exit (0);
  if (pid > 0)
    waitpid (pid, NULL, 0);
  return report (pid);
}

/* Prints the fds this process has open, but for the one reading the
 * listing: what the sandbox handed the app, "0 1 2" at best. Each fd
 * beyond those is shown with what it leads to. */
static int
list_fds (void)
{
  DIR *dir = opendir ("/proc/self/fd");
  struct dirent *entry;
  const char *separator = "";

  if (dir == NULL)
    return report (-1);
  while ((entry = readdir (dir)) != NULL)
    {
      char path[64], target[256];
      ssize_t len;
      int fd;

      if (entry->d_name[0] == '.')
        continue;
      fd = atoi (entry->d_name);
      if (fd == dirfd (dir))
        continue;
      printf ("%s%d", separator, fd);
      separator = " ";
      if (fd > 2)
        {
          snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
          len = readlink (path, target, sizeof target - 1);
          target[len > 0 ? len : 0] = '\0';
          printf ("(%s)", target);
        }
    }
  printf ("\n");
  closedir (dir);
  return 0;
}

static long
io_uring_setup_raw (struct io_uring_params *params)
{
  return syscall (__NR_io_uring_setup, 4, params);
}

/* IORING_OP_SOCKET: a socket made by the kernel on the ring's behalf, past
 * any seccomp rule on socket(2). AF_VSOCK is not namespaced: on a VM it
 * reaches the hypervisor's services whatever the network namespace. */
static int
io_uring_socket (int family, int type)
{
  struct io_uring_params params = { 0 };
  struct io_uring_sqe *sqes;
  struct io_uring_cqe *cqes;
  unsigned *sq_array, *sq_tail, *cq_head, *cq_tail;
  void *sq_ring, *cq_ring;
  size_t sq_size, cq_size;
  long ring = io_uring_setup_raw (&params);
  long r;

  if (ring < 0)
    return report (-1);
  sq_size = params.sq_off.array + params.sq_entries * sizeof (unsigned);
  cq_size = params.cq_off.cqes + params.cq_entries * sizeof (struct io_uring_cqe);
  sq_ring = mmap (NULL, sq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, (int) ring, IORING_OFF_SQ_RING);
  cq_ring = mmap (NULL, cq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, (int) ring, IORING_OFF_CQ_RING);
  sqes = mmap (NULL, params.sq_entries * sizeof *sqes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
               (int) ring, IORING_OFF_SQES);
  if (sq_ring == MAP_FAILED || cq_ring == MAP_FAILED || sqes == MAP_FAILED)
    return report (-1);
  sq_array = (unsigned *) ((char *) sq_ring + params.sq_off.array);
  sq_tail = (unsigned *) ((char *) sq_ring + params.sq_off.tail);
  cq_head = (unsigned *) ((char *) cq_ring + params.cq_off.head);
  cq_tail = (unsigned *) ((char *) cq_ring + params.cq_off.tail);
  cqes = (struct io_uring_cqe *) ((char *) cq_ring + params.cq_off.cqes);

  memset (&sqes[0], 0, sizeof sqes[0]);
  sqes[0].opcode = IORING_OP_SOCKET;
  sqes[0].fd = family;
  sqes[0].off = type;
  sqes[0].len = 0;  /* protocol */
  sq_array[0] = 0;
  __atomic_store_n (sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);
  r = syscall (__NR_io_uring_enter, (int) ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0);
  if (r < 0)
    return report (-1);
  if (__atomic_load_n (cq_tail, __ATOMIC_ACQUIRE) == *cq_head)
    {
      errno = EAGAIN;
      return report (-1);
    }
  if (cqes[*cq_head & (params.cq_entries - 1)].res < 0)
    {
      errno = -cqes[*cq_head & (params.cq_entries - 1)].res;
      return report (-1);
    }
  return report (0);
}

/* The x32 ABI's socket(2): the same rules must hold there, or not the ABI. */
static int
try_socket_x32 (int family)
{
  return report (syscall (X32_SYSCALL_BIT | X86_64_NR_SOCKET, family, SOCK_RAW, 0));
}

/* TIOCSTI through the i386 ioctl entry (int 0x80). */
static int
try_tiocsti_i386 (void)
{
#if defined(__x86_64__)
  /* The byte is read through a 32-bit pointer: it must live below 4 GiB. */
  char *c = mmap (NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  long r;

  if (c == MAP_FAILED)
    return report (-1);
  *c = '\n';
  r = i386_syscall3 (I386_NR_IOCTL, terminal_fd (), TIOCSTI, (long) (uintptr_t) c);
  munmap (c, 4096);
  return report_raw (r);
#else
  fprintf (stderr, "not an x86_64 machine\n");
  return 2;
#endif
}

/* One page of our own memory written through process_vm_writev: the call
 * works on any process ptrace could attach to. */
static int
try_process_vm_writev (void)
{
  char from[8] = "fauxpak", to[8];
  struct iovec local = { from, sizeof from }, remote = { to, sizeof to };

  return report (syscall (SYS_process_vm_writev, getpid (), &local, 1, &remote, 1, 0));
}

static int
try_pidfd_getfd (void)
{
  long pidfd = syscall (SYS_pidfd_open, getpid (), 0);

  if (pidfd < 0)
    return report (-1);
  return report (syscall (SYS_pidfd_getfd, (int) pidfd, 1, 0));
}

static int
try_open_by_handle_at (void)
{
  struct {
    unsigned int handle_bytes;
    int handle_type;
    unsigned char f_handle[128];
  } handle = { .handle_bytes = 128 };
  int mount_id;

  /* The handle of / is no secret; opening by handle needs
   * CAP_DAC_READ_SEARCH in the kernel, and the filter refuses it first. */
  if (syscall (SYS_name_to_handle_at, AT_FDCWD, "/", &handle, &mount_id, 0) < 0)
    return report (-1);
  return report (syscall (SYS_open_by_handle_at, AT_FDCWD, &handle, O_RDONLY));
}

static void
step (const char *what, long result)
{
  printf ("%s: %s\n", what, result < 0 ? errno_name (errno) : "ok");
}

static int
write_file (const char *path, const char *contents)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ssize_t len = (ssize_t) strlen (contents);
  int ok;

  if (fd < 0)
    return -1;
  ok = write (fd, contents, len) == len;
  close (fd);
  return ok ? 0 : -1;
}

/* What an app would do to speak to the portals as another app: a new user
 * namespace for the privilege, a new mount namespace of its own, and a
 * forged /.flatpak-info on top of the real one (or a root of its own with
 * one), then talk to a portal from there. Every route is tried even when an
 * earlier one failed, so that each barrier is seen to hold on its own. */
static int
forge_flatpak_info (void)
{
  const char *forged = "/tmp/forged-flatpak-info";
  const char *forged_root = "/tmp/forged-root";
  const char *forged_root_info = "/tmp/forged-root/.flatpak-info";
  uid_t uid = getuid ();
  gid_t gid = getgid ();
  char map[64];
  long r;
  int tree;
  FILE *info;
  char line[256];
  int is_forged = 0;

  r = unshare (CLONE_NEWUSER | CLONE_NEWNS);
  step ("unshare user+mount namespace", r);
  if (r == 0)
    {
      snprintf (map, sizeof map, "0 %u 1\n", (unsigned) uid);
      step ("uid_map", write_file ("/proc/self/uid_map", map));
      step ("setgroups", write_file ("/proc/self/setgroups", "deny\n"));
      snprintf (map, sizeof map, "0 %u 1\n", (unsigned) gid);
      step ("gid_map", write_file ("/proc/self/gid_map", map));
    }
  else
    step ("unshare mount namespace", unshare (CLONE_NEWNS));

  step ("write forged file", write_file (forged, "[Application]\nname=" FORGED_NAME "\n"));
  step ("bind-mount over /.flatpak-info", mount (forged, "/.flatpak-info", NULL, MS_BIND, NULL));
  step ("unmount /.flatpak-info", umount2 ("/.flatpak-info", MNT_DETACH));

  tree = (int) syscall (SYS_open_tree, AT_FDCWD, forged, OPEN_TREE_CLONE | O_CLOEXEC);
  step ("open_tree forged file", tree);
  if (tree >= 0)
    {
      step ("move_mount over /.flatpak-info",
            syscall (SYS_move_mount, tree, "", AT_FDCWD, "/.flatpak-info", MOVE_MOUNT_F_EMPTY_PATH));
      close (tree);
    }

  /* No mount needed at all: the portals read /proc/PID/root/.flatpak-info,
   * and /proc/PID/root is wherever the process chrooted to. */
  step ("make a forged root", mkdir (forged_root, 0755) < 0 && errno != EEXIST ? -1 :
                              write_file (forged_root_info, "[Application]\nname=" FORGED_NAME "\n"));
  step ("chroot into the forged root", chroot (forged_root));

  info = fopen ("/.flatpak-info", "re");
  if (info != NULL)
    {
      while (fgets (line, sizeof line, info) != NULL)
        if (strcmp (line, "name=" FORGED_NAME "\n") == 0)
          is_forged = 1;
      fclose (info);
    }
  printf ("%s\n", is_forged ? "forged" : "not forged");
  return is_forged ? 0 : 1;
}

/* forge-flatpak-info, then run a command (a portal client) from whatever
 * namespace and root the attempt left this process in: what the portals
 * see from there is the proof. */
static int
forge_then_exec (char **command)
{
  forge_flatpak_info ();
  execvp (command[0], command);
  printf ("exec %s: %s\n", command[0], strerror (errno));
  return 1;
}

int
main (int argc, char **argv)
{
  const char *command;
  const char *arg;

  /* One line per result, in order, even into a pipe or a pty. */
  setvbuf (stdout, NULL, _IONBF, 0);
  if (argc > 3 && strcmp (argv[1], "forge-then-exec") == 0)
    return forge_then_exec (argv + 2);
  /* fds takes any arguments, as a forwarded file list would give it. */
  if (argc >= 2 && strcmp (argv[1], "fds") == 0)
    return list_fds ();
  if (argc < 2 || argc > 3)
    return usage ();
  command = argv[1];
  arg = argc > 2 ? argv[2] : NULL;

  if (strcmp (command, "unshare-user") == 0)
    return report (unshare (CLONE_NEWUSER));
  if (strcmp (command, "unshare-mount") == 0)
    return report (unshare (CLONE_NEWNS));
  if (strcmp (command, "clone-newns") == 0)
    return report (raw_clone (CLONE_NEWNS));
  if (strcmp (command, "clone-newuser") == 0)
    return report (raw_clone (CLONE_NEWUSER));
  if (strcmp (command, "clone3") == 0)
    return report (raw_clone3 ());
  if (strcmp (command, "mount") == 0)
    return report (mount ("none", arg ? arg : "/tmp", "tmpfs", 0, NULL));
  if (strcmp (command, "umount") == 0)
    return report (umount2 (arg ? arg : "/.flatpak-info", MNT_DETACH));
  if (strcmp (command, "pivot-root") == 0)
    return report (chdir ("/") < 0 ? -1 : syscall (SYS_pivot_root, ".", "."));
  if (strcmp (command, "chroot") == 0)
    return report (chroot ("/tmp"));
  if (strcmp (command, "open-tree") == 0)
    return report (syscall (SYS_open_tree, AT_FDCWD, arg ? arg : "/", OPEN_TREE_CLONE | O_CLOEXEC));
  if (strcmp (command, "fsopen") == 0)
    return report (syscall (SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC));
  if (strcmp (command, "tiocsti") == 0)
    return push_input (arg ? arg : "fauxpak-injected\n", 0);
  if (strcmp (command, "tiocsti-high") == 0)
    return push_input (arg ? arg : "fauxpak-injected\n", 1);
  if (strcmp (command, "tioclinux") == 0)
    return try_tioclinux ();
  if (strcmp (command, "ptrace-attach") == 0)
    return arg ? try_ptrace_attach (arg) : usage ();
  if (strcmp (command, "perf-event-open") == 0)
    return try_perf_event_open ();
  if (strcmp (command, "personality") == 0)
    return report (personality (PER_LINUX | ADDR_NO_RANDOMIZE));
  if (strcmp (command, "personality-linux") == 0)
    return report (personality (PER_LINUX));
  if (strcmp (command, "keyctl") == 0)
    return report (syscall (SYS_keyctl, PROBE_KEYCTL_GET_KEYRING_ID, PROBE_KEY_SPEC_SESSION_KEYRING, 0));
  if (strcmp (command, "syslog") == 0)
    return report (klogctl (10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0));
  if (strcmp (command, "socket-unix") == 0)
    return try_socket (AF_UNIX, SOCK_STREAM, 0);
  if (strcmp (command, "socket-inet") == 0)
    return try_socket (AF_INET, SOCK_STREAM, 0);
  if (strcmp (command, "socket-inet6") == 0)
    return try_socket (AF_INET6, SOCK_DGRAM, 0);
  if (strcmp (command, "socket-netlink") == 0)
    return try_socket (AF_NETLINK, SOCK_RAW, 0 /* NETLINK_ROUTE */);
  if (strcmp (command, "socket-bluetooth") == 0)
    return try_socket (AF_BLUETOOTH, SOCK_SEQPACKET, 0 /* BTPROTO_L2CAP */);
  if (strcmp (command, "socket-can") == 0)
    return try_socket (AF_CAN, SOCK_RAW, 1 /* CAN_RAW */);
  if (strcmp (command, "socket-packet") == 0)
    return try_socket (AF_PACKET, SOCK_RAW, 0);
  if (strcmp (command, "unshare-user-i386") == 0)
    return try_unshare_user_i386 ();
  if (strcmp (command, "socket-unix-i386") == 0)
    return try_socket_i386 (AF_UNIX, 0);
  if (strcmp (command, "socket-packet-i386") == 0)
    return try_socket_i386 (AF_PACKET, 0);
  if (strcmp (command, "socketcall-unix-i386") == 0)
    return try_socket_i386 (AF_UNIX, 1);
  if (strcmp (command, "fork") == 0)
    return try_fork ();
  if (strcmp (command, "thread") == 0)
    return try_thread ();
  if (strcmp (command, "forge-flatpak-info") == 0)
    return forge_flatpak_info ();
  if (strcmp (command, "io-uring-setup") == 0)
    {
      struct io_uring_params params = { 0 };
      return report (io_uring_setup_raw (&params));
    }
  if (strcmp (command, "io-uring-enter") == 0)
    return report (syscall (__NR_io_uring_enter, -1, 0, 0, 0, NULL, 0));
  if (strcmp (command, "io-uring-register") == 0)
    return report (syscall (__NR_io_uring_register, -1, 0, NULL, 0));
  if (strcmp (command, "io-uring-socket-vsock") == 0)
    return io_uring_socket (AF_VSOCK, SOCK_STREAM);
  if (strcmp (command, "io-uring-setup-i386") == 0)
    {
#if defined(__x86_64__)
      /* io_uring_params is read through a 32-bit pointer too. */
      void *params = mmap (NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

      if (params == MAP_FAILED)
        return report (-1);
      return report_raw (i386_syscall3 (I386_NR_IO_URING_SETUP, 4, (long) (uintptr_t) params, 0));
#else
      return usage ();
#endif
    }
  if (strcmp (command, "socket-packet-x32") == 0)
    return try_socket_x32 (AF_PACKET);
  if (strcmp (command, "socketpair-vsock") == 0)
    {
      int pair[2];
      return report (socketpair (AF_VSOCK, SOCK_STREAM, 0, pair));
    }
  if (strcmp (command, "tiocsti-i386") == 0)
    return try_tiocsti_i386 ();
  if (strcmp (command, "userfaultfd") == 0)
    return report (syscall (SYS_userfaultfd, O_CLOEXEC));
  if (strcmp (command, "bpf") == 0)
    return report (syscall (SYS_bpf, 0 /* BPF_MAP_CREATE */, NULL, 0));
  if (strcmp (command, "kexec-load") == 0)
    return report (syscall (SYS_kexec_load, 0, 0, NULL, 0));
  if (strcmp (command, "init-module") == 0)
    return report (syscall (SYS_init_module, NULL, 0, ""));
  if (strcmp (command, "open-by-handle-at") == 0)
    return try_open_by_handle_at ();
  if (strcmp (command, "process-vm-writev") == 0)
    return try_process_vm_writev ();
  if (strcmp (command, "pidfd-getfd") == 0)
    return try_pidfd_getfd ();
  if (strcmp (command, "mount-setattr") == 0)
    return report (syscall (SYS_mount_setattr, AT_FDCWD, "/", 0, NULL, 0));
  if (strcmp (command, "move-mount") == 0)
    return report (syscall (SYS_move_mount, AT_FDCWD, "/tmp", AT_FDCWD, "/tmp", 0));
  if (strcmp (command, "open-tree-attr") == 0)
    /* Linux 6.15's open_tree with mount attributes; newer than libseccomp
     * 2.5.4, so the kernel is the one to refuse a clone of a mount. */
    return report (syscall (467, AT_FDCWD, "/", OPEN_TREE_CLONE | O_CLOEXEC, NULL, 0));
  if (strcmp (command, "quotactl-fd") == 0)
    return report (syscall (SYS_quotactl_fd, 0, 0, 0, NULL));
  if (strcmp (command, "fsmount") == 0)
    return report (syscall (SYS_fsmount, -1, 0, 0));
  return usage ();
}
