#include "fp-run.h"
#include "fp-dbus-proxy.h"
#include "fp-documents.h"
#include "fp-error.h"
#include "fp-flatpak-info.h"
#include "fp-instance.h"
#include "fp-sandbox.h"

#include <gio/gio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static char *
find_bwrap (GError **error)
{
  const char *override = g_getenv ("FAUXPAK_BWRAP");
  char *path = override ? g_strdup (override) : g_find_program_in_path ("bwrap");

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "bubblewrap (bwrap) is not installed or not executable%s%s; install the bubblewrap package",
                   path ? ": " : "", path ? path : "");
      g_free (path);
      return NULL;
    }
  return path;
}

/* The directory the program lives under on the host, for [Instance]
 * app-path: /nix/store/…-hello for /nix/store/…-hello/bin/hello. */
static char *
guess_app_path (const FpProfile *profile)
{
  g_autofree char *program = g_path_is_absolute (profile->command[0])
                               ? g_strdup (profile->command[0])
                               : g_find_program_in_path (profile->command[0]);
  g_autofree char *bin_dir = NULL;

  if (program == NULL)
    return g_strdup ("");
  bin_dir = g_path_get_dirname (program);
  return g_path_get_dirname (bin_dir);
}

static GKeyFile *
make_flatpak_info (const FpProfile *profile, const char *instance_id)
{
  g_autofree char *app_path = guess_app_path (profile);
  g_autofree char *instance_path = fp_sandbox_app_data_dir (profile->app_id);
  FpInstanceFacts facts = {
    .instance_id = instance_id,
    .instance_path = instance_path,
    .app_path = app_path,
    /* Where the sandbox's /usr comes from, for the portals' path remapping:
     * the host's, or (listed paths) none other than the host's either. */
    .runtime_path = "/usr",
    /* Flatpak's meaning: the bus is not granted raw (whether or not a
     * proxy runs: Flatpak writes it for a system bus it never starts). */
    .session_bus_proxy = !fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_SESSION_BUS),
    .system_bus_proxy = !fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_SYSTEM_BUS),
  };

  return fp_flatpak_info_new (profile, &facts);
}

static gboolean
ensure_app_dirs (const FpProfile *profile, gboolean create, FpAppDirs *dirs, GError **error)
{
  return fp_instance_ensure_app_dirs (profile->app_id,
                                      fp_context_has (profile->context, FP_FLAGS_FEATURES,
                                                      FP_FEATURE_PER_APP_DEV_SHM),
                                      create, dirs, error);
}

/* A dry run has no instance directory; its proxy sockets are shown where
 * a launch would put them, in a directory named for what it stands for.
 * Validates the profile first, as every dry run must. */
static FpDbusPlan *
plan_dbus_without_instance (const FpProfile *profile, const FpRunOptions *options, GError **error)
{
  g_autofree char *base = fp_instance_base_dir ();
  g_autofree char *socket_dir = g_build_filename (base, "<instance-id>", NULL);
  FpDbusLogging logging = {
    .log_session_bus = options != NULL && options->log_session_bus,
    .log_system_bus = options != NULL && options->log_system_bus,
  };

  if (!fp_profile_validate (profile, error))
    return NULL;
  return fp_dbus_plan_new (profile, socket_dir, &logging, error);
}

GDBusConnection *
fp_connect_session_bus (GError **error)
{
  g_autofree char *address = fp_dbus_session_bus_address ();
  GDBusConnection *bus;

  if (address == NULL)
    return NULL;
  bus = g_dbus_connection_new_for_address_sync (address,
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, error);
  if (bus == NULL)
    g_prefix_error (error, "cannot connect to the session bus at %s: ", address);
  return bus;
}

/* The accessibility bus, when the session has one (org.a11y.Bus on the
 * session bus, started if it can be, as Flatpak asks for it): proxied
 * for the app. None is no error: most sandboxes run without. A dry run
 * (`start` FALSE) asks only a bus already running: it changes nothing,
 * and still lists the proxy's socket a launch would bind. */
