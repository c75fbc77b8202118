#include "config.h"
#include "fp-profile.h"
#include "fp-suggest.h"
#include "fp-app-id.h"
#include "fp-error.h"
#include "fp-expand.h"
#include "fp-flatpak-import.h"
#include "fp-origins.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* "imports" entries that read Flatpak's own files rather than a profile. */
#define FLATPAK_MANIFEST_PREFIX "flatpak-manifest:"
#define FLATPAK_METADATA_PREFIX "flatpak-metadata:"
#define FLATPAK_APP_PREFIX "flatpak-app:"
#define FLATPAK_REPO_PREFIX "flatpak-repo:"
#define FLATPAK_BUNDLE_PREFIX "flatpak-bundle:"

/* Imports deeper than this are surely a mistake (cycles are caught apart). */
#define MAX_IMPORT_DEPTH 16

typedef struct {
  FpProfile  *profile;
  const char *file;    /* for messages */
  GPtrArray  *stack;   /* canonical paths being loaded, for cycle detection */
} LoadState;

typedef gboolean (*KeyHandler) (LoadState *state, const char *key, JsonNode *node, GError **error);

FpProfile *
fp_profile_new (void)
{
  FpProfile *profile = g_new0 (FpProfile, 1);

  profile->context = fp_context_new ();
  profile->origins = fp_origins_new ();
  profile->runtime = FP_RUNTIME_HOST;
  profile->runtime_host_etc = TRUE;
  profile->documents = FP_DOCUMENTS_OPTIONAL;
  return profile;
}

void
fp_profile_free (FpProfile *profile)
{
  if (profile == NULL)
    return;
  g_free (profile->source_path);
  g_free (profile->app_id);
  g_strfreev (profile->command);
  fp_context_free (profile->context);
  g_hash_table_unref (profile->origins);
  g_strfreev (profile->runtime_paths);
  g_free (profile->desktop.file);
  g_free (profile->desktop.name);
  g_free (profile->desktop.comment);
  g_free (profile->desktop.icon);
  g_strfreev (profile->desktop.categories);
  g_strfreev (profile->desktop.mime_types);
  g_strfreev (profile->extra_args);
  g_free (profile);
}

static gboolean
key_error (LoadState *state, GError **error, const char *key, GError *cause)
{
  g_set_error (error, FP_ERROR,
               cause->domain == FP_ERROR && cause->code == FP_ERROR_UNSET_VARIABLE
                 ? FP_ERROR_UNSET_VARIABLE : FP_ERROR_INVALID_PROFILE,
               "%s: key \"%s\": %s", state->file, key, cause->message);
  g_error_free (cause);
  return FALSE;
}

G_GNUC_PRINTF (4, 5) static gboolean
key_fail (LoadState *state, GError **error, const char *key, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
               "%s: key \"%s\": %s", state->file, key, message);
  return FALSE;
}

static const char *
node_type_name (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN: return "a boolean";
    case G_TYPE_STRING: return "a string";
    default: return "a number";
    }
}

static gboolean
node_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/* NUL (\u0000) in strings is refused before parsing, in find_nul_escape. */
static gboolean
get_string (LoadState *state, const char *key, JsonNode *node, const char **out, GError **error)
{
  if (!node_is_string (node))
    return key_fail (state, error, key, "expected a string, found %s", node_type_name (node));
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_string_array (LoadState *state, const char *key, JsonNode *node, GPtrArray **out, GError **error)
{
  g_autoptr(GPtrArray) strings = g_ptr_array_new ();
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return key_fail (state, error, key, "expected an array of strings, found %s", node_type_name (node));
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *element_key = g_strdup_printf ("%s[%u]", key, i);
      const char *s;

      if (!get_string (state, element_key, element, &s, error))
        return FALSE;
      g_ptr_array_add (strings, (gpointer) s);
    }
  *out = g_steal_pointer (&strings);
  return TRUE;
}

static char *
expand (LoadState *state, const char *key, const char *value, GError **error)
{
  GError *local_error = NULL;
  char *expanded = fp_expand_variables (value, &local_error);

  if (expanded == NULL)
    {
      key_error (state, error, key, local_error);
      return NULL;
    }
  return expanded;
}

static gboolean
handle_app_id (LoadState *state, const char *key, JsonNode *node, GError **error)
{
  const char *app_id;
  GError *local_error = NULL;

  if (!get_string (state, key, node, &app_id, error))
    return FALSE;
  if (!fp_app_id_validate (app_id, &local_error))
    return key_error (state, error, key, local_error);
  g_free (state->profile->app_id);
  state->profile->app_id = g_strdup (app_id);
  return TRUE;
}

static gboolean
handle_command (LoadState *state, const char *key, JsonNode *node, GError **error)
{
  g_autoptr(GPtrArray) argv = NULL;

  if (node_is_string (node))
    {
      const char *program;

      if (!get_string (state, key, node, &program, error))
        return FALSE;
      argv = g_ptr_array_new ();
      g_ptr_array_add (argv, (gpointer) program);
    }
  else if (!get_string_array (state, key, node, &argv, error))
    return FALSE;

  if (argv->len == 0 || ((const char *) argv->pdata[0])[0] == '\0')
    return key_fail (state, error, key, "expected a program name and its arguments; the list is empty");

  g_ptr_array_add (argv, NULL);
  g_strfreev (state->profile->command);
  state->profile->command = g_strdupv ((char **) argv->pdata);
  return TRUE;
}

/* How one entry of a list, or one NAME: value member of an object, is
 * applied to the context. Errors are the context's own; the caller names
 * the file and the key ("sockets[1]", "environment.PATH"). */
typedef gboolean (*ApplyEntry) (LoadState *state, const char *key, const char *entry, GError **error);
typedef gboolean (*ApplyMember) (LoadState *state, const char *key, const char *name,
                                 JsonNode *value, const char *member_key, GError **error);

