#include "fp-sandbox.h"
#include "fp-error.h"
#include "fp-expand.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Parts of the host's /etc that programs expect; each is optional. */
static const char *const host_etc_files[] = {
  "alternatives", "ca-certificates", "ca-certificates.conf", "fonts", "group",
  "host.conf", "hosts", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "locale.alias",
  "locale.conf", "localtime", "machine-id", "mime.types", "nsswitch.conf",
  "os-release", "passwd", "pki", "resolv.conf", "ssl", "timezone", "xdg",
  "gtk-2.0", "gtk-3.0", "dconf", "pulse", "vulkan", "glvnd", "drirc", NULL
};

/* Top-level directories the runtime or the sandbox itself provides; a
 * filesystem grant may not replace them (Flatpak reserves them too). */
static const char *const reserved_paths[] = {
  "/.flatpak-info", "/app", "/bin", "/dev", "/etc", "/lib", "/lib32", "/lib64",
  "/libx32", "/proc", "/run/flatpak", "/run/host", "/sbin", "/sys", "/usr", NULL
};

/* Host top-level entries `--filesystem=host` does not carry over. */
static const char *const host_grant_excluded[] = {
  ".flatpak-info", "app", "bin", "boot", "dev", "etc", "lib", "lib32", "lib64",
  "libx32", "lost+found", "proc", "run", "sbin", "sys", "tmp", "usr", NULL
};

typedef enum {
  MOUNT_DIR,
  MOUNT_TMPFS,
  MOUNT_BIND,
  MOUNT_RO_BIND,
  MOUNT_DEV_BIND,
  MOUNT_SYMLINK,
} MountOp;

typedef struct {
  MountOp op;
  char *source;  /* symlink target for MOUNT_SYMLINK */
  char *dest;
  gboolean optional;
} Mount;

typedef struct {
  const FpSandboxSpec *spec;
  FpBwrap *bwrap;
  const FpContext *context;
  char *home;
  char *sandbox_runtime_dir;
  const char *host_runtime_dir;
  GPtrArray *mounts;   /* Mount*, sorted by destination before use */
} Builder;

static void
mount_free (Mount *mount)
{
  g_free (mount->source);
  g_free (mount->dest);
  g_free (mount);
}

static void
add_mount (Builder *b, MountOp op, const char *source, const char *dest, gboolean optional)
{
  Mount *mount = g_new0 (Mount, 1);

  mount->op = op;
  mount->source = g_strdup (source);
  mount->dest = g_canonicalize_filename (dest, "/");
  mount->optional = optional;
  g_ptr_array_add (b->mounts, mount);
}

char *
fp_sandbox_runtime_dir (void)
{
  return g_strdup_printf ("/run/user/%u", (unsigned) getuid ());
}

char *
fp_sandbox_app_data_dir (const char *app_id)
{
  return g_build_filename (g_get_home_dir (), ".var", "app", app_id, NULL);
}

