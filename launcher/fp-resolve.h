/* realpath(3) for many host paths that share their directories, as one
 * build of a sandbox asks it: a runtime of hundreds of store paths is
 * checked by its real paths several times over. glibc's realpath reads
 * every component of every path as a link; here each directory is
 * resolved once and each path after it costs one lstat. The answers are
 * realpath's own, and those that resolve are remembered for the
 * resolver's lifetime: the builds of one launch (its dry views and the
 * sandbox) and their checks judge one and the same path, a few
 * milliseconds apart. That is no wider a window than the one between the
 * build and bwrap's mounts, which resolve the paths again. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FpResolver FpResolver;

FpResolver *fp_resolver_new (void);
void        fp_resolver_free (FpResolver *resolver);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FpResolver, fp_resolver_free)

/* What realpath(3) makes of `path`, or NULL with errno set where it
 * fails. The string belongs to the resolver. */
const char *fp_resolver_realpath (FpResolver *resolver,
                                  const char *path);

G_END_DECLS