static gboolean
handle_string_list (LoadState *state, const char *key, JsonNode *node, gboolean expand_variables,
                    ApplyEntry apply, GError **error)
{
  g_autoptr(GPtrArray) entries = NULL;

  if (!get_string_array (state, key, node, &entries, error))
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      GError *local_error = NULL;
      g_autofree char *element_key = g_strdup_printf ("%s[%u]", key, i);
      g_autofree char *entry = expand_variables ? expand (state, element_key, entries->pdata[i], error)
                                                : g_strdup (entries->pdata[i]);

      if (entry == NULL)
        return FALSE;
      if (!apply (state, key, entry, &local_error))
        return key_error (state, error, element_key, local_error);
    }
  return TRUE;
}

static gboolean
handle_members (LoadState *state, const char *key, JsonNode *node, const char *expected,
                ApplyMember apply, GError **error)
{
  JsonObject *object;
  g_autoptr(GList) members = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return key_fail (state, error, key, "expected an object of %s, found %s", expected, node_type_name (node));
  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      g_autofree char *member_key = g_strdup_printf ("%s.%s", key, name);

      if (!apply (state, key, name, json_object_get_member (object, name), member_key, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
apply_flag (LoadState *state, const char *key, const char *name, GError **error)
{
  FpFlagsKind kind;

  for (kind = 0; kind < FP_FLAGS_N_KINDS; kind++)
    if (g_str_equal (fp_context_flags_key (kind), key))
      break;
  g_assert (kind < FP_FLAGS_N_KINDS);
  return fp_context_set_flag_by_name (state->profile->context, kind, name, TRUE, error);
}

/* Expanded here, not by handle_string_list: whether the entry said $PWD
 * is remembered for fp_profile_check_cwd. */
static gboolean
apply_filesystem (LoadState *state, const char *key, const char *raw, GError **error)
{
  g_autofree char *entry = fp_expand_variables (raw, error);
  g_autofree char *location = NULL;
  FpFilesystemMode mode;

  (void) key;
  if (entry == NULL || !fp_context_add_filesystem (state->profile->context, entry, TRUE, error))
    return FALSE;
  if ((strstr (raw, "$PWD") != NULL || strstr (raw, "${PWD}") != NULL) &&
      fp_filesystem_parse (entry[0] == '!' ? entry + 1 : entry, &location, &mode, NULL))
    g_hash_table_add (state->profile->context->cwd_filesystems, g_steal_pointer (&location));
  return TRUE;
}

static gboolean
apply_persistent (LoadState *state, const char *key, const char *dir, GError **error)
{
  (void) key;
  return fp_context_add_persistent (state->profile->context, dir, error);
}

static gboolean
handle_flags (LoadState *state, const char *key, JsonNode *node, GError **error)
{
  return handle_string_list (state, key, node, FALSE, apply_flag, error);
}

static gboolean
handle_filesystems (LoadState *state, const char *key, JsonNode *node, GError **error)
{
  return handle_string_list (state, key, node, FALSE, apply_filesystem, error);
}

static gboolean
handle_persistent (LoadState *state, const char *key, JsonNode *node, GError **error)
{
  return handle_string_list (state, key, node, FALSE, apply_persistent, error);
}

static gboolean
apply_env (LoadState *state, const char *key, const char *name, JsonNode *value_node,
           const char *member_key, GError **error)
{
  const char *value = NULL;
  GError *local_error = NULL;

  (void) key;
  /* true: the host's own value, kept by name (a preset's pattern such as
   * "*TOKEN*": null would keep it out otherwise). */
  if (JSON_NODE_HOLDS_VALUE (value_node) && json_node_get_value_type (value_node) == G_TYPE_BOOLEAN &&
      json_node_get_boolean (value_node) && !fp_env_name_is_pattern (name))
    value = g_getenv (name);
  else if (!JSON_NODE_HOLDS_NULL (value_node) && !get_string (state, member_key, value_node, &value, error))
    return FALSE;
  if (!fp_context_set_env (state->profile->context, name, value, &local_error))
    return key_error (state, error, member_key, local_error);
  return TRUE;
}

static gboolean
apply_bus_policy (LoadState *state, const char *key, const char *name, JsonNode *value_node,
                  const char *member_key, GError **error)
{
  const char *policy;
  GError *local_error = NULL;

  if (!get_string (state, member_key, value_node, &policy, error))
    return FALSE;
  if (!fp_context_set_bus_policy (state->profile->context, g_str_equal (key, "system-bus-policy"),
                                  name, policy, &local_error))
    return key_error (state, error, member_key, local_error);
  return TRUE;
}

/* "session-bus-calls", "system-bus-broadcasts" and the like: BUS.NAME ->
 * ["[METHOD][@PATH]", …], for xdg-dbus-proxy --call and --broadcast. */
static gboolean
apply_bus_rules (LoadState *state, const char *key, const char *name, JsonNode *value_node,
                 const char *member_key, GError **error)
{
  g_autoptr(GPtrArray) rules = NULL;
  GError *local_error = NULL;

  if (!get_string_array (state, member_key, value_node, &rules, error))
    return FALSE;
  g_ptr_array_add (rules, NULL);
  if (!fp_context_set_bus_rules (state->profile->context, g_str_has_prefix (key, "system-"),
                                 g_str_has_suffix (key, "-broadcasts"), name,
                                 (const char *const *) rules->pdata, &local_error))
    return key_error (state, error, member_key, local_error);
  return TRUE;
}

static gboolean
handle_environment (LoadState *state, const char *key, JsonNode *node, GError **error)
{
  return handle_members (state, key, node, "NAME: \"value\" (or null to unset)", apply_env, error);
}

static gboolean
handle_bus_policy (LoadState *state, const char *key, JsonNode *node, GError **error)
{
  return handle_members (state, key, node, "BUS.NAME: \"see\"|\"talk\"|\"own\"|\"none\"",
                         apply_bus_policy, error);
}

static gboolean
handle_bus_rules (LoadState *state, const char *key, JsonNode *node, GError **error)
{
  return handle_members (state, key, node, "BUS.NAME: [\"[METHOD][@PATH]\", …]", apply_bus_rules, error);
}

static gboolean
parse_absolute_path (LoadState *state, const char *key, JsonNode *node, char **out, GError **error)
{
  const char *raw;
  g_autofree char *expanded = NULL;
  g_autofree char *path = NULL;
  g_autofree char *canonical = NULL;

  if (!get_string (state, key, node, &raw, error))
    return FALSE;
  {
    GError *local_error = NULL;

    if (!fp_text_check ("path", raw, &local_error))
      return key_error (state, error, key, local_error);
  }
  expanded = expand (state, key, raw, error);
  if (expanded == NULL)
    return FALSE;
  path = fp_expand_home (expanded);
  if (!g_path_is_absolute (path))
    return key_fail (state, error, key, "\"%s\" is not an absolute path; expected /…, ~/… or $VAR/…", raw);
  if (fp_path_has_dotdot (path))
    return key_fail (state, error, key, "\"%s\" contains \"..\"; name the directory itself", raw);
  canonical = g_canonicalize_filename (path, NULL);
  *out = g_steal_pointer (&canonical);
  return TRUE;
}

static gboolean
handle_binds (LoadState *state, const char *key, JsonNode *node, GError **error)
{
  static const char *const bind_keys[] = { "type", "source", "dest", "optional", NULL };
  static const char *const bind_types[] = { "bind", "ro-bind", "dev-bind", "tmpfs", NULL };
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return key_fail (state, error, key, "expected an array of bind objects, found %s", node_type_name (node));
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *element_key = g_strdup_printf ("%s[%u]", key, i);
      g_autofree char *type_key = g_strdup_printf ("%s.type", element_key);
      g_autofree char *source_key = g_strdup_printf ("%s.source", element_key);
      g_autofree char *dest_key = g_strdup_printf ("%s.dest", element_key);
      g_autofree char *optional_key = g_strdup_printf ("%s.optional", element_key);
      g_autofree char *source = NULL;
      g_autofree char *dest = NULL;
      g_autoptr(GList) members = NULL;
      JsonObject *object;
      JsonNode *member;
      const char *type = "bind";
      gboolean optional = FALSE;
      FpBindKind kind;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return key_fail (state, error, element_key,
                         "expected {\"type\": …, \"source\": …, \"dest\": …}, found %s",
                         node_type_name (element));
      object = json_node_get_object (element);
      members = json_object_get_members (object);
      for (GList *l = members; l != NULL; l = l->next)
        if (!g_strv_contains (bind_keys, l->data))
          {
            g_autofree char *bad_key = g_strdup_printf ("%s.%s", element_key, (char *) l->data);
            return key_fail (state, error, bad_key, "unknown key; expected one of: type, source, dest, optional");
          }

      if ((member = json_object_get_member (object, "type")) != NULL &&
          !get_string (state, type_key, member, &type, error))
        return FALSE;
      if (!g_strv_contains (bind_types, type))
        return key_fail (state, error, type_key, "unknown bind type \"%s\"; expected bind, ro-bind, dev-bind or tmpfs", type);
      kind = g_str_equal (type, "bind") ? FP_BIND_RW :
             g_str_equal (type, "ro-bind") ? FP_BIND_RO :
             g_str_equal (type, "dev-bind") ? FP_BIND_DEV : FP_BIND_TMPFS;

      if ((member = json_object_get_member (object, "optional")) != NULL)
        {
          if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
            return key_fail (state, error, optional_key, "expected true or false, found %s", node_type_name (member));
          optional = json_node_get_boolean (member);
        }

      if (kind != FP_BIND_TMPFS)
        {
          if ((member = json_object_get_member (object, "source")) == NULL)
            return key_fail (state, error, source_key, "missing; a %s needs a source path", type);
          if (!parse_absolute_path (state, source_key, member, &source, error))
            return FALSE;
        }
      else if (json_object_has_member (object, "source"))
        return key_fail (state, error, source_key, "a tmpfs has no source");

      if ((member = json_object_get_member (object, "dest")) != NULL)
        {
          if (!parse_absolute_path (state, dest_key, member, &dest, error))
            return FALSE;
        }
      else if (kind == FP_BIND_TMPFS)
        return key_fail (state, error, dest_key, "missing; a tmpfs needs a destination path");
      else
        dest = g_strdup (source);

      g_ptr_array_add (state->profile->context->binds, fp_bind_new (kind, source, dest, optional));
    }
  return TRUE;
}

/* A file an import or "runtime.paths-from" names: $VAR and "~/" expanded,
 * a relative path taken from the directory of the profile naming it. */
static char *
resolve_profile_relative (LoadState *state, const char *key, const char *raw, GError **error)
{
  g_autofree char *expanded = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  GError *local_error = NULL;

  if (*raw == '\0')
    {
      key_fail (state, error, key, "expected the path of a file, found an empty string");
      return NULL;
    }
  if (!fp_text_check ("path", raw, &local_error))
    {
      key_error (state, error, key, local_error);
      return NULL;
    }
  expanded = expand (state, key, raw, error);
  if (expanded == NULL)
    return NULL;
  path = fp_expand_home (expanded);
  if (g_path_is_absolute (path))
    return g_steal_pointer (&path);
  dir = g_path_get_dirname (state->file);
  return g_build_filename (dir, path, NULL);
}

/* One path a line, as Nix's closureInfo writes store-paths (or
 * `nix-store -qR`): a closure too long to list in the profile. Each line is
 * a literal path, with no $VAR or "~/"; blank lines are skipped. Errors
 * name the key, the file and the line. */
static gboolean
read_paths_file (LoadState *state, const char *key, JsonNode *node, GPtrArray *paths, GError **error)
{
  const char *raw;
  g_autofree char *file = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  const char *nul;
  gsize length;
  guint added = 0;
  GError *local_error = NULL;

  if (!get_string (state, key, node, &raw, error) ||
      (file = resolve_profile_relative (state, key, raw, error)) == NULL)
    return FALSE;
  /* Not a FIFO or a device, which could block or never end. */
  if (!g_file_test (file, G_FILE_TEST_IS_REGULAR))
    return key_fail (state, error, key, "%s: %s; expected a file of paths, one a line", file,
                     g_file_test (file, G_FILE_TEST_EXISTS) ? "not a regular file" : "no such file");
  if (!g_file_get_contents (file, &contents, &length, &local_error))
    {
      key_fail (state, error, key, "cannot read %s: %s", file, local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  if ((nul = memchr (contents, '\0', length)) != NULL)
    {
      guint line = 1;

      for (const char *p = contents; p < nul; p++)
        line += *p == '\n';
      return key_fail (state, error, key, "%s:%u: a NUL byte; expected one path a line", file, line);
    }

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (*line == '\0')
        continue;
      if (!fp_text_check ("path", line, &local_error))
        {
          key_fail (state, error, key, "%s:%u: %s", file, i + 1, local_error->message);
          g_error_free (local_error);
          return FALSE;
        }
      if (!g_path_is_absolute (line))
        return key_fail (state, error, key, "%s:%u: \"%s\" is not an absolute path; expected one absolute path a line",
                         file, i + 1, line);
      if (fp_path_has_dotdot (line))
        return key_fail (state, error, key, "%s:%u: \"%s\" contains \"..\"; name the directory itself",
                         file, i + 1, line);
      g_ptr_array_add (paths, g_canonicalize_filename (line, NULL));
      added++;
    }
  if (added == 0)
    return key_fail (state, error, key, "%s: no paths; expected one absolute path a line", file);
  return TRUE;
}

static gboolean
handle_runtime (LoadState *state, const char *key, JsonNode *node, GError **error)
{
  static const char *const runtime_keys[] = { "paths", "paths-from", "host-etc", NULL };
  FpProfile *profile = state->profile;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GList) members = NULL;
  JsonObject *object;
  JsonNode *member;

  if (node_is_string (node))
    {
      if (!g_str_equal (json_node_get_string (node), "host"))
        return key_fail (state, error, key, "expected \"host\" or {\"paths\": […]}, found \"%s\"",
                         json_node_get_string (node));
      profile->runtime = FP_RUNTIME_HOST;
      g_clear_pointer (&profile->runtime_paths, g_strfreev);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return key_fail (state, error, key, "expected \"host\" or {\"paths\": […]}, found %s", node_type_name (node));

  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (runtime_keys, l->data))
      {
        g_autofree char *bad_key = g_strdup_printf ("%s.%s", key, (char *) l->data);
        return key_fail (state, error, bad_key, "unknown key; expected paths, paths-from or host-etc");
      }
  if (!json_object_has_member (object, "paths") && !json_object_has_member (object, "paths-from"))
    return key_fail (state, error, key, "missing \"paths\" or \"paths-from\"; write \"host\" for the host runtime");

  if ((member = json_object_get_member (object, "paths")) != NULL)
    {
      g_autofree char *paths_key = g_strdup_printf ("%s.paths", key);
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (member))
        return key_fail (state, error, paths_key, "expected an array of absolute paths, found %s", node_type_name (member));
      array = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *element_key = g_strdup_printf ("%s[%u]", paths_key, i);
          char *path = NULL;

          if (!parse_absolute_path (state, element_key, json_array_get_element (array, i), &path, error))
            return FALSE;
          g_ptr_array_add (paths, path);
        }
    }
  if ((member = json_object_get_member (object, "paths-from")) != NULL)
    {
      g_autofree char *from_key = g_strdup_printf ("%s.paths-from", key);

      if (!read_paths_file (state, from_key, member, paths, error))
        return FALSE;
    }

  if ((member = json_object_get_member (object, "host-etc")) != NULL)
    {
      g_autofree char *etc_key = g_strdup_printf ("%s.host-etc", key);

      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        return key_fail (state, error, etc_key, "expected true or false, found %s", node_type_name (member));
      profile->runtime_host_etc = json_node_get_boolean (member);
    }

  g_ptr_array_add (paths, NULL);
  g_strfreev (profile->runtime_paths);
  profile->runtime_paths = (GStrv) g_ptr_array_steal (paths, NULL);
  profile->runtime = FP_RUNTIME_PATHS;
  return TRUE;
}

