#include "fp-run.h"
#include "fp-error.h"
#include "fp-flatpak-info.h"
#include "fp-instance.h"
#include "fp-sandbox.h"

#include <gio/gio.h>
#include <string.h>
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

static char *
session_bus_socket (const FpProfile *profile)
{
  const char *address = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
  const char *prefix = "unix:path=";

  if (!fp_context_has (profile->context, FP_FLAGS_SOCKETS, FP_SOCKET_SESSION_BUS) ||
      address == NULL || !g_str_has_prefix (address, prefix))
    return NULL;
  return g_strndup (address + strlen (prefix), strcspn (address + strlen (prefix), ","));
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
    .runtime_path = profile->runtime == FP_RUNTIME_HOST ? "/usr" : "",
  };

  return fp_flatpak_info_new (profile, &facts);
}

gboolean
fp_run_describe (const FpProfile    *profile,
                 const char *const  *args,
                 GKeyFile          **flatpak_info,
                 FpBwrap           **bwrap_out,
                 GError            **error)
{
  g_autofree char *bwrap_path = NULL;
  g_autoptr(GKeyFile) keyfile = NULL;
  g_autoptr(GBytes) info_bytes = NULL;
  g_autoptr(FpBwrap) bwrap = NULL;
  g_autofree char *bus = NULL;

  if (!fp_profile_validate (profile, error))
    return FALSE;
  keyfile = make_flatpak_info (profile, NULL);
  if (bwrap_out != NULL)
    {
      FpSandboxSpec spec = { 0 };

      bwrap_path = find_bwrap (error);
      if (bwrap_path == NULL)
        return FALSE;
      bwrap = fp_bwrap_new (bwrap_path);
      info_bytes = fp_flatpak_info_to_bytes (keyfile);
      bus = session_bus_socket (profile);
      spec.profile = profile;
      spec.flatpak_info = info_bytes;
      spec.info_fd = -1;
      spec.args = args;
      spec.session_bus_socket = bus;
      spec.dry_run = TRUE;
      if (!fp_sandbox_build (&spec, bwrap, error))
        return FALSE;
      *bwrap_out = g_steal_pointer (&bwrap);
    }
  if (flatpak_info != NULL)
    *flatpak_info = g_steal_pointer (&keyfile);
  return TRUE;
}

gboolean
fp_run_exec (const FpProfile    *profile,
             const char *const  *args,
             GError            **error)
{
  g_autofree char *bwrap_path = NULL;
  g_autoptr(FpInstance) instance = NULL;
  g_autoptr(GKeyFile) keyfile = NULL;
  g_autoptr(GBytes) info_bytes = NULL;
  g_autoptr(FpBwrap) bwrap = NULL;
  g_autofree char *bus = NULL;
  g_autofree char *instance_ref = NULL;
  FpSandboxSpec spec = { 0 };
  int info_fd;

  if (!fp_profile_validate (profile, error))
    return FALSE;
  bwrap_path = find_bwrap (error);
  if (bwrap_path == NULL)
    return FALSE;

  fp_instance_collect_garbage ();
  instance = fp_instance_allocate (error);
  if (instance == NULL)
    return FALSE;

  keyfile = make_flatpak_info (profile, instance->id);
  info_bytes = fp_flatpak_info_to_bytes (keyfile);
  if (!fp_instance_write_info (instance, info_bytes, error))
    goto fail;

  bwrap = fp_bwrap_new (bwrap_path);
  /* bwrap writes bwrapinfo.json (the real child pid) before it lets the
   * child run, so the app cannot reach a portal before the file is whole. */
  info_fd = fp_instance_open_bwrapinfo (instance, error);
  if (info_fd < 0)
    goto fail;
  fp_bwrap_take_fd (bwrap, info_fd);

  bus = session_bus_socket (profile);
  spec.profile = profile;
  spec.flatpak_info = info_bytes;
  spec.info_fd = info_fd;
  spec.args = args;
  spec.session_bus_socket = bus;
  spec.instance_ref = instance_ref = g_build_filename (instance->dir, ".ref", NULL);
  if (!fp_sandbox_build (&spec, bwrap, error))
    goto fail;

  /* After exec, bwrap is this pid. Our lock on .ref lasts until bwrap's
   * monitor closes inherited fds; by then the sandbox holds its own
   * (--lock-file), and garbage collection spares an instance whose pid is
   * alive, so there is no moment at which it looks dead. */
  if (!fp_instance_write_pid (instance, getpid (), error))
    goto fail;
  fp_bwrap_take_fd (bwrap, instance->lock_fd);
  instance->lock_fd = -1;
  if (!fp_bwrap_exec (bwrap, error))
    goto fail;
  g_assert_not_reached ();

fail:
  fp_instance_discard (instance);
  return FALSE;
}
