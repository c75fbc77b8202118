/* fauxpak enter: runs a command inside a running sandbox, as `flatpak
 * enter` does: in its namespaces (its user namespace first, when it has
 * one of its own), at its root and in its app's directory, with its app's
 * environment, its seccomp filter, no capabilities and no_new_privs. */
#include "fp-cmd.h"
#include "fp-context.h"
#include "fp-error.h"
#include "fp-flatpak-import.h"
#include "fp-instance.h"
#include "fp-seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/nsfs.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* fp_cmd_refuse's status, for the processes that _exit. */
#define FP_CMD_EXIT_REFUSED 125

/* Joined in this order, as flatpak enter does: first the user namespace
 * that owns the sandbox's mount namespace (the one bwrap made; with
 * --disable-userns the app lives in another, nested in it), which gives
 * us the capabilities the others need (as its owner, or as root); then
 * the others; last the app's own user namespace when it is that nested
 * one. */
static const struct {
  const char *name;
  int type;
} namespaces[] = {
  { "user (base)", CLONE_NEWUSER },
  { "mnt", CLONE_NEWNS },
  { "pid", CLONE_NEWPID },
  { "net", CLONE_NEWNET },
  { "ipc", CLONE_NEWIPC },
  { "uts", CLONE_NEWUTS },
  { "cgroup", CLONE_NEWCGROUP },
  { "user", CLONE_NEWUSER },
};
#define BASE_USERNS 0
#define MNT_NS 1

typedef struct {
  int ns_fds[G_N_ELEMENTS (namespaces)];
  int root_fd;
  char *cwd;            /* the app's directory, inside the sandbox */
  GStrv envp;           /* the app's environment */
  GBytes *filter;       /* the sandbox's seccomp program (struct sock_filter[]) */
  gboolean own_userns;  /* the sandbox has a user namespace of its own */
} Target;

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

static void
target_clear (Target *t)
{
  for (gsize i = 0; i < G_N_ELEMENTS (t->ns_fds); i++)
    if (t->ns_fds[i] >= 0)
      close (t->ns_fds[i]);
  if (t->root_fd >= 0)
    close (t->root_fd);
  g_free (t->cwd);
  g_strfreev (t->envp);
  g_clear_pointer (&t->filter, g_bytes_unref);
}

static gboolean
same_fd_file (int a, int b)
{
  struct stat sa, sb;

  return fstat (a, &sa) == 0 && fstat (b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Whether namespace fd `fd` is ours already. */
static gboolean
same_namespace (int fd, const char *name)
{
  g_autofree char *self = g_strdup_printf ("/proc/self/ns/%s", name);
  struct stat sa, sb;

  return fstat (fd, &sa) == 0 && stat (self, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The app's environment: bwrap's init (child-pid) still has the host's,
 * as bwrap was started with it; the app it started has the sandbox's. */
static GStrv
read_environment (pid_t pid, GError **error)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/environ", (int) pid);
  g_autofree char *data = NULL;
  g_autoptr(GPtrArray) envp = g_ptr_array_new_with_free_func (g_free);
  const char *term = g_getenv ("TERM");
  gsize length;

  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  for (const char *e = data; e < data + length; e += strlen (e) + 1)
    if (*e != '\0' && !g_str_has_prefix (e, "TERM="))
      g_ptr_array_add (envp, g_strdup (e));
  /* The terminal is the caller's, as under flatpak enter. */
  if (term != NULL)
    g_ptr_array_add (envp, g_strconcat ("TERM=", term, NULL));
  g_ptr_array_add (envp, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&envp), FALSE);
}

/* The filter the sandbox was built with: the same code, from the
 * permissions its info records (devel, multiarch… loosen it). */
static GBytes *
build_filter (const char *instance_dir, GError **error)
{
  g_autofree char *info_path = g_build_filename (instance_dir, "info", NULL);
  g_autoptr(GKeyFile) info = g_key_file_new ();
  g_autoptr(FpContext) context = fp_context_new ();
  g_autoptr(GByteArray) program = g_byte_array_new ();
  guint8 buffer[4096];
  ssize_t n;
  int fd;

  if (!g_key_file_load_from_file (info, info_path, G_KEY_FILE_NONE, error) ||
      !fp_flatpak_import_context (context, info, info_path, error))
    return NULL;
  fd = fp_seccomp_create_filter_fd (context, error);
  if (fd < 0)
    return NULL;
  while ((n = read (fd, buffer, sizeof buffer)) > 0)
    g_byte_array_append (program, buffer, n);
  close (fd);
  if (n < 0 || program->len == 0 || program->len % sizeof (struct sock_filter) != 0)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP, "cannot read the seccomp filter built for the sandbox");
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&program));
}

