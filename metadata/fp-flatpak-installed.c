/* flatpak-app:APP-ID[//BRANCH]: an app's permissions as `flatpak run`
 * computes them (flatpak 1.14, flatpak_dir_load_deployed and
 * flatpak_deploy_get_overrides): the deployed metadata, found in the
 * user's installation and then the system's, with the `flatpak override`
 * files merged over it in the order system global, system per app, user
 * global, user per app; the system's only for an app the system
 * installation holds. Read only: nothing in an installation is written. */
#include "fp-flatpak-import.h"
#include "fp-app-id.h"
#include "fp-error.h"
#include "fp-flatpak-info.h"

#include <errno.h>
#include <string.h>

/* Flatpak's default system installation on Debian (its FLATPAK_SYSTEMDIR). */
#define DEFAULT_SYSTEM_INSTALLATION "/var/lib/flatpak"

typedef struct {
  const char *kind;  /* "user" or "system", as flatpak's --user and --system */
  char *path;
} Installation;

static void
installations_init (Installation installations[2])
{
  const char *user_dir = g_getenv ("FLATPAK_USER_DIR");
  const char *system_dir = g_getenv ("FLATPAK_SYSTEM_DIR");

  installations[0].kind = "user";
  installations[0].path = user_dir != NULL && *user_dir != '\0'
    ? g_strdup (user_dir) : g_build_filename (g_get_user_data_dir (), "flatpak", NULL);
  installations[1].kind = "system";
  installations[1].path = g_strdup (system_dir != NULL && *system_dir != '\0'
                                    ? system_dir : DEFAULT_SYSTEM_INSTALLATION);
}

static void
installations_clear (Installation installations[2])
{
  g_free (installations[0].path);
  g_free (installations[1].path);
}

static gboolean
parse_app_ref (const char *app_ref, char **id, char **branch, GError **error)
{
  const char *slashes = strstr (app_ref, "//");
  g_autofree char *app_id = slashes ? g_strndup (app_ref, slashes - app_ref) : g_strdup (app_ref);
  GError *local_error = NULL;

  if (!fp_app_id_validate (app_id, &local_error))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "flatpak-app:%s: %s; expected flatpak-app:APP-ID[//BRANCH]", app_ref, local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  if (slashes != NULL && (slashes[2] == '\0' || strchr (slashes + 2, '/') != NULL))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "flatpak-app:%s: \"%s\" is not a branch; expected flatpak-app:APP-ID[//BRANCH], "
                   "such as flatpak-app:%s//stable", app_ref, slashes + 2, app_id);
      return FALSE;
    }
  *id = g_steal_pointer (&app_id);
  *branch = slashes ? g_strdup (slashes + 2) : NULL;
  return TRUE;
}

/* The arch and branch `flatpak run APP-ID` picks: those `flatpak
 * make-current` (or the first install) linked as app/ID/current,
 * "ARCH/BRANCH", in the user's installation, then the system's; the
 * default arch and master when neither has one. */
static void
find_current (const Installation installations[2], const char *id, char **arch, char **branch)
{
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *link = g_build_filename (installations[i].path, "app", id, "current", NULL);
      g_autofree char *target = g_file_read_link (link, NULL);
      g_auto(GStrv) parts = target ? g_strsplit (target, "/", -1) : NULL;

      if (parts != NULL && g_strv_length (parts) == 2 && *parts[0] != '\0' && *parts[1] != '\0')
        {
          *arch = g_strdup (parts[0]);
          *branch = g_strdup (parts[1]);
          return;
        }
    }
  *arch = g_strdup (fp_flatpak_arch ());
  *branch = g_strdup ("master");
}

/* "app/ID/ARCH/BRANCH (user), …": what is installed instead, for the message. */
static char *
list_installed (const Installation installations[2], const char *id)
{
  g_autoptr(GString) found = g_string_new (NULL);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *app_dir = g_build_filename (installations[i].path, "app", id, NULL);
      g_autoptr(GDir) arches = g_dir_open (app_dir, 0, NULL);
      const char *arch;

      while (arches != NULL && (arch = g_dir_read_name (arches)) != NULL)
        {
          g_autofree char *arch_dir = g_build_filename (app_dir, arch, NULL);
          g_autoptr(GDir) branches = g_str_equal (arch, "current") ? NULL : g_dir_open (arch_dir, 0, NULL);
          const char *branch;

          while (branches != NULL && (branch = g_dir_read_name (branches)) != NULL)
            g_string_append_printf (found, "%sapp/%s/%s/%s (%s)", found->len ? ", " : "",
                                    id, arch, branch, installations[i].kind);
        }
    }
  return found->len ? g_string_free (g_steal_pointer (&found), FALSE) : NULL;
}