static gboolean
add_a11y_bus (GDBusConnection *bus, FpDbusPlan *plan, gboolean start, GError **error)
{
  g_autoptr(GVariant) reply = NULL;
  const char *address;

  if (bus == NULL)
    return TRUE;
  reply = g_dbus_connection_call_sync (bus, "org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress",
                                       NULL, G_VARIANT_TYPE ("(s)"),
                                       start ? G_DBUS_CALL_FLAGS_NONE : G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                       5000, NULL, NULL);
  if (reply == NULL)
    return TRUE;
  g_variant_get (reply, "(&s)", &address);
  return address[0] == '\0' || fp_dbus_plan_add_a11y (plan, address, error);
}

/* The document portal's mount point, as the profile's "documents" asks:
 * "off" never looks, "required" fails without it, "optional" says once
 * why there are no documents and goes on. No session bus at all is no
 * news worth a warning under "optional": then no portal works. `bus` is
 * the session bus, or NULL and why in `bus_error`. */
static gboolean
find_documents (const FpProfile *profile,
                GDBusConnection *bus,
                const GError    *bus_error,
                char           **mount_out,
                GError         **error)
{
  g_autoptr(GError) local_error = bus_error != NULL ? g_error_copy (bus_error) : NULL;
  gboolean required = profile->documents == FP_DOCUMENTS_REQUIRED;

  *mount_out = NULL;
  if (profile->documents == FP_DOCUMENTS_OFF)
    return TRUE;
  if (bus != NULL)
    *mount_out = fp_documents_get_mount_point (bus, &local_error);
  if (*mount_out != NULL)
    return TRUE;
  if (required)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "%s: \"documents\": \"required\", but the document portal is not available: %s",
                   profile->source_path ? profile->source_path : profile->app_id,
                   local_error ? local_error->message : "there is no session bus (DBUS_SESSION_BUS_ADDRESS is unset)");
      return FALSE;
    }
  if (local_error != NULL)
    g_printerr ("fauxpak: no documents for %s: the document portal is not available (%s); "
                "files chosen through portals will not be visible in the sandbox\n",
                profile->app_id, local_error->message);
  return TRUE;
}

/* One @@ or @@u argument: the host path it names, or NULL when it is no
 * local file (a URI of another scheme), to be passed as it is. */
static char *
forwarded_path (const char *arg, gboolean as_uri, GError **error)
{
  g_autoptr(GFile) file = NULL;
  char *path;

  if (!as_uri)
    return g_canonicalize_filename (arg, NULL);
  if (g_path_is_absolute (arg))
    return g_canonicalize_filename (arg, NULL);
  if (!g_str_has_prefix (arg, "file:"))
    return NULL;
  file = g_file_new_for_uri (arg);
  path = g_file_get_path (file);
  if (path == NULL)
    g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                 "@@u %s: not a local file URI", arg);
  return path;
}

/* `flatpak run --file-forwarding`: between @@ and @@ each argument is a
 * file, between @@u and @@ a URI or path. A file the sandbox does not see
 * is exported to the app through the document portal and replaced by its
 * path in the sandbox ($XDG_RUNTIME_DIR/doc/<id>/<name>), or that path's
 * URI after @@u; what the sandbox sees stays as it is. The markers go. */
