#include "fp-override.h"
#include "fp-app-id.h"
#include "fp-error.h"
#include "fp-flatpak-import.h"

#include <errno.h>
#include <glib/gstdio.h>

char *
fp_override_path (const char *app_id, GError **error)
{
  /* The app id is the file name: a valid one has no slash or "..". */
  if (!fp_app_id_validate (app_id, error))
    return NULL;
  return g_build_filename (g_get_user_config_dir (), "fauxpak", "overrides", app_id, NULL);
}

FpContext *
fp_override_load (const char *app_id, GError **error)
{
  g_autofree char *path = fp_override_path (app_id, error);
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(FpContext) context = fp_context_new ();
  GError *local_error = NULL;

  if (path == NULL)
    return NULL;
  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_error_free (local_error);
          return g_steal_pointer (&context);
        }
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s: not an override keyfile: %s",
                   path, local_error->message);
      g_error_free (local_error);
      return NULL;
    }
  if (!fp_flatpak_import_context (context, keyfile, path, error))
    return NULL;
  return g_steal_pointer (&context);
}

gboolean
fp_override_save (const char *app_id, const FpContext *context, GError **error)
{
  g_autofree char *path = fp_override_path (app_id, error);
  g_autofree char *dir = NULL;
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *data = NULL;
  gsize length;

  if (path == NULL)
    return FALSE;
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "cannot create %s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }
  fp_context_save_override_keyfile (context, keyfile);
  data = g_key_file_to_data (keyfile, &length, NULL);
  return g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

gboolean
fp_override_reset (const char *app_id, GError **error)
{
  g_autofree char *path = fp_override_path (app_id, error);

  if (path == NULL)
    return FALSE;
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "cannot remove %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}
