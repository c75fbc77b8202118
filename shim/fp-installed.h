/* Apps installed with `fauxpak install`: $XDG_DATA_HOME/fauxpak/apps/<app-id>/
 * holds `profile.json`, the copy of the profile the app runs with (later
 * edits of the original change nothing until the next install), and
 * `installation`, a keyfile naming where the profile came from, the
 * fauxpak that installed it and every file exported for the desktop. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char *app_id;
  char *profile;   /* the kept copy */
  char *source;    /* the file it was installed from */
  char *fauxpak;   /* the fauxpak program that installed it (Exec lines run it) */
  GStrv exports;   /* files written outside the app's own directory */
} FpInstalledApp;

void fp_installed_app_free (FpInstalledApp *app);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FpInstalledApp, fp_installed_app_free)

/* $XDG_DATA_HOME/fauxpak/apps/<app-id>, whether installed or not. */
char *fp_installed_app_dir (const char *app_id);

/* The installed app `app_id`; FP_ERROR_NOT_FOUND when it is not one. */
FpInstalledApp *fp_installed_app_load (const char *app_id,
                                       GError    **error);

/* Writes `app`'s installation keyfile (its directory must exist). */
gboolean fp_installed_app_save (const FpInstalledApp *app,
                                GError              **error);

/* Every installed app, sorted by id. */
GPtrArray *fp_installed_list (GError **error);

/* What a command given PROFILE.json or APP-ID loads: `arg` itself when it
 * is a file, else the kept profile of the installed app `arg`. The one
 * place an app id becomes a profile path. */
char *fp_installed_resolve_profile (const char *arg,
                                    GError    **error);

/* Removes the directory tree at `path` without following any symlink in
 * it (an app that wrote there may have planted links to elsewhere). */
gboolean fp_installed_remove_tree (const char *path,
                                   GError    **error);

G_END_DECLS