static GStrv
forward_files (const FpSandboxSpec *spec,
               GDBusConnection     *bus,
               const char *const   *args,
               GError             **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FpSandboxView) view = NULL;
  g_autofree char *runtime_dir = fp_sandbox_runtime_dir ();
  g_autofree char *doc_dir = g_build_filename (runtime_dir, "doc", NULL);
  gboolean forwarding = FALSE;
  gboolean as_uri = FALSE;
  gboolean warned = FALSE;

  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    {
      const char *arg = args[i];
      g_autofree char *path = NULL;
      g_autofree char *doc_id = NULL;
      g_autofree char *basename = NULL;
      g_autofree char *inside = NULL;
      GError *local_error = NULL;

      if (g_str_equal (arg, "@@") || g_str_equal (arg, "@@u"))
        {
          forwarding = !forwarding;
          as_uri = g_str_equal (arg, "@@u");
          continue;
        }
      if (!forwarding || (path = forwarded_path (arg, as_uri, &local_error)) == NULL)
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, local_error);
              return NULL;
            }
          g_ptr_array_add (result, g_strdup (arg));
          continue;
        }
      if (view == NULL && (view = fp_sandbox_view_new (spec, error)) == NULL)
        return NULL;
      if (fp_sandbox_view_shows (view, path))
        {
          g_ptr_array_add (result, g_strdup (arg));
          continue;
        }
      if (spec->documents_mount == NULL)
        {
          /* As flatpak does: the app gets the name and cannot open it,
           * which is what it would get without forwarding. */
          if (!warned)
            g_printerr ("fauxpak: --file-forwarding: %s; files the sandbox does not see are passed unchanged\n",
                        spec->profile->documents == FP_DOCUMENTS_OFF ? "the profile turns documents off"
                                                                     : "the document portal is not available");
          warned = TRUE;
          g_ptr_array_add (result, g_strdup (arg));
          continue;
        }
      doc_id = fp_documents_export (bus, path, spec->profile->app_id, error);
      if (doc_id == NULL)
        return NULL;
      basename = g_path_get_basename (path);
      inside = g_build_filename (doc_dir, doc_id, basename, NULL);
      g_ptr_array_add (result, as_uri ? g_filename_to_uri (inside, NULL, NULL) : g_steal_pointer (&inside));
    }
  g_ptr_array_add (result, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&result), FALSE);
}

gboolean
fp_run_describe_dbus_proxy (const FpProfile     *profile,
                            const FpRunOptions  *options,
                            FpBwrap            **proxy,
                            GError             **error)
{
  g_autoptr(FpDbusPlan) dbus = NULL;
  g_autoptr(GDBusConnection) session_bus = NULL;
  g_autoptr(GKeyFile) keyfile = NULL;
  g_autoptr(GBytes) info_bytes = NULL;
  g_autofree char *bwrap_path = NULL;

  *proxy = NULL;
  if (!fp_instance_check_runtime_dir (error))
    return FALSE;
  dbus = plan_dbus_without_instance (profile, options, error);
  session_bus = fp_connect_session_bus (NULL);
  if (dbus == NULL || !add_a11y_bus (session_bus, dbus, TRUE, error))
    return FALSE;
  if (!fp_dbus_plan_needs_proxy (dbus))
    return TRUE;
  bwrap_path = find_bwrap (error);
  if (bwrap_path == NULL)
    return FALSE;
  keyfile = make_flatpak_info (profile, NULL);
  info_bytes = fp_flatpak_info_to_bytes (keyfile);
  *proxy = fp_dbus_proxy_command (dbus, bwrap_path, info_bytes, -1, error);
  return *proxy != NULL;
}

/* What every sandbox of this launch is built from; a launch adds its
 * fds and instance. */
static void
spec_init (FpSandboxSpec *spec, const FpProfile *profile, const char *const *args,
           GBytes *info_bytes, const FpDbusPlan *dbus, const char *documents_mount, gboolean dry_run)
{
  *spec = (FpSandboxSpec) {
    .profile = profile,
    .flatpak_info = info_bytes,
    .info_fd = -1,
    .args = args,
    .session_bus_socket = dbus->session_socket,
    .system_bus_socket = dbus->system_socket,
    .host_bus_sockets = dbus->host_bus_sockets,
    .documents_mount = documents_mount,
    .dry_run = dry_run,
  };
}

