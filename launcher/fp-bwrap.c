#include "fp-bwrap.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <linux/close_range.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

FpBwrap *
fp_bwrap_new (const char *bwrap_path)
{
  FpBwrap *bwrap = g_new0 (FpBwrap, 1);
  g_auto(GStrv) environ_copy = g_get_environ ();

  bwrap->argv = g_ptr_array_new_with_free_func (g_free);
  bwrap->fds = g_array_new (FALSE, FALSE, sizeof (int));
  bwrap->envp = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (bwrap->argv, g_strdup (bwrap_path));
  for (guint i = 0; environ_copy[i] != NULL; i++)
    g_ptr_array_add (bwrap->envp, g_strdup (environ_copy[i]));
  return bwrap;
}

FpBwrap *
fp_bwrap_new_scratch (void)
{
  FpBwrap *bwrap = fp_bwrap_new ("bwrap");

  bwrap->scratch = TRUE;
  return bwrap;
}

void
fp_bwrap_free (FpBwrap *bwrap)
{
  if (bwrap == NULL)
    return;
  for (guint i = 0; i < bwrap->fds->len; i++)
    close (g_array_index (bwrap->fds, int, i));
  g_array_unref (bwrap->fds);
  g_ptr_array_unref (bwrap->argv);
  g_ptr_array_unref (bwrap->envp);
  g_free (bwrap);
}

void
fp_bwrap_add_arg (FpBwrap *bwrap, const char *arg)
{
  g_ptr_array_add (bwrap->argv, g_strdup (arg));
}

void
fp_bwrap_add_args (FpBwrap *bwrap, ...)
{
  va_list args;
  const char *arg;

  va_start (args, bwrap);
  while ((arg = va_arg (args, const char *)) != NULL)
    fp_bwrap_add_arg (bwrap, arg);
  va_end (args);
}

void
fp_bwrap_add_argsv (FpBwrap *bwrap, const char *const *args)
{
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    fp_bwrap_add_arg (bwrap, args[i]);
}

int
fp_bwrap_take_fd (FpBwrap *bwrap, int fd)
{
  g_array_append_val (bwrap->fds, fd);
  return fd;
}

gboolean
fp_bwrap_add_data (FpBwrap    *bwrap,
                   const char *option,
                   const char *name,
                   GBytes     *data,
                   const char *dest,
                   GError    **error)
{
  gsize length;
  const guint8 *bytes = g_bytes_get_data (data, &length);
  g_autofree char *fd_text = NULL;
  int fd;

  if (bwrap->scratch)
    {
      fp_bwrap_add_args (bwrap, option, "-1", dest, NULL);
      return TRUE;
    }
  fd = memfd_create (name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "memfd_create for %s: %s", dest, g_strerror (saved_errno));
      return FALSE;
    }
  fp_bwrap_take_fd (bwrap, fd);

  while (length > 0)
    {
      ssize_t written = write (fd, bytes, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "writing %s: %s", dest, g_strerror (saved_errno));
          return FALSE;
        }
      bytes += written;
      length -= written;
    }
  if (lseek (fd, 0, SEEK_SET) < 0 ||
      fcntl (fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "sealing %s: %s", dest, g_strerror (saved_errno));
      return FALSE;
    }

  fd_text = g_strdup_printf ("%d", fd);
  fp_bwrap_add_args (bwrap, option, fd_text, dest, NULL);
  return TRUE;
}

static int
find_env (FpBwrap *bwrap, const char *name)
{
  gsize len = strlen (name);

  for (guint i = 0; i < bwrap->envp->len; i++)
    {
      const char *entry = g_ptr_array_index (bwrap->envp, i);

      if (strncmp (entry, name, len) == 0 && entry[len] == '=')
        return i;
    }
  return -1;
}

void
fp_bwrap_unset_env (FpBwrap *bwrap, const char *name)
{
  int index = find_env (bwrap, name);

  if (index >= 0)
    g_ptr_array_remove_index (bwrap->envp, index);
}

void
fp_bwrap_set_env (FpBwrap *bwrap, const char *name, const char *value)
{
  fp_bwrap_unset_env (bwrap, name);
  g_ptr_array_add (bwrap->envp, g_strconcat (name, "=", value, NULL));
}

/* NAME=value entries by name: the first of a name, as getenv answers. */
static GHashTable *
index_environment (const char *const *entries, guint n_entries)
{
  GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < n_entries && entries[i] != NULL; i++)
    {
      char *name = g_strndup (entries[i], strcspn (entries[i], "="));

      if (g_hash_table_contains (index, name))
        g_free (name);
      else
        g_hash_table_insert (index, name, (gpointer) (entries[i] + strlen (name) + (entries[i][strlen (name)] == '=')));
    }
  return index;
}

