/* fauxpak ps: the running instances, as a table or as JSON. */
#include "fp-cmd.h"
#include "fp-instance.h"
#include "fp-suggest.h"

#include <json-glib/json-glib.h>
#include <string.h>

typedef enum {
  COLUMN_INSTANCE,
  COLUMN_PID,
  COLUMN_CHILD_PID,
  COLUMN_APPLICATION,
  COLUMN_TIME,
  COLUMN_COMMAND,
  N_COLUMNS
} Column;

/* flatpak ps's column names where it has them. */
static const char *const column_names[] = {
  "instance", "pid", "child-pid", "application", "time", "command", NULL
};
static const int column_widths[] = { 12, 8, 9, 32, 8, 0 };

static char *
format_time (gint64 start_time)
{
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (start_time <= 0 || (start = g_date_time_new_from_unix_local (start_time)) == NULL)
    return g_strdup ("?");
  /* ps(1)'s habit: the time of day today, the date before. */
  if (g_date_time_get_day_of_year (start) == g_date_time_get_day_of_year (now) &&
      g_date_time_get_year (start) == g_date_time_get_year (now))
    return g_date_time_format (start, "%H:%M:%S");
  return g_date_time_format (start, "%Y-%m-%d");
}

static char *
column_value (const FpInstanceSummary *s, Column column)
{
  switch (column)
    {
    case COLUMN_INSTANCE: return g_strdup (s->id);
    case COLUMN_PID: return g_strdup_printf ("%d", (int) s->pid);
    case COLUMN_CHILD_PID: return g_strdup_printf ("%d", (int) s->child_pid);
    case COLUMN_APPLICATION: return g_strdup (s->app_id ? s->app_id : "?");
    case COLUMN_TIME: return format_time (s->start_time);
    case COLUMN_COMMAND: return g_strdup (s->command ? s->command : "?");
    case N_COLUMNS:
    default: g_assert_not_reached ();
    }
}

static gboolean
parse_columns (const char *spec, GArray *columns, GError **error)
{
  g_auto(GStrv) names = g_strsplit (spec, ",", -1);

  for (guint i = 0; names[i] != NULL; i++)
    {
      guint c;

      if (g_str_equal (names[i], "all"))
        {
          for (c = 0; c < N_COLUMNS; c++)
            g_array_append_val (columns, c);
          continue;
        }
      for (c = 0; c < N_COLUMNS; c++)
        if (g_str_equal (names[i], column_names[c]))
          break;
      if (c == N_COLUMNS)
        {
          g_autofree char *known = g_strjoinv (", ", (char **) column_names);
          g_autofree char *suggestion = fp_suggest_text (names[i], column_names);

          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--columns: unknown column \"%s\"; expected a comma-separated list of: %s, or all%s",
                       names[i], known, suggestion);
          return FALSE;
        }
      g_array_append_val (columns, c);
    }
  return TRUE;
}

static void
print_json (GPtrArray *instances)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < instances->len; i++)
    {
      const FpInstanceSummary *s = g_ptr_array_index (instances, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "instance");
      json_builder_add_string_value (builder, s->id);
      json_builder_set_member_name (builder, "pid");
      json_builder_add_int_value (builder, s->pid);
      json_builder_set_member_name (builder, "child-pid");
      json_builder_add_int_value (builder, s->child_pid);
      fp_cmd_json_add_string (builder, "application", s->app_id);
      json_builder_set_member_name (builder, "start-time");
      json_builder_add_int_value (builder, s->start_time);
      fp_cmd_json_add_string (builder, "command", s->command);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  fp_cmd_print_json (builder);
}

static void
print_table (GPtrArray *instances, GArray *columns)
{
  for (gint row = -1; row < (gint) instances->len; row++)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint i = 0; i < columns->len; i++)
        {
          Column c = g_array_index (columns, guint, i);
          g_autofree char *value = row < 0 ? g_ascii_strup (column_names[c], -1)
                                           : column_value (g_ptr_array_index (instances, row), c);
          gboolean last = i + 1 == columns->len;

          if (last)
            g_string_append (line, value);
          else
            g_string_append_printf (line, "%-*s ", column_widths[c], value);
        }
      g_print ("%s\n", line->str);
    }
}

int
fp_cmd_ps (int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *columns_spec = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON array of objects (instance, pid, child-pid, application, start-time, command)", NULL },
    { "columns", 0, 0, G_OPTION_ARG_STRING, &columns_spec, "Which columns to show: instance, pid, child-pid, application, time, command, or all", "FIELD,…" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GArray) columns = g_array_new (FALSE, FALSE, sizeof (guint));

  if (!fp_cmd_parse ("", "List the running sandboxes.", entries, &argc, &argv, &error))
    return fp_cmd_refuse ("ps: %s", error->message);
  if (argc > 1)
    return fp_cmd_refuse ("ps: unexpected argument \"%s\"; ps takes only --json and --columns", argv[1]);
  if (!parse_columns (columns_spec ? columns_spec : "all", columns, &error))
    return fp_cmd_refuse ("ps: %s", error->message);
  instances = fp_instance_list_running (&error);
  if (instances == NULL)
    return fp_cmd_refuse ("ps: %s", error->message);
  if (json)
    print_json (instances);
  else
    print_table (instances, columns);
  return 0;
}
