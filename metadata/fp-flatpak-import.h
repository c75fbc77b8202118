/* Flatpak's own descriptions of an app read into a profile, so that what
 * Flathub already says about an app need not be written again: a
 * flatpak-builder manifest (JSON or YAML: its id, command and finish-args)
 * and an app's metadata keyfile ([Application], [Context], bus policies,
 * [Environment]). */
#pragma once

#include <glib.h>
#include "fp-profile.h"

G_BEGIN_DECLS

gboolean fp_flatpak_import_manifest (FpProfile  *profile,
                                     const char *path,
                                     GError    **error);

gboolean fp_flatpak_import_metadata (FpProfile  *profile,
                                     const char *path,
                                     GError    **error);

/* The permission groups of such a keyfile ([Context], [Session Bus
 * Policy], [System Bus Policy], [Environment]) applied to `context`;
 * `path` names the file in errors. Also reads fauxpak's overrides and an
 * instance's info, which have the same groups. */
gboolean fp_flatpak_import_context (FpContext  *context,
                                    GKeyFile   *keyfile,
                                    const char *path,
                                    GError    **error);

G_END_DECLS
