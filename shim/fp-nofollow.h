/* Opening (and creating) host directories below one the app can write,
 * without following links: the app may have replaced any element with a
 * symlink to wherever it wants the next launch to write or to bind. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Opens `anchor/relative` as an O_PATH directory fd, walking `relative`
 * one element at a time without following symlinks (nor "..": refused);
 * with `create`, missing elements are made (0700). `anchor` itself is
 * trusted and opened as named. A symlink, or anything not a directory,
 * fails with FP_ERROR_SANDBOX_SETUP naming the path. Returns -1 on error. */
int fp_nofollow_open_dir (const char *anchor,
                          const char *relative,
                          gboolean    create,
                          GError    **error);

/* The same from the directory `anchor_fd` (not consumed), which `anchor`
 * names in messages. */
int fp_nofollow_open_dir_at (int         anchor_fd,
                             const char *anchor,
                             const char *relative,
                             gboolean    create,
                             GError    **error);

/* Makes sure `relative` below the directory `anchor_fd` exists and is no
 * symlink, for bubblewrap to mount on: the directories on the way (and,
 * when missing, the place itself: a directory, or with `directory` FALSE
 * an empty file) made without following links. What is there already is
 * left as it is unless it is a symlink, which fails as
 * fp_nofollow_open_dir does. */
gboolean fp_nofollow_make_mount_point (int         anchor_fd,
                                       const char *anchor,
                                       const char *relative,
                                       gboolean    directory,
                                       GError    **error);

/* The same for an absolute `path`, anchored at $XDG_RUNTIME_DIR or the
 * user's home when it is below one of them, and at / otherwise. */
int fp_nofollow_open_dir_path (const char *path,
                               gboolean    create,
                               GError    **error);

G_END_DECLS