static gboolean
handle_documents (LoadState *state, const char *key, JsonNode *node, GError **error)
{
  const char *mode;

  if (!get_string (state, key, node, &mode, error))
    return FALSE;
  if (g_str_equal (mode, "optional"))
    state->profile->documents = FP_DOCUMENTS_OPTIONAL;
  else if (g_str_equal (mode, "required"))
    state->profile->documents = FP_DOCUMENTS_REQUIRED;
  else if (g_str_equal (mode, "off"))
    state->profile->documents = FP_DOCUMENTS_OFF;
  else
    return key_fail (state, error, key, "unknown value \"%s\"; expected optional, required or off", mode);
  return TRUE;
}

/* A desktop entry string: one line of text, for a keyfile value. */
static gboolean
get_desktop_text (LoadState *state, const char *key, JsonNode *node, char **out, GError **error)
{
  const char *text;
  GError *local_error = NULL;

  if (!get_string (state, key, node, &text, error))
    return FALSE;
  if (!fp_text_check ("text", text, &local_error))
    return key_error (state, error, key, local_error);
  if (*text == '\0')
    return key_fail (state, error, key, "expected a non-empty string");
  g_free (*out);
  *out = g_strdup (text);
  return TRUE;
}

/* Categories and MIME types are ';'-separated lists in a desktop file. */
static gboolean
get_desktop_list (LoadState *state, const char *key, JsonNode *node, gboolean mime, GStrv *out, GError **error)
{
  g_autoptr(GPtrArray) items = NULL;

  if (!get_string_array (state, key, node, &items, error))
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    {
      const char *item = items->pdata[i];
      g_autofree char *element_key = g_strdup_printf ("%s[%u]", key, i);
      const char *slash = strchr (item, '/');
      gboolean ok = *item != '\0';

      for (const char *p = item; ok && *p != '\0'; p++)
        ok = g_ascii_isgraph (*p) && *p != ';' && *p != '\\';
      if (ok && mime)
        ok = slash != NULL && slash != item && slash[1] != '\0' && strchr (slash + 1, '/') == NULL;
      if (!ok)
        return key_fail (state, error, element_key,
                         mime ? "\"%s\" is not a MIME type; expected TYPE/SUBTYPE such as text/plain"
                              : "\"%s\" is not a category; expected a word such as Utility, without ';' or spaces",
                         item);
    }
  g_ptr_array_add (items, NULL);
  g_strfreev (*out);
  *out = g_strdupv ((char **) items->pdata);
  return TRUE;
}

