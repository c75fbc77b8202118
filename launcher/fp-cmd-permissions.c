/* fauxpak permissions: what the portals' permission store holds for an
 * app (notifications, background, devices, …), and --reset to forget it. */
#include "fp-cmd.h"
#include "fp-app-id.h"
#include "fp-permission-store.h"

int
fp_cmd_permissions (int argc, char **argv)
{
  gboolean reset = FALSE;
  const GOptionEntry entries[] = {
    { "reset", 0, 0, G_OPTION_ARG_NONE, &reset, "Remove every permission the store holds for the app", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GPtrArray) found = NULL;
  const char *app_id;
  int status = 0;

  if (!fp_cmd_parse ("APP-ID", "Show the app's entries in every table of the permission store.",
                     entries, &argc, &argv, &error))
    return fp_cmd_refuse ("permissions: %s", error->message);
  if (argc != 2)
    return fp_cmd_refuse ("permissions: expected one APP-ID");
  app_id = argv[1];
  if (!fp_app_id_validate (app_id, &error))
    return fp_cmd_refuse ("permissions: %s", error->message);
  if ((bus = fp_cmd_session_bus (&error)) == NULL ||
      (found = fp_permission_store_list_app (bus, app_id, &error)) == NULL)
    return fp_cmd_refuse ("permissions: %s", error->message);

  if (!reset)
    {
      if (found->len > 0)
        g_print ("%-16s %-32s %s\n", "TABLE", "OBJECT", "PERMISSIONS");
      for (guint i = 0; i < found->len; i++)
        {
          const FpPermissionEntry *e = g_ptr_array_index (found, i);
          g_autofree char *granted = g_strjoinv (",", e->permissions);

          g_print ("%-16s %-32s %s\n", e->table, e->id, granted);
        }
      return 0;
    }
  for (guint i = 0; i < found->len; i++)
    {
      const FpPermissionEntry *e = g_ptr_array_index (found, i);

      if (!fp_permission_store_delete (bus, e, app_id, &error))
        {
          status = fp_cmd_refuse ("permissions --reset: %s %s: %s", e->table, e->id, error->message);
          g_clear_error (&error);
        }
    }
  return status;
}