static gboolean
path_is_under (const char *path, const char *prefix)
{
  gsize len = strlen (prefix);

  if (g_str_equal (prefix, "/"))
    return TRUE;
  return strncmp (path, prefix, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

static gboolean
is_reserved (const char *path)
{
  for (guint i = 0; reserved_paths[i] != NULL; i++)
    if (path_is_under (path, reserved_paths[i]))
      return TRUE;
  return g_str_equal (path, "/");
}

static void
add_namespaces (Builder *b)
{
  fp_bwrap_add_args (b->bwrap, "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try",
                     "--die-with-parent", NULL);
  if (!fp_context_has (b->context, FP_FLAGS_SHARED, FP_SHARE_NETWORK))
    fp_bwrap_add_arg (b->bwrap, "--unshare-net");
  if (!fp_context_has (b->context, FP_FLAGS_SHARED, FP_SHARE_IPC))
    fp_bwrap_add_arg (b->bwrap, "--unshare-ipc");
}

static void
add_base_filesystem (Builder *b)
{
  fp_bwrap_add_args (b->bwrap, "--proc", "/proc", NULL);
  if (fp_context_has (b->context, FP_FLAGS_DEVICES, FP_DEVICE_ALL))
    fp_bwrap_add_args (b->bwrap, "--dev-bind", "/dev", "/dev", NULL);
  else
    fp_bwrap_add_args (b->bwrap, "--dev", "/dev", NULL);
  fp_bwrap_add_args (b->bwrap, "--tmpfs", "/tmp", "--dir", "/var", "--symlink", "../tmp", "/var/tmp",
                     "--dir", "/run", NULL);
}

static void
add_host_etc (Builder *b)
{
  fp_bwrap_add_args (b->bwrap, "--dir", "/etc", NULL);
  for (guint i = 0; host_etc_files[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename ("/etc", host_etc_files[i], NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        fp_bwrap_add_args (b->bwrap, "--ro-bind-try", path, path, NULL);
    }
}

/* The host as runtime: /usr read-only and the merged-/usr links (or real
 * directories on hosts that still have them), as the host has them. */
static void
add_host_runtime (Builder *b)
{
  static const char *const top_level[] = { "bin", "sbin", "lib", "lib32", "lib64", "libx32", NULL };

  fp_bwrap_add_args (b->bwrap, "--ro-bind", "/usr", "/usr", NULL);
  for (guint i = 0; top_level[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename ("/", top_level[i], NULL);
      g_autofree char *target = g_file_read_link (path, NULL);

      if (target != NULL)
        fp_bwrap_add_args (b->bwrap, "--symlink", target, path, NULL);
      else if (g_file_test (path, G_FILE_TEST_IS_DIR))
        fp_bwrap_add_args (b->bwrap, "--ro-bind", path, path, NULL);
    }
  if (g_file_test ("/nix/store", G_FILE_TEST_IS_DIR))
    fp_bwrap_add_args (b->bwrap, "--ro-bind", "/nix/store", "/nix/store", NULL);
  /* NixOS keeps the system profile and setuid wrappers here. */
  if (g_file_test ("/run/current-system", G_FILE_TEST_EXISTS))
    fp_bwrap_add_args (b->bwrap, "--ro-bind-try", "/run/current-system", "/run/current-system", NULL);
}

static gboolean
add_runtime (Builder *b, GError **error)
{
  const FpProfile *profile = b->spec->profile;

  if (profile->runtime == FP_RUNTIME_HOST)
    add_host_runtime (b);
  else
    for (guint i = 0; profile->runtime_paths[i] != NULL; i++)
      {
        const char *path = profile->runtime_paths[i];

        if (!g_file_test (path, G_FILE_TEST_EXISTS))
          {
            g_set_error (error, FP_ERROR, FP_ERROR_MISSING_SOURCE,
                         "%s: runtime path %s does not exist",
                         profile->source_path ? profile->source_path : "profile", path);
            return FALSE;
          }
        fp_bwrap_add_args (b->bwrap, "--ro-bind", path, path, NULL);
      }
  if (profile->runtime_host_etc)
    add_host_etc (b);
  return TRUE;
}

/* bwrap's monitor closes inherited fds, so the launcher's lock cannot
 * outlive the exec; the sandbox's init takes its own through --lock-file
 * and holds it until the last process inside is gone. */
static void
add_instance_lock (Builder *b)
{
  if (b->spec->instance_ref == NULL)
    return;
  fp_bwrap_add_args (b->bwrap, "--ro-bind", b->spec->instance_ref, "/run/flatpak/.ref",
                     "--lock-file", "/run/flatpak/.ref", NULL);
}

static gboolean
add_flatpak_info (Builder *b, GError **error)
{
  g_autofree char *link = g_build_filename (b->sandbox_runtime_dir, "flatpak-info", NULL);

  if (!fp_bwrap_add_data (b->bwrap, "--ro-bind-data", "flatpak-info",
                          b->spec->flatpak_info, "/.flatpak-info", error))
    return FALSE;
  add_mount (b, MOUNT_SYMLINK, "../../../.flatpak-info", link, FALSE);
  return TRUE;
}

static gboolean
ensure_host_dir (Builder *b, const char *path, GError **error)
{
  if (b->spec->dry_run)
    return TRUE;
  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot create %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* Home is an empty directory except for the app's own data, which
 * persists in ~/.var/app/<app-id> as under Flatpak. */
static gboolean
add_home_and_app_data (Builder *b, GError **error)
{
  const char *app_id = b->spec->profile->app_id;
  g_autofree char *app_dir = fp_sandbox_app_data_dir (app_id);
  static const char *const subdirs[] = { "data", "config", "cache", ".local/state", NULL };
  static const char *const env_names[] = { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
                                           "XDG_STATE_HOME", NULL };
  g_autoptr(GPtrArray) persistent = fp_sorted_keys (b->context->persistent);

  add_mount (b, MOUNT_DIR, NULL, b->home, FALSE);
  for (guint i = 0; subdirs[i] != NULL; i++)
    {
      g_autofree char *dir = g_build_filename (app_dir, subdirs[i], NULL);

      if (!ensure_host_dir (b, dir, error))
        return FALSE;
      fp_bwrap_set_env (b->bwrap, env_names[i], dir);
    }
  add_mount (b, MOUNT_BIND, app_dir, app_dir, FALSE);

  for (guint i = 0; i < persistent->len; i++)
    {
      const char *name = g_ptr_array_index (persistent, i);
      g_autofree char *source = g_build_filename (app_dir, name, NULL);
      g_autofree char *dest = g_build_filename (b->home, name, NULL);

      if (!ensure_host_dir (b, source, error))
        return FALSE;
      add_mount (b, MOUNT_BIND, source, dest, FALSE);
    }
  return TRUE;
}

static char *
xdg_dir_for (const char *name)
{
  static const struct { const char *name; GUserDirectory dir; } special[] = {
    { "xdg-desktop", G_USER_DIRECTORY_DESKTOP },
    { "xdg-documents", G_USER_DIRECTORY_DOCUMENTS },
    { "xdg-download", G_USER_DIRECTORY_DOWNLOAD },
    { "xdg-music", G_USER_DIRECTORY_MUSIC },
    { "xdg-pictures", G_USER_DIRECTORY_PICTURES },
    { "xdg-public-share", G_USER_DIRECTORY_PUBLIC_SHARE },
    { "xdg-templates", G_USER_DIRECTORY_TEMPLATES },
    { "xdg-videos", G_USER_DIRECTORY_VIDEOS },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (special); i++)
    if (g_str_equal (special[i].name, name))
      {
        const char *dir = g_get_user_special_dir (special[i].dir);

        /* An unconfigured special dir is home itself: never grant that. */
        if (dir == NULL || g_str_equal (dir, g_get_home_dir ()))
          return NULL;
        return g_strdup (dir);
      }
  if (g_str_equal (name, "xdg-config"))
    return g_strdup (g_get_user_config_dir ());
  if (g_str_equal (name, "xdg-data"))
    return g_strdup (g_get_user_data_dir ());
  if (g_str_equal (name, "xdg-cache"))
    return g_strdup (g_get_user_cache_dir ());
  return NULL;
}

static void
add_filesystem_mount (Builder *b, const char *source, const char *dest, FpFilesystemMode mode)
{
  if (is_reserved (dest))
    {
      g_printerr ("fauxpak: not sharing %s with the sandbox: the path is reserved for the runtime\n", dest);
      return;
    }
  add_mount (b, mode == FP_FILESYSTEM_READ_ONLY ? MOUNT_RO_BIND : MOUNT_BIND, source, dest, FALSE);
}

static void
add_host_grant (Builder *b, FpFilesystemMode mode)
{
  g_autoptr(GDir) root = g_dir_open ("/", 0, NULL);
  const char *name;

  while (root != NULL && (name = g_dir_read_name (root)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/", name, NULL);

      if (g_strv_contains (host_grant_excluded, name) || !g_file_test (path, G_FILE_TEST_IS_DIR) ||
          g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      add_filesystem_mount (b, path, path, mode);
    }
  if (g_file_test ("/run/media", G_FILE_TEST_IS_DIR))
    add_filesystem_mount (b, "/run/media", "/run/media", mode);
}

/* Where a Flatpak filesystem entry is on the host and in the sandbox.
 * FALSE with no error means "nothing to share" (as Flatpak, silently). */
static gboolean
resolve_filesystem (Builder *b, const char *location, char **source, char **dest)
{
  g_autofree char *base = NULL;
  const char *rest = "";
  const char *slash;

  if (location[0] == '/')
    {
      *source = g_strdup (location);
      *dest = g_strdup (location);
      return TRUE;
    }
  if (location[0] == '~')
    {
      *source = fp_expand_home (location);
      *dest = g_strdup (*source);
      return TRUE;
    }
  if (g_str_equal (location, "home"))
    {
      *source = g_strdup (b->home);
      *dest = g_strdup (b->home);
      return TRUE;
    }

  slash = strchr (location, '/');
  base = slash ? g_strndup (location, slash - location) : g_strdup (location);
  if (slash)
    rest = slash + 1;

  if (g_str_equal (base, "xdg-run"))
    {
      *source = g_build_filename (b->host_runtime_dir, rest, NULL);
      *dest = g_build_filename (b->sandbox_runtime_dir, rest, NULL);
      return TRUE;
    }
  {
    g_autofree char *dir = xdg_dir_for (base);

    if (dir == NULL)
      return FALSE;
    *source = g_build_filename (dir, rest, NULL);
    *dest = g_strdup (*source);
  }
  return TRUE;
}

static gboolean
add_filesystems (Builder *b, GError **error)
{
  g_autoptr(GPtrArray) locations = fp_sorted_keys (b->context->filesystems);

  for (guint i = 0; i < locations->len; i++)
    {
      const char *location = g_ptr_array_index (locations, i);
      FpFilesystemMode mode = GPOINTER_TO_INT (g_hash_table_lookup (b->context->filesystems, location));
      g_autofree char *source = NULL;
      g_autofree char *dest = NULL;

      if (mode == FP_FILESYSTEM_NONE)
        continue;
      if (g_str_equal (location, "host"))
        {
          add_host_grant (b, mode);
          continue;
        }
      if (g_str_equal (location, "host-os") || g_str_equal (location, "host-etc"))
        {
          const char *host_path = g_str_equal (location, "host-os") ? "/usr" : "/etc";
          g_autofree char *sandbox_path = g_build_filename ("/run/host", host_path, NULL);

          fp_bwrap_add_args (b->bwrap, "--ro-bind", host_path, sandbox_path, NULL);
          continue;
        }
      if (!resolve_filesystem (b, location, &source, &dest))
        continue;
      if (mode == FP_FILESYSTEM_CREATE && !g_file_test (source, G_FILE_TEST_EXISTS) &&
          !ensure_host_dir (b, source, error))
        return FALSE;
      /* As in Flatpak, a grant of something absent is no error. */
      if (!g_file_test (source, G_FILE_TEST_EXISTS) && !(b->spec->dry_run && mode == FP_FILESYSTEM_CREATE))
        continue;
      add_filesystem_mount (b, source, dest, mode);
    }
  return TRUE;
}

static void
add_devices (Builder *b)
{
  static const struct { FpDevices device; const char *paths[4]; } devices[] = {
    { FP_DEVICE_DRI, { "/dev/dri", "/dev/mali", "/dev/mali0", "/dev/umplock" } },
    { FP_DEVICE_KVM, { "/dev/kvm" } },
    { FP_DEVICE_INPUT, { "/dev/input" } },
    { FP_DEVICE_USB, { "/dev/bus/usb" } },
    { FP_DEVICE_SHM, { "/dev/shm" } },
  };

  if (fp_context_has (b->context, FP_FLAGS_DEVICES, FP_DEVICE_ALL))
    return;
  for (gsize i = 0; i < G_N_ELEMENTS (devices); i++)
    {
      if (!fp_context_has (b->context, FP_FLAGS_DEVICES, devices[i].device))
        continue;
      for (gsize j = 0; j < G_N_ELEMENTS (devices[i].paths) && devices[i].paths[j] != NULL; j++)
        if (g_file_test (devices[i].paths[j], G_FILE_TEST_EXISTS))
          fp_bwrap_add_args (b->bwrap, "--dev-bind", devices[i].paths[j], devices[i].paths[j], NULL);
    }
  if (fp_context_has (b->context, FP_FLAGS_DEVICES, FP_DEVICE_DRI))
    {
      g_autoptr(GDir) dev = g_dir_open ("/dev", 0, NULL);
      const char *name;

      while (dev != NULL && (name = g_dir_read_name (dev)) != NULL)
        if (g_str_has_prefix (name, "nvidia"))
          {
            g_autofree char *path = g_build_filename ("/dev", name, NULL);
            fp_bwrap_add_args (b->bwrap, "--dev-bind", path, path, NULL);
          }
    }
}

/* A host socket, bound into the sandbox only when it is there. */
static gboolean
add_socket (Builder *b, const char *host_path, const char *sandbox_path)
{
  if (host_path == NULL || !g_file_test (host_path, G_FILE_TEST_EXISTS))
    return FALSE;
  add_mount (b, MOUNT_BIND, host_path, sandbox_path, FALSE);
  return TRUE;
}

static char *
unix_path_from_address (const char *address)
{
  const char *prefix = "unix:path=";
  const char *end;

  if (address == NULL || !g_str_has_prefix (address, prefix))
    return NULL;
  end = strchr (address, ',');
  return end ? g_strndup (address + strlen (prefix), end - address - strlen (prefix))
             : g_strdup (address + strlen (prefix));
}

static void
add_display_sockets (Builder *b)
{
  const FpContext *ctx = b->context;
  gboolean have_wayland = FALSE;
  const char *display = g_getenv ("DISPLAY");

  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_WAYLAND))
    {
      const char *name = g_getenv ("WAYLAND_DISPLAY");
      g_autofree char *host = NULL;
      g_autofree char *inside = g_build_filename (b->sandbox_runtime_dir, "wayland-0", NULL);

      if (name == NULL)
        name = "wayland-0";
      host = g_path_is_absolute (name) ? g_strdup (name) : g_build_filename (b->host_runtime_dir, name, NULL);
      if (add_socket (b, host, inside))
        {
          fp_bwrap_set_env (b->bwrap, "WAYLAND_DISPLAY", "wayland-0");
          have_wayland = TRUE;
        }
    }

  if ((fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_X11) ||
       (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_FALLBACK_X11) && !have_wayland)) &&
      display != NULL && display[0] == ':')
    {
      g_autofree char *number = g_strndup (display + 1, strcspn (display + 1, "."));
      g_autofree char *socket_name = g_strconcat ("X", number, NULL);
      g_autofree char *socket = g_build_filename ("/tmp/.X11-unix", socket_name, NULL);
      const char *xauthority = g_getenv ("XAUTHORITY");

      if (add_socket (b, socket, "/tmp/.X11-unix/X99"))
        {
          fp_bwrap_set_env (b->bwrap, "DISPLAY", ":99.0");
          if (xauthority != NULL && g_file_test (xauthority, G_FILE_TEST_IS_REGULAR))
            {
              g_autofree char *inside = g_build_filename (b->sandbox_runtime_dir, "Xauthority", NULL);

              add_mount (b, MOUNT_RO_BIND, xauthority, inside, FALSE);
              fp_bwrap_set_env (b->bwrap, "XAUTHORITY", inside);
            }
        }
    }
}

static void
add_sockets (Builder *b)
{
  const FpContext *ctx = b->context;
  const char *rt = b->host_runtime_dir;
  const char *srt = b->sandbox_runtime_dir;

  add_display_sockets (b);

  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_PULSEAUDIO))
    {
      g_autofree char *host = g_build_filename (rt, "pulse", "native", NULL);
      g_autofree char *inside = g_build_filename (srt, "pulse", "native", NULL);

      if (add_socket (b, host, inside))
        {
          g_autofree char *server = g_strconcat ("unix:", inside, NULL);
          fp_bwrap_set_env (b->bwrap, "PULSE_SERVER", server);
        }
    }
  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_PIPEWIRE))
    {
      g_autofree char *host = g_build_filename (rt, "pipewire-0", NULL);
      g_autofree char *inside = g_build_filename (srt, "pipewire-0", NULL);

      add_socket (b, host, inside);
    }
  if (b->spec->session_bus_socket != NULL)
    {
      g_autofree char *inside = g_build_filename (srt, "bus", NULL);
      g_autofree char *address = g_strconcat ("unix:path=", inside, NULL);

      if (add_socket (b, b->spec->session_bus_socket, inside))
        fp_bwrap_set_env (b->bwrap, "DBUS_SESSION_BUS_ADDRESS", address);
    }
  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_SYSTEM_BUS))
    {
      g_autofree char *host = unix_path_from_address (g_getenv ("DBUS_SYSTEM_BUS_ADDRESS"));

      if (add_socket (b, host ? host : "/run/dbus/system_bus_socket", "/run/dbus/system_bus_socket"))
        fp_bwrap_set_env (b->bwrap, "DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/run/dbus/system_bus_socket");
    }
  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_SSH_AUTH))
    {
      g_autofree char *inside = g_build_filename (srt, "ssh-auth", NULL);

      if (add_socket (b, g_getenv ("SSH_AUTH_SOCK"), inside))
        fp_bwrap_set_env (b->bwrap, "SSH_AUTH_SOCK", inside);
    }
  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_GPG_AGENT))
    {
      g_autofree char *host = g_build_filename (rt, "gnupg", NULL);
      g_autofree char *inside = g_build_filename (srt, "gnupg", NULL);

      add_socket (b, host, inside);
    }
  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_PCSC))
    add_socket (b, "/run/pcscd/pcscd.comm", "/run/pcscd/pcscd.comm");
  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_CUPS))
    add_socket (b, "/run/cups/cups.sock", "/run/cups/cups.sock");
}