static gboolean
apply_desktop_member (LoadState *state, const char *key, const char *name, JsonNode *value,
                      const char *member_key, GError **error)
{
  FpDesktopEntry *desktop = &state->profile->desktop;

  (void) key;
  if (g_str_equal (name, "file"))
    {
      g_autofree char *path = NULL;

      if (!parse_absolute_path (state, member_key, value, &path, error))
        return FALSE;
      g_free (desktop->file);
      desktop->file = g_steal_pointer (&path);
      return TRUE;
    }
  if (g_str_equal (name, "name"))
    return get_desktop_text (state, member_key, value, &desktop->name, error);
  if (g_str_equal (name, "comment"))
    return get_desktop_text (state, member_key, value, &desktop->comment, error);
  if (g_str_equal (name, "icon"))
    {
      const char *icon;
      g_autofree char *path = NULL;

      if (!get_string (state, member_key, value, &icon, error))
        return FALSE;
      if (strchr (icon, '/') == NULL && icon[0] != '~' && icon[0] != '$')
        return get_desktop_text (state, member_key, value, &desktop->icon, error);
      if (!parse_absolute_path (state, member_key, value, &path, error))
        return FALSE;
      g_free (desktop->icon);
      desktop->icon = g_steal_pointer (&path);
      return TRUE;
    }
  if (g_str_equal (name, "categories"))
    return get_desktop_list (state, member_key, value, FALSE, &desktop->categories, error);
  if (g_str_equal (name, "mime-types"))
    return get_desktop_list (state, member_key, value, TRUE, &desktop->mime_types, error);
  return key_fail (state, error, member_key,
                   "unknown key; expected file, name, comment, icon, categories or mime-types");
}

