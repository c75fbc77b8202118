/* The shipped example profiles and presets load, and the loader agrees with
 * the JSON Schema on tests/unit/schema-cases.json. */
#include "fp-profile.h"
#include "fp-flatpak-info.h"
#include "fp-error.h"
#include "fp-test-util.h"

#include <json-glib/json-glib.h>

#ifndef FP_TEST_SOURCE_ROOT
#error "FP_TEST_SOURCE_ROOT must name the source tree"
#endif

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Sorted paths of the *.json files in a source directory. */
static GPtrArray *
json_files (const char *subdir)
{
  g_autofree char *dir_path = g_build_filename (FP_TEST_SOURCE_ROOT, subdir, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, &error);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (files, g_build_filename (dir_path, name, NULL));
  g_ptr_array_sort (files, compare_paths);
  return g_steal_pointer (&files);
}

static void
test_examples_load (void)
{
  g_autoptr(GPtrArray) files = json_files ("data/examples");

  g_assert_cmpuint (files->len, >=, 3);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = files->pdata[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(FpProfile) profile = NULL;
      g_autoptr(GKeyFile) keyfile = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GKeyFile) parsed = g_key_file_new ();
      g_autofree char *name = NULL;
      FpInstanceFacts facts = { .instance_id = "1", .app_path = "/usr/bin" };

      fp_test_note ("example %s", path);
      /* Only parsing: runtime paths (a Nix closure) are checked at launch. */
      profile = fp_profile_load (path, &error);
      g_assert_no_error (error);
      g_assert_true (fp_profile_validate (profile, &error));
      g_assert_no_error (error);
      g_assert_nonnull (profile->command);

      keyfile = fp_flatpak_info_new (profile, &facts);
      bytes = fp_flatpak_info_to_bytes (keyfile);
      g_key_file_load_from_bytes (parsed, bytes, G_KEY_FILE_NONE, &error);
      g_assert_no_error (error);
      name = g_key_file_get_string (parsed, "Application", "name", &error);
      g_assert_no_error (error);
      g_assert_cmpstr (name, ==, profile->app_id);
    }
}

static void
test_example_details (void)
{
  g_autofree char *editor_path = g_build_filename (FP_TEST_SOURCE_ROOT, "data/examples/text-editor.json", NULL);
  g_autofree char *nix_path = g_build_filename (FP_TEST_SOURCE_ROOT, "data/examples/nix-app.json", NULL);
  g_autofree char *agent_path = g_build_filename (FP_TEST_SOURCE_ROOT, "data/examples/agent-devshell.json", NULL);
  g_autofree char *cli_path = g_build_filename (FP_TEST_SOURCE_ROOT, "data/examples/cli-offline.json", NULL);
  g_autoptr(FpProfile) editor = fp_profile_load (editor_path, NULL);
  g_autoptr(FpProfile) nix = fp_profile_load (nix_path, NULL);
  g_autoptr(FpProfile) agent = fp_profile_load (agent_path, NULL);
  g_autoptr(FpProfile) cli = fp_profile_load (cli_path, NULL);
  g_autofree char *cwd = g_get_current_dir ();
  gpointer mode;

  g_assert_nonnull (editor);
  g_assert_nonnull (nix);
  g_assert_nonnull (agent);
  g_assert_nonnull (cli);

  /* The editor: the desktop preset, ~/Documents, no network. */
  g_assert_true (fp_context_has (editor->context, FP_FLAGS_SOCKETS, FP_SOCKET_WAYLAND));
  g_assert_false (fp_context_has (editor->context, FP_FLAGS_SHARED, FP_SHARE_NETWORK));
  g_assert_true (g_hash_table_lookup_extended (editor->context->filesystems, "xdg-documents", NULL, &mode));
  g_assert_cmpint (GPOINTER_TO_INT (mode), ==, FP_FILESYSTEM_READ_WRITE);

  /* The Nix app: its closure only, without the host's /etc. */
  g_assert_cmpint (nix->runtime, ==, FP_RUNTIME_PATHS);
  g_assert_false (nix->runtime_host_etc);
  g_assert_cmpuint (g_strv_length (nix->runtime_paths), >=, 2);
  for (guint i = 0; nix->runtime_paths[i] != NULL; i++)
    fp_assert_has_prefix (nix->runtime_paths[i], "/nix/store/");
  fp_assert_has_prefix (nix->command[0], nix->runtime_paths[0]);

  /* The agent: the project directory, no home, credentials unset. */
  g_assert_true (g_hash_table_lookup_extended (agent->context->filesystems, cwd, NULL, &mode));
  g_assert_cmpint (GPOINTER_TO_INT (mode), ==, FP_FILESYSTEM_READ_WRITE);
  g_assert_true (g_hash_table_lookup_extended (agent->context->filesystems, "home", NULL, &mode));
  g_assert_cmpint (GPOINTER_TO_INT (mode), ==, FP_FILESYSTEM_NONE);
  g_assert_false (fp_context_has (agent->context, FP_FLAGS_SOCKETS, FP_SOCKET_SSH_AUTH));
  g_assert_true (g_hash_table_contains (agent->context->env, "SSH_AUTH_SOCK"));
  g_assert_null (g_hash_table_lookup (agent->context->env, "SSH_AUTH_SOCK"));
  g_assert_null (g_hash_table_lookup (agent->context->env, "GITHUB_TOKEN"));

  /* The CLI tool: no network, the current directory read-only. */
  g_assert_false (fp_context_has (cli->context, FP_FLAGS_SHARED, FP_SHARE_NETWORK));
  g_assert_true (cli->context->valid[FP_FLAGS_SHARED] & FP_SHARE_NETWORK);
  g_assert_true (g_hash_table_lookup_extended (cli->context->filesystems, cwd, NULL, &mode));
  g_assert_cmpint (GPOINTER_TO_INT (mode), ==, FP_FILESYSTEM_READ_ONLY);
}