static gboolean
open_target (const FpInstanceSummary *s, Target *t, GError **error)
{
  g_autofree char *root = g_strdup_printf ("/proc/%d/root", (int) s->child_pid);
  g_autofree char *cwd_link = NULL;

  if (s->child_pid <= 0)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_NOT_FOUND, "instance %s has no child pid in its bwrapinfo.json", s->id);
      return FALSE;
    }
  if (s->app_pid <= 0)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_NOT_FOUND,
                   "the app of instance %s has exited (its sandbox is ending)", s->id);
      return FALSE;
    }
  t->root_fd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (t->root_fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP, "cannot open %s: %s%s", root, g_strerror (saved_errno),
                   saved_errno == EACCES || saved_errno == EPERM
                     ? " (the sandbox belongs to another user: enter it as that user, or as root)" : "");
      return FALSE;
    }
  t->envp = read_environment (s->app_pid, error);
  if (t->envp == NULL)
    return FALSE;
  cwd_link = g_strdup_printf ("/proc/%d/cwd", (int) s->app_pid);
  t->cwd = g_file_read_link (cwd_link, NULL);
  t->filter = build_filter (s->dir, error);
  if (t->filter == NULL)
    return FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (namespaces); i++)
    {
      g_autofree char *path = NULL;
      struct stat st;
      gboolean joined = FALSE;

      if (i == BASE_USERNS)
        continue;  /* asked of the mount namespace below */
      path = g_strdup_printf ("/proc/%d/ns/%s", (int) s->child_pid, namespaces[i].name);
      if (lstat (path, &st) != 0)
        continue;  /* a kernel without it */
      t->ns_fds[i] = open (path, O_RDONLY | O_CLOEXEC);
      if (t->ns_fds[i] < 0)
        {
          int saved_errno = errno;

          g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP, "cannot open the sandbox's %s namespace %s: %s",
                       namespaces[i].name, path, g_strerror (saved_errno));
          return FALSE;
        }
      if (i == MNT_NS)
        {
          t->ns_fds[BASE_USERNS] = ioctl (t->ns_fds[i], NS_GET_USERNS);
          if (t->ns_fds[BASE_USERNS] >= 0 && same_namespace (t->ns_fds[BASE_USERNS], "user"))
            close_fd (&t->ns_fds[BASE_USERNS]);
          t->own_userns = t->ns_fds[BASE_USERNS] >= 0;
        }
      /* A namespace the sandbox shares with us needs no joining (and
       * joining one's own user namespace is an error), nor does the
       * base user namespace twice. */
      joined = same_namespace (t->ns_fds[i], namespaces[i].type == CLONE_NEWUSER ? "user" : namespaces[i].name);
      if (namespaces[i].type == CLONE_NEWUSER && t->ns_fds[BASE_USERNS] >= 0)
        joined = joined || same_fd_file (t->ns_fds[i], t->ns_fds[BASE_USERNS]);
      if (joined)
        close_fd (&t->ns_fds[i]);
    }
  return TRUE;
}

static gboolean
join_namespaces (const Target *t, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (namespaces); i++)
    {
      if (t->ns_fds[i] < 0)
        continue;
      if (setns (t->ns_fds[i], namespaces[i].type) != 0)
        {
          int saved_errno = errno;
          const char *why = "";

          if (saved_errno == EPERM && !t->own_userns && getuid () != 0)
            why = " (the sandbox has no user namespace of its own, as when bwrap runs setuid or the sandbox "
                  "was started by root: joining its namespaces needs root; run fauxpak enter as root)";
          else if (saved_errno == EPERM && namespaces[i].type == CLONE_NEWUSER)
            why = " (the kernel lets only the user who started the sandbox, or root, join its user namespace)";
          else if (saved_errno == EINVAL && namespaces[i].type == CLONE_NEWUSER)
            why = " (joining a user namespace needs a process with one thread)";
          g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP, "the kernel does not let %s join the sandbox's %s namespace: %s%s",
                       g_get_user_name (), namespaces[i].name, g_strerror (saved_errno), why);
          return FALSE;
        }
    }
  return TRUE;
}

/* As the sandbox's own processes are: no capabilities, now or after an
 * exec (empty bounding and ambient sets), no_new_privs, the filter. */
