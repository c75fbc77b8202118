/* The D-Bus a sandbox gets: none, the real bus (socket=session-bus,
 * socket=system-bus), or a filtered bus served by xdg-dbus-proxy, as under
 * Flatpak. The proxy runs in a bwrap of its own whose root holds the app's
 * .flatpak-info, because the portals identify a caller by the process at
 * the other end of its bus connection, and for a proxied app that is the
 * proxy. */
#pragma once

#include <glib.h>
#include "fp-bwrap.h"
#include "fp-profile.h"

G_BEGIN_DECLS

/* How long a launch waits for the proxy to say it listens. */
#define FP_DBUS_PROXY_READY_TIMEOUT_MS 5000

typedef enum {
  FP_BUS_SESSION,
  FP_BUS_SYSTEM,
} FpBus;

/* Everything the proxy enforces on one bus, from the context alone:
 * Flatpak's defaults (filtering on; on the session bus the app may own
 * <app-id>.* and org.mpris.MediaPlayer2.<app-id>.*, call any portal and
 * hear portal signals) and the context's see/talk/own policies and call
 * and broadcast rules. Returns xdg-dbus-proxy options, one an element. */
GPtrArray *fp_dbus_proxy_filter_args (const FpContext *context,
                                      const char      *app_id,
                                      FpBus            bus);

typedef struct {
  gboolean log_session_bus;  /* xdg-dbus-proxy --log, to our stderr */
  gboolean log_system_bus;
} FpDbusLogging;

/* Which socket the sandbox binds for each bus, and what the proxy (if
 * any bus is proxied) is to serve. */
typedef struct {
  char      *session_socket;   /* host socket for $XDG_RUNTIME_DIR/bus, or NULL */
  char      *system_socket;    /* host socket for /run/dbus/system_bus_socket, or NULL */
  gboolean   session_proxied;  /* the socket is the proxy's, not the bus's */
  gboolean   system_proxied;
  char      *socket_dir;       /* where the proxy creates its sockets */
  GPtrArray *proxy_args;       /* ADDRESS SOCKET OPTIONS… per proxied bus; empty: no proxy */
  GPtrArray *bus_sockets;      /* host sockets of the proxied buses, for the proxy's sandbox */
  GPtrArray *host_bus_sockets; /* every unix path of each bus the app is not granted raw:
                                * no grant may show the app one of these */
  char      *a11y_socket;      /* the proxy's socket for the accessibility bus, or NULL */
} FpDbusPlan;

/* Decides from the profile and the environment (DBUS_SESSION_BUS_ADDRESS,
 * DBUS_SYSTEM_BUS_ADDRESS) how the sandbox reaches each bus. Proxy
 * sockets are put in `socket_dir`; nothing is created. Fails
 * (FP_ERROR_SANDBOX_SETUP) on an address that does not parse, and when
 * the app shares the host's network and a bus it is not granted
 * unfiltered listens where that network reaches (an abstract socket,
 * TCP): the app could connect to it past the proxy. */
FpDbusPlan *fp_dbus_plan_new (const FpProfile     *profile,
                              const char          *socket_dir,
                              const FpDbusLogging *logging,
                              GError             **error);
void        fp_dbus_plan_free (FpDbusPlan *plan);

/* The accessibility (AT-SPI) bus at `address`, through the proxy with
 * Flatpak's filter: the app may embed itself in the registry and ask it
 * what it listens for, nothing else. */
gboolean    fp_dbus_plan_add_a11y (FpDbusPlan  *plan,
                                   const char  *address,
                                   GError     **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FpDbusPlan, fp_dbus_plan_free)

gboolean fp_dbus_plan_needs_proxy (const FpDbusPlan *plan);

/* The session bus address the launcher itself uses (for the document
 * portal), or NULL when there is no session bus. */
char *fp_dbus_session_bus_address (void);

/* The proxy's command line: bwrap with /.flatpak-info from
 * `flatpak_info`, then xdg-dbus-proxy. With `sync_fd` >= 0 it is passed
 * as --fd and owned by the result (on failure it stays the caller's);
 * -1 leaves it out, for display. */
FpBwrap *fp_dbus_proxy_command (const FpDbusPlan *plan,
                                const char       *bwrap_path,
                                GBytes           *flatpak_info,
                                int               sync_fd,
                                GError          **error);

/* A proxy started and not yet known to listen. Freeing it stops it. */
typedef struct _FpDbusProxy FpDbusProxy;

/* Starts the proxy; the launch goes on with its own work (the document
 * portal, the sandbox's arguments) while the proxy comes up. */
FpDbusProxy *fp_dbus_proxy_spawn (const FpDbusPlan *plan,
                                  const char       *bwrap_path,
                                  GBytes           *flatpak_info,
                                  GError          **error);
void         fp_dbus_proxy_free (FpDbusProxy *proxy);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FpDbusProxy, fp_dbus_proxy_free)

/* The read end of the proxy's sync pipe, still the proxy's own: its
 * number, for a command line built while the proxy comes up. */
int fp_dbus_proxy_peek_sync_fd (const FpDbusProxy *proxy);

/* Waits until the proxy listens, and returns the fd that keeps it alive:
 * hand it to the sandbox's bwrap as --sync-fd; the proxy exits when the
 * last copy is closed, i.e. when the sandbox is gone. Fails if the proxy
 * exits or is not ready within FP_DBUS_PROXY_READY_TIMEOUT_MS of its
 * start (it is then stopped when freed). */
int fp_dbus_proxy_wait_ready (FpDbusProxy *proxy,
                              GError     **error);

G_END_DECLS
