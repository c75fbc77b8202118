#include "fp-cmd-install.h"
#include "fp-cmd.h"
#include "fp-error.h"
#include "fp-exports.h"
#include "fp-installed.h"
#include "fp-instance.h"
#include "fp-profile.h"
#include "fp-sandbox.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

static int
fail (const char *command, const char *message)
{
  return fp_cmd_refuse ("%s: %s", command, message);
}

static gboolean
parse_options (const char *parameters, const char *summary, const GOptionEntry *entries,
               int *argc, char ***argv, int expected_args, GError **error)
{
  static const GOptionEntry none[] = { G_OPTION_ENTRY_NULL };

  if (!fp_cmd_parse (parameters, summary, entries != NULL ? entries : none, argc, argv, error))
    return FALSE;
  if (*argc - 1 != expected_args)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                   "expected %s; see --help", parameters[0] != '\0' ? parameters : "no arguments");
      return FALSE;
    }
  return TRUE;
}

/* Keeps a copy of the profile in the app's directory and loads it from
 * there: what runs is what is kept, whatever the original becomes. */
static FpProfile *
keep_profile (const char *source, const char *app_dir, GError **error)
{
  g_autofree char *data = NULL;
  g_autofree char *kept = g_build_filename (app_dir, "profile.json", NULL);
  g_autofree char *staged = g_build_filename (app_dir, "profile.json.new", NULL);
  g_autoptr(FpProfile) profile = NULL;
  gsize length;

  data = fp_profile_standalone_data (source, &length, error);
  if (data == NULL)
    return NULL;
  if (!g_file_set_contents_full (staged, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return NULL;
  profile = fp_profile_load (staged, error);
  if (profile == NULL || !fp_profile_validate (profile, error))
    {
      g_unlink (staged);
      return NULL;
    }
  if (g_rename (staged, kept) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot rename %s to %s: %s", staged, kept, g_strerror (saved_errno));
      g_unlink (staged);
      return NULL;
    }
  g_free (profile->source_path);
  profile->source_path = g_steal_pointer (&kept);
  return g_steal_pointer (&profile);
}

int
fp_cmd_install (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FpProfile) original = NULL;
  g_autoptr(FpProfile) profile = NULL;
  g_autoptr(FpInstalledApp) previous = NULL;
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *fauxpak = NULL;
  g_autofree char *app_dir = NULL;
  g_autofree char *desktop_file = NULL;
  g_autofree char *source = NULL;
  FpInstalledApp app = { 0 };

  if (!parse_options ("PROFILE.json",
                      "Install an app under its app id: keep a copy of its profile under\n"
                      "$XDG_DATA_HOME/fauxpak/apps/ and write its desktop entry, D-Bus services\n"
                      "and icons to $XDG_DATA_HOME, each running `fauxpak run APP-ID`.\n"
                      "Installing again updates the app from the profile given.",
                      NULL, &argc, &argv, 1, &error))
    return fail ("install", error->message);
  original = fp_profile_load (argv[1], &error);
  if (original == NULL || !fp_profile_validate (original, &error))
    return fail ("install", error->message);
  fauxpak = g_file_read_link ("/proc/self/exe", &error);
  if (fauxpak == NULL)
    {
      g_prefix_error (&error, "cannot tell where fauxpak is: ");
      return fail ("install", error->message);
    }

  app_dir = fp_installed_app_dir (original->app_id);
  if (g_mkdir_with_parents (app_dir, 0700) != 0)
    {
      g_autofree char *message = g_strdup_printf ("cannot create %s: %s", app_dir, g_strerror (errno));
      return fail ("install", message);
    }
  previous = fp_installed_app_load (original->app_id, NULL);
  profile = keep_profile (argv[1], app_dir, &error);
  if (profile == NULL)
    return fail ("install", error->message);
  /* An update replaces every export: one the new profile no longer
   * makes (an icon, a service) must not stay behind. */
  if (previous != NULL)
    fp_exports_remove ((const char *const *) previous->exports);
  if (!fp_exports_write (profile, fauxpak, written, &error))
    {
      g_ptr_array_add (written, NULL);
      fp_exports_remove ((const char *const *) written->pdata);
      if (previous == NULL)
        fp_installed_remove_tree (app_dir, NULL);
      return fail ("install", error->message);
    }
  g_ptr_array_add (written, NULL);
  app.app_id = profile->app_id;
  app.source = source = g_canonicalize_filename (argv[1], NULL);
  app.fauxpak = fauxpak;
  app.exports = (GStrv) written->pdata;
  if (!fp_installed_app_save (&app, &error))
    return fail ("install", error->message);
  fp_exports_refresh_caches ();
  desktop_file = g_strconcat (profile->app_id, ".desktop", NULL);
  g_print ("Installed %s (%s/applications/%s); run it with: fauxpak run %s\n",
           profile->app_id, g_get_user_data_dir (), desktop_file, profile->app_id);
  return 0;
}

static gboolean
is_running (const char *app_id, GError **error)
{
  g_autoptr(GPtrArray) instances = fp_instance_list_running (error);

  if (instances == NULL)
    return TRUE;
  for (guint i = 0; i < instances->len; i++)
    {
      const FpInstanceSummary *s = g_ptr_array_index (instances, i);

      if (g_strcmp0 (s->app_id, app_id) == 0)
        {
          g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                       "%s is running (instance %s, pid %d); --delete-data removes its data only "
                       "once it has exited", app_id, s->id, (int) s->pid);
          return TRUE;
        }
    }
  return FALSE;
}

