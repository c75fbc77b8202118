#include "fp-dbus-proxy.h"
#include "fp-error.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

/* From linux/magic.h: automounts are skipped, binding one could block. */
#define AUTOFS_SUPER_MAGIC 0x0187

/* Where the system bus listens when DBUS_SYSTEM_BUS_ADDRESS is unset. */
#define SYSTEM_BUS_SOCKET "/run/dbus/system_bus_socket"

static void
add_printf (GPtrArray *args, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
add_printf (GPtrArray *args, const char *format, ...)
{
  va_list ap;

  va_start (ap, format);
  g_ptr_array_add (args, g_strdup_vprintf (format, ap));
  va_end (ap);
}

GPtrArray *
fp_dbus_proxy_filter_args (const FpContext *context,
                           const char      *app_id,
                           FpBus            bus)
{
  gboolean system_bus = bus == FP_BUS_SYSTEM;
  GHashTable *policies = system_bus ? context->system_bus_policy : context->session_bus_policy;
  GPtrArray *args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = fp_sorted_keys (policies);

  g_ptr_array_add (args, g_strdup ("--filter"));
  if (!system_bus)
    {
      add_printf (args, "--own=%s.*", app_id);
      add_printf (args, "--own=org.mpris.MediaPlayer2.%s.*", app_id);
    }
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      FpPolicy policy = GPOINTER_TO_INT (g_hash_table_lookup (policies, name));

      /* "none" is how a later layer revokes: no option at all. */
      if (policy != FP_POLICY_NONE)
        add_printf (args, "--%s=%s", fp_policy_to_string (policy), name);
    }
  for (int broadcast = 0; broadcast <= 1; broadcast++)
    {
      GHashTable *rules = fp_context_bus_rules (context, system_bus, broadcast);
      g_autoptr(GPtrArray) rule_names = fp_sorted_keys (rules);

      for (guint i = 0; i < rule_names->len; i++)
        {
          const char *name = g_ptr_array_index (rule_names, i);
          const char *const *list = g_hash_table_lookup (rules, name);

          for (guint j = 0; list[j] != NULL; j++)
            add_printf (args, "--%s=%s=%s", broadcast ? "broadcast" : "call", name, list[j]);
        }
    }
  if (!system_bus)
    {
      /* Any method of any portal, but only the portals' own signals. */
      g_ptr_array_add (args, g_strdup ("--call=org.freedesktop.portal.*=*"));
      g_ptr_array_add (args, g_strdup ("--broadcast=org.freedesktop.portal.*=@/org/freedesktop/portal/*"));
    }
  return args;
}

/* A D-Bus address is entries separated by ';', each TRANSPORT:KEY=VALUE,…
 * with %xx escapes in the values (D-Bus specification, "Server
 * Addresses"). Finds the socket of the first unix: entry with a path=
 * (NULL when there is none): the one a sandbox can be given with a bind
 * mount. And whether any entry can be reached from a sandbox that shares
 * the host's network namespace, with no mount at all: an abstract socket
 * (a name in the network namespace) or TCP; returned as a phrase for
 * messages, or NULL. The server listens on every entry it announces. */
static gboolean
parse_bus_address (const char  *address,
                   char       **unix_path_out,
                   const char **network_reachable_out,
                   GPtrArray   *all_unix_paths,
                   GError     **error)
{
  g_auto(GStrv) entries = g_strsplit (address, ";", -1);
  g_autofree char *unix_path = NULL;
  const char *network_reachable = NULL;

  for (guint i = 0; entries[i] != NULL; i++)
    {
      const char *colon = strchr (entries[i], ':');
      g_autofree char *transport = NULL;
      g_auto(GStrv) pairs = NULL;

      if (entries[i][0] == '\0')
        continue;
      if (colon == NULL)
        {
          g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                       "\"%s\" is not a D-Bus address: \"%s\" has no transport", address, entries[i]);
          return FALSE;
        }
      transport = g_strndup (entries[i], colon - entries[i]);
      if (network_reachable == NULL && (g_str_equal (transport, "tcp") || g_str_equal (transport, "nonce-tcp")))
        network_reachable = "a TCP address";
      if (!g_str_equal (transport, "unix"))
        continue;
      pairs = g_strsplit (colon + 1, ",", -1);
      for (guint j = 0; pairs[j] != NULL; j++)
        {
          const char *equals = strchr (pairs[j], '=');
          g_autofree char *value = NULL;

          if (pairs[j][0] == '\0')
            continue;
          value = equals != NULL ? g_uri_unescape_string (equals + 1, NULL) : NULL;
          if (value == NULL || value[0] == '\0')
            {
              g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                           "\"%s\" is not a D-Bus address: \"%s\" is not KEY=VALUE with a value and valid %%xx escapes",
                           address, pairs[j]);
              return FALSE;
            }
          if (g_str_has_prefix (pairs[j], "path=") && all_unix_paths != NULL)
            g_ptr_array_add (all_unix_paths, g_strdup (value));
          if (g_str_has_prefix (pairs[j], "path=") && unix_path == NULL)
            unix_path = g_steal_pointer (&value);
          else if (g_str_has_prefix (pairs[j], "abstract=") && network_reachable == NULL)
            network_reachable = "an abstract socket";
        }
    }
  *unix_path_out = g_steal_pointer (&unix_path);
  *network_reachable_out = network_reachable;
  return TRUE;
}

