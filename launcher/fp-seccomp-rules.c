#include "fp-seccomp-rules.h"
#include "fp-error.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* The same list Flatpak blocks, so that an app behaves under fauxpak as it
 * does under Flatpak. EPERM is what the kernel itself answers for most of
 * these without privileges, so programs already cope with it. */
typedef struct {
  int nr;
  const char *name;
  int errnum;
} BlockedCall;

#define BLOCK(call, errnum) { SCMP_SYS (call), #call, errnum }

static const BlockedCall always_blocked[] = {
  /* New namespaces and entering others': a new mount namespace is all it
   * takes to mount a forged /.flatpak-info (clone is handled by flag). */
  BLOCK (unshare, EPERM),
  BLOCK (setns, EPERM),
  /* Rearranging the filesystem the portals look at. */
  BLOCK (mount, EPERM),
  BLOCK (umount, EPERM),
  BLOCK (umount2, EPERM),
  BLOCK (pivot_root, EPERM),
  BLOCK (chroot, EPERM),
  /* The new mount API does the same through file descriptors. ENOSYS, as
   * Flatpak answers: libmount and friends then fall back to mount(2), which
   * fails with an ordinary EPERM. */
  BLOCK (open_tree, ENOSYS),
  BLOCK (move_mount, ENOSYS),
  BLOCK (fsopen, ENOSYS),
  BLOCK (fsconfig, ENOSYS),
  BLOCK (fsmount, ENOSYS),
  BLOCK (fspick, ENOSYS),
  BLOCK (mount_setattr, ENOSYS),
  /* The flags of clone3 are in memory, where seccomp cannot look, so it
   * goes entirely; ENOSYS makes glibc fall back to clone, whose flags are
   * checked below. */
  BLOCK (clone3, ENOSYS),
  /* io_uring performs system calls on the ring's behalf, where no rule
   * here sees them: IORING_OP_SOCKET made sockets of families socket(2)
   * refuses (AF_VSOCK, which no network namespace confines). Flatpak
   * allows io_uring; its filter is the same shape and has the same hole.
   * No feature grants it: ENOSYS, so that liburing, libuv and GLib's users
   * fall back to ordinary calls, as on a kernel built without it. */
  BLOCK (io_uring_setup, ENOSYS),
  BLOCK (io_uring_enter, ENOSYS),
  BLOCK (io_uring_register, ENOSYS),
  /* Calls the kernel allows only with a capability the app never holds;
   * refused here too, so that a capability leak or a kernel bug in the
   * check does not reopen them: loading kernel code, opening any file by
   * handle past every mount (the "shocker" container escape), eBPF
   * programs, and userfaultfd, whose user-mode variant needs no privilege
   * and is how kernel races are widened. */
  BLOCK (init_module, EPERM),
  BLOCK (finit_module, EPERM),
  BLOCK (delete_module, EPERM),
  BLOCK (kexec_load, EPERM),
  BLOCK (kexec_file_load, EPERM),
  BLOCK (open_by_handle_at, EPERM),
  BLOCK (bpf, EPERM),
  BLOCK (userfaultfd, EPERM),
  /* The kernel keyring is shared with the host session. */
  BLOCK (keyctl, EPERM),
  BLOCK (add_key, EPERM),
  BLOCK (request_key, EPERM),
  /* Kernel log, obsolete or host-wide administrative calls. */
  BLOCK (syslog, EPERM),
  BLOCK (uselib, EPERM),
  BLOCK (acct, EPERM),
  BLOCK (quotactl, EPERM),
  BLOCK (quotactl_fd, EPERM),
  /* Memory-placement calls that can affect other processes' pages. */
  BLOCK (move_pages, EPERM),
  BLOCK (mbind, EPERM),
  BLOCK (get_mempolicy, EPERM),
  BLOCK (set_mempolicy, EPERM),
  BLOCK (migrate_pages, EPERM),
};

/* Debugging and profiling: tools for the developer, refused to apps that
 * were not given the devel feature (perf especially has a long CVE list). */
static const BlockedCall devel_only[] = {
  BLOCK (ptrace, EPERM),
  BLOCK (perf_event_open, EPERM),
  /* What ptrace gives, by other calls: another process's memory, or
   * a copy of one of its fds. */
  BLOCK (process_vm_readv, EPERM),
  BLOCK (process_vm_writev, EPERM),
  BLOCK (pidfd_getfd, EPERM),
};

/* Every namespace clone(2) can create. CLONE_NEWTIME is absent on purpose:
 * clone(2) cannot take it (its bit is part of the exit signal there), only
 * unshare and clone3 can, and both are blocked outright. */
static const struct {
  guint64 flag;
  const char *name;
} clone_namespace_flags[] = {
  { CLONE_NEWNS, "CLONE_NEWNS" },
  { CLONE_NEWCGROUP, "CLONE_NEWCGROUP" },
  { CLONE_NEWUTS, "CLONE_NEWUTS" },
  { CLONE_NEWIPC, "CLONE_NEWIPC" },
  { CLONE_NEWUSER, "CLONE_NEWUSER" },
  { CLONE_NEWPID, "CLONE_NEWPID" },
  { CLONE_NEWNET, "CLONE_NEWNET" },
};