static gboolean
handle_desktop (LoadState *state, const char *key, JsonNode *node, GError **error)
{
  return handle_members (state, key, node, "desktop entry keys", apply_desktop_member, error);
}

static gboolean
handle_ignored_text (LoadState *state, const char *key, JsonNode *node, GError **error)
{
  const char *text;

  return get_string (state, key, node, &text, error);
}

static gboolean load_file (LoadState *parent, const char *path, GError **error);

GStrv
fp_profile_preset_names (void)
{
  g_auto(GStrv) dirs = fp_profile_preset_dirs ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) names = NULL;

  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (dirs[i], 0, NULL);
      const char *entry;

      while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (entry, ".json"))
          g_hash_table_add (seen, g_strndup (entry, strlen (entry) - strlen (".json")));
    }
  names = fp_sorted_keys (seen);
  for (guint i = 0; i < names->len; i++)
    names->pdata[i] = g_strdup (names->pdata[i]);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

char *
fp_profile_find_preset (const char *name, GError **error)
{
  g_auto(GStrv) dirs = fp_profile_preset_dirs ();
  g_auto(GStrv) known = fp_profile_preset_names ();
  g_autofree char *file_name = g_strconcat (name, ".json", NULL);
  g_autofree char *searched = g_strjoinv (", ", dirs);
  g_autofree char *suggestion = fp_suggest_text (name, (const char *const *) known);

  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *candidate = g_build_filename (dirs[i], file_name, NULL);

      if (g_file_test (candidate, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&candidate);
    }
  g_set_error (error, FP_ERROR, FP_ERROR_NOT_FOUND,
               "no preset \"%s\" (looked in %s)%s", name, searched, suggestion);
  return NULL;
}

static gboolean
is_preset_name (const char *name)
{
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return *name != '\0';
}

/* One of the imports that read Flatpak's own files (or installation, or
 * repository) rather than a profile. */
