/* X11 for a sandbox as Flatpak gives it: which display DISPLAY names, and
 * the part of the Xauthority file that belongs to it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char    *number;       /* "0" for ":0.1" */
  char    *socket;       /* /tmp/.X11-unix/X<number> for a local display, else NULL */
  char    *remote_host;  /* the host of a TCP display, else NULL */
  int      family;       /* Xauth family the cookie must have (FamilyLocal, FamilyWild…) */
} FpX11Display;

void fp_x11_display_clear (FpX11Display *display);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FpX11Display, fp_x11_display_clear)

/* Parses DISPLAY (":0", "unix:0", "host:0.0", "[::1]:0"). */
gboolean fp_x11_parse_display (const char    *value,
                               FpX11Display  *display,
                               GError       **error);

/* The cookies of the user's Xauthority file ($XAUTHORITY, else
 * ~/.Xauthority) that open `display` from this machine, and no other:
 * not another display's, not another machine's. A local cookie recorded
 * under an old hostname ($XAUTHLOCALHOSTNAME) is rewritten for the
 * current one. Empty when there is no file; NULL with `error` set when
 * libXau cannot be loaded. */
GBytes *fp_x11_xauthority_for (const FpX11Display  *display,
                               GError             **error);

G_END_DECLS