gboolean
fp_run_describe (const FpProfile    *profile,
                 const char *const  *args,
                 GKeyFile          **flatpak_info,
                 char              **mounts_out,
                 FpBwrap           **bwrap_out,
                 GError            **error)
{
  g_autofree char *bwrap_path = NULL;
  g_autoptr(GKeyFile) keyfile = NULL;
  g_autoptr(GBytes) info_bytes = NULL;
  g_autoptr(FpBwrap) bwrap = NULL;
  g_autoptr(FpDbusPlan) dbus = NULL;
  g_autofree char *documents_mount = NULL;
  g_autoptr(GDBusConnection) session_bus = NULL;
  g_auto(FpAppDirs) app_dirs = { 0 };
  FpSandboxSpec spec = { 0 };

  if (!fp_instance_check_runtime_dir (error))
    return FALSE;
  dbus = plan_dbus_without_instance (profile, NULL, error);
  if (dbus == NULL)
    return FALSE;
  keyfile = make_flatpak_info (profile, NULL);
  info_bytes = fp_flatpak_info_to_bytes (keyfile);
  /* Documents only if the portal runs already: asking one that does
   * not would start it, and a dry run changes nothing. */
  session_bus = fp_connect_session_bus (NULL);
  if (session_bus != NULL && profile->documents != FP_DOCUMENTS_OFF)
    documents_mount = fp_documents_get_mount_point_running (session_bus);
  if (!add_a11y_bus (session_bus, dbus, FALSE, error))
    return FALSE;
  spec_init (&spec, profile, args, info_bytes, dbus, documents_mount, TRUE);
  spec.a11y_socket = dbus->a11y_socket;
  if (!ensure_app_dirs (profile, FALSE, &app_dirs, error))
    return FALSE;
  spec.app_dirs = &app_dirs;
  /* What a person reviews before the first run: every mount and where it
   * comes from, checked as a launch checks it. */
  {
    g_autoptr(FpSandboxView) view = fp_sandbox_view_new (&spec, error);

    if (view == NULL)
      return FALSE;
    if (mounts_out != NULL)
      *mounts_out = fp_sandbox_view_describe (view);
  }
  if (bwrap_out != NULL)
    {
      bwrap_path = find_bwrap (error);
      if (bwrap_path == NULL)
        return FALSE;
      bwrap = fp_bwrap_new (bwrap_path);
      if (!fp_sandbox_build (&spec, bwrap, error))
        return FALSE;
      *bwrap_out = g_steal_pointer (&bwrap);
    }
  if (flatpak_info != NULL)
    *flatpak_info = g_steal_pointer (&keyfile);
  return TRUE;
}

/* Where the host file behind a sandbox path is: a raw bind's source for
 * what lies under its destination (the last such bind wins, as it is
 * mounted last), the same path otherwise. *via_bind says which. */
static char *
host_file_of (const FpProfile *profile, const char *path, gboolean *via_bind)
{
  GPtrArray *binds = profile->context->binds;

  *via_bind = FALSE;
  for (guint i = binds->len; i > 0; i--)
    {
      const FpBind *bind = g_ptr_array_index (binds, i - 1);
      gsize length = strlen (bind->dest);

      if (!g_str_has_prefix (path, bind->dest) || (path[length] != '\0' && path[length] != '/'))
        continue;
      *via_bind = TRUE;
      if (bind->kind == FP_BIND_TMPFS)
        return NULL;  /* nothing in an empty tmpfs */
      return g_strconcat (bind->source, path + length, NULL);
    }
  return g_strdup (path);
}

static gboolean
is_program (const char *host_file)
{
  return host_file != NULL && g_file_test (host_file, G_FILE_TEST_IS_EXECUTABLE) &&
         !g_file_test (host_file, G_FILE_TEST_IS_DIR);
}

/* The program a launch would run, as bwrap's execvp will look for it: a
 * path as it is, a bare name in the sandbox's PATH (the profile's, or
 * ours, which the sandbox inherits). Returns its host file, or NULL. */
static char *
find_program (const FpProfile *profile, gboolean *via_bind)
{
  const char *program = profile->command[0];
  const char *path;
  g_auto(GStrv) dirs = NULL;

  if (strchr (program, '/') != NULL)
    {
      g_autofree char *absolute = g_canonicalize_filename (program, NULL);
      g_autofree char *host_file = host_file_of (profile, absolute, via_bind);

      return is_program (host_file) ? g_steal_pointer (&host_file) : NULL;
    }
  if (g_hash_table_contains (profile->context->env, "PATH"))
    path = g_hash_table_lookup (profile->context->env, "PATH");
  else
    path = g_getenv ("PATH");
  dirs = g_strsplit (path ? path : "/usr/local/bin:/usr/bin:/bin", ":", -1);
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *candidate = NULL;
      g_autofree char *host_file = NULL;

      if (!g_path_is_absolute (dirs[i]))
        continue;
      candidate = g_build_filename (dirs[i], program, NULL);
      host_file = host_file_of (profile, candidate, via_bind);
      if (is_program (host_file))
        return g_steal_pointer (&host_file);
    }
  return NULL;
}

