/* Per-app registration: what `fauxpak install` writes outside fauxpak's
 * own directory so that the desktop and the portals know an app by its
 * app id, as Flatpak exports an installed app's files:
 *   $XDG_DATA_HOME/applications/<app-id>.desktop (Exec runs fauxpak),
 *   $XDG_DATA_HOME/dbus-1/services/<name>.service for D-Bus activation,
 *   $XDG_DATA_HOME/icons/hicolor/<size>/apps/<app-id>.<ext>. */
#pragma once

#include <glib.h>
#include "fp-profile.h"

G_BEGIN_DECLS

/* The desktop entry of `profile` with every Exec running `fauxpak` (an
 * absolute path) as `fauxpak run APP-ID …`: the app's own desktop file
 * when there is one, else one made from the profile's "desktop" keys.
 * Reads only. */
GKeyFile *fp_exports_desktop_entry (const FpProfile *profile,
                                    const char      *fauxpak,
                                    GError         **error);

/* Writes every export of `profile`, adding each file written to
 * `written` (absolute paths). A file already where an export goes is
 * refused, never overwritten: remove the app's previous exports first.
 * On failure what was written is in `written` for the caller to remove. */
gboolean fp_exports_write (const FpProfile *profile,
                           const char      *fauxpak,
                           GPtrArray       *written,
                           GError         **error);

/* Removes the listed exports (only files under $XDG_DATA_HOME's
 * applications/, dbus-1/services/ and icons/), then the directories
 * that left empty below those. */
void fp_exports_remove (const char *const *files);

/* Refreshes the desktop's caches (MIME types to apps, icons) where the
 * tools for them are installed. */
void fp_exports_refresh_caches (void);

G_END_DECLS