char *
fp_dbus_session_bus_address (void)
{
  const char *address = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
  g_autofree char *socket = NULL;
  struct stat st;

  if (address != NULL && address[0] != '\0')
    return g_strdup (address);
  /* What libdbus and GDBus fall back to, given a systemd user session. */
  socket = g_build_filename (g_get_user_runtime_dir (), "bus", NULL);
  if (stat (socket, &st) == 0 && S_ISSOCK (st.st_mode) && st.st_uid == getuid ())
    return g_strconcat ("unix:path=", socket, NULL);
  return NULL;
}

static char *
system_bus_address (void)
{
  const char *address = g_getenv ("DBUS_SYSTEM_BUS_ADDRESS");

  if (address != NULL && address[0] != '\0')
    return g_strdup (address);
  if (g_file_test (SYSTEM_BUS_SOCKET, G_FILE_TEST_EXISTS))
    return g_strdup ("unix:path=" SYSTEM_BUS_SOCKET);
  return NULL;
}

static gboolean
needs_system_bus_proxy (const FpContext *context)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, context->system_bus_policy);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (GPOINTER_TO_INT (value) != FP_POLICY_NONE)
      return TRUE;
  return g_hash_table_size (context->system_bus_calls) > 0 ||
         g_hash_table_size (context->system_bus_broadcasts) > 0;
}

/* A bus the app reaches anyway through a shared network namespace would
 * make its filter (or its absence from the profile) a fiction: the app
 * could connect to the real bus directly, as the proxy does. There is no
 * mount to hide an abstract socket or a TCP port, so the launch is
 * refused unless the app is granted the bus unfiltered. */
static gboolean
check_bus_not_exposed (FpBus        bus,
                       const char  *address,
                       const char  *network_reachable,
                       gboolean     network_shared,
                       gboolean     proxied,
                       GError     **error)
{
  gboolean session = bus == FP_BUS_SESSION;

  if (network_reachable == NULL || !network_shared)
    return TRUE;
  g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
               "the %s bus (%s) listens on %s, which an app sharing the host's network can "
               "connect to directly, %s; run the app with --unshare=network, or grant it the "
               "unfiltered bus knowingly with --socket=%s",
               session ? "session" : "system", address, network_reachable,
               proxied ? "bypassing the D-Bus filter" : "although its profile does not grant that bus",
               session ? "session-bus" : "system-bus");
  return FALSE;
}

/* One bus: the real socket when the app may use the bus unfiltered and it
 * is a path we can bind; otherwise the proxy, filtering unless
 * unrestricted (an abstract-socket bus cannot be bound, only proxied). */