static FpSandboxView *dry_view (const FpProfile *profile, const char *const *args,
                                 FpResolver *resolver, gboolean checks_only, GError **error);

/* A program that is missing, or that the sandbox would not see, is
 * refused before anything is created, with its name, rather than by
 * bubblewrap's execvp once the sandbox is half built; and so is a grant
 * the sandbox would refuse. One dry view answers both. */
static gboolean
check_program_and_grants (const FpProfile *profile, const char *const *args,
                          FpResolver *resolver, GError **error)
{
  gboolean via_bind = FALSE;
  g_autofree char *program = find_program (profile, &via_bind);
  g_autofree char *resolved = NULL;
  g_autoptr(FpSandboxView) view = NULL;

  if (program == NULL)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_NOT_FOUND,
                   strchr (profile->command[0], '/') ? "program %s does not exist or is not executable"
                                                     : "program %s not found in PATH",
                   profile->command[0]);
      return FALSE;
    }
  view = dry_view (profile, args, resolver, TRUE, error);
  if (view == NULL)
    return FALSE;
  /* A bind puts it there; otherwise the file itself must be seen (/bin/sh
   * is /usr/bin/dash through the sandbox's own /bin link). */
  if (via_bind)
    return TRUE;
  resolved = realpath (program, NULL);
  if (resolved == NULL || !fp_sandbox_view_shows (view, resolved))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_NOT_FOUND,
                   "program %s is not visible inside the sandbox; grant it with --filesystem=%s:ro "
                   "or put it in the profile's \"runtime\" paths", program, program);
      return FALSE;
    }
  return TRUE;
}

static void
print_argv (const char *what, GPtrArray *argv)
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; i < argv->len && g_ptr_array_index (argv, i) != NULL; i++)
    {
      g_autofree char *quoted = g_shell_quote (g_ptr_array_index (argv, i));

      g_string_append_printf (line, " %s", quoted);
    }
  g_printerr ("fauxpak: %s:%s\n", what, line->str);
}

/* --verbose: the sandbox as bubblewrap builds it, one option and its
 * values a line in the order they apply (each mount a grant made), then
 * the command. */
static void
print_bwrap_verbose (GPtrArray *argv)
{
  g_autoptr(GString) line = g_string_new (NULL);
  gboolean command = FALSE;

  g_printerr ("fauxpak: bubblewrap: %s\n", (char *) g_ptr_array_index (argv, 0));
  for (guint i = 1; i < argv->len && g_ptr_array_index (argv, i) != NULL; i++)
    {
      const char *arg = g_ptr_array_index (argv, i);
      g_autofree char *quoted = g_shell_quote (arg);

      if (!command && g_str_has_prefix (arg, "--") && line->len > 0)
        {
          g_printerr ("fauxpak:   %s\n", line->str);
          g_string_truncate (line, 0);
        }
      if (!command && g_str_equal (arg, "--"))
        {
          command = TRUE;
          continue;
        }
      g_string_append_printf (line, "%s%s", line->len ? " " : "", command ? quoted : arg);
    }
  g_printerr ("fauxpak:   %s%s\n", command ? "command: " : "", line->str);
}

/* --verbose: what the launch grants, as the sandbox's .flatpak-info
 * says it, and the command lines that make it. */
static void
print_verbose_permissions (GKeyFile *keyfile)
{
  g_autofree char *data = g_key_file_to_data (keyfile, NULL, NULL);
  g_auto(GStrv) lines = g_strsplit (data, "\n", -1);

  g_printerr ("fauxpak: the sandbox's permissions (its /.flatpak-info):\n");
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_printerr ("fauxpak:   %s\n", lines[i]);
}

/* The sandbox a launch would build, worked out and thrown away: what
 * fp_sandbox_build would refuse (a grant that shows a bus socket, a raw
 * bind of /) is refused by this, which changes nothing on the host. No
 * documents: the document portal may be waiting on the answer, and a
 * document is no host path anyway. */