void
fp_bwrap_add_env_args (FpBwrap *bwrap)
{
  g_auto(GStrv) ours = g_get_environ ();
  /* Looked up by name: both environments have dozens of entries. */
  g_autoptr(GHashTable) our_values = index_environment ((const char *const *) ours, G_MAXUINT);
  g_autoptr(GHashTable) app_values = index_environment ((const char *const *) bwrap->envp->pdata, bwrap->envp->len);
  guint n_app = bwrap->envp->len;

  for (guint i = 0; i < n_app; i++)
    {
      const char *entry = g_ptr_array_index (bwrap->envp, i);
      g_autofree char *name = g_strndup (entry, strcspn (entry, "="));
      const char *value = entry + strlen (name) + 1;

      if (g_strcmp0 (g_hash_table_lookup (our_values, name), value) != 0)
        fp_bwrap_add_args (bwrap, "--setenv", name, value, NULL);
    }
  for (guint i = 0; ours[i] != NULL; i++)
    {
      g_autofree char *name = g_strndup (ours[i], strcspn (ours[i], "="));

      if (!g_hash_table_contains (app_values, name))
        fp_bwrap_add_args (bwrap, "--unsetenv", name, NULL);
    }
}

GBytes *
fp_bwrap_read_fd (int fd, GError **error)
{
  g_autoptr(GByteArray) contents = g_byte_array_new ();
  guint8 buffer[8192];
  off_t offset = 0;
  ssize_t n;

  while ((n = pread (fd, buffer, sizeof buffer, offset)) > 0)
    {
      g_byte_array_append (contents, buffer, n);
      offset += n;
    }
  if (n < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "reading fd %d: %s", fd, g_strerror (saved_errno));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&contents));
}

gboolean
fp_bwrap_save_fds (FpBwrap *bwrap, const char *dir, GError **error)
{
  for (guint i = 0; i < bwrap->fds->len; i++)
    {
      int fd = g_array_index (bwrap->fds, int, i);
      g_autofree char *name = g_strdup_printf ("%d", fd);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GBytes) contents = fp_bwrap_read_fd (fd, error);
      gsize len;
      const char *data;

      if (contents == NULL)
        return FALSE;
      data = g_bytes_get_data (contents, &len);
      if (!g_file_set_contents (path, data != NULL ? data : "", len, error))
        return FALSE;
    }
  return TRUE;
}

/* Marks every fd from `lowest` up close-on-exec. */
static gboolean
set_cloexec_from (int lowest, GError **error)
{
  g_autoptr(GDir) fds = NULL;
  const char *name;

  if (close_range (lowest, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
    return TRUE;
  /* Kernels before 5.11: one fd at a time. */
  fds = g_dir_open ("/proc/self/fd", 0, error);
  if (fds == NULL)
    return FALSE;
  while ((name = g_dir_read_name (fds)) != NULL)
    {
      int fd = atoi (name);
      int flags = fcntl (fd, F_GETFD);

      if (fd >= lowest && flags >= 0 && fcntl (fd, F_SETFD, flags | FD_CLOEXEC) < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "cannot set close-on-exec on fd %d: %s", fd, g_strerror (saved_errno));
          return FALSE;
        }
    }
  return TRUE;
}

/* Stdio goes to the app as it is; a directory there would be a way out
 * of every mount ("../" from it leads to the host's /). */
static gboolean
check_stdio (GError **error)
{
  for (int fd = 0; fd <= 2; fd++)
    {
      struct stat st;

      if (fstat (fd, &st) == 0 && S_ISDIR (st.st_mode))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "fd %d (%s) is a directory: the app would reach the host's files through it; "
                       "not starting it", fd, fd == 0 ? "stdin" : fd == 1 ? "stdout" : "stderr");
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
fp_bwrap_exec (FpBwrap *bwrap, GError **error)
{
  int saved_errno;

  /* Nothing we inherited reaches bwrap, and through it the app (bwrap
   * passes every fd it does not use on to the app): only the fds handed
   * over here, each of which bwrap closes once used. */
  if (!set_cloexec_from (3, error) || !check_stdio (error))
    return FALSE;
  for (guint i = 0; i < bwrap->fds->len; i++)
    {
      int fd = g_array_index (bwrap->fds, int, i);
      int flags = fcntl (fd, F_GETFD);

      if (flags < 0 || fcntl (fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
        {
          saved_errno = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "cannot pass fd %d to bwrap: %s", fd, g_strerror (saved_errno));
          return FALSE;
        }
    }
  g_ptr_array_add (bwrap->argv, NULL);
  /* Our own environment: the app's is on the command line (--setenv). */
  execv (g_ptr_array_index (bwrap->argv, 0), (char **) bwrap->argv->pdata);
  saved_errno = errno;
  g_ptr_array_remove_index (bwrap->argv, bwrap->argv->len - 1);
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "cannot run %s: %s", (char *) g_ptr_array_index (bwrap->argv, 0), g_strerror (saved_errno));
  return FALSE;
}
