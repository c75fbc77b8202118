/* A launch from a loaded profile to a running sandbox, step by step. */
#pragma once

#include <gio/gio.h>
#include "fp-bwrap.h"
#include "fp-profile.h"
#include "fp-sandbox.h"

G_BEGIN_DECLS

/* Exit status when fauxpak itself refused or failed to start the app. */
#define FP_EXIT_REFUSED 125

/* What the command line asks of a launch besides the profile. */
typedef struct {
  gboolean file_forwarding;  /* args between @@ and @@ are files, between @@u
                              * and @@ URIs: exported through the document
                              * portal when the sandbox does not see them */
  gboolean log_session_bus;  /* the D-Bus proxy logs the app's traffic on stderr */
  gboolean log_system_bus;
  char    *cwd;              /* where the app starts, inside the sandbox, or NULL */
  gboolean verbose;          /* the grants and command lines, on stderr */
  gboolean outlive_launcher; /* the sandbox goes on when the process that
                              * started fauxpak exits (a desktop launch) */
} FpRunOptions;

/* Builds the sandbox and replaces this process with bwrap. Returns only
 * on failure, having removed everything it created. `options` may be
 * NULL for none. */
gboolean fp_run_exec (const FpProfile     *profile,
                      const char *const   *args,
                      const FpRunOptions  *options,
                      GError             **error);

/* What a launch would use, without creating anything on the host: the
 * .flatpak-info keyfile, every mount with the grant it comes from (see
 * fp_sandbox_view_describe) and the bwrap command line; each out
 * argument may be NULL. Fails where the launch would refuse. */
gboolean fp_run_describe (const FpProfile    *profile,
                          const char *const  *args,
                          GKeyFile          **flatpak_info,
                          char              **mounts,
                          FpBwrap           **bwrap,
                          GError            **error);

/* The command line of the D-Bus proxy a launch would start (bwrap, then
 * xdg-dbus-proxy, without the --fd the launch adds), or NULL in *proxy
 * when it would start none. Starts nothing. */
gboolean fp_run_describe_dbus_proxy (const FpProfile     *profile,
                                     const FpRunOptions  *options,
                                     FpBwrap            **proxy,
                                     GError             **error);

/* The session bus (DBUS_SESSION_BUS_ADDRESS), for fauxpak's own calls to
 * the document portal and the permission store; NULL with no error when
 * there is none to connect to. */
GDBusConnection *fp_connect_session_bus (GError **error);

/* `flatpak info --file-access=PATH`: how a launch of `profile` would see
 * the host's `path`, from the same mount plan the launch builds. Creates
 * nothing and asks no portal. */
gboolean fp_run_file_access (const FpProfile  *profile,
                             const char       *path,
                             FpSandboxAccess  *access,
                             GError          **error);

G_END_DECLS
