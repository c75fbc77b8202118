#include "fp-closure.h"
#include "fp-error.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  char      *parent;      /* where the sandbox sees the paths */
  GPtrArray *paths;       /* char*, each directly under parent */
  guint      first_arg;   /* its binds in the command line */
  char      *staging;     /* its tmpfs in our mount namespace, shared with bwrap's */
  char      *building;    /* where the helper binds its paths meanwhile */
} Group;

struct _FpClosure {
  GPtrArray *groups;      /* Group*, by first_arg */
  gboolean   in_user_namespace;  /* of its own (a user's launcher) */
  gboolean   entered;     /* the launcher is in its own namespaces */
};

static void
group_free (Group *group)
{
  g_free (group->parent);
  g_ptr_array_unref (group->paths);
  g_free (group->staging);
  g_free (group->building);
  g_free (group);
}

FpClosure *
fp_closure_new (void)
{
  FpClosure *closure = g_new0 (FpClosure, 1);

  closure->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  return closure;
}

void
fp_closure_free (FpClosure *closure)
{
  if (closure == NULL)
    return;
  g_ptr_array_unref (closure->groups);
  g_free (closure);
}

static gboolean
path_is_under (const char *path, const char *prefix)
{
  gsize len = strlen (prefix);

  return strncmp (path, prefix, len) == 0 && (path[len] == '/' || (len == 1 && prefix[0] == '/'));
}

/* Whether the paths under `parent` may be laid out together: no listed
 * path is the parent or above it (its bind would come before or after
 * ours, in an order ours would change), and none lies deeper under it. */
static gboolean
can_group (const char *parent, const char *const *paths)
{
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *path = g_canonicalize_filename (paths[i], "/");
      g_autofree char *dir = NULL;

      if (g_str_equal (path, parent) || path_is_under (parent, path))
        return FALSE;
      if (!path_is_under (path, parent))
        continue;
      dir = g_path_get_dirname (path);
      if (!g_str_equal (dir, parent))
        return FALSE;
    }
  return TRUE;
}

GPtrArray *
fp_closure_plan (const char *const *paths)
{
  g_autoptr(GHashTable) by_parent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) parents = g_ptr_array_new ();  /* in order of first appearance */
  GPtrArray *groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      g_autofree char *path = g_canonicalize_filename (paths[i], "/");
      g_autofree char *parent = g_path_get_dirname (path);
      GPtrArray *group;

      if (g_str_equal (path, "/") || g_hash_table_contains (seen, path))
        continue;
      group = g_hash_table_lookup (by_parent, parent);
      if (group == NULL)
        {
          group = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (parents, parent);
          g_hash_table_insert (by_parent, g_steal_pointer (&parent), group);
        }
      g_hash_table_add (seen, path);
      g_ptr_array_add (group, g_steal_pointer (&path));
    }
  for (guint i = 0; i < parents->len; i++)
    {
      const char *parent = g_ptr_array_index (parents, i);
      GPtrArray *group = g_hash_table_lookup (by_parent, parent);

      if (g_str_equal (parent, "/") || group->len < FP_CLOSURE_MIN_PATHS || !can_group (parent, paths))
        continue;
      g_ptr_array_add (groups, g_ptr_array_ref (group));
    }
  return groups;
}

void
fp_closure_add_group (FpClosure  *closure,
                      const char *parent,
                      GPtrArray  *group,
                      guint       first_arg)
{
  Group *g = g_new0 (Group, 1);

  g->parent = g_strdup (parent);
  g->paths = g_ptr_array_ref (group);
  g->first_arg = first_arg;
  g_ptr_array_add (closure->groups, g);
}

gboolean
fp_closure_is_empty (const FpClosure *closure)
{
  return closure == NULL || closure->groups->len == 0;
}

/* ------------------------------------------------------------------------
 * The helper: a child of the launcher, forked in the launcher's mount
 * namespace, working in one of its own. It uses raw system calls only
 * (no allocation): the launcher may have had threads (GDBus) when it
 * forked. */