static gboolean
add_raw_binds (Builder *b, GError **error)
{
  for (guint i = 0; i < b->context->binds->len; i++)
    {
      const FpBind *bind = g_ptr_array_index (b->context->binds, i);
      const char *option;

      if (bind->kind == FP_BIND_TMPFS)
        {
          fp_bwrap_add_args (b->bwrap, "--tmpfs", bind->dest, NULL);
          continue;
        }
      if (!g_file_test (bind->source, G_FILE_TEST_EXISTS))
        {
          if (bind->optional)
            continue;
          g_set_error (error, FP_ERROR, FP_ERROR_MISSING_SOURCE,
                       "bind source %s does not exist (mark the bind \"optional\" to skip it when missing)",
                       bind->source);
          return FALSE;
        }
      option = bind->kind == FP_BIND_RO ? "--ro-bind" :
               bind->kind == FP_BIND_DEV ? "--dev-bind" : "--bind";
      fp_bwrap_add_args (b->bwrap, option, bind->source, bind->dest, NULL);
    }
  return TRUE;
}

static int
compare_mounts (gconstpointer a, gconstpointer b)
{
  const Mount *ma = *(Mount *const *) a;
  const Mount *mb = *(Mount *const *) b;

  return strcmp (ma->dest, mb->dest);
}

