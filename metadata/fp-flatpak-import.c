#include "config.h"
#include "fp-flatpak-import.h"
#include "fp-app-id.h"
#include "fp-error.h"
#include "fp-module.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <yaml.h>

/* finish-args that configure Flatpak itself, not the sandbox: they have no
 * meaning here, so they are skipped with a note rather than refused. */
static const char *const flatpak_only_options[] = {
  "metadata", "require-version", "add-policy", "remove-policy", "extension",
  "extension-priority", "sdk", "runtime", "command", "no-desktop", "no-exports", NULL
};

/* Aliases are kept (manifests share build options through anchors), but
 * each alias is expanded in full, so a few hundred bytes of nested aliases
 * would become millions of nodes: the whole conversion gets a budget, far
 * beyond any real manifest. Cycles (an anchor inside its own value) are
 * stopped by the depth limit, which also bounds our recursion. */
#define YAML_MAX_NODES 100000
#define YAML_MAX_DEPTH 64

/* libyaml, loaded the first time a YAML manifest is imported: no other
 * launch needs it, and linked it cost every launch its loading. */
typedef struct {
  int          (*parser_initialize) (yaml_parser_t *parser);
  void         (*parser_set_input_string) (yaml_parser_t *parser, const unsigned char *input, size_t size);
  int          (*parser_load) (yaml_parser_t *parser, yaml_document_t *document);
  void         (*parser_delete) (yaml_parser_t *parser);
  yaml_node_t *(*document_get_node) (yaml_document_t *document, int index);
  yaml_node_t *(*document_get_root_node) (yaml_document_t *document);
  void         (*document_delete) (yaml_document_t *document);
} YamlFunctions;

static const YamlFunctions *
load_libyaml (const char *path, GError **error)
{
  static YamlFunctions yaml;
  static gboolean loaded;
  const FpModuleSymbol symbols[] = {
    { "yaml_parser_initialize", (gpointer *) &yaml.parser_initialize },
    { "yaml_parser_set_input_string", (gpointer *) &yaml.parser_set_input_string },
    { "yaml_parser_load", (gpointer *) &yaml.parser_load },
    { "yaml_parser_delete", (gpointer *) &yaml.parser_delete },
    { "yaml_document_get_node", (gpointer *) &yaml.document_get_node },
    { "yaml_document_get_root_node", (gpointer *) &yaml.document_get_root_node },
    { "yaml_document_delete", (gpointer *) &yaml.document_delete },
  };
  g_autofree char *what = g_strdup_printf ("%s: cannot load libyaml to read it", path);

  if (!fp_module_load (FAUXPAK_LIBYAML, symbols, G_N_ELEMENTS (symbols), &loaded, FP_ERROR_INVALID_PROFILE,
                       what, error))
    return NULL;
  return &yaml;
}

typedef struct {
  const YamlFunctions *yaml;
  yaml_document_t *document;
  const char      *path;
  guint            nodes_left;
} YamlConversion;

static JsonNode *
yaml_node_to_json (YamlConversion *conv, yaml_node_t *node, guint depth, GError **error)
{
  g_autoptr(JsonNode) result = NULL;

  if (depth > YAML_MAX_DEPTH)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s: the YAML is nested too deeply (more than %d levels; an alias inside its own anchor?)",
                   conv->path, YAML_MAX_DEPTH);
      return NULL;
    }
  if (conv->nodes_left == 0)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s: the YAML is too large once its aliases are expanded (more than %d nodes)",
                   conv->path, YAML_MAX_NODES);
      return NULL;
    }
  conv->nodes_left--;
  if (node == NULL)
    return json_node_new (JSON_NODE_NULL);

  switch (node->type)
    {
    case YAML_SCALAR_NODE:
      result = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (result, (const char *) node->data.scalar.value);
      return g_steal_pointer (&result);

    case YAML_SEQUENCE_NODE:
      {
        JsonArray *array = json_array_new ();

        result = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (result, array);
        for (yaml_node_item_t *item = node->data.sequence.items.start;
             item < node->data.sequence.items.top; item++)
          {
            JsonNode *element = yaml_node_to_json (conv, conv->yaml->document_get_node (conv->document, *item),
                                                   depth + 1, error);

            if (element == NULL)
              return NULL;
            json_array_add_element (array, element);
          }
        return g_steal_pointer (&result);
      }

    case YAML_MAPPING_NODE:
      {
        JsonObject *object = json_object_new ();

        result = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (result, object);
        for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
             pair < node->data.mapping.pairs.top; pair++)
          {
            yaml_node_t *key = conv->yaml->document_get_node (conv->document, pair->key);
            JsonNode *value;

            if (key == NULL || key->type != YAML_SCALAR_NODE)
              continue;
            value = yaml_node_to_json (conv, conv->yaml->document_get_node (conv->document, pair->value),
                                       depth + 1, error);
            if (value == NULL)
              return NULL;
            json_object_set_member (object, (const char *) key->data.scalar.value, value);
          }
        return g_steal_pointer (&result);
      }

    case YAML_NO_NODE:
    default:
      return json_node_new (JSON_NODE_NULL);
    }
}

