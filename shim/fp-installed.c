#include "fp-installed.h"
#include "fp-app-id.h"
#include "fp-error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define INSTALLATION_GROUP "Installation"

void
fp_installed_app_free (FpInstalledApp *app)
{
  if (app == NULL)
    return;
  g_free (app->app_id);
  g_free (app->profile);
  g_free (app->source);
  g_free (app->fauxpak);
  g_strfreev (app->exports);
  g_free (app);
}

static char *
apps_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "fauxpak", "apps", NULL);
}

char *
fp_installed_app_dir (const char *app_id)
{
  g_autofree char *dir = apps_dir ();

  return g_build_filename (dir, app_id, NULL);
}

FpInstalledApp *
fp_installed_app_load (const char *app_id,
                       GError    **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(FpInstalledApp) app = g_new0 (FpInstalledApp, 1);
  GError *local_error = NULL;

  if (!fp_app_id_validate (app_id, NULL))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_NOT_FOUND, "\"%s\" is not an app id, so no installed app", app_id);
      return NULL;
    }
  dir = fp_installed_app_dir (app_id);
  file = g_build_filename (dir, "installation", NULL);
  if (!g_key_file_load_from_file (keyfile, file, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, FP_ERROR, FP_ERROR_NOT_FOUND,
                     "%s is not installed (fauxpak list shows the installed apps)", app_id);
      else
        g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT, "%s: %s", file, local_error->message);
      g_error_free (local_error);
      return NULL;
    }
  app->app_id = g_strdup (app_id);
  app->profile = g_build_filename (dir, "profile.json", NULL);
  app->source = g_key_file_get_string (keyfile, INSTALLATION_GROUP, "source", NULL);
  app->fauxpak = g_key_file_get_string (keyfile, INSTALLATION_GROUP, "fauxpak", NULL);
  app->exports = g_key_file_get_string_list (keyfile, INSTALLATION_GROUP, "exports", NULL, NULL);
  if (app->exports == NULL)
    app->exports = g_new0 (char *, 1);
  if (app->fauxpak == NULL || !g_path_is_absolute (app->fauxpak))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                   "%s: key \"fauxpak\" is missing or not an absolute path; install %s again",
                   file, app_id);
      return NULL;
    }
  return g_steal_pointer (&app);
}

gboolean
fp_installed_app_save (const FpInstalledApp *app,
                       GError              **error)
{
  g_autofree char *dir = fp_installed_app_dir (app->app_id);
  g_autofree char *file = g_build_filename (dir, "installation", NULL);
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();

  g_key_file_set_comment (keyfile, NULL, NULL,
                          " Written by fauxpak install; fauxpak uninstall removes the exports listed here.", NULL);
  g_key_file_set_string (keyfile, INSTALLATION_GROUP, "app-id", app->app_id);
  if (app->source != NULL)
    g_key_file_set_string (keyfile, INSTALLATION_GROUP, "source", app->source);
  g_key_file_set_string (keyfile, INSTALLATION_GROUP, "fauxpak", app->fauxpak);
  g_key_file_set_string_list (keyfile, INSTALLATION_GROUP, "exports",
                              (const char *const *) app->exports, g_strv_length (app->exports));
  if (!g_key_file_save_to_file (keyfile, file, error))
    {
      g_prefix_error (error, "cannot write %s: ", file);
      return FALSE;
    }
  return TRUE;
}

static int
compare_apps (gconstpointer a, gconstpointer b)
{
  const FpInstalledApp *aa = *(FpInstalledApp *const *) a;
  const FpInstalledApp *bb = *(FpInstalledApp *const *) b;

  return strcmp (aa->app_id, bb->app_id);
}

GPtrArray *
fp_installed_list (GError **error)
{
  g_autofree char *dir_path = apps_dir ();
  g_autoptr(GPtrArray) apps = g_ptr_array_new_with_free_func ((GDestroyNotify) fp_installed_app_free);
  g_autoptr(GDir) dir = NULL;
  GError *local_error = NULL;
  const char *name;

  dir = g_dir_open (dir_path, 0, &local_error);
  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_error_free (local_error);
          return g_steal_pointer (&apps);
        }
      g_propagate_prefixed_error (error, local_error, "cannot list %s: ", dir_path);
      return NULL;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(GError) app_error = NULL;
      FpInstalledApp *app = fp_installed_app_load (name, &app_error);

      /* A half-written or foreign entry is no installed app; say so. */
      if (app == NULL)
        g_printerr ("fauxpak: skipping %s/%s: %s\n", dir_path, name, app_error->message);
      else
        g_ptr_array_add (apps, app);
    }
  g_ptr_array_sort (apps, compare_apps);
  return g_steal_pointer (&apps);
}

char *
fp_installed_resolve_profile (const char *arg,
                              GError    **error)
{
  g_autoptr(FpInstalledApp) app = NULL;

  if (g_file_test (arg, G_FILE_TEST_EXISTS) || strchr (arg, '/') != NULL)
    return g_strdup (arg);
  if (fp_app_id_validate (arg, NULL) && (app = fp_installed_app_load (arg, NULL)) != NULL)
    return g_strdup (app->profile);
  g_set_error (error, FP_ERROR, FP_ERROR_NOT_FOUND,
               "\"%s\" is neither a profile file nor the id of an installed app "
               "(fauxpak list shows the installed apps; fauxpak install PROFILE.json installs one)",
               arg);
  return NULL;
}

static gboolean
remove_error (GError **error, const char *path, const char *name)
{
  int saved_errno = errno;

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "cannot remove %s/%s: %s", path, name, g_strerror (saved_errno));
  return FALSE;
}

/* Empties the directory open at `fd` (which it takes), never following a
 * link: each entry is unlinked as it is, and a directory is descended
 * into only through an fd opened with O_NOFOLLOW. */
static gboolean
remove_children (int fd, const char *path, GError **error)
{
  DIR *dir = fdopendir (fd);
  struct dirent *entry;
  gboolean ok = TRUE;

  if (dir == NULL)
    {
      close (fd);
      return remove_error (error, path, ".");
    }
  while (ok && (errno = 0, entry = readdir (dir)) != NULL)
    {
      const char *name = entry->d_name;
      g_autofree char *child_path = NULL;
      int child;

      if (g_str_equal (name, ".") || g_str_equal (name, ".."))
        continue;
      if (unlinkat (dirfd (dir), name, 0) == 0)
        continue;
      if (errno != EISDIR)
        {
          ok = remove_error (error, path, name);
          break;
        }
      child = openat (dirfd (dir), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      child_path = g_build_filename (path, name, NULL);
      if (child < 0)
        ok = remove_error (error, path, name);
      else if (!remove_children (child, child_path, error))
        ok = FALSE;
      else if (unlinkat (dirfd (dir), name, AT_REMOVEDIR) != 0)
        ok = remove_error (error, path, name);
    }
  closedir (dir);
  return ok;
}

gboolean
fp_installed_remove_tree (const char *path,
                          GError    **error)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd < 0)
    {
      if (errno == ENOENT)
        return TRUE;
      /* A link or a file where the directory was: remove it alone. */
      if ((errno == ELOOP || errno == ENOTDIR) && g_unlink (path) == 0)
        return TRUE;
      return remove_error (error, path, ".");
    }
  if (!remove_children (fd, path, error))
    return FALSE;
  if (g_rmdir (path) != 0)
    return remove_error (error, path, ".");
  return TRUE;
}
