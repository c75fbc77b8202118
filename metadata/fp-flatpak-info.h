/* The .flatpak-info keyfile the portals read from /proc/PID/root. */
#pragma once

#include <glib.h>
#include "fp-profile.h"

G_BEGIN_DECLS

/* What only the launch knows about an instance. */
typedef struct {
  const char *instance_id;
  const char *instance_path;   /* host path of ~/.var/app/<app-id> */
  const char *app_path;        /* host directory holding the app */
  const char *runtime_path;    /* host directory of the runtime */
  gboolean    session_bus_proxy;
  gboolean    system_bus_proxy;
} FpInstanceFacts;

GKeyFile *fp_flatpak_info_new (const FpProfile     *profile,
                               const FpInstanceFacts *facts);

/* The keyfile as bytes, exactly as written to disk and into the sandbox. */
GBytes *fp_flatpak_info_to_bytes (GKeyFile *keyfile);

/* Flatpak's name for this machine's architecture, e.g. x86_64. */
const char *fp_flatpak_arch (void);

G_END_DECLS