/* clone(2) takes its flags first everywhere but on the architectures built
 * with CONFIG_CLONE_BACKWARDS2, where the stack comes first. */
#if defined(__s390__) || defined(__s390x__) || defined(__CRIS__)
#define CLONE_FLAGS_ARG 1
#else
#define CLONE_FLAGS_ARG 0
#endif

/* Socket families any desktop app may use; the others are refused with
 * the error the kernel gives for a family it was built without. In
 * ascending order: the gaps between them are what gets blocked. */
static const struct {
  int family;
  FpFeatures feature;  /* 0: always allowed */
} allowed_families[] = {
  { AF_UNIX, 0 },
  { AF_INET, 0 },
  { AF_INET6, 0 },
  { AF_NETLINK, 0 },
  { AF_CAN, FP_FEATURE_CANBUS },
  { AF_BLUETOOTH, FP_FEATURE_BLUETOOTH },
};

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (scmp_filter_ctx, seccomp_release, NULL)

/* libseccomp returns negated errno values, some of them with a meaning of
 * its own that strerror would misstate. */
static const char *
seccomp_error_message (int result)
{
  switch (result)
    {
    case -EDOM:
      return "not possible on this architecture";
    case -EFAULT:
      return "internal libseccomp error (a system call it does not know?)";
    case -ECANCELED:
      return "the kernel or the system refused";
    default:
      return g_strerror (-result);
    }
}

static gboolean
seccomp_failed (int result, GError **error, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
seccomp_failed (int result, GError **error, const char *format, ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
               "cannot build the seccomp filter: %s: %s", what, seccomp_error_message (result));
  return FALSE;
}

/* Comparisons against one value pass 0 as the second datum, which
 * libseccomp ignores for them; spelled out for clang's
 * -Wmissing-field-initializers. */
static gboolean
add_rule (scmp_filter_ctx filter, int nr, const char *name, int errnum,
          unsigned int n_args, const struct scmp_arg_cmp *args, GError **error)
{
  /* Not the _exact variant: on a 32-bit architecture libseccomp must be free
   * to rewrite socket() rules into socketcall() ones. */
  int r = seccomp_rule_add_array (filter, SCMP_ACT_ERRNO (errnum), nr, n_args, args);

  if (r < 0)
    return seccomp_failed (r, error, "rule for %s", name);
  return TRUE;
}

static gboolean
add_blocked (scmp_filter_ctx filter, const BlockedCall *calls, gsize n_calls, GError **error)
{
  for (gsize i = 0; i < n_calls; i++)
    if (!add_rule (filter, calls[i].nr, calls[i].name, calls[i].errnum, 0, NULL, error))
      return FALSE;
  return TRUE;
}

/* With multiarch the app may run 32-bit programs, whose system calls come
 * in with another architecture number and other syscall numbers: the
 * filter needs its rules for that ABI too. Without it, that ABI is left
 * out and lands in the bad-architecture action. */
static gboolean
add_compat_arch (scmp_filter_ctx filter, GError **error)
{
  uint32_t native = seccomp_arch_native ();
  uint32_t compat = 0;
  int r;

  if (native == SCMP_ARCH_X86_64)
    compat = SCMP_ARCH_X86;
  else if (native == SCMP_ARCH_AARCH64)
    compat = SCMP_ARCH_ARM;
  if (compat == 0)
    return TRUE;
  r = seccomp_arch_add (filter, compat);
  if (r < 0 && r != -EEXIST)
    return seccomp_failed (r, error, "adding the 32-bit architecture");
  return TRUE;
}

/* Both calls that make sockets from a family number in a register. */
static const struct {
  int nr;
  const char *name;
} socket_calls[] = {
  { SCMP_SYS (socket), "socket" },
  { SCMP_SYS (socketpair), "socketpair" },
};

static gboolean
add_socket_rules (scmp_filter_ctx filter, FpFeatures features, GError **error)
{
  int next_blocked = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (allowed_families); i++)
    {
      int family = allowed_families[i].family;

      if (allowed_families[i].feature != 0 && (features & allowed_families[i].feature) == 0)
        continue;
      for (int blocked = next_blocked; blocked < family; blocked++)
        {
          struct scmp_arg_cmp cmp = SCMP_A0 (SCMP_CMP_EQ, blocked, 0);

          for (gsize c = 0; c < G_N_ELEMENTS (socket_calls); c++)
            if (!add_rule (filter, socket_calls[c].nr, socket_calls[c].name, EAFNOSUPPORT, 1, &cmp, error))
              return FALSE;
        }
      next_blocked = family + 1;
    }
  /* Everything above the last allowed family. This is a 64-bit comparison,
   * so a family with any of the upper 32 bits set (which the kernel would
   * drop, leaving maybe AF_PACKET) is refused here too. */
  {
    struct scmp_arg_cmp cmp = SCMP_A0 (SCMP_CMP_GE, next_blocked, 0);

    for (gsize c = 0; c < G_N_ELEMENTS (socket_calls); c++)
      if (!add_rule (filter, socket_calls[c].nr, socket_calls[c].name, EAFNOSUPPORT, 1, &cmp, error))
        return FALSE;
    return TRUE;
  }
}

