#include "fp-instance.h"
#include "fp-error.h"
#include "fp-nofollow.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A directory without .ref older than this was left by a launcher that died
 * between mkdir and locking; younger ones may be allocating right now. */
#define HALF_ALLOCATED_GRACE_SECONDS 60

/* Flatpak creates .ref and locks it a moment later; an unlocked .ref of
 * Flatpak's younger than this may be one being allocated (its own garbage
 * collection waits as long). */
#define FLATPAK_REF_GRACE_SECONDS 3

/* Beside `pid`: that process's start time, in clock ticks since boot
 * (field 22 of /proc/PID/stat). A pid alone names whatever process the
 * kernel gave the number to last; pid and start time name one process. */
#define PID_START_TIME_FILE "pid-start-time"

gboolean
fp_instance_check_runtime_dir (GError **error)
{
  const char *dir = g_getenv ("XDG_RUNTIME_DIR");
  struct stat st;

  if (dir == NULL || dir[0] != '/')
    {
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "XDG_RUNTIME_DIR is %s; expected the absolute path of the session's runtime "
                   "directory (a 0700 directory of your own, such as /run/user/%u)",
                   dir == NULL ? "unset" : "not an absolute path", (unsigned) getuid ());
      return FALSE;
    }
  if (lstat (dir, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "XDG_RUNTIME_DIR=%s: %s; expected a 0700 directory of your own", dir,
                   g_strerror (saved_errno));
      return FALSE;
    }
  if (!S_ISDIR (st.st_mode) || st.st_uid != getuid () || (st.st_mode & 07777) != 0700)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "XDG_RUNTIME_DIR=%s is %s (mode %04o, owner uid %u); expected a directory of "
                   "uid %u with mode 0700, which no one else can reach",
                   dir, S_ISLNK (st.st_mode) ? "a symlink" : S_ISDIR (st.st_mode) ? "a directory" : "not a directory",
                   (unsigned) (st.st_mode & 07777), (unsigned) st.st_uid, (unsigned) getuid ());
      return FALSE;
    }
  return TRUE;
}

char *
fp_instance_base_dir (void)
{
  return g_build_filename (g_get_user_runtime_dir (), ".flatpak", NULL);
}

void
fp_instance_free (FpInstance *instance)
{
  if (instance == NULL)
    return;
  if (instance->lock_fd >= 0)
    close (instance->lock_fd);
  g_free (instance->id);
  g_free (instance->dir);
  g_free (instance);
}

static gboolean
take_read_lock (int fd)
{
  struct flock lock = { .l_type = F_RDLCK, .l_whence = SEEK_SET };

  return fcntl (fd, F_SETLK, &lock) == 0;
}

/* The .ref is created under a temporary name, locked, then renamed: a
 * .ref that anyone can see is locked from its first moment, so garbage
 * collection never mistakes a starting instance for a dead one. */
static int
create_locked_ref (const char *dir, GError **error)
{
  g_autofree char *tmp = g_build_filename (dir, ".ref.new", NULL);
  g_autofree char *ref = g_build_filename (dir, ".ref", NULL);
  int fd = open (tmp, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

  if (fd < 0 || !take_read_lock (fd) || rename (tmp, ref) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot lock %s: %s", ref, g_strerror (saved_errno));
      if (fd >= 0)
        close (fd);
      return -1;
    }
  return fd;
}

FpInstance *
fp_instance_allocate (GError **error)
{
  g_autofree char *base = fp_instance_base_dir ();
  g_autoptr(FpInstance) instance = g_new0 (FpInstance, 1);
  /* Not a link to follow, should anything ever have planted one there. */
  int base_fd = fp_nofollow_open_dir (g_get_user_runtime_dir (), ".flatpak", TRUE, error);

  instance->lock_fd = -1;
  if (base_fd < 0)
    return NULL;

  for (int attempt = 0; attempt < 1000; attempt++)
    {
      g_autofree char *id = g_strdup_printf ("%u", g_random_int ());
      g_autofree char *dir = g_build_filename (base, id, NULL);

      /* mkdir is the atomic claim: whoever creates it owns the id. */
      if (mkdirat (base_fd, id, 0700) == 0)
        {
          close (base_fd);
          instance->id = g_steal_pointer (&id);
          instance->dir = g_steal_pointer (&dir);
          instance->lock_fd = create_locked_ref (instance->dir, error);
          if (instance->lock_fd < 0)
            {
              fp_instance_discard (instance);
              return NULL;
            }
          return g_steal_pointer (&instance);
        }
      if (errno != EEXIST)
        {
          int saved_errno = errno;

          close (base_fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "cannot create %s: %s", dir, g_strerror (saved_errno));
          return NULL;
        }
    }
  close (base_fd);
  g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
               "cannot find a free instance id under %s", base);
  return NULL;
}