static gboolean
plan_bus (FpDbusPlan      *plan,
          const FpProfile *profile,
          FpBus            bus,
          const char      *address,
          gboolean         unrestricted,
          gboolean         log,
          GError         **error)
{
  gboolean network_shared = fp_context_has (profile->context, FP_FLAGS_SHARED, FP_SHARE_NETWORK);
  g_autofree char *raw_socket = NULL;
  g_autofree char *proxy_socket = NULL;
  const char *network_reachable;

  if (!parse_bus_address (address, &raw_socket, &network_reachable,
                          unrestricted ? NULL : plan->host_bus_sockets, error) ||
      (!unrestricted && !check_bus_not_exposed (bus, address, network_reachable, network_shared, TRUE, error)))
    return FALSE;
  if (unrestricted && raw_socket != NULL)
    {
      if (bus == FP_BUS_SESSION)
        plan->session_socket = g_steal_pointer (&raw_socket);
      else
        plan->system_socket = g_steal_pointer (&raw_socket);
      return TRUE;
    }

  proxy_socket = g_build_filename (plan->socket_dir,
                                   bus == FP_BUS_SESSION ? "session-bus-proxy" : "system-bus-proxy",
                                   NULL);
  /* The whole address: the proxy tries its entries in order, as any
   * client would, and shares the host's network namespace, so it reaches
   * an abstract socket without a mount. */
  g_ptr_array_add (plan->proxy_args, g_strdup (address));
  g_ptr_array_add (plan->proxy_args, g_strdup (proxy_socket));
  if (raw_socket != NULL)
    g_ptr_array_add (plan->bus_sockets, g_steal_pointer (&raw_socket));
  if (!unrestricted)
    {
      g_autoptr(GPtrArray) filter = fp_dbus_proxy_filter_args (profile->context, profile->app_id, bus);

      for (guint i = 0; i < filter->len; i++)
        g_ptr_array_add (plan->proxy_args, g_strdup (g_ptr_array_index (filter, i)));
    }
  if (log)
    g_ptr_array_add (plan->proxy_args, g_strdup ("--log"));

  if (bus == FP_BUS_SESSION)
    {
      plan->session_socket = g_steal_pointer (&proxy_socket);
      plan->session_proxied = TRUE;
    }
  else
    {
      plan->system_socket = g_steal_pointer (&proxy_socket);
      plan->system_proxied = TRUE;
    }
  return TRUE;
}

FpDbusPlan *
fp_dbus_plan_new (const FpProfile     *profile,
                  const char          *socket_dir,
                  const FpDbusLogging *logging,
                  GError             **error)
{
  const FpContext *context = profile->context;
  g_autoptr(FpDbusPlan) plan = g_new0 (FpDbusPlan, 1);
  g_autofree char *session_address = fp_dbus_session_bus_address ();
  g_autofree char *system_address = system_bus_address ();
  gboolean session_unrestricted = fp_context_has (context, FP_FLAGS_SOCKETS, FP_SOCKET_SESSION_BUS);
  gboolean system_unrestricted = fp_context_has (context, FP_FLAGS_SOCKETS, FP_SOCKET_SYSTEM_BUS);

  plan->socket_dir = g_strdup (socket_dir);
  plan->proxy_args = g_ptr_array_new_with_free_func (g_free);
  plan->bus_sockets = g_ptr_array_new_with_free_func (g_free);
  plan->host_bus_sockets = g_ptr_array_new_with_free_func (g_free);

  /* As under Flatpak, every app gets the session bus, filtered unless
   * it has socket=session-bus; the system bus only when it asks. */
  if (session_address != NULL &&
      !plan_bus (plan, profile, FP_BUS_SESSION, session_address, session_unrestricted,
                 logging != NULL && logging->log_session_bus, error))
    return NULL;
  if (system_address != NULL && (system_unrestricted || needs_system_bus_proxy (context)))
    {
      if (!plan_bus (plan, profile, FP_BUS_SYSTEM, system_address, system_unrestricted,
                     logging != NULL && logging->log_system_bus, error))
        return NULL;
    }
  else if (system_address != NULL)
    {
      /* Not given to the app, but reachable all the same through a
       * shared network: refused too, since the profile says no system bus. */
      g_autofree char *unused_path = NULL;
      const char *network_reachable;

      if (!parse_bus_address (system_address, &unused_path, &network_reachable,
                              plan->host_bus_sockets, error) ||
          !check_bus_not_exposed (FP_BUS_SYSTEM, system_address, network_reachable,
                                  fp_context_has (context, FP_FLAGS_SHARED, FP_SHARE_NETWORK), FALSE, error))
        return NULL;
    }
  return g_steal_pointer (&plan);
}

