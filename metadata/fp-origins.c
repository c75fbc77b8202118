#include "fp-origins.h"

/* The groups of .flatpak-info that a profile's permissions fill. */
static const char *const permission_groups[] = {
  "Context", "Session Bus Policy", "System Bus Policy", "Environment", NULL
};

GHashTable *
fp_origins_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

GKeyFile *
fp_origins_snapshot (const FpContext *context)
{
  GKeyFile *keyfile = g_key_file_new ();

  fp_context_save_keyfile (context, keyfile);
  return keyfile;
}

/* [Context] keys hold lists, each value its own grant; the other groups
 * hold one value a key. */
static GStrv
entry_values (GKeyFile *keyfile, const char *group, const char *key)
{
  GStrv values;

  if (g_str_equal (group, "Context"))
    return g_key_file_get_string_list (keyfile, group, key, NULL, NULL);
  values = g_new0 (char *, 2);
  values[0] = g_key_file_get_value (keyfile, group, key, NULL);
  return values;
}

static char *
entry_name (const char *group, const char *key, const char *value)
{
  /* Unit separators: no group, key or value of a keyfile holds one. */
  return g_strconcat (group, "\x1f", key, "\x1f", value, NULL);
}

static gboolean
snapshot_has (GKeyFile *before, const char *group, const char *key, const char *value)
{
  g_auto(GStrv) values = NULL;

  if (!g_key_file_has_key (before, group, key, NULL))
    return FALSE;
  values = entry_values (before, group, key);
  return values != NULL && g_strv_contains ((const char *const *) values, value);
}

void
fp_origins_record (GHashTable      *origins,
                   GKeyFile        *before,
                   const FpContext *context,
                   const char      *source)
{
  g_autoptr(GKeyFile) after = fp_origins_snapshot (context);

  for (guint g = 0; permission_groups[g] != NULL; g++)
    {
      const char *group = permission_groups[g];
      g_auto(GStrv) keys = g_key_file_get_keys (after, group, NULL, NULL);

      for (guint k = 0; keys != NULL && keys[k] != NULL; k++)
        {
          g_auto(GStrv) values = entry_values (after, group, keys[k]);

          for (guint v = 0; values != NULL && values[v] != NULL; v++)
            if (!snapshot_has (before, group, keys[k], values[v]))
              g_hash_table_replace (origins, entry_name (group, keys[k], values[v]), g_strdup (source));
        }
    }
}

void
fp_origins_annotate (GHashTable *origins,
                     GKeyFile   *keyfile)
{
  for (guint g = 0; permission_groups[g] != NULL; g++)
    {
      const char *group = permission_groups[g];
      g_auto(GStrv) keys = g_key_file_get_keys (keyfile, group, NULL, NULL);

      for (guint k = 0; keys != NULL && keys[k] != NULL; k++)
        {
          g_auto(GStrv) values = entry_values (keyfile, group, keys[k]);
          g_autoptr(GString) comment = g_string_new (NULL);

          for (guint v = 0; values != NULL && values[v] != NULL; v++)
            {
              g_autofree char *name = entry_name (group, keys[k], values[v]);
              const char *source = g_hash_table_lookup (origins, name);

              g_string_append_printf (comment, "%s %s=%s: from %s", comment->len ? "\n" : "",
                                      keys[k], values[v], source ? source : "fauxpak's defaults");
            }
          if (comment->len > 0)
            g_key_file_set_comment (keyfile, group, keys[k], comment->str, NULL);
        }
    }
}