/* Written aside and renamed, so a reader such as flatpak ps never sees half
 * a file; not synced, because the runtime directory does not outlive a boot
 * and every millisecond here is the user's. */
static gboolean
write_file (FpInstance *instance, const char *name, const void *data, gsize length, GError **error)
{
  g_autofree char *path = g_build_filename (instance->dir, name, NULL);
  g_autofree char *tmp = g_strconcat (path, ".new", NULL);

  if (!g_file_set_contents_full (tmp, data, length, G_FILE_SET_CONTENTS_NONE, 0600, error))
    return FALSE;
  if (rename (tmp, path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot write %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
fp_instance_write_info (FpInstance *instance, GBytes *info, GError **error)
{
  gsize length;
  const void *data = g_bytes_get_data (info, &length);

  return write_file (instance, "info", data, length, error);
}

int
fp_instance_open_bwrapinfo (FpInstance *instance, GError **error)
{
  g_autofree char *path = g_build_filename (instance->dir, "bwrapinfo.json", NULL);
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot create %s: %s", path, g_strerror (saved_errno));
    }
  return fd;
}

/* Field 3 (state) and field 22 (start time) of /proc/PID/stat; FALSE when
 * there is no such process. The command name (field 2) may hold spaces and
 * parentheses, so fields are counted from the last ')'. */
static gboolean
read_proc_stat (pid_t pid, char *state, guint64 *start_time)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (pid <= 0 || !g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  after_name = strrchr (contents, ')');
  if (after_name == NULL || after_name[1] != ' ')
    return FALSE;
  fields = g_strsplit (after_name + 2, " ", 21);
  /* fields[0] is field 3, so field 22 is fields[19]. */
  if (g_strv_length (fields) < 20 || fields[0][0] == '\0' ||
      !g_ascii_string_to_unsigned (fields[19], 10, 0, G_MAXUINT64, start_time, NULL))
    return FALSE;
  *state = fields[0][0];
  return TRUE;
}

/* The start time goes first: whenever `pid` exists, so does the start
 * time that tells its process from a later one with the same number. */
gboolean
fp_instance_write_pid (FpInstance *instance, pid_t pid, GError **error)
{
  g_autofree char *text = g_strdup_printf ("%d", (int) pid);
  g_autofree char *start_text = NULL;
  guint64 start_time;
  char state;

  if (!read_proc_stat (pid, &state, &start_time))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "cannot read the start time of process %d from /proc/%d/stat", (int) pid, (int) pid);
      return FALSE;
    }
  start_text = g_strdup_printf ("%" G_GUINT64_FORMAT, start_time);
  return write_file (instance, PID_START_TIME_FILE, start_text, strlen (start_text), error) &&
         write_file (instance, "pid", text, strlen (text), error);
}

static void
remove_instance_dir (const char *dir)
{
  static const char *const names[] = { "info", "bwrapinfo.json", "pid", PID_START_TIME_FILE, ".ref.new", ".ref", NULL };
  g_autoptr(GDir) listing = NULL;
  const char *name;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      (void) unlink (path);
    }
  /* Anything else is not ours to know about; remove it too so rmdir can
   * succeed, but never follow into subdirectories: an empty one (the
   * launcher's closure staging directory) goes, a full one stays. */
  listing = g_dir_open (dir, 0, NULL);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (unlink (path) != 0)
        (void) rmdir (path);
    }
  (void) rmdir (dir);
}