static gboolean
import_flatpak (LoadState *state, const char *key, const char *name, GError **error)
{
  g_autofree char *path = NULL;
  GError *local_error = NULL;
  gboolean ok;

  if (g_str_has_prefix (name, FLATPAK_APP_PREFIX))
    ok = fp_flatpak_import_installed (state->profile, name + strlen (FLATPAK_APP_PREFIX), &local_error);
  else if (g_str_has_prefix (name, FLATPAK_REPO_PREFIX))
    {
      /* A path may hold a colon, and so may a ref (REMOTE:REF, as in an
       * installation's repository): the repository is the shortest prefix
       * that is a directory, else all before the last colon. */
      const char *spec = name + strlen (FLATPAK_REPO_PREFIX);
      const char *colon = strrchr (spec, ':');

      for (const char *c = strchr (spec, ':'); c != NULL && c != colon; c = strchr (c + 1, ':'))
        {
          g_autofree char *prefix = g_strndup (spec, c - spec);
          g_autofree char *candidate = resolve_profile_relative (state, key, prefix, NULL);

          if (candidate != NULL && g_file_test (candidate, G_FILE_TEST_IS_DIR))
            {
              colon = c;
              break;
            }
        }
      if (colon == NULL || colon == spec || colon[1] == '\0')
        return key_fail (state, error, key, "\"%s\": expected flatpak-repo:REPO-PATH:REF, "
                         "such as flatpak-repo:repo:app/org.example.App/x86_64/stable", name);
      {
        g_autofree char *repo = g_strndup (spec, colon - spec);

        if ((path = resolve_profile_relative (state, key, repo, error)) == NULL)
          return FALSE;
      }
      ok = fp_flatpak_import_repo (state->profile, path, colon + 1, &local_error);
    }
  else
    {
      static const struct {
        const char *prefix;
        gboolean (*import) (FpProfile *profile, const char *path, GError **error);
      } file_imports[] = {
        { FLATPAK_MANIFEST_PREFIX, fp_flatpak_import_manifest },
        { FLATPAK_METADATA_PREFIX, fp_flatpak_import_metadata },
        { FLATPAK_BUNDLE_PREFIX, fp_flatpak_import_bundle },
      };
      gsize i;

      for (i = 0; i < G_N_ELEMENTS (file_imports); i++)
        if (g_str_has_prefix (name, file_imports[i].prefix))
          break;
      g_assert (i < G_N_ELEMENTS (file_imports));
      if ((path = resolve_profile_relative (state, key, name + strlen (file_imports[i].prefix), error)) == NULL)
        return FALSE;
      ok = file_imports[i].import (state->profile, path, &local_error);
    }
  if (!ok)
    return key_error (state, error, key, local_error);
  return TRUE;
}

static gboolean
is_flatpak_import (const char *name)
{
  static const char *const prefixes[] = {
    FLATPAK_MANIFEST_PREFIX, FLATPAK_METADATA_PREFIX, FLATPAK_APP_PREFIX,
    FLATPAK_REPO_PREFIX, FLATPAK_BUNDLE_PREFIX, NULL
  };

  for (guint i = 0; prefixes[i] != NULL; i++)
    if (g_str_has_prefix (name, prefixes[i]))
      return TRUE;
  return FALSE;
}

static gboolean
handle_imports (LoadState *state, const char *key, JsonNode *node, GError **error)
{
  g_autoptr(GPtrArray) names = NULL;

  if (!get_string_array (state, key, node, &names, error))
    return FALSE;
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      g_autofree char *element_key = g_strdup_printf ("%s[%u]", key, i);
      g_autofree char *path = NULL;
      GError *local_error = NULL;

      if (is_flatpak_import (name))
        {
          if (!import_flatpak (state, element_key, name, error))
            return FALSE;
          continue;
        }
      if (is_preset_name (name))
        {
          if ((path = fp_profile_find_preset (name, &local_error)) == NULL)
            return key_error (state, error, element_key, local_error);
        }
      else if (g_str_has_suffix (name, ".json"))
        {
          if ((path = resolve_profile_relative (state, element_key, name, error)) == NULL)
            return FALSE;
        }
      else
        return key_fail (state, error, element_key,
                         "\"%s\" is neither a preset name (letters, digits, '-'), a path to a .json file, "
                         "nor flatpak-manifest:PATH, flatpak-metadata:PATH, flatpak-app:APP-ID[//BRANCH], "
                         "flatpak-repo:REPO-PATH:REF or flatpak-bundle:FILE", name);
      if (!load_file (state, path, error))
        return FALSE;
    }
  return TRUE;
}

static const struct {
  const char *key;
  KeyHandler handler;
} key_handlers[] = {
  { "$schema", handle_ignored_text },
  { "description", handle_ignored_text },
  { "imports", handle_imports },
  { "app-id", handle_app_id },
  { "command", handle_command },
  { "runtime", handle_runtime },
  { "documents", handle_documents },
  { "shared", handle_flags },
  { "sockets", handle_flags },
  { "devices", handle_flags },
  { "features", handle_flags },
  { "filesystems", handle_filesystems },
  { "persistent", handle_persistent },
  { "environment", handle_environment },
  { "session-bus-policy", handle_bus_policy },
  { "system-bus-policy", handle_bus_policy },
  { "session-bus-calls", handle_bus_rules },
  { "session-bus-broadcasts", handle_bus_rules },
  { "system-bus-calls", handle_bus_rules },
  { "system-bus-broadcasts", handle_bus_rules },
  { "binds", handle_binds },
  { "desktop", handle_desktop },
};

static KeyHandler
find_handler (const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (key_handlers); i++)
    if (g_str_equal (key_handlers[i].key, key))
      return key_handlers[i].handler;
  return NULL;
}

