/* The permission options (flatpak run's names), shared by run, info and
 * override, and what the man page, README and completion list. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *name;         /* without the leading dashes */
  const char *description;
  const char *arg;          /* GOption's arg_description */
} FpPermissionOption;

/* Every permission option, ending with a { NULL } entry. */
const FpPermissionOption *fp_cmd_permission_options (void);

/* Appends a G_OPTION_ARG_CALLBACK entry per permission option to
 * `entries` (a GArray of GOptionEntry). */
void fp_cmd_add_permission_entries (GArray         *entries,
                                    GOptionArgFunc  callback);

G_END_DECLS