static scmp_filter_ctx
build_filter (FpFeatures features, GError **error)
{
  g_auto(scmp_filter_ctx) filter = seccomp_init (SCMP_ACT_ALLOW);
  gboolean devel = (features & FP_FEATURE_DEVEL) != 0;
  gboolean multiarch = (features & FP_FEATURE_MULTIARCH) != 0;
  int r;

  if (filter == NULL)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "cannot build the seccomp filter: seccomp_init failed");
      return NULL;
    }

  /* A system call made through an ABI the filter has no rules for (the
   * i386 int 0x80 entry from a 64-bit program, x32) would bypass every rule
   * below: refuse it as a kernel without that ABI would. x32 is never
   * added: no app needs it and most kernels have it off. */
  r = seccomp_attr_set (filter, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO (ENOSYS));
  if (r < 0)
    {
      seccomp_failed (r, error, "setting the bad-architecture action");
      return NULL;
    }

  /* Architectures first: a rule covers only the architectures present
   * when it is added. */
  if (multiarch && !add_compat_arch (filter, error))
    return NULL;

  if (!add_blocked (filter, always_blocked, G_N_ELEMENTS (always_blocked), error))
    return NULL;
  if (!devel && !add_blocked (filter, devel_only, G_N_ELEMENTS (devel_only), error))
    return NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (clone_namespace_flags); i++)
    {
      struct scmp_arg_cmp cmp = SCMP_CMP (CLONE_FLAGS_ARG, SCMP_CMP_MASKED_EQ,
                                          clone_namespace_flags[i].flag,
                                          clone_namespace_flags[i].flag);
      g_autofree char *name = g_strconcat ("clone with ", clone_namespace_flags[i].name, NULL);

      if (!add_rule (filter, SCMP_SYS (clone), name, EPERM, 1, &cmp, error))
        return NULL;
    }

  /* TIOCSTI pushes input into the terminal, to be read by the shell that
   * started the app once it exits (CVE-2017-5226); TIOCLINUX does the same
   * through a virtual console's selection (CVE-2023-28100). The request is
   * an unsigned int to the kernel, which drops the upper half of the
   * register: compare only the lower 32 bits, or TIOCSTI | 1 << 32 would
   * slip through. */
  {
    static const struct { unsigned long request; const char *name; } requests[] = {
      { TIOCSTI, "ioctl TIOCSTI" },
      { TIOCLINUX, "ioctl TIOCLINUX" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (requests); i++)
      {
        struct scmp_arg_cmp cmp = SCMP_A1 (SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, requests[i].request);

        if (!add_rule (filter, SCMP_SYS (ioctl), requests[i].name, EPERM, 1, &cmp, error))
          return NULL;
      }
  }

  if (!devel)
    {
      /* Only the plain Linux personality: the others switch on things such
       * as READ_IMPLIES_EXEC or ADDR_NO_RANDOMIZE for what the app runs next.
       * Flatpak allows exactly this one value too. */
      struct scmp_arg_cmp cmp = SCMP_A0 (SCMP_CMP_NE, PER_LINUX, 0);

      if (!add_rule (filter, SCMP_SYS (personality), "personality", EPERM, 1, &cmp, error))
        return NULL;
    }

  /* modify_ldt has leaked kernel memory before; 32-bit programs (Wine,
   * old 16-bit code) are the ones that need it. */
  if (!multiarch && !add_rule (filter, SCMP_SYS (modify_ldt), "modify_ldt", EPERM, 0, NULL, error))
    return NULL;

  if (!add_socket_rules (filter, features, error))
    return NULL;

  return g_steal_pointer (&filter);
}

GBytes *
fp_seccomp_rules_export (FpFeatures features,
                         GError   **error)
{
  g_auto(scmp_filter_ctx) filter = NULL;
  g_autoptr(GByteArray) program = g_byte_array_new ();
  guint8 buffer[4096];
  ssize_t n;
  int fd;
  int r;

  g_return_val_if_fail ((features & ~FP_SECCOMP_FEATURES) == 0, NULL);
  filter = build_filter (features, error);
  if (filter == NULL)
    return NULL;
  /* libseccomp 2.5 exports to an fd only. */
  fd = memfd_create ("fauxpak-seccomp-rules", MFD_CLOEXEC);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "cannot build the seccomp filter: memfd_create: %s", g_strerror (saved_errno));
      return NULL;
    }
  r = seccomp_export_bpf (filter, fd);
  if (r < 0)
    {
      close (fd);
      seccomp_failed (r, error, "exporting the BPF program");
      return NULL;
    }
  if (lseek (fd, 0, SEEK_SET) < 0)
    n = -1;
  else
    while ((n = read (fd, buffer, sizeof buffer)) > 0)
      g_byte_array_append (program, buffer, n);
  if (n < 0)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "cannot build the seccomp filter: reading it back: %s", g_strerror (saved_errno));
      return NULL;
    }
  close (fd);
  return g_byte_array_free_to_bytes (g_steal_pointer (&program));
}
