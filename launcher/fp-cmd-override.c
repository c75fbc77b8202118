/* fauxpak override: persistent per-app permission changes, as `flatpak
 * override` makes them, in $XDG_CONFIG_HOME/fauxpak/overrides/APP-ID. */
#include "fp-cmd.h"
#include "fp-cmd-options.h"
#include "fp-context.h"
#include "fp-error.h"
#include "fp-override.h"

#include <string.h>

typedef struct {
  GPtrArray *options;  /* "name", "value" pairs, in command-line order */
} OverrideOptions;

static gboolean
collect_option_cb (const char *option_name, const char *value, gpointer user_data, GError **error)
{
  OverrideOptions *o = user_data;
  const char *name = option_name + 2;
  static const char *const not_in_override[] = { "bind", "ro-bind", "dev-bind", "tmpfs", NULL };

  if (g_strv_contains (not_in_override, name))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--%s has no place in an override: Flatpak's [Context] cannot say it; "
                   "put it in the app's profile (\"binds\") or on the run command line", name);
      return FALSE;
    }
  g_ptr_array_add (o->options, g_strdup (name));
  g_ptr_array_add (o->options, g_strdup (value));
  return TRUE;
}

static int
show_override (const FpContext *context)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *data = NULL;

  fp_context_save_override_keyfile (context, keyfile);
  data = g_key_file_to_data (keyfile, NULL, NULL);
  g_print ("%s", data);
  return 0;
}

int
fp_cmd_override (int argc, char **argv)
{
  OverrideOptions o = { g_ptr_array_new_with_free_func (g_free) };
  gboolean reset = FALSE;
  gboolean show = FALSE;
  g_autoptr(GOptionContext) option_context = g_option_context_new ("APP-ID");
  g_autoptr(GOptionGroup) group = g_option_group_new ("override", "override options", "Show override options", &o, NULL);
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  GOptionEntry reset_entry = { "reset", 0, 0, G_OPTION_ARG_NONE, &reset, "Remove the app's override", NULL };
  GOptionEntry show_entry = { "show", 0, 0, G_OPTION_ARG_NONE, &show, "Print the app's override", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(FpContext) context = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *app_id;
  int status = 0;

  g_array_append_val (entries, reset_entry);
  g_array_append_val (entries, show_entry);
  fp_cmd_add_permission_entries (entries, collect_option_cb);
  g_option_group_add_entries (group, (GOptionEntry *) entries->data);
  g_option_context_set_main_group (option_context, g_steal_pointer (&group));
  g_option_context_set_summary (option_context,
                                "Change an app's permissions for every launch: the options are run's, kept in\n"
                                "$XDG_CONFIG_HOME/fauxpak/overrides/APP-ID and applied after the profile,\n"
                                "before the command line's options.");
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    {
      for (guint i = 0; i < entries->len; i++)
        g_ptr_array_add (names, (gpointer) g_array_index (entries, GOptionEntry, i).long_name);
      g_ptr_array_add (names, NULL);
      fp_cmd_suggest_option (&error, (const char *const *) names->pdata);
      status = fp_cmd_refuse ("override: %s", error->message);
      goto out;
    }
  if (argc != 2)
    {
      status = fp_cmd_refuse ("override: expected one APP-ID after the options");
      goto out;
    }
  app_id = argv[1];
  if (reset && (show || o.options->len > 0))
    {
      status = fp_cmd_refuse ("override: --reset takes no other option");
      goto out;
    }
  if (reset)
    {
      if (!fp_override_reset (app_id, &error))
        status = fp_cmd_refuse ("override: %s", error->message);
      goto out;
    }
  context = fp_override_load (app_id, &error);
  if (context == NULL)
    {
      status = fp_cmd_refuse ("override: %s", error->message);
      goto out;
    }
  for (guint i = 0; i + 1 < o.options->len; i += 2)
    if (!fp_context_apply_option (context, o.options->pdata[i], o.options->pdata[i + 1], &error))
      {
        status = fp_cmd_refuse ("override: --%s=%s: %s", (char *) o.options->pdata[i],
                                (char *) o.options->pdata[i + 1], error->message);
        goto out;
      }
  if (o.options->len > 0 && !fp_override_save (app_id, context, &error))
    status = fp_cmd_refuse ("override: %s", error->message);
  else if (show || o.options->len == 0)
    status = show_override (context);

out:
  g_ptr_array_unref (o.options);
  return status;
}