static JsonNode *
load_yaml (const char *path, const char *contents, gsize length, GError **error)
{
  const YamlFunctions *yaml = load_libyaml (path, error);
  yaml_parser_t parser;
  yaml_document_t document;
  JsonNode *root = NULL;

  if (yaml == NULL)
    return NULL;
  if (!yaml->parser_initialize (&parser))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s: cannot start the YAML parser", path);
      return NULL;
    }
  yaml->parser_set_input_string (&parser, (const unsigned char *) contents, length);
  if (!yaml->parser_load (&parser, &document))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s:%zu:%zu: YAML error: %s",
                   path, parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                   parser.problem ? parser.problem : "unknown");
      yaml->parser_delete (&parser);
      return NULL;
    }
  {
    YamlConversion conv = { yaml, &document, path, YAML_MAX_NODES };

    root = yaml_node_to_json (&conv, yaml->document_get_root_node (&document), 0, error);
  }
  yaml->document_delete (&document);
  yaml->parser_delete (&parser);
  return root;
}

static JsonNode *
load_manifest (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  gsize length;
  GError *local_error = NULL;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s: cannot read: %s", path, local_error->message);
      g_error_free (local_error);
      return NULL;
    }
  if (g_str_has_suffix (path, ".yml") || g_str_has_suffix (path, ".yaml"))
    return load_yaml (path, contents, length, error);

  {
    g_autoptr(JsonParser) parser = json_parser_new ();

    if (!json_parser_load_from_data (parser, contents, length, &local_error))
      {
        const char *message = local_error->message;

        if (g_str_has_prefix (message, "<data>:"))
          message += strlen ("<data>:");
        g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s:%s", path, message);
        g_error_free (local_error);
        return NULL;
      }
    if (json_parser_get_root (parser) == NULL)
      {
        g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s: the file is empty", path);
        return NULL;
      }
    return json_node_copy (json_parser_get_root (parser));
  }
}

static const char *
member_string (JsonObject *object, const char *key)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
set_app_id (FpProfile *profile, const char *path, const char *key, const char *app_id, GError **error)
{
  GError *local_error = NULL;

  if (!fp_app_id_validate (app_id, &local_error))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s: key \"%s\": %s",
                   path, key, local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  g_free (profile->app_id);
  profile->app_id = g_strdup (app_id);
  return TRUE;
}

static void
set_command_if_unset (FpProfile *profile, const char *command)
{
  if (profile->command == NULL && command != NULL && *command != '\0')
    profile->command = g_strdupv ((char *[]) { (char *) command, NULL });
}

static gboolean
apply_finish_arg (FpContext *layer, const char *path, guint index, const char *arg, GError **error)
{
  g_autofree char *name = NULL;
  const char *eq;
  GError *local_error = NULL;

  if (!g_str_has_prefix (arg, "--"))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s: key \"finish-args[%u]\": \"%s\" is not an option; expected --name=value",
                   path, index, arg);
      return FALSE;
    }
  eq = strchr (arg, '=');
  name = eq ? g_strndup (arg + 2, eq - arg - 2) : g_strdup (arg + 2);
  if (g_strv_contains (flatpak_only_options, name))
    {
      g_printerr ("fauxpak: %s: finish-args[%u]: --%s configures Flatpak itself; ignored\n", path, index, name);
      return TRUE;
    }
  if (g_strv_contains (fp_context_fauxpak_only_option_names (), name))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s: key \"finish-args[%u]\": --%s is fauxpak's own option, not Flatpak's; a manifest "
                   "may use only Flatpak's permissions (fauxpak's own belong in a fauxpak profile, "
                   "where `fauxpak info` shows them)",
                   path, index, name);
      return FALSE;
    }
  if (eq == NULL)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s: key \"finish-args[%u]\": \"%s\" has no value; expected --%s=VALUE",
                   path, index, arg, name);
      return FALSE;
    }
  if (!fp_context_apply_option (layer, name, eq + 1, &local_error))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s: key \"finish-args[%u]\": %s",
                   path, index, local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  return TRUE;
}