int
fp_cmd_uninstall (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FpInstalledApp) app = NULL;
  g_autofree char *app_dir = NULL;
  gboolean delete_data = FALSE;
  GOptionEntry entries[] = {
    { "delete-data", 0, 0, G_OPTION_ARG_NONE, &delete_data,
      "Also remove the app's data, ~/.var/app/APP-ID", NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!parse_options ("APP-ID", "Remove an installed app and every file installing it wrote.",
                      entries, &argc, &argv, 1, &error))
    return fail ("uninstall", error->message);
  app = fp_installed_app_load (argv[1], &error);
  if (app == NULL)
    return fail ("uninstall", error->message);
  if (delete_data && is_running (app->app_id, &error))
    return fail ("uninstall", error->message);
  fp_exports_remove ((const char *const *) app->exports);
  app_dir = fp_installed_app_dir (app->app_id);
  if (!fp_installed_remove_tree (app_dir, &error))
    return fail ("uninstall", error->message);
  fp_exports_refresh_caches ();
  if (delete_data)
    {
      g_autofree char *data = fp_sandbox_app_data_dir (app->app_id);

      /* The app wrote there: walked without following its links. */
      if (!fp_installed_remove_tree (data, &error))
        return fail ("uninstall", error->message);
    }
  g_print ("Uninstalled %s%s\n", app->app_id, delete_data ? " and removed its data" : "");
  return 0;
}

static char *
desktop_name (const char *app_id)
{
  g_autofree char *file_name = g_strconcat (app_id, ".desktop", NULL);
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "applications", file_name, NULL);
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();

  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_KEEP_TRANSLATIONS, NULL))
    return NULL;
  return g_key_file_get_locale_string (keyfile, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NAME, NULL, NULL);
}

static void
print_json (GPtrArray *apps)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < apps->len; i++)
    {
      const FpInstalledApp *app = g_ptr_array_index (apps, i);
      g_autofree char *name = desktop_name (app->app_id);

      json_builder_begin_object (builder);
      fp_cmd_json_add_string (builder, "app-id", app->app_id);
      fp_cmd_json_add_string (builder, "name", name);
      fp_cmd_json_add_string (builder, "profile", app->profile);
      fp_cmd_json_add_string (builder, "source", app->source);
      json_builder_set_member_name (builder, "exports");
      json_builder_begin_array (builder);
      for (guint j = 0; app->exports[j] != NULL; j++)
        json_builder_add_string_value (builder, app->exports[j]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  fp_cmd_print_json (builder);
}

int
fp_cmd_list (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) apps = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON array of objects", NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!parse_options ("", "List the apps installed with fauxpak install.",
                      entries, &argc, &argv, 0, &error))
    return fail ("list", error->message);
  apps = fp_installed_list (&error);
  if (apps == NULL)
    return fail ("list", error->message);
  if (json)
    {
      print_json (apps);
      return 0;
    }
  g_print ("%-32s %-24s %s\n", "APPLICATION", "NAME", "INSTALLED FROM");
  for (guint i = 0; i < apps->len; i++)
    {
      const FpInstalledApp *app = g_ptr_array_index (apps, i);
      g_autofree char *name = desktop_name (app->app_id);

      g_print ("%-32s %-24s %s\n", app->app_id, name ? name : "-", app->source ? app->source : "-");
    }
  return 0;
}