static gboolean
apply_object (LoadState *state, JsonNode *root, GError **error)
{
  JsonObject *object;
  g_autoptr(GList) members = NULL;
  g_autoptr(GKeyFile) before = NULL;
  g_autofree char *source = NULL;
  JsonNode *imports;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s: expected a JSON object at the top level, found %s",
                   state->file, node_type_name (root));
      return FALSE;
    }
  object = json_node_get_object (root);
  members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    if (find_handler (l->data) == NULL)
      {
        g_autoptr(GString) expected = g_string_new (NULL);

        for (gsize i = 0; i < G_N_ELEMENTS (key_handlers); i++)
          g_string_append_printf (expected, "%s%s", i ? ", " : "", key_handlers[i].key);
        g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                     "%s: unknown key \"%s\"; expected one of: %s",
                     state->file, (char *) l->data, expected->str);
        return FALSE;
      }

  /* Imports first, so that this file's own keys override what they set. */
  if ((imports = json_object_get_member (object, "imports")) != NULL &&
      !handle_imports (state, "imports", imports, error))
    return FALSE;
  before = fp_origins_snapshot (state->profile->context);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      KeyHandler handler = find_handler (key);

      if (handler == handle_imports)
        continue;
      if (!handler (state, key, json_object_get_member (object, key), error))
        return FALSE;
    }
  source = g_strdup_printf ("the profile %s", state->file);
  fp_origins_record (state->profile->origins, before, state->profile->context, source);
  return TRUE;
}

/* json-glib decodes the escape \u0000 (and the octal \0 it also takes) into
 * a NUL that silently ends the C string it hands out, so "/\u0000home" would
 * grant "/": refuse the escape itself. Returns TRUE and its line and column
 * (1-based) when there is one. */
static gboolean
find_nul_escape (const char *data, gsize length, guint *line, guint *column)
{
  guint l = 1, c = 1;

  for (gsize i = 0; i < length; i++, c++)
    {
      if (data[i] == '\\')
        {
          if ((length - i > 5 && memcmp (data + i + 1, "u0000", 5) == 0) ||
              (length - i > 1 && data[i + 1] == '0'))
            {
              *line = l;
              *column = c;
              return TRUE;
            }
          /* Skip the escaped character, so that "\\u0000" is not taken. */
          if (i + 1 < length && data[i + 1] != '\n')
            {
              i++;
              c++;
            }
        }
      else if (data[i] == '\n')
        {
          l++;
          c = 0;
        }
    }
  return FALSE;
}

/* Of duplicate keys in one object json-glib keeps the last; the README
 * documents that, as it does the order in which layers override. */
static gboolean
apply_data (LoadState *state, const char *data, gssize length, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  GError *local_error = NULL;
  guint line, column;

  if (find_nul_escape (data, length < 0 ? strlen (data) : (gsize) length, &line, &column))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s:%u:%u: a string contains the escape of a NUL character, which no path or name may hold",
                   state->file, line, column);
      return FALSE;
    }
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      /* json-glib reports "<data>:LINE:COLUMN: Parse error: …", or a bare
       * message ("JSON data must be UTF-8 encoded") when it has no position. */
      const char *message = local_error->message;

      if (g_str_has_prefix (message, "<data>:"))
        g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                     "%s:%s", state->file, message + strlen ("<data>:"));
      else
        g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                     "%s: %s", state->file, message);
      g_error_free (local_error);
      return FALSE;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s: the file is empty; expected a JSON object", state->file);
      return FALSE;
    }
  return apply_object (state, json_parser_get_root (parser), error);
}

static gboolean
load_file (LoadState *parent, const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);
  gsize length;
  GError *local_error = NULL;
  LoadState state = { parent->profile, path, parent->stack };

  for (guint i = 0; i < parent->stack->len; i++)
    if (g_str_equal (parent->stack->pdata[i], canonical))
      {
        g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                     "%s: imports %s, which is already being imported (an import cycle)",
                     parent->file, path);
        return FALSE;
      }
  if (parent->stack->len >= MAX_IMPORT_DEPTH)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s: imports nest deeper than %d levels", path, MAX_IMPORT_DEPTH);
      return FALSE;
    }

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s: cannot read: %s", path, local_error->message);
      g_error_free (local_error);
      return FALSE;
    }

  g_ptr_array_add (parent->stack, g_steal_pointer (&canonical));
  if (!apply_data (&state, contents, length, error))
    return FALSE;
  g_ptr_array_remove_index (parent->stack, parent->stack->len - 1);
  return TRUE;
}

FpProfile *
fp_profile_load (const char *path,
                 GError    **error)
{
  g_autoptr(FpProfile) profile = fp_profile_new ();
  g_autoptr(GPtrArray) stack = g_ptr_array_new_with_free_func (g_free);
  LoadState root = { profile, path, stack };

  if (!load_file (&root, path, error))
    return NULL;
  profile->source_path = g_strdup (path);
  return g_steal_pointer (&profile);
}

FpProfile *
fp_profile_load_from_data (const char *data,
                           gssize      length,
                           const char *name,
                           GError    **error)
{
  g_autoptr(FpProfile) profile = fp_profile_new ();
  g_autoptr(GPtrArray) stack = g_ptr_array_new_with_free_func (g_free);
  LoadState state = { profile, name, stack };

  if (!apply_data (&state, data, length, error))
    return NULL;
  return g_steal_pointer (&profile);
}

gboolean
fp_profile_import_preset (FpProfile  *profile,
                          const char *name,
                          GError    **error)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *path = fp_profile_find_preset (name, error);
  LoadState state = { profile, "command line", stack };

  if (path == NULL)
    return FALSE;
  return load_file (&state, path, error);
}

void
fp_profile_merge_layer (FpProfile       *profile,
                        const FpContext *layer,
                        const char      *source)
{
  g_autoptr(GKeyFile) before = fp_origins_snapshot (profile->context);

  fp_context_merge (profile->context, layer);
  fp_origins_record (profile->origins, before, profile->context, source);
}

/* Directories whose sharing shares far more than a project: home, any
 * directory above it, its hidden directories, the root and the system's own. */