gboolean
fp_flatpak_import_manifest (FpProfile  *profile,
                            const char *path,
                            GError    **error)
{
  g_autoptr(JsonNode) root = load_manifest (path, error);
  g_autoptr(FpContext) layer = fp_context_new ();
  g_autofree char *source = NULL;
  JsonObject *object;
  JsonNode *finish_args;
  const char *app_id;
  const char *id_key = "id";

  if (root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s: expected a flatpak-builder manifest (an object with id and finish-args)", path);
      return FALSE;
    }
  object = json_node_get_object (root);

  /* JSON manifests say "id", YAML ones usually "app-id". */
  app_id = member_string (object, "id");
  if (app_id == NULL)
    {
      app_id = member_string (object, "app-id");
      id_key = "app-id";
    }
  if (app_id == NULL)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s: key \"id\" (or \"app-id\") is missing; expected the application id", path);
      return FALSE;
    }
  if (!set_app_id (profile, path, id_key, app_id, error))
    return FALSE;
  set_command_if_unset (profile, member_string (object, "command"));

  finish_args = json_object_get_member (object, "finish-args");
  if (finish_args == NULL)
    return TRUE;
  source = g_strconcat ("flatpak-manifest:", path, NULL);
  if (!JSON_NODE_HOLDS_ARRAY (finish_args))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s: key \"finish-args\": expected a list of options", path);
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (finish_args)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (finish_args), i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                       "%s: key \"finish-args[%u]\": expected a string", path, i);
          return FALSE;
        }
      if (!apply_finish_arg (layer, path, i, json_node_get_string (element), error))
        return FALSE;
    }
  fp_profile_merge_layer (profile, layer, source);
  return TRUE;
}

static gboolean
keyfile_error (const char *path, const char *group, const char *key, GError *cause, GError **error)
{
  g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s: [%s] %s: %s",
               path, group, key, cause->message);
  g_error_free (cause);
  return FALSE;
}

static gboolean
import_context_group (FpContext *context, GKeyFile *keyfile, const char *path, GError **error)
{
  g_auto(GStrv) keys = g_key_file_get_keys (keyfile, "Context", NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_auto(GStrv) values = g_key_file_get_string_list (keyfile, "Context", keys[i], NULL, NULL);
      FpFlagsKind kind;
      GError *local_error = NULL;

      for (kind = 0; kind < FP_FLAGS_N_KINDS; kind++)
        if (g_str_equal (fp_context_flags_key (kind), keys[i]))
          break;

      for (guint j = 0; values != NULL && values[j] != NULL; j++)
        {
          gboolean ok;

          if (*values[j] == '\0')
            continue;
          if (kind < FP_FLAGS_N_KINDS)
            ok = fp_context_set_flag_by_name (context, kind, values[j], TRUE, &local_error);
          else if (g_str_equal (keys[i], "filesystems"))
            ok = fp_context_add_filesystem (context, values[j], TRUE, &local_error);
          else if (g_str_equal (keys[i], "persistent"))
            ok = fp_context_add_persistent (context, values[j], &local_error);
          else if (g_str_equal (keys[i], "unset-environment"))
            continue;  /* after [Environment], see fp_flatpak_import_context */
          else
            {
              g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                           "%s: [Context] %s: unknown key; expected shared, sockets, devices, features, filesystems, persistent or unset-environment",
                           path, keys[i]);
              return FALSE;
            }
          if (!ok)
            return keyfile_error (path, "Context", keys[i], local_error, error);
        }
    }
  return TRUE;
}