void
fp_instance_discard (FpInstance *instance)
{
  remove_instance_dir (instance->dir);
}

static pid_t read_pid_file (const char *dir);

/* The start time recorded beside `pid`; FALSE when there is none. */
static gboolean
read_start_time_file (const char *dir, guint64 *start_time)
{
  g_autofree char *path = g_build_filename (dir, PID_START_TIME_FILE, NULL);
  g_autofree char *text = NULL;

  return g_file_get_contents (path, &text, NULL, NULL) &&
         g_ascii_string_to_unsigned (g_strstrip (text), 10, 0, G_MAXUINT64, start_time, NULL);
}

/* TRUE when nobody holds a lock on .ref and the process that wrote the pid
 * is gone. The pid matters because after exec the launcher's lock lasts
 * only until bwrap closes the fds it inherited, and the sandbox takes its
 * own (--lock-file) a moment later. It must be the same process: the same
 * pid with the same start time, not a zombie. (That the process is bwrap
 * would not do: the number may go to another sandbox's bwrap, and the
 * launcher is `fauxpak` until it execs.) Without a start time the
 * directory is not ours, since we write one before the pid: Flatpak's (or
 * an older fauxpak's), and as in Flatpak's own garbage collection the lock
 * alone decides, once .ref is a few seconds old.
 *
 * Opening and closing .ref here drops any POSIX lock this process holds on
 * it (a lock belongs to the process and goes with its first close of the
 * file): never call this after this process has allocated an instance. */
static gboolean
instance_is_dead (const char *dir)
{
  g_autofree char *ref = g_build_filename (dir, ".ref", NULL);
  struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
  struct stat st;
  int fd = open (ref, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint64 recorded;
  guint64 start_time;
  char state;

  if (fd < 0)
    {
      /* No .ref yet: dead only if it has been like this for a while. */
      if (errno == ENOENT && lstat (dir, &st) == 0)
        return st.st_mtime + HALF_ALLOCATED_GRACE_SECONDS < now;
      return FALSE;
    }
  if (fcntl (fd, F_GETLK, &lock) != 0 || fstat (fd, &st) != 0)
    {
      close (fd);
      return FALSE;
    }
  close (fd);
  if (lock.l_type != F_UNLCK)
    return FALSE;
  if (!read_start_time_file (dir, &recorded))
    return st.st_mtime + FLATPAK_REF_GRACE_SECONDS < now;
  return !read_proc_stat (read_pid_file (dir), &state, &start_time) ||
         start_time != recorded || state == 'Z' || state == 'X';
}

/* Instance ids are numbers; the per-app directories beside them are
 * named for app ids, which always hold a dot. */
static gboolean
is_instance_id (const char *name)
{
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return *name != '\0';
}

/* Must run before fp_instance_allocate in a launching process, never
 * after: see instance_is_dead. */
void
fp_instance_collect_garbage (void)
{
  g_autofree char *base = fp_instance_base_dir ();
  g_autoptr(GDir) listing = g_dir_open (base, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *dir = g_build_filename (base, name, NULL);

      if (is_instance_id (name) && g_file_test (dir, G_FILE_TEST_IS_DIR) &&
          !g_file_test (dir, G_FILE_TEST_IS_SYMLINK) && instance_is_dead (dir))
        remove_instance_dir (dir);
    }
}

void
fp_app_dirs_clear (FpAppDirs *dirs)
{
  g_clear_pointer (&dirs->ref, g_free);
  g_clear_pointer (&dirs->tmp, g_free);
  g_clear_pointer (&dirs->xdg_run, g_free);
  g_clear_pointer (&dirs->dev_shm, g_free);
}

static gboolean
make_dir (const char *path, GError **error)
{
  if (g_mkdir_with_parents (path, 0700) == 0)
    return TRUE;
  {
    int saved_errno = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 "cannot create %s: %s", path, g_strerror (saved_errno));
  }
  return FALSE;
}