static const char *
wide_directory (const char *path)
{
  static const char *const system_trees[] = {
    "/bin", "/boot", "/dev", "/efi", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/nix",
    "/proc", "/run", "/sbin", "/sys", "/usr", NULL
  };
  static const char *const system_dirs[] = {
    "/home", "/media", "/mnt", "/opt", "/root", "/srv", "/tmp", "/var", "/var/tmp", NULL
  };
  g_autofree char *home = g_canonicalize_filename (g_get_home_dir (), "/");
  gsize len = strlen (path);

  if (g_str_equal (path, "/"))
    return "the root of the filesystem";
  if (g_str_equal (path, home))
    return "your home directory";
  if (strncmp (home, path, len) == 0 && home[len] == '/')
    return "a directory above your home";
  if (g_str_has_prefix (path, home) && path[strlen (home)] == '/' && path[strlen (home) + 1] == '.' &&
      strchr (path + strlen (home) + 1, '/') == NULL)
    return "a hidden directory of your home, where keys and settings live (~/.ssh, ~/.config, …)";
  if (g_strv_contains (system_dirs, path))
    return "a system directory";
  for (guint i = 0; system_trees[i] != NULL; i++)
    {
      gsize tree_len = strlen (system_trees[i]);

      if (strncmp (path, system_trees[i], tree_len) == 0 && (path[tree_len] == '\0' || path[tree_len] == '/'))
        return "a system directory";
    }
  if (g_str_has_prefix (path, "/var/") && !g_str_has_prefix (path, "/var/tmp/"))
    return "a system directory";
  return NULL;
}

gboolean
fp_profile_check_cwd (const FpProfile *profile,
                      gboolean         allow_wide_cwd,
                      GError         **error)
{
  g_autoptr(GPtrArray) locations = fp_sorted_keys (profile->context->cwd_filesystems);

  if (allow_wide_cwd)
    return TRUE;
  for (guint i = 0; i < locations->len; i++)
    {
      const char *location = g_ptr_array_index (locations, i);
      gpointer mode;
      g_autofree char *path = NULL;
      const char *why;

      if (!g_hash_table_lookup_extended (profile->context->filesystems, location, NULL, &mode) ||
          GPOINTER_TO_INT (mode) == FP_FILESYSTEM_NONE)
        continue;
      path = g_str_equal (location, "home") ? g_strdup (g_get_home_dir ())
             : location[0] == '~' ? fp_expand_home (location) : g_strdup (location);
      {
        g_autofree char *canonical = g_canonicalize_filename (path, "/");

        if ((why = wide_directory (canonical)) == NULL)
          continue;
        g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                     "%s: filesystems: $PWD is %s, %s: sharing it would share far more than a project "
                     "(~/.ssh, other projects, the system). Run fauxpak from the project's own directory, "
                     "or pass --allow-wide-cwd to share %s anyway",
                     profile->source_path ? profile->source_path : "the profile or a --preset",
                     canonical, why, canonical);
        return FALSE;
      }
    }
  return TRUE;
}

gboolean
fp_profile_validate (const FpProfile *profile,
                     GError         **error)
{
  const char *name = profile->source_path ? profile->source_path : "command line";
  GError *local_error = NULL;

  if (profile->app_id == NULL)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s: key \"app-id\" is missing; expected a reverse-DNS name such as org.example.App",
                   name);
      return FALSE;
    }
  if (profile->command == NULL)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s: key \"command\" is missing; expected [\"program\", \"arg\", …]", name);
      return FALSE;
    }
  /* The loader checks the app-id key, but a caller may have set app_id. */
  if (!fp_app_id_validate (profile->app_id, &local_error))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_APP_ID,
                   "%s: %s", name, local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  return TRUE;
}

GStrv
fp_profile_preset_dirs (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *env = g_getenv ("FAUXPAK_PRESET_PATH");
  g_autofree char *user_dir = g_build_filename (g_get_user_config_dir (), "fauxpak", "presets", NULL);

  if (env != NULL && *env != '\0')
    {
      g_auto(GStrv) parts = g_strsplit (env, ":", -1);

      for (guint i = 0; parts[i] != NULL; i++)
        if (*parts[i] != '\0')
          g_strv_builder_add (builder, parts[i]);
    }
  g_strv_builder_add (builder, user_dir);
  g_strv_builder_add (builder, FAUXPAK_PRESETS_DIR);
  /* Running from the build tree before `meson install`. */
  g_strv_builder_add (builder, FAUXPAK_SOURCE_PRESETS_DIR);
  return g_strv_builder_end (builder);
}

char *
fp_profile_standalone_data (const char *path,
                            gsize      *length,
                            GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = NULL;
  g_autofree char *dir = NULL;
  JsonNode *root;
  JsonNode *imports;

  if (!json_parser_load_from_file (parser, path, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s: expected a JSON object at the top level", path);
      return NULL;
    }
  {
    g_autofree char *absolute = g_canonicalize_filename (path, NULL);
    dir = g_path_get_dirname (absolute);
  }
  imports = json_object_get_member (json_node_get_object (root), "imports");
  if (imports != NULL && JSON_NODE_HOLDS_ARRAY (imports))
    {
      JsonArray *array = json_node_get_array (imports);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          const char *name = node_is_string (element) ? json_node_get_string (element) : NULL;
          const char *prefix = "";
          const char *file;
          g_autofree char *absolute = NULL;

          if (name == NULL || is_preset_name (name))
            continue;
          if (g_str_has_prefix (name, FLATPAK_MANIFEST_PREFIX))
            prefix = FLATPAK_MANIFEST_PREFIX;
          else if (g_str_has_prefix (name, FLATPAK_METADATA_PREFIX))
            prefix = FLATPAK_METADATA_PREFIX;
          file = name + strlen (prefix);
          /* $VAR/… is expanded at load time, wherever the file is. */
          if (g_path_is_absolute (file) || file[0] == '$')
            continue;
          absolute = g_build_filename (dir, file, NULL);
          {
            g_autofree char *value = g_strconcat (prefix, absolute, NULL);
            json_node_set_string (element, value);
          }
        }
    }
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, length);
}