/* Parents before children: sorting by destination does that, and the
 * sort is stable, so an empty home comes before a grant of home itself. */
static void
emit_mounts (Builder *b)
{
  g_ptr_array_sort (b->mounts, compare_mounts);
  for (guint i = 0; i < b->mounts->len; i++)
    {
      const Mount *m = g_ptr_array_index (b->mounts, i);

      switch (m->op)
        {
        case MOUNT_DIR:
          fp_bwrap_add_args (b->bwrap, "--dir", m->dest, NULL);
          break;
        case MOUNT_TMPFS:
          fp_bwrap_add_args (b->bwrap, "--tmpfs", m->dest, NULL);
          break;
        case MOUNT_BIND:
          fp_bwrap_add_args (b->bwrap, m->optional ? "--bind-try" : "--bind", m->source, m->dest, NULL);
          break;
        case MOUNT_RO_BIND:
          fp_bwrap_add_args (b->bwrap, m->optional ? "--ro-bind-try" : "--ro-bind", m->source, m->dest, NULL);
          break;
        case MOUNT_DEV_BIND:
          fp_bwrap_add_args (b->bwrap, m->optional ? "--dev-bind-try" : "--dev-bind", m->source, m->dest, NULL);
          break;
        case MOUNT_SYMLINK:
          fp_bwrap_add_args (b->bwrap, "--symlink", m->source, m->dest, NULL);
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

/* Variables that describe the host session; the sandbox gets its own
 * values, set above, only for what it was granted. */
static void
set_environment (Builder *b)
{
  static const char *const host_only[] = {
    "DBUS_SESSION_BUS_ADDRESS", "DBUS_SYSTEM_BUS_ADDRESS", "WAYLAND_DISPLAY", "DISPLAY",
    "XAUTHORITY", "PULSE_SERVER", "SSH_AUTH_SOCK", "XDG_RUNTIME_DIR", "XDG_SESSION_ID",
    "FLATPAK_ID", "container", NULL
  };
  g_autoptr(GPtrArray) names = fp_sorted_keys (b->context->env);

  for (guint i = 0; host_only[i] != NULL; i++)
    fp_bwrap_unset_env (b->bwrap, host_only[i]);
  fp_bwrap_set_env (b->bwrap, "FLATPAK_ID", b->spec->profile->app_id);
  fp_bwrap_set_env (b->bwrap, "container", "flatpak");
  fp_bwrap_set_env (b->bwrap, "XDG_RUNTIME_DIR", b->sandbox_runtime_dir);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      const char *value = g_hash_table_lookup (b->context->env, name);

      if (value == NULL)
        fp_bwrap_unset_env (b->bwrap, name);
      else
        fp_bwrap_set_env (b->bwrap, name, value);
    }
}

/* Like Flatpak, start in the current directory when the sandbox sees it
 * at the same path, and in home otherwise. */
static gboolean
cwd_is_shared (Builder *b, const char *cwd)
{
  for (guint i = 0; i < b->mounts->len; i++)
    {
      const Mount *m = g_ptr_array_index (b->mounts, i);

      if ((m->op == MOUNT_BIND || m->op == MOUNT_RO_BIND) && g_str_equal (m->source, m->dest) &&
          path_is_under (cwd, m->dest))
        return TRUE;
    }
  for (guint i = 0; i < b->context->binds->len; i++)
    {
      const FpBind *bind = g_ptr_array_index (b->context->binds, i);

      if (bind->kind != FP_BIND_TMPFS && g_str_equal (bind->source, bind->dest) &&
          path_is_under (cwd, bind->dest) && g_file_test (bind->source, G_FILE_TEST_EXISTS))
        return TRUE;
    }
  return FALSE;
}

gboolean
fp_sandbox_build (const FpSandboxSpec *spec,
                  FpBwrap             *bwrap,
                  GError             **error)
{
  Builder b = {
    .spec = spec,
    .bwrap = bwrap,
    .context = spec->profile->context,
    .home = g_canonicalize_filename (g_get_home_dir (), "/"),
    .sandbox_runtime_dir = fp_sandbox_runtime_dir (),
    .host_runtime_dir = g_get_user_runtime_dir (),
    .mounts = g_ptr_array_new_with_free_func ((GDestroyNotify) mount_free),
  };
  gboolean ok = FALSE;

  if (spec->info_fd >= 0)
    {
      g_autofree char *fd_text = g_strdup_printf ("%d", spec->info_fd);
      fp_bwrap_add_args (bwrap, "--info-fd", fd_text, NULL);
    }
  add_namespaces (&b);
  add_base_filesystem (&b);
  if (!add_runtime (&b, error))
    goto out;
  add_mount (&b, MOUNT_DIR, NULL, b.sandbox_runtime_dir, FALSE);
  if (!add_flatpak_info (&b, error))
    goto out;
  add_instance_lock (&b);
  if (!add_home_and_app_data (&b, error))
    goto out;
  if (!add_filesystems (&b, error))
    goto out;
  add_devices (&b);
  add_sockets (&b);
  emit_mounts (&b);
  if (!add_raw_binds (&b, error))
    goto out;
  set_environment (&b);

  {
    g_autofree char *cwd = g_get_current_dir ();
    fp_bwrap_add_args (bwrap, "--chdir", cwd_is_shared (&b, cwd) ? cwd : b.home, "--", NULL);
  }
  fp_bwrap_add_argsv (bwrap, (const char *const *) spec->profile->command);
  fp_bwrap_add_argsv (bwrap, spec->args);
  ok = TRUE;

out:
  g_free (b.home);
  g_free (b.sandbox_runtime_dir);
  g_ptr_array_unref (b.mounts);
  return ok;
}