gboolean
fp_dbus_plan_add_a11y (FpDbusPlan *plan, const char *address, GError **error)
{
  static const char *const filter[] = {
    "--filter", "--sloppy-names",
    "--call=org.a11y.atspi.Registry=org.a11y.atspi.Socket.Embed@/org/a11y/atspi/accessible/root",
    "--call=org.a11y.atspi.Registry=org.a11y.atspi.Socket.Unembed@/org/a11y/atspi/accessible/root",
    "--call=org.a11y.atspi.Registry=org.a11y.atspi.Registry.GetRegisteredEvents@/org/a11y/atspi/registry",
    "--call=org.a11y.atspi.Registry=org.a11y.atspi.DeviceEventController.GetKeystrokeListeners"
      "@/org/a11y/atspi/registry/deviceeventcontroller",
    "--call=org.a11y.atspi.Registry=org.a11y.atspi.DeviceEventController.GetDeviceEventListeners"
      "@/org/a11y/atspi/registry/deviceeventcontroller",
    "--call=org.a11y.atspi.Registry=org.a11y.atspi.DeviceEventController.NotifyListenersSync"
      "@/org/a11y/atspi/registry/deviceeventcontroller",
    "--call=org.a11y.atspi.Registry=org.a11y.atspi.DeviceEventController.NotifyListenersAsync"
      "@/org/a11y/atspi/registry/deviceeventcontroller",
    NULL
  };
  g_autofree char *raw_socket = NULL;
  const char *network_reachable;

  if (!parse_bus_address (address, &raw_socket, &network_reachable, plan->host_bus_sockets, error))
    return FALSE;
  plan->a11y_socket = g_build_filename (plan->socket_dir, "a11y-bus-proxy", NULL);
  g_ptr_array_add (plan->proxy_args, g_strdup (address));
  g_ptr_array_add (plan->proxy_args, g_strdup (plan->a11y_socket));
  for (guint i = 0; filter[i] != NULL; i++)
    g_ptr_array_add (plan->proxy_args, g_strdup (filter[i]));
  if (raw_socket != NULL)
    g_ptr_array_add (plan->bus_sockets, g_steal_pointer (&raw_socket));
  return TRUE;
}

void
fp_dbus_plan_free (FpDbusPlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->a11y_socket);
  g_free (plan->session_socket);
  g_free (plan->system_socket);
  g_free (plan->socket_dir);
  g_ptr_array_unref (plan->proxy_args);
  g_ptr_array_unref (plan->bus_sockets);
  g_ptr_array_unref (plan->host_bus_sockets);
  g_free (plan);
}

gboolean
fp_dbus_plan_needs_proxy (const FpDbusPlan *plan)
{
  return plan->proxy_args->len > 0;
}

static char *
find_proxy (GError **error)
{
  const char *override = g_getenv ("FAUXPAK_DBUS_PROXY");
  char *path = override ? g_strdup (override) : g_find_program_in_path ("xdg-dbus-proxy");

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "xdg-dbus-proxy is not installed or not executable%s%s, and the app's D-Bus "
                   "must be filtered; install the xdg-dbus-proxy package",
                   path ? ": " : "", path ? path : "");
      g_free (path);
      return NULL;
    }
  /* The proxy's sandbox has /usr and /nix/store but not, say, a NixOS
   * profile's symlink farm: run the program by its real path. */
  {
    char *real = realpath (path, NULL);

    if (real != NULL)
      {
        g_free (path);
        path = g_strdup (real);
        free (real);
      }
  }
  return path;
}

/* The proxy needs its program and libraries, the buses it connects to and
 * the directory it listens in, and nothing else: every read-only bind is
 * a remount bwrap pays for before the app may start. (An abstract-socket
 * bus needs no mount: the proxy shares the host's network namespace.) */
