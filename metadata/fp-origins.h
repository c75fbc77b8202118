/* Where each permission of a profile came from: the profile file, one of
 * its imports (a Flatpak metadata file, an installed app, an override
 * file, a repository commit, a bundle), a preset or the command line.
 * `fauxpak info --sources` shows it next to the [Context] it explains. */
#pragma once

#include <glib.h>
#include "fp-context.h"

G_BEGIN_DECLS

/* A table of entry -> source (both char*), filled layer by layer. */
GHashTable *fp_origins_new (void);

/* What `context` grants now, as .flatpak-info would list it: the state a
 * layer is compared against. */
GKeyFile *fp_origins_snapshot (const FpContext *context);

/* Names `source` as the origin of every entry `context` grants that
 * `before` (a snapshot) did not grant in the same form. An entry granted
 * again unchanged keeps its first source. */
void fp_origins_record (GHashTable      *origins,
                        GKeyFile        *before,
                        const FpContext *context,
                        const char      *source);

/* Adds a comment above each key of `keyfile` ([Context], bus policies,
 * [Environment]) naming where each of its values came from; the keyfile
 * stays one that GKeyFile and Flatpak read unchanged. */
void fp_origins_annotate (GHashTable *origins,
                          GKeyFile   *keyfile);

G_END_DECLS
