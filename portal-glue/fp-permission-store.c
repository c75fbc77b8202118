#include "fp-permission-store.h"
#include "fp-context.h"

#include <string.h>

#define STORE_NAME "org.freedesktop.impl.portal.PermissionStore"
#define STORE_PATH "/org/freedesktop/impl/portal/PermissionStore"
#define STORE_INTERFACE "org.freedesktop.impl.portal.PermissionStore"

static GVariant *
call_store (GDBusConnection    *session_bus,
            const char         *method,
            GVariant           *parameters,
            const GVariantType *reply_type,
            GError            **error)
{
  GVariant *reply = g_dbus_connection_call_sync (session_bus, STORE_NAME, STORE_PATH, STORE_INTERFACE,
                                                 method, parameters, reply_type, G_DBUS_CALL_FLAGS_NONE,
                                                 FP_PERMISSION_STORE_TIMEOUT_MS, NULL, error);

  if (reply == NULL)
    {
      if (error != NULL && *error != NULL)
        g_dbus_error_strip_remote_error (*error);
      g_prefix_error (error, "the permission store's %s failed: ", method);
    }
  return reply;
}

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GStrv
fp_permission_store_tables (void)
{
  /* The tables xdg-desktop-portal and the document portal use, asked
   * even before the store has written their files (it writes lazily);
   * a table that does not exist lists no entries. */
  static const char *const known[] = {
    "background", "devices", "documents", "inhibit", "location", "notifications",
    "screenshot", "wallpaper", NULL
  };
  g_autofree char *dir_path = g_build_filename (g_get_user_data_dir (), "flatpak", "db", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) sorted = NULL;
  const char *entry;

  for (guint i = 0; known[i] != NULL; i++)
    g_hash_table_add (names, g_strdup (known[i]));
  /* The store writes a table through a temporary file beside it. */
  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    if (entry[0] != '.' && strchr (entry, '.') == NULL)
      g_hash_table_add (names, g_strdup (entry));
  sorted = fp_sorted_keys (names);
  g_ptr_array_add (sorted, NULL);
  return g_strdupv ((char **) sorted->pdata);
}

void
fp_permission_entry_free (FpPermissionEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->table);
  g_free (entry->id);
  g_strfreev (entry->permissions);
  g_free (entry);
}

GPtrArray *
fp_permission_store_list_app (GDBusConnection *session_bus,
                              const char      *app_id,
                              GError         **error)
{
  g_auto(GStrv) tables = fp_permission_store_tables ();
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) fp_permission_entry_free);

  for (guint t = 0; tables[t] != NULL; t++)
    {
      g_autoptr(GVariant) list = call_store (session_bus, "List", g_variant_new ("(s)", tables[t]),
                                             G_VARIANT_TYPE ("(as)"), error);
      g_autofree const char **ids = NULL;

      if (list == NULL)
        return NULL;
      g_variant_get (list, "(^a&s)", &ids);
      qsort (ids, g_strv_length ((char **) ids), sizeof (char *), compare_strings);
      for (guint i = 0; ids[i] != NULL; i++)
        {
          g_autoptr(GVariant) lookup = NULL;
          g_autoptr(GVariant) permissions = NULL;
          g_auto(GStrv) granted = NULL;
          FpPermissionEntry *entry;

          lookup = call_store (session_bus, "Lookup", g_variant_new ("(ss)", tables[t], ids[i]),
                               G_VARIANT_TYPE ("(a{sas}v)"), error);
          if (lookup == NULL)
            return NULL;
          permissions = g_variant_get_child_value (lookup, 0);
          if (!g_variant_lookup (permissions, app_id, "^as", &granted))
            continue;
          entry = g_new0 (FpPermissionEntry, 1);
          entry->table = g_strdup (tables[t]);
          entry->id = g_strdup (ids[i]);
          entry->permissions = g_steal_pointer (&granted);
          g_ptr_array_add (entries, entry);
        }
    }
  return g_steal_pointer (&entries);
}

gboolean
fp_permission_store_delete (GDBusConnection         *session_bus,
                            const FpPermissionEntry *entry,
                            const char              *app_id,
                            GError                 **error)
{
  g_autoptr(GVariant) reply = call_store (session_bus, "DeletePermission",
                                          g_variant_new ("(sss)", entry->table, entry->id, app_id),
                                          G_VARIANT_TYPE ("()"), error);

  return reply != NULL;
}
