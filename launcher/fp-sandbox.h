/* Turns a profile into bubblewrap arguments and the app's environment.
 * Every mount the sandbox gets is added in this file, in the order the
 * sandbox is built. */
#pragma once

#include <glib.h>
#include "fp-bwrap.h"
#include "fp-profile.h"

G_BEGIN_DECLS

typedef struct {
  const FpProfile   *profile;
  GBytes            *flatpak_info;  /* mounted read-only at /.flatpak-info */
  int                info_fd;       /* bwrap --info-fd, or -1 */
  const char *const *args;          /* extra arguments after the profile's */
  const char        *session_bus_socket; /* host socket the app's bus is, or NULL */
  const char        *instance_ref;  /* host .ref the sandbox keeps locked, or NULL */
  gboolean           dry_run;       /* change nothing on the host */
} FpSandboxSpec;

/* The directory that is $XDG_RUNTIME_DIR inside the sandbox. */
char *fp_sandbox_runtime_dir (void);

/* The host directory holding the app's own data: ~/.var/app/<app-id>. */
char *fp_sandbox_app_data_dir (const char *app_id);

gboolean fp_sandbox_build (const FpSandboxSpec *spec,
                           FpBwrap             *bwrap,
                           GError             **error);

G_END_DECLS
