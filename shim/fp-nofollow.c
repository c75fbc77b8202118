#include "fp-nofollow.h"
#include "fp-error.h"
#include "fp-expand.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR_FLAGS (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

static void
set_walk_error (GError **error, const char *anchor, GString *walked, int saved_errno)
{
  g_autofree char *path = g_build_filename (anchor, walked->str, NULL);

  if (saved_errno == ENOTDIR || saved_errno == ELOOP)
    g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                 "%s is not a directory (a symlink?); fauxpak does not follow links where the app can write. "
                 "It may have been replaced from inside the sandbox: look at it before removing it",
                 path);
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 "cannot open %s: %s", path, g_strerror (saved_errno));
}

int
fp_nofollow_open_dir (const char *anchor,
                      const char *relative,
                      gboolean    create,
                      GError    **error)
{
  g_autoptr(GString) walked = g_string_new (NULL);
  int fd = open (anchor, O_PATH | O_DIRECTORY | O_CLOEXEC);
  int result;

  if (fd < 0)
    {
      set_walk_error (error, anchor, walked, errno);
      return -1;
    }
  result = fp_nofollow_open_dir_at (fd, anchor, relative, create, error);
  close (fd);
  return result;
}

int
fp_nofollow_open_dir_at (int         anchor_fd,
                         const char *anchor,
                         const char *relative,
                         gboolean    create,
                         GError    **error)
{
  g_auto(GStrv) parts = g_strsplit (relative, "/", -1);
  g_autoptr(GString) walked = g_string_new (NULL);
  int fd = fcntl (anchor_fd, F_DUPFD_CLOEXEC, 3);

  if (fd < 0)
    {
      set_walk_error (error, anchor, walked, errno);
      return -1;
    }
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *name = parts[i];
      int next;

      if (*name == '\0' || g_str_equal (name, "."))
        continue;
      if (walked->len > 0)
        g_string_append_c (walked, '/');
      g_string_append (walked, name);
      if (g_str_equal (name, ".."))
        {
          g_autofree char *path = g_build_filename (anchor, relative, NULL);

          close (fd);
          g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                       "%s: \"..\" is not allowed here", path);
          return -1;
        }
      next = openat (fd, name, DIR_FLAGS);
      if (next < 0 && errno == ENOENT && create)
        {
          /* EEXIST: made meanwhile, by another launch or by the app; the
           * second open decides what it is. */
          if (mkdirat (fd, name, 0700) != 0 && errno != EEXIST)
            {
              int saved_errno = errno;

              close (fd);
              set_walk_error (error, anchor, walked, saved_errno);
              return -1;
            }
          next = openat (fd, name, DIR_FLAGS);
        }
      if (next < 0)
        {
          int saved_errno = errno;

          close (fd);
          set_walk_error (error, anchor, walked, saved_errno);
          return -1;
        }
      close (fd);
      fd = next;
    }
  return fd;
}

int
fp_nofollow_open_dir_path (const char *path,
                           gboolean    create,
                           GError    **error)
{
  g_autofree char *absolute = g_canonicalize_filename (path, "/");
  /* Home and the runtime directory are the user's, named by the system
   * (either may lie behind a symlink of the host's own); below them,
   * everything may be the app's doing. The deeper anchor wins. */
  g_autofree char *runtime_dir = g_canonicalize_filename (g_get_user_runtime_dir (), "/");
  g_autofree char *home = g_canonicalize_filename (g_get_home_dir (), "/");
  const char *const anchors[] = { runtime_dir, home };

  const char *best = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (anchors); i++)
    if (!g_str_equal (anchors[i], "/") && fp_path_is_under (absolute, anchors[i]) &&
        !g_str_equal (absolute, anchors[i]) && (best == NULL || strlen (anchors[i]) > strlen (best)))
      best = anchors[i];
  if (best != NULL)
    return fp_nofollow_open_dir (best, absolute + strlen (best) + 1, create, error);
  return fp_nofollow_open_dir ("/", absolute + 1, create, error);
}

gboolean
fp_nofollow_make_mount_point (int         anchor_fd,
                              const char *anchor,
                              const char *relative,
                              gboolean    directory,
                              GError    **error)
{
  g_autofree char *parent = g_path_get_dirname (relative);
  g_autofree char *name = g_path_get_basename (relative);
  g_autofree char *path = g_build_filename (anchor, relative, NULL);
  struct stat st;
  int dir_fd;
  int saved_errno = 0;

  if (g_str_equal (name, "..") || g_str_equal (name, ".") || g_str_equal (name, "/"))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP, "%s: not a place to mount on", path);
      return FALSE;
    }
  dir_fd = fp_nofollow_open_dir_at (anchor_fd, anchor, g_str_equal (parent, ".") ? "" : parent, TRUE, error);
  if (dir_fd < 0)
    return FALSE;
  if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    {
      if (errno != ENOENT)
        saved_errno = errno;
      else if (directory)
        {
          /* EEXIST: made meanwhile; looked at again below. */
          if (mkdirat (dir_fd, name, 0700) != 0 && errno != EEXIST)
            saved_errno = errno;
        }
      else
        {
          int fd = openat (dir_fd, name, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

          if (fd >= 0)
            close (fd);
          else if (errno != EEXIST)
            saved_errno = errno;
        }
      if (saved_errno == 0 && fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        saved_errno = errno;
    }
  close (dir_fd);
  if (saved_errno != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot make %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  if (S_ISLNK (st.st_mode))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "%s is not a directory (a symlink?); fauxpak does not follow links where the app can write. "
                   "It may have been replaced from inside the sandbox: look at it before removing it",
                   path);
      return FALSE;
    }
  return TRUE;
}
