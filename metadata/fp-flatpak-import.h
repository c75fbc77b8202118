/* Flatpak's own descriptions of an app read into a profile, so that what
 * Flathub already says about an app need not be written again: a
 * flatpak-builder manifest (JSON or YAML: its id, command and finish-args),
 * an app's metadata keyfile ([Application], [Context], bus policies,
 * [Environment]) from a file, from a Flatpak installation together with
 * its `flatpak override` files (fp-flatpak-installed.c), from a commit in
 * an OSTree repository (fp-flatpak-repo.c) or from a single-file bundle
 * (fp-flatpak-bundle.c). Each source is merged as one layer, and named as
 * the origin of what it grants (fp-origins.h). Nothing is written to an
 * installation, a repository or a bundle. */
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

/* flatpak-app:APP-ID[//BRANCH]: the app as `flatpak run` would find it
 * (the user's installation, then the system's; $FLATPAK_USER_DIR and
 * $FLATPAK_SYSTEM_DIR honoured), then its overrides in Flatpak's order. */
gboolean fp_flatpak_import_installed (FpProfile  *profile,
                                      const char *app_ref,
                                      GError    **error);

/* flatpak-repo:REPO-PATH:REF: the commit's xa.metadata, or else the
 * metadata file in its tree, read with libostree without a checkout. */
gboolean fp_flatpak_import_repo (FpProfile  *profile,
                                 const char *repo_path,
                                 const char *ref,
                                 GError    **error);

/* flatpak-bundle:FILE: the metadata in the header of a `flatpak
 * build-bundle` file. */
gboolean fp_flatpak_import_bundle (FpProfile  *profile,
                                   const char *path,
                                   GError    **error);

/* The one reader of Flatpak's permission groups, shared by metadata and
 * override files (the same keyfile format), fauxpak's own overrides and
 * an instance's info: [Context], [Session Bus Policy], [System Bus
 * Policy] and [Environment] applied to `context`. `path` (a path, or a
 * description) starts every message. */
gboolean fp_flatpak_import_context (FpContext  *context,
                                    GKeyFile   *keyfile,
                                    const char *path,
                                    GError    **error);

GKeyFile *fp_flatpak_keyfile_load_data (const char *data,
                                        gsize       length,
                                        const char *name,
                                        GError    **error);

/* A metadata keyfile already read: its [Application] name and command,
 * and its permissions as one layer whose origin is `source`. */
gboolean fp_flatpak_import_metadata_keyfile (FpProfile  *profile,
                                             GKeyFile   *keyfile,
                                             const char *name,
                                             const char *source,
                                             GError    **error);

/* The same from a metadata keyfile's text (`name` for messages). */
gboolean fp_flatpak_import_metadata_data (FpProfile  *profile,
                                          const char *data,
                                          gsize       length,
                                          const char *name,
                                          const char *source,
                                          GError    **error);

G_END_DECLS
