/* Turns a profile into bubblewrap arguments and the app's environment.
 * Every mount the sandbox gets is added in this file, in the order the
 * sandbox is built. */
#pragma once

#include <glib.h>
#include "fp-bwrap.h"
#include "fp-closure.h"
#include "fp-instance.h"
#include "fp-profile.h"
#include "fp-resolve.h"

G_BEGIN_DECLS

typedef struct {
  const FpProfile   *profile;
  GBytes            *flatpak_info;  /* mounted read-only at /.flatpak-info */
  int                info_fd;       /* bwrap --info-fd, or -1 */
  const char *const *args;          /* extra arguments after the profile's */
  const char        *session_bus_socket; /* host socket the app's bus is, or NULL */
  const char        *system_bus_socket;  /* host socket the app's system bus is, or NULL */
  gboolean           session_bus_proxied; /* that socket is the D-Bus proxy's, */
  gboolean           system_bus_proxied;  /* there before the app starts */
  const char        *documents_mount;    /* the document portal's FUSE mount, or NULL */
  GPtrArray         *host_bus_sockets;   /* char*: sockets of the buses not granted raw, which
                                          * no grant may show (FpDbusPlan's), or NULL */
  const char        *a11y_socket;        /* the proxy's accessibility-bus socket, or NULL */
  int                sync_fd;       /* bwrap --sync-fd; 0 or -1 for none (0 is stdin,
                                     * never ours), so a zeroed spec asks for none */
  const char        *instance_ref;  /* host .ref the sandbox keeps locked, or NULL */
  const char        *cwd;           /* the app's directory inside, or NULL: the
                                     * current one if the sandbox sees it, else home */
  const FpAppDirs   *app_dirs;      /* what the app's instances share, or NULL */
  gboolean           dry_run;       /* change nothing on the host */
  gboolean           checks_only;   /* a dry view for the checks before a launch:
                                     * what others may not read is not looked for
                                     * (the build hides it; no check asks), so
                                     * the walks go on meanwhile */
  gboolean           outlive_launcher; /* no --die-with-parent: the sandbox goes on
                                        * when the process that started fauxpak exits */
  FpClosure         *closure;       /* where runtime paths to be laid out
                                     * together are recorded, or NULL */
  FpResolver        *resolver;      /* real paths shared by the builds of one
                                     * launch (fp-resolve.h), or NULL */
} FpSandboxSpec;

/* The directory that is $XDG_RUNTIME_DIR inside the sandbox. */
char *fp_sandbox_runtime_dir (void);

/* The host directory holding the app's own data: ~/.var/app/<app-id>. */
char *fp_sandbox_app_data_dir (const char *app_id);

gboolean fp_sandbox_build (const FpSandboxSpec *spec,
                           FpBwrap             *bwrap,
                           GError             **error);

/* What a sandbox built from a spec shows of the host, worked out by the
 * same code that builds it, for questions asked before the launch. */
typedef struct _FpSandboxView FpSandboxView;

/* Changes nothing on the host and prints no warnings. */
FpSandboxView *fp_sandbox_view_new (const FpSandboxSpec *spec,
                                    GError             **error);
void           fp_sandbox_view_free (FpSandboxView *view);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FpSandboxView, fp_sandbox_view_free)

/* TRUE when the host's `path` (absolute, or relative to the current
 * directory) exists and the sandbox sees it at the same path, both the
 * path as given and the file it resolves to. */
gboolean fp_sandbox_view_shows (const FpSandboxView *view,
                                const char          *path);

typedef enum {
  FP_SANDBOX_ACCESS_HIDDEN,
  FP_SANDBOX_ACCESS_READ_ONLY,
  FP_SANDBOX_ACCESS_READ_WRITE,
} FpSandboxAccess;

/* How the sandbox sees the host's `path` at the same path: `flatpak info
 * --file-access`'s answer. A path whose last element does not exist yet
 * gets its directory's access (a file the app could create there). */
FpSandboxAccess fp_sandbox_view_access (const FpSandboxView *view,
                                        const char          *path);
/* Every mount the sandbox gets, in the order it is made, one a line:
 * "ro|rw|dev HOST -> SANDBOX   [GRANT]" for what comes from the host,
 * "tmpfs|proc|devfs|data SANDBOX   [GRANT]" for what the sandbox makes;
 * GRANT is the option or profile entry it comes from, or what of
 * fauxpak's own it is (runtime, the app's own data, …). */
char *fp_sandbox_view_describe (const FpSandboxView *view);

/* Starts, on threads of their own, the walks of the host a launch's
 * layout needs (what others may not read in /etc and, as root, sysfs),
 * to overlap with making the instance and asking the session. */
void fp_sandbox_prefetch (void);

G_END_DECLS
