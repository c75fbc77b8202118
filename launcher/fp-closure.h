/* A runtime of many paths under one directory (a Nix closure under
 * /nix/store) at a cost that does not grow with its size.
 *
 * bubblewrap reads the whole mount table after every bind it makes, so N
 * binds cost O(N²) (bubblewrap issue 384). Here the launcher enters a
 * mount namespace of its own before it execs bwrap and gives bwrap one
 * empty, shared tmpfs to bind at the common parent. Meanwhile a helper
 * process binds each path, read-only, under a tmpfs in a mount namespace
 * of the helper's own, where no table bwrap reads grows. Once bwrap has
 * made every other mount and waits for its seccomp program (which comes
 * through a pipe from the helper), the helper moves that tmpfs onto the
 * shared one: propagation carries the paths into the sandbox in one step,
 * and the app starts only after the last byte of its filter arrives,
 * which the helper sends after that. The sandbox sees exactly the listed
 * paths, read-only, as with one bind each; if anything fails, or the
 * helper dies, the filter is cut short and bwrap refuses to start the
 * app. */
#pragma once

#include <glib.h>
#include "fp-bwrap.h"

G_BEGIN_DECLS

/* Fewer paths under one parent are bound one by one, as bwrap does. */
#define FP_CLOSURE_MIN_PATHS 16

typedef struct _FpClosure FpClosure;

FpClosure *fp_closure_new (void);
void       fp_closure_free (FpClosure *closure);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FpClosure, fp_closure_free)

/* The runtime paths (absolute, canonical, in profile order) that can be
 * laid out together: for each parent directory other than /, at least
 * FP_CLOSURE_MIN_PATHS paths directly under it, when no listed path is
 * that parent, above it, or deeper under it. Returns GPtrArray* of paths
 * per group, each group's paths sharing one parent; paths in no group are
 * not returned. */
GPtrArray *fp_closure_plan (const char *const *paths);

/* The builder put one read-only bind per path of `group` (GPtrArray* of
 * paths under `parent`) at argv[first_arg … first_arg + 3 × len). */
void fp_closure_add_group (FpClosure  *closure,
                           const char *parent,
                           GPtrArray  *group,
                           guint       first_arg);

gboolean fp_closure_is_empty (const FpClosure *closure);

/* At the start of a launch, while the launcher is one thread (GDBus and
 * the walks of the host start threads): a user, not root, enters the
 * user namespace fp_closure_apply needs when `runtime_paths` (or NULL) can
 * be laid out together, for the kernel gives a process of several
 * threads no user namespace. TRUE also when it did not (the layout is
 * then one bind a path); FALSE with `error` when it left the launcher in
 * a user namespace it could not map itself into. */
gboolean fp_closure_enter_early (FpClosure          *closure,
                                 const char *const  *runtime_paths,
                                 const char         *bwrap_path,
                                 GError            **error);

/* Just before exec: enters the launcher's own mount namespace (and user
 * namespace, unless root), mounts the staging tmpfs under `staging_dir`
 * (a fresh directory of the launcher's own), starts the helper and
 * replaces each group's binds by one. Where that cannot be done (no user
 * namespaces, a setuid bwrap, no seccomp program), the command line stays
 * as it is, one bind a path, and TRUE is returned: it is a faster layout,
 * not a different one. */
gboolean fp_closure_apply (FpClosure  *closure,
                           FpBwrap    *bwrap,
                           const char *staging_dir,
                           GError    **error);

G_END_DECLS