/* Reads `path`; FALSE without an error when it does not exist. */
static gboolean
read_if_present (const char *path, char **contents, gsize *length, GError **error)
{
  GError *local_error = NULL;

  if (g_file_get_contents (path, contents, length, &local_error))
    return TRUE;
  if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT) ||
      g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR))
    {
      g_error_free (local_error);
      return FALSE;
    }
  g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s: cannot read: %s", path, local_error->message);
  g_error_free (local_error);
  return FALSE;
}

/* One `flatpak override` file, global or for `id`, of one installation.
 * Flatpak takes an unreadable one for a missing one; fauxpak refuses it,
 * as an override may take permissions away. */
static gboolean
merge_override (FpProfile *profile, const Installation *installation, const char *id, GError **error)
{
  g_autofree char *path = g_build_filename (installation->path, "overrides", id ? id : "global", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *source = NULL;
  g_autoptr(GKeyFile) keyfile = NULL;
  g_autoptr(FpContext) layer = fp_context_new ();
  GError *local_error = NULL;
  gsize length;

  if (!read_if_present (path, &contents, &length, &local_error))
    {
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, local_error);
      return FALSE;
    }
  keyfile = fp_flatpak_keyfile_load_data (contents, length, path, error);
  if (keyfile == NULL || !fp_flatpak_import_context (layer, keyfile, path, error))
    return FALSE;
  source = g_strdup_printf ("the %s installation's flatpak override for %s, %s",
                            installation->kind, id ? id : "all apps", path);
  fp_profile_merge_layer (profile, layer, source);
  return TRUE;
}

gboolean
fp_flatpak_import_installed (FpProfile  *profile,
                             const char *app_ref,
                             GError    **error)
{
  Installation installations[2];
  g_autofree char *id = NULL;
  g_autofree char *arch = NULL;
  g_autofree char *branch = NULL;
  g_autofree char *current_branch = NULL;
  g_autofree char *ref = NULL;
  g_autofree char *metadata_path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *source = NULL;
  g_autofree char *name_in_metadata = NULL;
  g_autoptr(GKeyFile) keyfile = NULL;
  const Installation *found = NULL;
  gboolean ok = FALSE;
  gsize length = 0;

  if (!parse_app_ref (app_ref, &id, &branch, error))
    return FALSE;
  installations_init (installations);
  /* flatpak run takes the current ref's arch even for a named branch. */
  find_current (installations, id, &arch, branch ? &current_branch : &branch);
  ref = g_strdup_printf ("app/%s/%s/%s", id, arch, branch);

  for (guint i = 0; i < 2 && found == NULL; i++)
    {
      GError *local_error = NULL;

      g_free (metadata_path);
      metadata_path = g_build_filename (installations[i].path, ref, "active", "metadata", NULL);
      if (read_if_present (metadata_path, &contents, &length, &local_error))
        found = &installations[i];
      else if (local_error != NULL)
        {
          g_propagate_prefixed_error (error, local_error, "flatpak-app:%s: ", app_ref);
          goto out;
        }
    }
  if (found == NULL)
    {
      g_autofree char *installed = list_installed (installations, id);

      g_set_error (error, FP_ERROR, FP_ERROR_NOT_FOUND,
                   "flatpak-app:%s: no such app: %s is installed neither in the user installation %s "
                   "nor in the system installation %s%s%s", app_ref, ref,
                   installations[0].path, installations[1].path,
                   installed ? "; installed are " : "", installed ? installed : "");
      goto out;
    }

  keyfile = fp_flatpak_keyfile_load_data (contents, length, metadata_path, error);
  if (keyfile == NULL)
    goto out;
  name_in_metadata = g_key_file_get_string (keyfile, "Application", "name", NULL);
  if (name_in_metadata != NULL && !g_str_equal (name_in_metadata, id))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s: [Application] name is %s; expected %s, the app installed there",
                   metadata_path, name_in_metadata, id);
      goto out;
    }
  source = g_strdup_printf ("flatpak-app:%s, the metadata of %s in the %s installation %s",
                            app_ref, ref, found->kind, found->path);
  if (!fp_flatpak_import_metadata_keyfile (profile, keyfile, metadata_path, source, error))
    goto out;

  /* Flatpak's order; the system's overrides only for a system app. */
  if (found == &installations[1] &&
      (!merge_override (profile, &installations[1], NULL, error) ||
       !merge_override (profile, &installations[1], id, error)))
    goto out;
  if (!merge_override (profile, &installations[0], NULL, error) ||
      !merge_override (profile, &installations[0], id, error))
    goto out;
  ok = TRUE;

out:
  installations_clear (installations);
  return ok;
}