static FpSandboxView *
dry_view (const FpProfile *profile, const char *const *args, FpResolver *resolver,
          gboolean checks_only, GError **error)
{
  g_autoptr(FpDbusPlan) dbus = plan_dbus_without_instance (profile, NULL, error);
  g_autoptr(GKeyFile) keyfile = NULL;
  g_autoptr(GBytes) info_bytes = NULL;
  FpSandboxSpec spec = { 0 };

  if (dbus == NULL)
    return NULL;
  keyfile = make_flatpak_info (profile, NULL);
  info_bytes = fp_flatpak_info_to_bytes (keyfile);
  spec_init (&spec, profile, args, info_bytes, dbus, NULL, TRUE);
  spec.resolver = resolver;
  spec.checks_only = checks_only;
  return fp_sandbox_view_new (&spec, error);
}

gboolean
fp_run_file_access (const FpProfile  *profile,
                    const char       *path,
                    FpSandboxAccess  *access,
                    GError          **error)
{
  g_autoptr(FpSandboxView) view = dry_view (profile, NULL, NULL, FALSE, error);

  if (view == NULL)
    return FALSE;
  *access = fp_sandbox_view_access (view, path);
  return TRUE;
}

/* bwrap's --die-with-parent only takes effect once bwrap runs; a parent
 * that died before then would leave an orphan sandbox. The death signal
 * set here survives the exec (bwrap is not setuid), and a parent already
 * gone is caught by its pid having changed. */
static gboolean
die_with_launcher (pid_t launcher_parent, GError **error)
{
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid () != launcher_parent)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "the process that started fauxpak has exited; not starting an orphan sandbox");
      return FALSE;
    }
  return TRUE;
}

