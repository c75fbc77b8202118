/* What the commands of fp-cmd.h share: errors, option parsing with
 * suggestions, finding instances, the session bus. */
#include "fp-cmd.h"

#include <json-glib/json-glib.h>
#include "fp-error.h"
#include "fp-instance.h"
#include "fp-run.h"
#include "fp-suggest.h"

#include <stdio.h>
#include <string.h>

int
fp_cmd_refuse (const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("fauxpak: %s\n", message);
  return FP_EXIT_REFUSED;
}

void
fp_cmd_suggest_option (GError **error, const char *const *names)
{
  const char *option;
  const char *nearest;
  g_autofree char *name = NULL;

  if (error == NULL || *error == NULL ||
      !g_error_matches (*error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION))
    return;
  /* GOption says "Unknown option --sha": the option is the last word. */
  option = strrchr ((*error)->message, ' ');
  if (option == NULL || !g_str_has_prefix (option + 1, "--"))
    return;
  name = g_strdup (option + 3);
  *strchrnul (name, '=') = '\0';
  nearest = fp_suggest_nearest (name, names);
  if (nearest != NULL)
    {
      g_autofree char *message = g_strdup_printf ("%s; did you mean \"--%s\"?", (*error)->message, nearest);

      g_free ((*error)->message);
      (*error)->message = g_steal_pointer (&message);
    }
}

gboolean
fp_cmd_parse (const char         *parameter_string,
              const char         *summary,
              const GOptionEntry *entries,
              int                *argc,
              char             ***argv,
              GError            **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter_string);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, summary);
  /* What follows the first argument is a command's own. */
  g_option_context_set_strict_posix (context, TRUE);
  if (g_option_context_parse (context, argc, argv, error))
    return TRUE;
  for (guint i = 0; entries[i].long_name != NULL; i++)
    g_ptr_array_add (names, (gpointer) entries[i].long_name);
  g_ptr_array_add (names, "help");
  g_ptr_array_add (names, NULL);
  fp_cmd_suggest_option (error, (const char *const *) names->pdata);
  return FALSE;
}

GPtrArray *
fp_cmd_find_instances (const char *what, GError **error)
{
  g_autoptr(GPtrArray) running = fp_instance_list_running (error);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) known = g_ptr_array_new ();
  g_autofree char *suggestion = NULL;

  if (running == NULL)
    return NULL;
  found = g_ptr_array_new_with_free_func ((GDestroyNotify) fp_instance_summary_free);
  for (guint i = running->len; i > 0; i--)
    {
      FpInstanceSummary *s = g_ptr_array_index (running, i - 1);

      if (g_str_equal (s->id, what) || g_strcmp0 (s->app_id, what) == 0)
        g_ptr_array_insert (found, 0, g_ptr_array_steal_index (running, i - 1));
    }
  if (found->len > 0)
    return g_steal_pointer (&found);
  for (guint i = 0; i < running->len; i++)
    {
      FpInstanceSummary *s = g_ptr_array_index (running, i);

      g_ptr_array_add (known, s->id);
      if (s->app_id != NULL)
        g_ptr_array_add (known, s->app_id);
    }
  g_ptr_array_add (known, NULL);
  suggestion = fp_suggest_text (what, (const char *const *) known->pdata);
  g_set_error (error, FP_ERROR, FP_ERROR_NOT_FOUND,
               "no running instance or app id \"%s\"%s (fauxpak ps lists %s)",
               what, suggestion, running->len == 0 ? "none: nothing runs" : "what runs");
  return NULL;
}

GDBusConnection *
fp_cmd_session_bus (GError **error)
{
  GError *local_error = NULL;
  GDBusConnection *bus = fp_connect_session_bus (&local_error);

  if (bus == NULL && local_error == NULL)
    g_set_error (&local_error, FP_ERROR, FP_ERROR_NOT_FOUND,
                 "there is no session bus (DBUS_SESSION_BUS_ADDRESS is unset, "
                 "and $XDG_RUNTIME_DIR/bus does not exist)");
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return bus;
}

void
fp_cmd_json_add_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
fp_cmd_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}
