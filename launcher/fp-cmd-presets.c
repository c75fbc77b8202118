/* fauxpak presets: each preset with the first sentence of its description. */
#include "fp-cmd.h"
#include "fp-profile.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* The preset's "description", up to the end of its first sentence. */
static char *
preset_summary (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  const char *description;
  const char *end;

  if (!json_parser_load_from_file (parser, path, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (description = json_object_get_string_member_with_default (json_node_get_object (root),
                                                                 "description", NULL)) == NULL)
    return g_strdup ("(no description)");
  end = strstr (description, ". ");
  return end != NULL ? g_strndup (description, end - description + 1) : g_strdup (description);
}

int
fp_cmd_presets (int argc, char **argv)
{
  const GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;

  if (!fp_cmd_parse ("", "List the presets --preset and \"imports\" take, one line each.",
                     entries, &argc, &argv, &error))
    return fp_cmd_refuse ("presets: %s", error->message);
  if (argc > 1)
    return fp_cmd_refuse ("presets: unexpected argument \"%s\"", argv[1]);
  names = fp_profile_preset_names ();
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = fp_profile_find_preset (names[i], NULL);
      g_autofree char *summary = path ? preset_summary (path) : g_strdup ("?");

      g_print ("%-12s %s\n", names[i], summary);
    }
  return 0;
}