/* The app's directory in /dev/shm, which Flatpak names
 * /dev/shm/flatpak-<app-id>-XXXXXX, marks with .flatpak-tmpdir and links
 * from the per-app directory: the link is followed only to such a
 * directory (a /dev/shm anyone can write is no place to trust a name). */
static char *
ensure_app_dev_shm (const char *app_dir, const char *app_id, GError **error)
{
  g_autofree char *link = g_build_filename (app_dir, "dev-shm", NULL);
  g_autofree char *target = g_file_read_link (link, NULL);
  g_autofree char *path = NULL;
  g_autofree char *flag = NULL;
  struct stat st;
  int fd;

  if (target != NULL && g_str_has_prefix (target, "/dev/shm/flatpak-") && strchr (target + 9, '/') == NULL &&
      lstat (target, &st) == 0 && S_ISDIR (st.st_mode) && st.st_uid == getuid ())
    {
      g_autofree char *target_flag = g_build_filename (target, ".flatpak-tmpdir", NULL);

      if (lstat (target_flag, &st) == 0 && S_ISREG (st.st_mode))
        return g_steal_pointer (&target);
    }
  path = g_strdup_printf ("/dev/shm/flatpak-%s-XXXXXX", app_id);
  if (g_mkdtemp_full (path, 0700) == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot create a directory in /dev/shm for %s: %s", app_id, g_strerror (saved_errno));
      return NULL;
    }
  flag = g_build_filename (path, ".flatpak-tmpdir", NULL);
  fd = open (flag, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0)
    close (fd);
  if (fd < 0 || ((unlink (link) != 0 && errno != ENOENT) || symlink (path, link) != 0))
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot link %s to %s: %s", link, path, g_strerror (saved_errno));
      return NULL;
    }
  return g_steal_pointer (&path);
}

gboolean
fp_instance_ensure_app_dirs (const char *app_id,
                             gboolean    with_dev_shm,
                             gboolean    create,
                             FpAppDirs  *dirs,
                             GError    **error)
{
  g_autofree char *base = fp_instance_base_dir ();
  g_autofree char *app_dir = g_build_filename (base, app_id, NULL);
  gboolean dev_shm = with_dev_shm && g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) &&
                     !g_file_test ("/dev/shm", G_FILE_TEST_IS_SYMLINK);

  dirs->ref = g_build_filename (app_dir, ".ref", NULL);
  dirs->tmp = g_build_filename (app_dir, "tmp", NULL);
  dirs->xdg_run = g_build_filename (app_dir, "xdg-run", NULL);
  if (!create)
    {
      if (dev_shm)
        dirs->dev_shm = g_strdup_printf ("/dev/shm/flatpak-%s-<random>", app_id);
      return TRUE;
    }
  if (!make_dir (dirs->tmp, error) || !make_dir (dirs->xdg_run, error))
    return FALSE;
  {
    int fd = open (dirs->ref, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

    if (fd < 0)
      {
        int saved_errno = errno;

        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     "cannot create %s: %s", dirs->ref, g_strerror (saved_errno));
        return FALSE;
      }
    close (fd);
  }
  if (dev_shm)
    {
      dirs->dev_shm = ensure_app_dev_shm (app_dir, app_id, error);
      if (dirs->dev_shm == NULL)
        return FALSE;
    }
  return TRUE;
}

void
fp_instance_summary_free (FpInstanceSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->id);
  g_free (summary->dir);
  g_free (summary->app_id);
  g_free (summary->command);
  g_free (summary);
}

static pid_t
read_pid_file (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "pid", NULL);
  g_autofree char *text = NULL;
  guint64 value;

  if (!g_file_get_contents (path, &text, NULL, NULL) ||
      !g_ascii_string_to_unsigned (g_strstrip (text), 10, 1, G_MAXINT32, &value, NULL))
    return 0;
  return (pid_t) value;
}