gboolean
fp_run_exec (const FpProfile     *profile,
             const char *const   *args,
             const FpRunOptions  *options,
             GError             **error)
{
  pid_t launcher_parent = getppid ();
  static const FpRunOptions no_options = { 0 };
  g_autoptr(FpDbusPlan) dbus = NULL;
  g_autoptr(FpDbusProxy) proxy = NULL;
  g_autoptr(GDBusConnection) session_bus = NULL;
  g_autoptr(GError) session_bus_error = NULL;
  g_autofree char *documents_mount = NULL;
  g_auto(GStrv) forwarded_args = NULL;
  FpDbusLogging logging;
  g_autofree char *bwrap_path = NULL;
  g_autoptr(FpInstance) instance = NULL;
  g_autoptr(GKeyFile) keyfile = NULL;
  g_autoptr(GBytes) info_bytes = NULL;
  g_autoptr(FpBwrap) bwrap = NULL;
  g_autofree char *instance_ref = NULL;
  g_autofree char *closure_dir = NULL;
  g_autoptr(FpClosure) closure = fp_closure_new ();
  g_auto(FpAppDirs) app_dirs = { 0 };
  /* The checks before the launch and the launch's own build judge the
   * same real paths, each resolved once (a closure's hundreds). */
  g_autoptr(FpResolver) resolver = fp_resolver_new ();
  FpSandboxSpec spec = { 0 };
  int info_fd;

  if (options == NULL)
    options = &no_options;
  logging = (FpDbusLogging) { options->log_session_bus, options->log_system_bus };
  if (!fp_profile_validate (profile, error) || !fp_instance_check_runtime_dir (error))
    return FALSE;
  bwrap_path = find_bwrap (error);
  if (bwrap_path == NULL)
    return FALSE;
  /* Before the first thread; then the walks of the host, the longest
   * part of a layout, go on while the rest is prepared. */
  if (!fp_closure_enter_early (closure, (const char *const *) profile->runtime_paths, bwrap_path, error))
    return FALSE;
  fp_sandbox_prefetch ();
  /* Refused grants refuse before anything is made: no instance, no
   * proxy, no :create directory. */
  if (!check_program_and_grants (profile, args, resolver, error))
    return FALSE;

  fp_instance_collect_garbage ();
  instance = fp_instance_allocate (error);
  if (instance == NULL)
    return FALSE;

  /* The proxy's sockets live in the instance directory: garbage
   * collection removes them with it once the sandbox is gone. */
  dbus = fp_dbus_plan_new (profile, instance->dir, &logging, error);
  if (dbus == NULL)
    goto fail;
  /* One connection for every question a launch asks the session. */
  session_bus = fp_connect_session_bus (&session_bus_error);
  if (!add_a11y_bus (session_bus, dbus, TRUE, error))
    goto fail;
  keyfile = make_flatpak_info (profile, instance->id);
  info_bytes = fp_flatpak_info_to_bytes (keyfile);
  if (!fp_instance_write_info (instance, info_bytes, error))
    goto fail;
  if (options->verbose)
    {
      print_verbose_permissions (keyfile);
      if (fp_dbus_plan_needs_proxy (dbus))
        print_argv ("xdg-dbus-proxy arguments (in a bwrap of its own)", dbus->proxy_args);
    }
  /* The proxy comes up (a bwrap of its own) while we ask the document
   * portal and build the sandbox's arguments. */
  if (fp_dbus_plan_needs_proxy (dbus))
    {
      proxy = fp_dbus_proxy_spawn (dbus, bwrap_path, info_bytes, error);
      if (proxy == NULL)
        goto fail;
    }
  if (!find_documents (profile, session_bus, session_bus_error, &documents_mount, error))
    goto fail;

  bwrap = fp_bwrap_new (bwrap_path);
  /* bwrap writes bwrapinfo.json (the real child pid) before it lets the
   * child run, so the app cannot reach a portal before the file is whole. */
  info_fd = fp_instance_open_bwrapinfo (instance, error);
  if (info_fd < 0)
    goto fail;
  fp_bwrap_take_fd (bwrap, info_fd);

  spec_init (&spec, profile, args, info_bytes, dbus, documents_mount, FALSE);
  spec.info_fd = info_fd;
  spec.a11y_socket = dbus->a11y_socket;
  spec.instance_ref = instance_ref = g_build_filename (instance->dir, ".ref", NULL);
  spec.cwd = options->cwd;
  spec.closure = closure;
  if (!ensure_app_dirs (profile, TRUE, &app_dirs, error))
    goto fail;
  spec.app_dirs = &app_dirs;
  spec.resolver = resolver;
  spec.outlive_launcher = options->outlive_launcher;
  if (options->file_forwarding)
    {
      forwarded_args = forward_files (&spec, session_bus, args, error);
      if (forwarded_args == NULL)
        goto fail;
      spec.args = (const char *const *) forwarded_args;
    }
  /* The sandbox's arguments are built while the proxy comes up; its
   * sync fd is named in them, and still the proxy's until it is ready. */
  if (proxy != NULL)
    {
      spec.sync_fd = fp_dbus_proxy_peek_sync_fd (proxy);
      spec.session_bus_proxied = dbus->session_proxied;
      spec.system_bus_proxied = dbus->system_proxied;
    }
  if (!fp_sandbox_build (&spec, bwrap, error))
    goto fail;
  if (options->verbose)
    print_bwrap_verbose (bwrap->argv);
  /* No app without its filtered bus. Once the sync fd is the sandbox's,
   * a failure below drops it and the proxy exits on its own. */
  if (proxy != NULL)
    {
      int sync_fd = fp_dbus_proxy_wait_ready (proxy, error);

      if (sync_fd < 0)
        goto fail;
      fp_bwrap_take_fd (bwrap, sync_fd);
    }

  /* After exec, bwrap is this pid. Our lock on .ref goes with the exec
   * (close-on-exec: the app must not inherit an fd to a host file); until
   * the sandbox takes its own (--lock-file), garbage collection spares the
   * instance because the pid written here is alive. */
  if (!fp_instance_write_pid (instance, getpid (), error))
    goto fail;
  if (!options->outlive_launcher && !die_with_launcher (launcher_parent, error))
    goto fail;
  /* Last, as it may leave the host's mount namespace for one of ours. */
  closure_dir = g_build_filename (instance->dir, "closure", NULL);
  if (!fp_closure_apply (closure, bwrap, closure_dir, error))
    goto fail;
  if (!fp_bwrap_exec (bwrap, error))
    goto fail;
  g_assert_not_reached ();

fail:
  fp_instance_discard (instance);
  return FALSE;
}