static gboolean
confine_self (GBytes *filter, GError **error)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2] = { { 0 } };
  struct sock_fprog program;
  gsize size;

  for (int cap = 0; prctl (PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
    if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
      {
        g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP, "cannot drop capability %d from the bounding set: %s",
                     cap, g_strerror (errno));
        return FALSE;
      }
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP, "cannot clear ambient capabilities: %s", g_strerror (errno));
      return FALSE;
    }
  if (syscall (SYS_capset, &header, data) != 0)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP, "cannot drop capabilities: %s", g_strerror (errno));
      return FALSE;
    }
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP, "cannot set no_new_privs: %s", g_strerror (errno));
      return FALSE;
    }
  program.filter = (struct sock_filter *) g_bytes_get_data (filter, &size);
  program.len = size / sizeof (struct sock_filter);
  if (prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program, 0, 0) != 0)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP, "cannot apply the sandbox's seccomp filter: %s", g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/* In the child, which the pid namespace applies to: the sandbox's root,
 * the app's directory, then confinement, then the command. */
static G_GNUC_NORETURN void
run_child (const Target *t, char **command)
{
  g_autoptr(GError) error = NULL;

  if (fchdir (t->root_fd) != 0 || chroot (".") != 0)
    {
      fp_cmd_refuse ("enter: cannot change into the sandbox's root: %s", g_strerror (errno));
      _exit (FP_CMD_EXIT_REFUSED);
    }
  if (t->cwd == NULL || chdir (t->cwd) != 0)
    {
      const char *home = g_environ_getenv (t->envp, "HOME");

      if (home == NULL || chdir (home) != 0)
        (void) chdir ("/");
    }
  if (!confine_self (t->filter, &error))
    {
      fp_cmd_refuse ("enter: %s", error->message);
      _exit (FP_CMD_EXIT_REFUSED);
    }
  /* execvp looks the command up in the sandbox's PATH. */
  environ = t->envp;
  execvp (command[0], command);
  fp_cmd_refuse ("enter: cannot run %s in the sandbox: %s", command[0], g_strerror (errno));
  _exit (errno == ENOENT ? 127 : 126);
}

/* The exit status of `pid`, as a shell gives it: 128+N for signal N. */
static int
wait_status (pid_t pid)
{
  int wstatus = 0;

  while (waitpid (pid, &wstatus, 0) < 0)
    if (errno != EINTR)
      return FP_CMD_EXIT_REFUSED;
  return WIFEXITED (wstatus) ? WEXITSTATUS (wstatus) : 128 + WTERMSIG (wstatus);
}

int
fp_cmd_enter (int argc, char **argv)
{
  const GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  Target t = { .root_fd = -1 };
  int status = 0;
  pid_t child;

  for (gsize i = 0; i < G_N_ELEMENTS (t.ns_fds); i++)
    t.ns_fds[i] = -1;
  if (!fp_cmd_parse ("INSTANCE|APP-ID COMMAND [ARG…]",
                     "Run COMMAND inside a running sandbox: its namespaces, root, environment and seccomp filter.",
                     entries, &argc, &argv, &error))
    return fp_cmd_refuse ("enter: %s", error->message);
  if (argc >= 2 && g_str_equal (argv[1], "--"))
    argc--, argv++;
  if (argc < 3)
    return fp_cmd_refuse ("enter: expected INSTANCE|APP-ID COMMAND [ARG…] (fauxpak ps lists what runs)");
  instances = fp_cmd_find_instances (argv[1], &error);
  if (instances == NULL)
    return fp_cmd_refuse ("enter: %s", error->message);
  /* Several instances of one app: the oldest, as flatpak enter takes the first. */
  if (!open_target (g_ptr_array_index (instances, 0), &t, &error))
    {
      target_clear (&t);
      return fp_cmd_refuse ("enter: %s: %s", argv[1], error->message);
    }

  /* We stay on the host: a child joins, and its own child (the first
   * process in the sandbox's pid namespace) runs the command. */
  child = fork ();
  if (child < 0)
    status = fp_cmd_refuse ("enter: cannot fork: %s", g_strerror (errno));
  else if (child == 0)
    {
      pid_t command;

      signal (SIGINT, SIG_IGN);
      signal (SIGQUIT, SIG_IGN);
      if (!join_namespaces (&t, &error))
        {
          fp_cmd_refuse ("enter: %s: %s", argv[1], error->message);
          _exit (FP_CMD_EXIT_REFUSED);
        }
      command = fork ();
      if (command < 0)
        {
          fp_cmd_refuse ("enter: cannot fork in the sandbox: %s", g_strerror (errno));
          _exit (FP_CMD_EXIT_REFUSED);
        }
      if (command == 0)
        {
          signal (SIGINT, SIG_DFL);
          signal (SIGQUIT, SIG_DFL);
          run_child (&t, argv + 2);
        }
      _exit (wait_status (command));
    }
  else
    {
      /* ^C goes to the command (it shares our terminal); we wait for it. */
      signal (SIGINT, SIG_IGN);
      signal (SIGQUIT, SIG_IGN);
      status = wait_status (child);
    }
  target_clear (&t);
  return status;
}