static void
add_proxy_view (FpBwrap *bwrap, const FpDbusPlan *plan, const char *proxy)
{
  static const char *const top_level[] = { "bin", "sbin", "lib", "lib32", "lib64", "libx32", NULL };

  fp_bwrap_add_args (bwrap, "--ro-bind", "/usr", "/usr", NULL);
  for (guint i = 0; top_level[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename ("/", top_level[i], NULL);
      g_autofree char *target = g_file_read_link (path, NULL);

      if (target != NULL)
        fp_bwrap_add_args (bwrap, "--symlink", target, path, NULL);
      else if (g_file_test (path, G_FILE_TEST_IS_DIR))
        fp_bwrap_add_args (bwrap, "--ro-bind", path, path, NULL);
    }
  if (g_file_test ("/nix/store", G_FILE_TEST_IS_DIR))
    fp_bwrap_add_args (bwrap, "--ro-bind", "/nix/store", "/nix/store", NULL);
  fp_bwrap_add_args (bwrap, "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache", NULL);
  if (!g_str_has_prefix (proxy, "/usr/") && !g_str_has_prefix (proxy, "/nix/store/"))
    fp_bwrap_add_args (bwrap, "--ro-bind", proxy, proxy, NULL);
  for (guint i = 0; i < plan->bus_sockets->len; i++)
    {
      const char *socket = g_ptr_array_index (plan->bus_sockets, i);
      fp_bwrap_add_args (bwrap, "--bind", socket, socket, NULL);
    }
  fp_bwrap_add_args (bwrap, "--bind", plan->socket_dir, plan->socket_dir, NULL);
}

FpBwrap *
fp_dbus_proxy_command (const FpDbusPlan *plan,
                       const char       *bwrap_path,
                       GBytes           *flatpak_info,
                       int               sync_fd,
                       GError          **error)
{
  g_autoptr(FpBwrap) bwrap = fp_bwrap_new (bwrap_path);
  g_autofree char *proxy = NULL;

  proxy = find_proxy (error);
  if (proxy == NULL)
    return NULL;
  add_proxy_view (bwrap, plan, proxy);
  /* The proxy parses what the app sends: started by root, it gets no
   * capability over the host either (bwrap gives root's otherwise), and
   * an empty bounding set in a user namespace of its own. */
  if (getuid () == 0)
    fp_bwrap_add_args (bwrap, "--unshare-user", "--cap-drop", "ALL", NULL);
  /* The portals read /proc/PID/root/.flatpak-info of the process at the
   * other end of the connection: for a proxied app, this proxy. */
  if (!fp_bwrap_add_data (bwrap, "--ro-bind-data", "flatpak-info", flatpak_info, "/.flatpak-info", error))
    return NULL;
  /* Besides the sync fd: should the sandbox's bwrap (our parent after
   * exec) be killed, the proxy goes at once. */
  fp_bwrap_add_args (bwrap, "--die-with-parent", "--", proxy, NULL);
  if (sync_fd >= 0)
    {
      g_autofree char *fd_arg = g_strdup_printf ("--fd=%d", sync_fd);

      fp_bwrap_add_arg (bwrap, fd_arg);
      fp_bwrap_take_fd (bwrap, sync_fd);
    }
  for (guint i = 0; i < plan->proxy_args->len; i++)
    fp_bwrap_add_arg (bwrap, g_ptr_array_index (plan->proxy_args, i));
  return g_steal_pointer (&bwrap);
}

/* A session of its own: Ctrl-C and SIGHUP from the terminal go to the
 * app's process group, and the app may well survive them (a shell does);
 * its bus must too. The proxy ends with the sandbox, through the sync fd. */
static void
start_new_session (gpointer user_data)
{
  (void) user_data;
  setsid ();
}

static gboolean
dup_fd (int fd, int *out, GError **error)
{
  *out = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  if (*out < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot duplicate fd %d: %s", fd, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

struct _FpDbusProxy {
  GSubprocess *process;
  int          sync_fd;    /* read end: the ready byte, then the proxy's lifeline */
  gint64       deadline;   /* monotonic time by which it must listen */
};

static gboolean wait_until_ready (int fd, gint64 deadline, GError **error);

void
fp_dbus_proxy_free (FpDbusProxy *proxy)
{
  if (proxy == NULL)
    return;
  if (proxy->sync_fd >= 0)
    {
      /* Never handed to a sandbox: this proxy serves nobody. Killed (or
       * its bwrap killed by --die-with-parent as we exit) while bwrap sets
       * up, bwrap's child would wait for it forever, holding our stdout
       * and stderr; once it is ready, the end of file on its --fd ends it. */
      if (!wait_until_ready (proxy->sync_fd, proxy->deadline, NULL))
        g_subprocess_force_exit (proxy->process);
      close (proxy->sync_fd);
    }
  g_object_unref (proxy->process);
  g_free (proxy);
}

/* Waits for the one byte xdg-dbus-proxy writes to --fd once it listens. */
static gboolean
wait_until_ready (int fd, gint64 deadline, GError **error)
{
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  char byte;

  for (;;)
    {
      gint64 left_ms = (deadline - g_get_monotonic_time ()) / G_TIME_SPAN_MILLISECOND;
      int res;

      if (left_ms <= 0)
        {
          g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                       "xdg-dbus-proxy did not get ready within %d ms; not starting the app without its filtered D-Bus",
                       FP_DBUS_PROXY_READY_TIMEOUT_MS);
          return FALSE;
        }
      res = poll (&pfd, 1, (int) left_ms);
      if (res < 0 && errno == EINTR)
        continue;
      if (res < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "waiting for xdg-dbus-proxy: %s", g_strerror (saved_errno));
          return FALSE;
        }
      if (res == 0)
        continue;
      res = read (fd, &byte, 1);
      if (res < 0 && errno == EINTR)
        continue;
      if (res == 1)
        return TRUE;
      /* End of file: every copy of the write end is gone, the proxy with it. */
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "xdg-dbus-proxy exited before it was ready (see its messages above); "
                   "not starting the app without its filtered D-Bus");
      return FALSE;
    }
}