static void
test_presets_load (void)
{
  g_autoptr(GPtrArray) files = json_files ("data/presets");

  g_assert_cmpuint (files->len, >=, 2);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = files->pdata[i];
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *name = g_strndup (base, strlen (base) - strlen (".json"));
      g_autoptr(GError) error = NULL;
      g_autoptr(FpProfile) by_path = NULL;
      g_autoptr(FpProfile) by_name = fp_profile_new ();

      fp_test_note ("preset %s", name);
      by_path = fp_profile_load (path, &error);
      g_assert_no_error (error);
      /* A preset is permissions only: the app is the importer's business. */
      g_assert_null (by_path->app_id);
      g_assert_null (by_path->command);
      g_assert_true (fp_profile_import_preset (by_name, name, &error));
      g_assert_no_error (error);
    }
}

/* Each case of schema-cases.json, as the loader sees it. */
static void
test_schema_cases (void)
{
  g_autofree char *path = g_build_filename (FP_TEST_SOURCE_ROOT, "tests/unit/schema-cases.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  static const char *const lists[] = { "valid", "invalid" };

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      JsonArray *cases = json_object_get_array_member (root, lists[l]);
      gboolean expect_valid = l == 0;

      g_assert_cmpuint (json_array_get_length (cases), >, 10);
      for (guint i = 0; i < json_array_get_length (cases); i++)
        {
          JsonObject *item = json_array_get_object_element (cases, i);
          const char *why = json_object_get_string_member (item, "why");
          g_autofree char *json = json_to_string (json_object_get_member (item, "profile"), FALSE);
          g_autoptr(GError) load_error = NULL;
          g_autoptr(FpProfile) profile = fp_profile_load_from_data (json, -1, "case.json", &load_error);

          fp_test_note ("%s case \"%s\": %s -> %s", lists[l], why, json,
                          load_error ? load_error->message : "loaded");
          if (expect_valid && profile == NULL)
            g_error ("valid case \"%s\" was refused: %s", why, load_error->message);
          if (!expect_valid && profile != NULL)
            g_error ("invalid case \"%s\" was accepted: %s", why, json);
          if (!expect_valid)
            {
              g_assert_true (g_error_matches (load_error, FP_ERROR, FP_ERROR_INVALID_PROFILE));
              fp_assert_has_prefix (load_error->message, "case.json:");
            }
        }
    }
}

/* The schema's top-level keys are exactly those the loader takes, as its
 * unknown-key message lists them. */
static void
test_schema_keys (void)
{
  g_autofree char *path = g_build_filename (FP_TEST_SOURCE_ROOT, "data/fauxpak-profile.schema.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) load_error = NULL;
  g_autoptr(FpProfile) profile = NULL;
  g_autoptr(GList) schema_keys = NULL;
  g_auto(GStrv) loader_keys = NULL;
  JsonObject *root;
  const char *list;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "$schema"), ==,
                   "https://json-schema.org/draft/2020-12/schema");
  g_assert_false (json_object_get_boolean_member (root, "additionalProperties"));
  schema_keys = json_object_get_members (json_object_get_object_member (root, "properties"));

  profile = fp_profile_load_from_data ("{\"no such key\": 1}", -1, "keys.json", &load_error);
  g_assert_null (profile);
  list = strstr (load_error->message, "expected one of: ");
  g_assert_nonnull (list);
  loader_keys = g_strsplit (list + strlen ("expected one of: "), ", ", -1);

  for (GList *l = schema_keys; l != NULL; l = l->next)
    if (!g_strv_contains ((const char *const *) loader_keys, l->data))
      g_error ("the schema has \"%s\", which the loader does not take", (char *) l->data);
  for (guint i = 0; loader_keys[i] != NULL; i++)
    if (g_list_find_custom (schema_keys, loader_keys[i], (GCompareFunc) g_strcmp0) == NULL)
      g_error ("the loader takes \"%s\", which the schema lacks", loader_keys[i]);
  g_assert_cmpuint (g_list_length (schema_keys), ==, g_strv_length (loader_keys));
}

int
main (int argc, char **argv)
{
  fp_test_init (&argc, &argv);

  g_test_add_func ("/examples/load", test_examples_load);
  g_test_add_func ("/examples/details", test_example_details);
  g_test_add_func ("/examples/presets", test_presets_load);
  g_test_add_func ("/examples/schema-cases", test_schema_cases);
  g_test_add_func ("/examples/schema-keys", test_schema_keys);
  return g_test_run ();
}
