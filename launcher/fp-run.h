/* A launch from a loaded profile to a running sandbox, step by step. */
#pragma once

#include <glib.h>
#include "fp-bwrap.h"
#include "fp-profile.h"

G_BEGIN_DECLS

/* Exit status when fauxpak itself refused or failed to start the app. */
#define FP_EXIT_REFUSED 125

/* Builds the sandbox and replaces this process with bwrap. Returns only
 * on failure, having removed everything it created. */
gboolean fp_run_exec (const FpProfile    *profile,
                      const char *const  *args,
                      GError            **error);

/* What a launch would use, without creating anything on the host: the
 * .flatpak-info keyfile and the bwrap command line. */
gboolean fp_run_describe (const FpProfile    *profile,
                          const char *const  *args,
                          GKeyFile          **flatpak_info,
                          FpBwrap           **bwrap,
                          GError            **error);

G_END_DECLS