static gboolean
import_policy_group (FpContext *context, GKeyFile *keyfile, const char *path,
                     const char *group, gboolean system_bus, GError **error)
{
  g_auto(GStrv) names = g_key_file_get_keys (keyfile, group, NULL, NULL);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *policy = g_key_file_get_string (keyfile, group, names[i], NULL);
      GError *local_error = NULL;

      if (!fp_context_set_bus_policy (context, system_bus, names[i],
                                      policy ? policy : "", &local_error))
        return keyfile_error (path, group, names[i], local_error, error);
    }
  return TRUE;
}

gboolean
fp_flatpak_import_context (FpContext  *context,
                           GKeyFile   *keyfile,
                           const char *name,
                           GError    **error)
{
  g_auto(GStrv) env_names = NULL;
  g_auto(GStrv) unset_names = NULL;
  GError *local_error = NULL;

  if (!import_context_group (context, keyfile, name, error) ||
      !import_policy_group (context, keyfile, name, "Session Bus Policy", FALSE, error) ||
      !import_policy_group (context, keyfile, name, "System Bus Policy", TRUE, error))
    return FALSE;

  env_names = g_key_file_get_keys (keyfile, "Environment", NULL, NULL);
  for (guint i = 0; env_names != NULL && env_names[i] != NULL; i++)
    {
      g_autofree char *value = g_key_file_get_string (keyfile, "Environment", env_names[i], NULL);

      if (!fp_context_set_env (context, env_names[i], value ? value : "", &local_error))
        return keyfile_error (name, "Environment", env_names[i], local_error, error);
    }

  /* As Flatpak: unset-environment wins over [Environment], where Flatpak
   * also writes each unset variable as VAR= for its older versions. */
  unset_names = g_key_file_get_string_list (keyfile, "Context", "unset-environment", NULL, NULL);
  for (guint i = 0; unset_names != NULL && unset_names[i] != NULL; i++)
    if (*unset_names[i] != '\0' && !fp_context_set_env (context, unset_names[i], NULL, &local_error))
      return keyfile_error (name, "Context", "unset-environment", local_error, error);
  return TRUE;
}

GKeyFile *
fp_flatpak_keyfile_load_data (const char *data,
                              gsize       length,
                              const char *name,
                              GError    **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  GError *local_error = NULL;

  if (!g_key_file_load_from_data (keyfile, data, length, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s: not a Flatpak metadata keyfile: %s",
                   name, local_error->message);
      g_error_free (local_error);
      return NULL;
    }
  return g_steal_pointer (&keyfile);
}

gboolean
fp_flatpak_import_metadata_keyfile (FpProfile  *profile,
                                    GKeyFile   *keyfile,
                                    const char *name,
                                    const char *source,
                                    GError    **error)
{
  g_autoptr(FpContext) layer = fp_context_new ();
  g_autofree char *app_id = NULL;
  g_autofree char *command = NULL;

  app_id = g_key_file_get_string (keyfile, "Application", "name", NULL);
  if (app_id == NULL)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
                   "%s: [Application] name is missing; expected the application id", name);
      return FALSE;
    }
  if (!set_app_id (profile, name, "[Application] name", app_id, error))
    return FALSE;
  command = g_key_file_get_string (keyfile, "Application", "command", NULL);
  set_command_if_unset (profile, command);

  if (!fp_flatpak_import_context (layer, keyfile, name, error))
    return FALSE;
  fp_profile_merge_layer (profile, layer, source);
  return TRUE;
}

gboolean
fp_flatpak_import_metadata_data (FpProfile  *profile,
                                 const char *data,
                                 gsize       length,
                                 const char *name,
                                 const char *source,
                                 GError    **error)
{
  g_autoptr(GKeyFile) keyfile = fp_flatpak_keyfile_load_data (data, length, name, error);

  return keyfile != NULL &&
         fp_flatpak_import_metadata_keyfile (profile, keyfile, name, source, error);
}

gboolean
fp_flatpak_import_metadata (FpProfile  *profile,
                            const char *path,
                            GError    **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *source = g_strconcat ("flatpak-metadata:", path, NULL);
  gsize length;
  GError *local_error = NULL;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE, "%s: cannot read: %s", path, local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  return fp_flatpak_import_metadata_data (profile, contents, length, path, source, error);
}
