/* A GDBus client of the permission store
 * (org.freedesktop.impl.portal.PermissionStore, xdg-permission-store):
 * what the portals have recorded for an app in each of its tables
 * (notifications, background, devices, documents, …). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FP_PERMISSION_STORE_TIMEOUT_MS 5000

/* The store's tables: it keeps each in a file of its own under
 * $XDG_DATA_HOME/flatpak/db, and has no call that lists them (flatpak
 * permission-show reads the same directory). */
GStrv fp_permission_store_tables (void);

typedef struct {
  char *table;
  char *id;           /* the object in the table the permission is about */
  GStrv permissions;  /* what the app was given */
} FpPermissionEntry;

void fp_permission_entry_free (FpPermissionEntry *entry);

/* Every entry of `app_id` in every table, sorted by table and id. */
GPtrArray *fp_permission_store_list_app (GDBusConnection *session_bus,
                                         const char      *app_id,
                                         GError         **error);

/* Removes the app's permission from one entry (DeletePermission). */
gboolean fp_permission_store_delete (GDBusConnection         *session_bus,
                                     const FpPermissionEntry *entry,
                                     const char              *app_id,
                                     GError                 **error);

G_END_DECLS
