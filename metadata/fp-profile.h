/* A fauxpak profile: which app, which command, what it may see. Loaded from
 * JSON, with presets merged in through "imports". */
#pragma once

#include <glib.h>
#include "fp-context.h"

G_BEGIN_DECLS

typedef enum {
  FP_RUNTIME_HOST,   /* the host's /usr, its /bin and /lib* links, parts of /etc */
  FP_RUNTIME_PATHS,  /* only the listed paths (a Nix closure, say) */
} FpRuntimeKind;

typedef enum {
  FP_DOCUMENTS_OPTIONAL,  /* use the document portal when it runs */
  FP_DOCUMENTS_REQUIRED,  /* refuse to start without it */
  FP_DOCUMENTS_OFF,
} FpDocumentsMode;

/* How the app shows on the desktop once installed (fauxpak install): its
 * own desktop file, or one made from the other fields. Each may be NULL. */
typedef struct {
  char *file;         /* the app's own .desktop file, absolute */
  char *name;
  char *comment;
  char *icon;         /* a theme icon name or an absolute path */
  GStrv categories;
  GStrv mime_types;
} FpDesktopEntry;

typedef struct {
  char *source_path;       /* profile file, NULL for an ad-hoc sandbox */
  char *app_id;
  GStrv command;           /* program and its default arguments */
  FpContext *context;
  GHashTable *origins;     /* where each grant of `context` came from: fp-origins.h */
  FpRuntimeKind runtime;
  GStrv runtime_paths;     /* FP_RUNTIME_PATHS: read-only at the same path */
  gboolean runtime_host_etc;
  FpDocumentsMode documents;
  FpDesktopEntry desktop;  /* "desktop" */
  GStrv extra_args;        /* the launch's own permission options, in flatpak run's
                            * spelling ([Instance] extra-args), or NULL */
} FpProfile;

FpProfile *fp_profile_new (void);
void       fp_profile_free (FpProfile *profile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FpProfile, fp_profile_free)

/* Loads `path` and everything it imports. Errors name the file and the key
 * (or line and column for JSON syntax) and say what was expected. */
FpProfile *fp_profile_load (const char *path,
                            GError    **error);

/* Same, from a string; `name` is used in messages. */
FpProfile *fp_profile_load_from_data (const char *data,
                                      gssize      length,
                                      const char *name,
                                      GError    **error);

/* The profile file at `path` as a file that loads the same from another
 * directory: relative import paths made absolute. For a copy kept apart
 * from the original (an installed app). */
char *fp_profile_standalone_data (const char *path,
                                  gsize      *length,
                                  GError    **error);

/* Merges a preset (searched in the preset path) into `profile`. */
gboolean fp_profile_import_preset (FpProfile  *profile,
                                   const char *name,
                                   GError    **error);

/* Merges `layer` over the profile's context (later layers win, as
 * fp_context_merge says) and names `source` as the origin of what it
 * changed. */
void fp_profile_merge_layer (FpProfile       *profile,
                             const FpContext *layer,
                             const char      *source);

/* Checks what a launch needs: a valid app id and a command. */
gboolean fp_profile_validate (const FpProfile *profile,
                              GError         **error);

/* A filesystem written as $PWD (the devshell preset's) shares whatever
 * directory fauxpak is started in: refused when that is home, above home,
 * the root or a system directory, unless `allow_wide_cwd`
 * (--allow-wide-cwd). */
gboolean fp_profile_check_cwd (const FpProfile *profile,
                               gboolean         allow_wide_cwd,
                               GError         **error);

/* Directories searched for presets, in order. */
GStrv fp_profile_preset_dirs (void);

/* Every preset name found in those directories, sorted, once each. */
GStrv fp_profile_preset_names (void);

/* The file a preset name stands for: the first of the directories that
 * has NAME.json. An error lists where it looked. */
char *fp_profile_find_preset (const char *name,
                              GError    **error);

G_END_DECLS
