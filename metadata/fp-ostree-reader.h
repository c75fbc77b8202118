/* The client side of fauxpak-ostree-reader (metadata/ostree-reader/): the
 * flatpak-repo: and flatpak-bundle: imports ask that separate program to
 * read OSTree data with libostree, so that fauxpak itself does not load
 * libostree and its dozens of libraries on every launch. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The reader's answer to `fauxpak-ostree-reader ARGS…`, an a{sv} holding
 * at least "metadata" (ay) and "where" (s); NULL with the reader's own
 * message (FP_ERROR_NOT_FOUND when the data holds no metadata) or, when
 * the reader cannot run or answer, a message starting with `what`. */
GVariant *fp_ostree_reader_ask (const char *const *args,
                                const char        *what,
                                GError           **error);

/* The answer's metadata keyfile, its bytes as stored, NUL-terminated. */
char *fp_ostree_reader_metadata (GVariant *answer,
                                 gsize    *length);

/* The reader fauxpak runs: $FAUXPAK_OSTREE_READER, else the one built
 * beside this program in its build tree, else the installed one. */
char *fp_ostree_reader_path (void);

G_END_DECLS