FpDbusProxy *
fp_dbus_proxy_spawn (const FpDbusPlan *plan,
                     const char       *bwrap_path,
                     GBytes           *flatpak_info,
                     GError          **error)
{
  g_autoptr(FpBwrap) command = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  FpDbusProxy *proxy;
  GSubprocess *process;
  int sync_pipe[2];
  int log_fd;

  g_return_val_if_fail (fp_dbus_plan_needs_proxy (plan), NULL);

  /* Close-on-exec on both ends: the proxy gets its copy of the write end
   * by number from the launcher, and nothing else may hold one, or the
   * proxy would outlive the sandbox. */
  if (pipe2 (sync_pipe, O_CLOEXEC) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot create the D-Bus proxy's sync pipe: %s", g_strerror (saved_errno));
      return NULL;
    }
  command = fp_dbus_proxy_command (plan, bwrap_path, flatpak_info, sync_pipe[1], error);
  if (command == NULL)
    goto fail;

  /* One fork, as flatpak does: after our exec the proxy is a child of the
   * sandbox's bwrap, whose monitor reaps any child with waitpid (-1) and
   * only takes its own child's exit as the sandbox's. So the proxy never
   * lingers as a zombie, its death does not end the sandbox, and a double
   * fork would only hide it from the sandbox's process tree. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_child_setup (launcher, start_new_session, NULL, NULL);
  for (guint i = 0; i < command->fds->len; i++)
    {
      int fd = g_array_index (command->fds, int, i);
      int copy;

      if (!dup_fd (fd, &copy, error))
        goto fail;
      g_subprocess_launcher_take_fd (launcher, copy, fd);
    }
  /* --log output goes to stdout; it belongs with our diagnostics, not
   * mixed into whatever the app prints (and nowhere without a stderr). */
  if (fcntl (STDERR_FILENO, F_GETFD) < 0)
    g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  else if (!dup_fd (STDERR_FILENO, &log_fd, error))
    goto fail;
  else
    g_subprocess_launcher_take_stdout_fd (launcher, log_fd);

  g_ptr_array_add (command->argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) command->argv->pdata, error);
  g_ptr_array_remove_index (command->argv, command->argv->len - 1);
  if (process == NULL)
    {
      g_prefix_error (error, "cannot start xdg-dbus-proxy: ");
      goto fail;
    }
  /* Our copies of the write end (and of the .flatpak-info memfd) go now,
   * so that the proxy's death shows as end of file on the read end. */
  g_clear_object (&launcher);
  g_clear_pointer (&command, fp_bwrap_free);

  proxy = g_new0 (FpDbusProxy, 1);
  proxy->process = process;
  proxy->sync_fd = sync_pipe[0];
  proxy->deadline = g_get_monotonic_time () + FP_DBUS_PROXY_READY_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  return proxy;

fail:
  /* Until the command owns the write end, it is ours to close. */
  if (command == NULL)
    close (sync_pipe[1]);
  close (sync_pipe[0]);
  return NULL;
}

int
fp_dbus_proxy_peek_sync_fd (const FpDbusProxy *proxy)
{
  return proxy->sync_fd;
}

int
fp_dbus_proxy_wait_ready (FpDbusProxy *proxy,
                          GError     **error)
{
  int sync_fd;

  if (!wait_until_ready (proxy->sync_fd, proxy->deadline, error))
    return -1;
  sync_fd = proxy->sync_fd;
  proxy->sync_fd = -1;
  return sync_fd;
}
