/* Per-app permission overrides, as `flatpak override` keeps them: a
 * keyfile with Flatpak's [Context], [Session Bus Policy], [System Bus
 * Policy] and [Environment] groups, one per app id, in
 * $XDG_CONFIG_HOME/fauxpak/overrides/<app-id>. A launch applies it after
 * the profile and before the command line's options. */
#pragma once

#include <glib.h>
#include "fp-context.h"

G_BEGIN_DECLS

/* The file of `app_id` (a valid app id), which may not exist. */
char *fp_override_path (const char *app_id,
                        GError    **error);

/* The app's override layer: empty when it has no file, NULL with an
 * error naming the file, group and key when the file is not valid. */
FpContext *fp_override_load (const char *app_id,
                             GError    **error);

/* Writes `context` as the app's override, replacing the file atomically. */
gboolean fp_override_save (const char      *app_id,
                           const FpContext *context,
                           GError         **error);

/* Removes the app's override; no file is no error. */
gboolean fp_override_reset (const char *app_id,
                            GError    **error);

G_END_DECLS