static void G_GNUC_NORETURN
helper_fail (int saved_errno, const char *what, const char *path)
{
  char message[4096];
  int len = snprintf (message, sizeof message,
                      "fauxpak: cannot lay out the runtime: %s %s: %s; not starting the app\n",
                      what, path, strerror (saved_errno));

  if (len > 0)
    (void) !write (STDERR_FILENO, message, MIN ((gsize) len, sizeof message - 1));
  _exit (1);
}

/* Binds `path` (and what is mounted under it: bwrap binds recursively
 * too) at `name` in the current directory, on a mount point of its kind:
 * a directory, or an empty file for anything else (following links, as
 * bwrap does). Store paths are directories: a file costs a second try. */
static void
bind_path (const char *path, const char *name)
{
  int fd;

  if (mkdir (name, 0755) != 0)
    helper_fail (errno, "cannot make a mount point for", path);
  if (mount (path, name, NULL, MS_BIND | MS_REC, NULL) == 0)
    return;
  if (errno != ENOTDIR || rmdir (name) != 0)
    helper_fail (errno, "cannot bind", path);
  fd = open (name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
  if (fd < 0)
    helper_fail (errno, "cannot make a mount point for", path);
  close (fd);
  if (mount (path, name, NULL, MS_BIND | MS_REC, NULL) != 0)
    helper_fail (errno, "cannot bind", path);
}

/* Every mount at and under `dir` read-only, nosuid and nodev, as bwrap's
 * --ro-bind makes each path, in one call; then `dir` itself, the tmpfs
 * above them, writable again, as the directories bwrap makes are. */
static void
make_read_only_below (const char *dir, const char *what)
{
  struct mount_attr read_only = {
    .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
  };
  struct mount_attr writable = { .attr_clr = MOUNT_ATTR_RDONLY };

  if (mount_setattr (AT_FDCWD, dir, AT_RECURSIVE, &read_only, sizeof read_only) != 0)
    helper_fail (errno, "cannot make read-only the paths under", what);
  if (mount_setattr (AT_FDCWD, dir, 0, &writable, sizeof writable) != 0)
    helper_fail (errno, "cannot make writable", what);
}

static int
open_namespace (void)
{
  int fd = open ("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    helper_fail (errno, "cannot open", "/proc/self/ns/mnt");
  return fd;
}

static void
enter_namespace (int fd)
{
  if (setns (fd, CLONE_NEWNS) != 0)
    helper_fail (errno, "cannot enter", "a mount namespace of the launcher's");
}

/* Writes `data` and blocks until bwrap has read it. bwrap reads its
 * seccomp program after every mount of its own, with its old root gone
 * (bubblewrap.c, after --block-fd). The pipe holds one page, so it is
 * writable again only once bwrap has taken what is in it; were it bigger,
 * the paths would come sooner, in a slower but still exact layout. */
static void
wait_for_bwrap (int pipe_fd, const guint8 *data, gsize len)
{
  struct pollfd pfd = { .fd = pipe_fd, .events = POLLOUT };

  while (len > 0)
    {
      ssize_t n = write (pipe_fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        _exit (1);  /* bwrap is gone */
      data += n;
      len -= n;
    }
  for (;;)
    {
      int res = poll (&pfd, 1, -1);

      if (res < 0 && errno == EINTR)
        continue;
      if (res < 0 || (pfd.revents & (POLLERR | POLLHUP)) != 0)
        _exit (1);
      if (pfd.revents & POLLOUT)
        return;
    }
}

/* While bwrap builds the sandbox, the helper binds each group's paths
 * under a tmpfs of its own, in a mount namespace of its own: no mount
 * table bwrap reads grows meanwhile, and each path is one mount(2) with
 * no copy of it detached anywhere first. Once bwrap waits for its filter,
 * the launcher's namespace leaves the staging mount's peer group (bwrap's
 * copy stays the helper's slave, so nothing is copied twice) and each
 * tmpfs moves onto its staging mount: propagation takes the paths into
 * the sandbox, whose copies are locked there, as any propagated into a
 * namespace of another user namespace. */
static void G_GNUC_NORETURN
run_helper (FpClosure *closure, int pipe_fd, const guint8 *program, gsize program_len)
{
  int launcher_ns;
  int helper_ns;

  /* Should bwrap die, the helper goes too; and it holds none of the
   * fds meant for bwrap (the D-Bus proxy's lifeline among them). */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) != 0 ||
      (pipe_fd > 3 && close_range (3, pipe_fd - 1, 0) != 0) ||
      close_range (pipe_fd + 1, ~0U, 0) != 0)
    _exit (1);
  launcher_ns = open_namespace ();
  if (unshare (CLONE_NEWNS) != 0)
    helper_fail (errno, "cannot make", "a mount namespace of its own");
  helper_ns = open_namespace ();

  for (guint i = 0; i < closure->groups->len; i++)
    {
      Group *g = g_ptr_array_index (closure->groups, i);

      /* Under the private staging tmpfs: nothing made here propagates. */
      if (mkdir (g->building, 0700) != 0 ||
          mount ("tmpfs", g->building, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0)
        helper_fail (errno, "cannot make", g->building);
      /* Relative targets: each bind looks up one name, not the whole way. */
      if (chdir (g->building) != 0)
        helper_fail (errno, "cannot enter", g->building);
      for (guint j = 0; j < g->paths->len; j++)
        {
          const char *path = g_ptr_array_index (g->paths, j);

          bind_path (path, strrchr (path, '/') + 1);
        }
      make_read_only_below (g->building, g->parent);
    }

  /* All but the last 4 bytes of the filter: should the helper die
   * before it sends them, bwrap gets a length that is no multiple of 8
   * and refuses to start the app. */
  wait_for_bwrap (pipe_fd, program, program_len - 4);

  /* bwrap has its copy of the staging mounts by now (it reads its filter
   * after every mount of its own). */
  enter_namespace (launcher_ns);
  for (guint i = 0; i < closure->groups->len; i++)
    {
      Group *g = g_ptr_array_index (closure->groups, i);

      if (mount (NULL, g->staging, NULL, MS_PRIVATE, NULL) != 0)
        helper_fail (errno, "cannot make private", g->staging);
    }
  enter_namespace (helper_ns);
  for (guint i = 0; i < closure->groups->len; i++)
    {
      Group *g = g_ptr_array_index (closure->groups, i);

      if (mount (g->building, g->staging, NULL, MS_MOVE, NULL) != 0)
        helper_fail (errno, "cannot attach the paths under", g->parent);
    }
  if (write (pipe_fd, program + program_len - 4, 4) != 4)
    _exit (1);
  /* The app runs; the helper's namespace, with its copies, goes with it. */
  _exit (0);
}

/* ------------------------------------------------------------------------
 * The launcher's side. */

static gboolean
write_proc_file (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = write (fd, text, strlen (text)) == (ssize_t) strlen (text);
  close (fd);
  return ok;
}

/* A user namespace of our own, for a user (root needs none); our uid and
 * gid map to themselves, so bwrap, started inside, sees the same user
 * and makes the same sandbox. Where the kernel will not (no user
 * namespaces, or a process of several threads) nothing changed and the
 * closure is laid out one bind a path; a user namespace entered but not
 * mapped is an error: nothing would work in it. */
static gboolean
enter_user_namespace (FpClosure *closure, GError **error)
{
  uid_t uid = getuid ();
  gid_t gid = getgid ();
  g_autofree char *uid_map = g_strdup_printf ("%u %u 1\n", (unsigned) uid, (unsigned) uid);
  g_autofree char *gid_map = g_strdup_printf ("%u %u 1\n", (unsigned) gid, (unsigned) gid);

  if (closure->in_user_namespace || uid == 0)
    return TRUE;
  if (unshare (CLONE_NEWUSER) != 0)
    return TRUE;
  if (!write_proc_file ("/proc/self/setgroups", "deny") ||
      !write_proc_file ("/proc/self/uid_map", uid_map) ||
      !write_proc_file ("/proc/self/gid_map", gid_map))
    {
      int saved_errno = errno;

      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "cannot map the launcher's user into its own user namespace: %s", g_strerror (saved_errno));
      return FALSE;
    }
  closure->in_user_namespace = TRUE;
  return TRUE;
}

/* Then a mount namespace of our own: made last, so that it copies every
 * mount the launch waited for (the document portal's, started by its
 * first call). It takes a process of any number of threads. */
static gboolean
enter_namespaces (FpClosure *closure, GError **error)
{
  if (!enter_user_namespace (closure, error))
    return FALSE;
  if (getuid () != 0 && !closure->in_user_namespace)
    return TRUE;
  closure->entered = unshare (CLONE_NEWNS) == 0;
  return TRUE;
}

static gboolean
is_setuid (const char *bwrap_path)
{
  struct stat st;

  return stat (bwrap_path, &st) != 0 || (st.st_mode & S_ISUID) != 0;
}

gboolean
fp_closure_enter_early (FpClosure          *closure,
                        const char *const  *runtime_paths,
                        const char         *bwrap_path,
                        GError            **error)
{
  g_autoptr(GPtrArray) plan = NULL;

  /* Root's mount namespace alone takes a process of any number of threads. */
  if (getuid () == 0 || runtime_paths == NULL || is_setuid (bwrap_path))
    return TRUE;
  plan = fp_closure_plan (runtime_paths);
  if (plan->len == 0)
    return TRUE;
  return enter_user_namespace (closure, error);
}

/* The seccomp program bwrap is to read from `fd`, a memfd of ours. */
static GBytes *
read_program (int fd)
{
  g_autoptr(GBytes) data = fp_bwrap_read_fd (fd, NULL);

  if (data == NULL || g_bytes_get_size (data) < 16 || g_bytes_get_size (data) % 8 != 0)
    return NULL;
  return g_steal_pointer (&data);
}

static int
find_seccomp_fd (FpBwrap *bwrap)
{
  for (guint i = 1; i + 1 < bwrap->argv->len; i++)
    {
      const char *arg = g_ptr_array_index (bwrap->argv, i);

      if (g_str_equal (arg, "--"))
        break;
      if (g_str_equal (arg, "--seccomp"))
        return atoi (g_ptr_array_index (bwrap->argv, i + 1));
    }
  return -1;
}

/* One tmpfs for all staging directories, so that nothing of them is left
 * on the host but the empty `staging_dir`; in it a shared tmpfs a group,
 * the mount bwrap binds and propagation fills. */
static gboolean
mount_staging (FpClosure *closure, const char *staging_dir)
{
  if (mount (NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0 ||
      mount ("tmpfs", staging_dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") != 0 ||
      mount (NULL, staging_dir, NULL, MS_PRIVATE, NULL) != 0)
    return FALSE;
  for (guint i = 0; i < closure->groups->len; i++)
    {
      Group *g = g_ptr_array_index (closure->groups, i);

      g->staging = g_strdup_printf ("%s/%u", staging_dir, i);
      g->building = g_strdup_printf ("%s/b%u", staging_dir, i);
      if (mkdir (g->staging, 0700) != 0 ||
          mount ("tmpfs", g->staging, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0 ||
          mount (NULL, g->staging, NULL, MS_SHARED, NULL) != 0)
        return FALSE;
    }
  return TRUE;
}

/* The sandbox has the instance directory (its lock's) by a recursive
 * bind, which carries the staging mounts along: an empty tmpfs, as the
 * directory is on the host, covers their copy there, so that the paths
 * are seen only where they are listed. Laid last among the mounts. */
static void
cover_staging (FpBwrap *bwrap, const char *staging_dir)
{
  g_autofree char *instance_dir = g_path_get_dirname (staging_dir);
  g_autofree char *id = g_path_get_basename (instance_dir);
  g_autofree char *inside = g_build_filename ("/run/flatpak/.flatpak", id, "closure", NULL);

  /* Where the options end: "--chdir DIR --" (an environment value may be
   * "--", a variable's name may not). */
  for (guint i = 3; i < bwrap->argv->len; i++)
    if (g_str_equal (g_ptr_array_index (bwrap->argv, i), "--") &&
        g_str_equal (g_ptr_array_index (bwrap->argv, i - 2), "--chdir"))
      {
        g_ptr_array_insert (bwrap->argv, i, g_strdup (inside));
        g_ptr_array_insert (bwrap->argv, i, g_strdup ("--tmpfs"));
        g_ptr_array_insert (bwrap->argv, i, g_strdup ("0700"));
        g_ptr_array_insert (bwrap->argv, i, g_strdup ("--perms"));
        return;
      }
}

/* Each group's binds, one a path, become one bind of its staging tmpfs:
 * read-write, as the directories bwrap makes in its own root are. */
static void
rewrite_command_line (FpClosure *closure, FpBwrap *bwrap)
{
  for (guint i = closure->groups->len; i > 0; i--)
    {
      Group *g = g_ptr_array_index (closure->groups, i - 1);

      g_ptr_array_remove_range (bwrap->argv, g->first_arg, 3 * g->paths->len);
      g_ptr_array_insert (bwrap->argv, g->first_arg, g_strdup (g->parent));
      g_ptr_array_insert (bwrap->argv, g->first_arg, g_strdup (g->staging));
      g_ptr_array_insert (bwrap->argv, g->first_arg, g_strdup ("--bind"));
    }
}

gboolean
fp_closure_apply (FpClosure  *closure,
                  FpBwrap    *bwrap,
                  const char *staging_dir,
                  GError    **error)
{
  g_autoptr(GBytes) program = NULL;
  int seccomp_fd;
  int sync_pipe[2];
  pid_t helper;

  if (fp_closure_is_empty (closure) || is_setuid (g_ptr_array_index (bwrap->argv, 0)))
    return TRUE;
  seccomp_fd = find_seccomp_fd (bwrap);
  if (seccomp_fd < 0 || (program = read_program (seccomp_fd)) == NULL)
    return TRUE;
  if (mkdir (staging_dir, 0700) != 0 && errno != EEXIST)
    return TRUE;
  if (!enter_namespaces (closure, error))
    return FALSE;
  if (!closure->entered || !mount_staging (closure, staging_dir))
    return TRUE;
  if (pipe2 (sync_pipe, O_CLOEXEC) != 0)
    return TRUE;
  /* One page: see wait_for_bwrap. */
  (void) fcntl (sync_pipe[1], F_SETPIPE_SZ, 4096);

  helper = fork ();
  if (helper < 0)
    {
      close (sync_pipe[0]);
      close (sync_pipe[1]);
      return TRUE;
    }
  if (helper == 0)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (program, &len);

      close (sync_pipe[0]);
      run_helper (closure, sync_pipe[1], data, len);
    }
  close (sync_pipe[1]);
  /* bwrap reads its program from the helper now, at the same fd number. */
  if (dup3 (sync_pipe[0], seccomp_fd, O_CLOEXEC) < 0)
    {
      int saved_errno = errno;

      close (sync_pipe[0]);
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "cannot pass the seccomp pipe to bwrap: %s", g_strerror (saved_errno));
      return FALSE;
    }
  close (sync_pipe[0]);
  rewrite_command_line (closure, bwrap);
  cover_staging (bwrap, staging_dir);
  return TRUE;
}
