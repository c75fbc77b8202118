/* Application ids as Flatpak and the portals accept them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean fp_app_id_validate (const char *app_id,
                             GError    **error);

G_END_DECLS