static pid_t
read_child_pid (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "bwrapinfo.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;

  if (!json_parser_load_from_file (parser, path, NULL))
    return 0;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return 0;
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "child-pid"))
    return 0;
  return (pid_t) json_object_get_int_member (object, "child-pid");
}

pid_t
fp_instance_first_child (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/task/%d/children", (int) pid, (int) pid);
  g_autofree char *text = NULL;
  guint64 value;
  char *end;

  if (pid <= 0 || !g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  value = g_ascii_strtoull (text, &end, 10);
  if (end == text || value == 0 || value > G_MAXINT32)
    return 0;
  return (pid_t) value;
}

/* Seconds since the epoch at which `pid` started: its start time in
 * clock ticks after boot, plus the boot time from /proc/stat. */
static gint64
process_start_time (pid_t pid)
{
  g_autofree char *stat = NULL;
  const char *btime;
  guint64 ticks;
  char state;
  long hz = sysconf (_SC_CLK_TCK);

  if (pid <= 0 || hz <= 0 || !read_proc_stat (pid, &state, &ticks) ||
      !g_file_get_contents ("/proc/stat", &stat, NULL, NULL) ||
      (btime = strstr (stat, "\nbtime ")) == NULL)
    return 0;
  return g_ascii_strtoll (btime + strlen ("\nbtime "), NULL, 10) + (gint64) (ticks / (guint64) hz);
}

/* /proc/PID/cmdline with its NULs as spaces. */
static char *
process_command (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/cmdline", (int) pid);
  g_autofree char *text = NULL;
  gsize length;

  if (pid <= 0 || !g_file_get_contents (path, &text, &length, NULL) || length == 0)
    return NULL;
  for (gsize i = 0; i + 1 < length; i++)
    if (text[i] == '\0')
      text[i] = ' ';
  return g_utf8_make_valid (text, -1);
}

static int
compare_summaries (gconstpointer a, gconstpointer b)
{
  const FpInstanceSummary *sa = *(FpInstanceSummary *const *) a;
  const FpInstanceSummary *sb = *(FpInstanceSummary *const *) b;

  return g_strcmp0 (sa->id, sb->id);
}

GPtrArray *
fp_instance_list_running (GError **error)
{
  g_autofree char *base = fp_instance_base_dir ();
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) fp_instance_summary_free);
  g_autoptr(GDir) listing = NULL;
  GError *local_error = NULL;
  const char *name;

  listing = g_dir_open (base, 0, &local_error);
  if (listing == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_error_free (local_error);
          return g_steal_pointer (&result);
        }
      g_propagate_error (error, local_error);
      return NULL;
    }

  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *dir = g_build_filename (base, name, NULL);
      g_autofree char *info_path = g_build_filename (dir, "info", NULL);
      g_autoptr(GKeyFile) info = g_key_file_new ();
      FpInstanceSummary *summary;
      g_autofree char *ref = g_build_filename (dir, ".ref", NULL);

      if (!g_file_test (ref, G_FILE_TEST_EXISTS) || instance_is_dead (dir))
        continue;
      if (!g_key_file_load_from_file (info, info_path, G_KEY_FILE_NONE, NULL))
        continue;
      summary = g_new0 (FpInstanceSummary, 1);
      summary->id = g_strdup (name);
      summary->dir = g_strdup (dir);
      summary->app_id = g_key_file_get_string (info, "Application", "name", NULL);
      summary->pid = read_pid_file (dir);
      summary->child_pid = read_child_pid (dir);
      summary->app_pid = fp_instance_first_child (summary->child_pid);
      summary->start_time = process_start_time (summary->pid);
      summary->command = process_command (summary->app_pid);
      g_ptr_array_add (result, summary);
    }
  g_ptr_array_sort (result, compare_summaries);
  return g_steal_pointer (&result);
}
