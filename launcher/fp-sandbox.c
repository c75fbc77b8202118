#include "config.h"
#include "fp-sandbox.h"
#include "fp-error.h"
#include "fp-expand.h"
#include "fp-seccomp.h"
#include "fp-x11.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Directories of the host's /etc whose entries may hold secrets: within
 * them, as at the top of /etc, what others may not read is hidden. */
static const char *const etc_private_dirs[] = {
  "ssh", "ssl", "NetworkManager", "security", "ppp", "ipsec.d", "openvpn", "wireguard",
  "cups", "wpa_supplicant", "libvirt", "sudoers.d", NULL
};

/* Top-level directories the runtime or the sandbox itself provides; a
 * filesystem grant may not replace them (Flatpak reserves them too). */
static const char *const reserved_paths[] = {
  "/.flatpak-info", "/app", "/bin", "/dev", "/etc", "/lib", "/lib32", "/lib64",
  "/libx32", "/proc", "/run/flatpak", "/run/host", "/sbin", "/sys", "/usr", NULL
};

/* Host top-level entries `--filesystem=host` does not carry over:
 * Flatpak's list (the runtime's, the sandbox's own, /root and /var), and
 * what fauxpak's runtime holds besides (libx32, /.flatpak-info). */
static const char *const host_grant_excluded[] = {
  ".flatpak-info", "app", "bin", "boot", "dev", "efi", "etc", "lib", "lib32", "lib64",
  "libx32", "proc", "root", "run", "sbin", "sys", "tmp", "usr", "var", NULL
};

typedef enum {
  MOUNT_DIR,
  MOUNT_TMPFS,
  MOUNT_BIND,
  MOUNT_RO_BIND,
  MOUNT_DEV_BIND,
  MOUNT_SYMLINK,
  MOUNT_PROC,
  MOUNT_DEV,
  MOUNT_RO_DATA,
} MountOp;

typedef struct {
  MountOp op;
  char *source;  /* symlink target for MOUNT_SYMLINK, a name for MOUNT_RO_DATA */
  char *dest;
  gboolean optional;
  GBytes *data;  /* MOUNT_RO_DATA: what the file holds */
} Mount;

typedef struct {
  const FpSandboxSpec *spec;
  FpBwrap *bwrap;
  const FpContext *context;
  char *home;
  char *sandbox_runtime_dir;
  const char *host_runtime_dir;
  GPtrArray *mounts;   /* Mount*, sorted by destination before use */
  GPtrArray *layers;   /* Layer*, every mount in the order bwrap makes it */
  GPtrArray *runtime_groups;  /* PendingGroup* */
  gboolean quiet;      /* building a view: no warnings */
  char *per_app_tmp;   /* the host dir all instances of the app share as /tmp, or NULL */
  char *per_app_dev_shm; /* the same for /dev/shm (per-app-dev-shm), or NULL */
} Builder;

/* What one mount puts at `dest`: the host's `host_source`, or (NULL)
 * something of the sandbox's own: a tmpfs, a symlink, data. */
typedef struct {
  char *dest;
  char *host_source;
} Layer;

struct _FpSandboxView {
  GPtrArray *layers;   /* Layer* */
};

static void
layer_free (Layer *layer)
{
  g_free (layer->dest);
  g_free (layer->host_source);
  g_free (layer);
}

static void
note_layer (Builder *b, const char *host_source, const char *dest)
{
  Layer *layer = g_new0 (Layer, 1);

  layer->dest = g_canonicalize_filename (dest, "/");
  layer->host_source = g_strdup (host_source);
  g_ptr_array_add (b->layers, layer);
}

static void
mount_free (Mount *mount)
{
  g_free (mount->source);
  g_free (mount->dest);
  g_clear_pointer (&mount->data, g_bytes_unref);
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

/* A read-only file of the sandbox's own at `dest`, made in its turn
 * among the sorted mounts (inside a directory bound before it). */
static void
add_data_mount (Builder *b, const char *name, const char *contents, const char *dest)
{
  Mount *mount = g_new0 (Mount, 1);

  mount->op = MOUNT_RO_DATA;
  mount->source = g_strdup (name);
  mount->dest = g_canonicalize_filename (dest, "/");
  mount->data = g_bytes_new (contents, strlen (contents));
  g_ptr_array_add (b->mounts, mount);
}

static gboolean
symlink_mirrors_host (const char *target, const char *path)
{
  g_autofree char *host_target = g_file_read_link (path, NULL);

  return host_target != NULL && g_str_equal (host_target, target);
}

static gboolean layers_show (GPtrArray *layers, const char *path);

/* Puts a mount on the command line now, where add_mount defers it to be
 * sorted. Either way it ends here, and in the layers a view reads. */
static void
apply_mount (Builder *b, MountOp op, const char *source, const char *dest, gboolean optional)
{
  const char *from_host = NULL;

  switch (op)
    {
    case MOUNT_DIR:
      fp_bwrap_add_args (b->bwrap, "--dir", dest, NULL);
      /* In a host directory the sandbox shows, an existing directory is
       * left as it is: still the host's. */
      if (layers_show (b->layers, dest) && g_file_test (dest, G_FILE_TEST_IS_DIR))
        return;
      break;
    case MOUNT_TMPFS:
      fp_bwrap_add_args (b->bwrap, "--tmpfs", dest, NULL);
      break;
    case MOUNT_BIND:
      fp_bwrap_add_args (b->bwrap, optional ? "--bind-try" : "--bind", source, dest, NULL);
      from_host = source;
      break;
    case MOUNT_RO_BIND:
      fp_bwrap_add_args (b->bwrap, optional ? "--ro-bind-try" : "--ro-bind", source, dest, NULL);
      from_host = source;
      break;
    case MOUNT_DEV_BIND:
      fp_bwrap_add_args (b->bwrap, optional ? "--dev-bind-try" : "--dev-bind", source, dest, NULL);
      from_host = source;
      break;
    case MOUNT_SYMLINK:
      fp_bwrap_add_args (b->bwrap, "--symlink", source, dest, NULL);
      /* /bin -> usr/bin as on the host leads names where the host's does. */
      if (symlink_mirrors_host (source, dest))
        from_host = dest;
      break;
    case MOUNT_PROC:
      fp_bwrap_add_args (b->bwrap, "--proc", dest, NULL);
      break;
    case MOUNT_DEV:
      fp_bwrap_add_args (b->bwrap, "--dev", dest, NULL);
      break;
    case MOUNT_RO_DATA:  /* emit_mounts makes these */
    default:
      g_assert_not_reached ();
    }
  note_layer (b, from_host, dest);
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

/* TRUE when the sandbox sees the host's absolute `path` at that path: the
 * last mount made at or above it brought the host's own directory there. */
static gboolean
layers_show (GPtrArray *layers, const char *path)
{
  for (guint i = layers->len; i > 0; i--)
    {
      const Layer *layer = g_ptr_array_index (layers, i - 1);

      if (path_is_under (path, layer->dest))
        return layer->host_source != NULL && g_str_equal (layer->host_source, layer->dest);
    }
  return FALSE;
}

static gboolean
is_reserved (const char *path)
{
  for (guint i = 0; reserved_paths[i] != NULL; i++)
    if (path_is_under (path, reserved_paths[i]))
      return TRUE;
  return g_str_equal (path, "/");
}

/* bubblewrap 0.8 and later can forbid nested user namespaces itself, in
 * a user namespace of its own making, which a setuid bwrap cannot make.
 * Whether it can was asked of bwrap at build time (config.h): asking at
 * every launch costs an exec. */
static gboolean
bwrap_can_disable_userns (FpBwrap *bwrap)
{
  struct stat st;

  return FAUXPAK_BWRAP_HAS_DISABLE_USERNS &&
         stat (g_ptr_array_index (bwrap->argv, 0), &st) == 0 && (st.st_mode & S_ISUID) == 0;
}

static void
add_namespaces (Builder *b)
{
  fp_bwrap_add_args (b->bwrap, "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try",
                     "--die-with-parent", NULL);
  if (getuid () == 0)
    {
      /* bwrap started by root makes no user namespace and would leave the
       * app every capability of the host's root (CAP_SYS_MODULE,
       * CAP_DAC_READ_SEARCH, …), more than a seccomp filter can list. The
       * filter alone then stops nested user namespaces: --disable-userns
       * needs --unshare-user, which changes how files appear to root. */
      fp_bwrap_add_args (b->bwrap, "--cap-drop", "ALL", NULL);
    }
  else if (bwrap_can_disable_userns (b->bwrap))
    {
      /* Unprivileged bwrap makes a user namespace anyway; naming it is what
       * --disable-userns requires. A second barrier besides the filter, as
       * Flatpak has, in case a kernel grows a new way in. */
      fp_bwrap_add_args (b->bwrap, "--unshare-user", "--disable-userns", NULL);
    }
  if (!fp_context_has (b->context, FP_FLAGS_SHARED, FP_SHARE_NETWORK))
    fp_bwrap_add_arg (b->bwrap, "--unshare-net");
  if (!fp_context_has (b->context, FP_FLAGS_SHARED, FP_SHARE_IPC))
    fp_bwrap_add_arg (b->bwrap, "--unshare-ipc");
}

/* --device=all shares the host's device nodes, but not its /dev/shm
 * (where other programs keep shared memory) unless --device=shm asks for
 * it: a private one instead, or the app's own with per-app-dev-shm. */
static void
add_dev_all (Builder *b)
{
  apply_mount (b, MOUNT_DEV_BIND, "/dev", "/dev", FALSE);
  if (fp_context_has (b->context, FP_FLAGS_DEVICES, FP_DEVICE_SHM) ||
      !g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) || g_file_test ("/dev/shm", G_FILE_TEST_IS_SYMLINK))
    return;
  if (b->per_app_dev_shm != NULL)
    apply_mount (b, MOUNT_BIND, b->per_app_dev_shm, "/dev/shm", FALSE);
  else
    apply_mount (b, MOUNT_TMPFS, NULL, "/dev/shm", FALSE);
}

static void
add_base_filesystem (Builder *b)
{
  /* What Mesa, Vulkan, udev and libinput read: read-only, as Flatpak has it. */
  static const char *const sys_dirs[] = {
    "/sys/block", "/sys/bus", "/sys/class", "/sys/dev", "/sys/devices", NULL
  };

  apply_mount (b, MOUNT_PROC, NULL, "/proc", FALSE);
  if (fp_context_has (b->context, FP_FLAGS_DEVICES, FP_DEVICE_ALL))
    add_dev_all (b);
  else
    apply_mount (b, MOUNT_DEV, NULL, "/dev", FALSE);
  /* One /tmp for every instance of the app, as under Flatpak. */
  if (b->per_app_tmp != NULL)
    apply_mount (b, MOUNT_BIND, b->per_app_tmp, "/tmp", FALSE);
  else
    apply_mount (b, MOUNT_TMPFS, NULL, "/tmp", FALSE);
  apply_mount (b, MOUNT_DIR, NULL, "/var", FALSE);
  apply_mount (b, MOUNT_SYMLINK, "../run", "/var/run", FALSE);
  apply_mount (b, MOUNT_DIR, NULL, "/run", FALSE);
  apply_mount (b, MOUNT_DIR, NULL, "/run/host", FALSE);
  for (guint i = 0; sys_dirs[i] != NULL; i++)
    if (g_file_test (sys_dirs[i], G_FILE_TEST_IS_DIR))
      apply_mount (b, MOUNT_RO_BIND, sys_dirs[i], sys_dirs[i], FALSE);
}

/* What Flatpak puts under /run/host whatever the grants: the host's
 * os-release, and who manages the container. */
static gboolean
add_run_host_files (Builder *b, GError **error)
{
  g_autoptr(GBytes) manager = g_bytes_new_static ("flatpak\n", strlen ("flatpak\n"));

  if (g_file_test ("/etc/os-release", G_FILE_TEST_EXISTS))
    apply_mount (b, MOUNT_RO_BIND, "/etc/os-release", "/run/host/os-release", FALSE);
  else if (g_file_test ("/usr/lib/os-release", G_FILE_TEST_EXISTS))
    apply_mount (b, MOUNT_RO_BIND, "/usr/lib/os-release", "/run/host/os-release", FALSE);
  if (!fp_bwrap_add_data (b->bwrap, "--ro-bind-data", "container-manager", manager,
                          "/run/host/container-manager", error))
    return FALSE;
  note_layer (b, NULL, "/run/host/container-manager");
  return TRUE;
}

/* An entry of the host's /etc others may read (a directory: and enter).
 * The rest (shadow, gshadow, sudoers, ssh host keys, ssl/private, …) is
 * readable by root or a group only, and root may run fauxpak. */
static gboolean
etc_entry_is_public (const struct stat *st)
{
  if (S_ISLNK (st->st_mode))
    return TRUE;
  if (S_ISDIR (st->st_mode))
    return (st->st_mode & (S_IROTH | S_IXOTH)) == (S_IROTH | S_IXOTH);
  return (st->st_mode & S_IROTH) != 0;
}

/* Hides what others may not read in `dir` (already shown): an empty
 * tmpfs over a directory, an empty read-only file over a file. */
static gboolean
hide_private_etc_entries (Builder *b, const char *dir, GError **error)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      struct stat st;

      if (lstat (path, &st) != 0 || etc_entry_is_public (&st))
        continue;
      if (S_ISDIR (st.st_mode))
        apply_mount (b, MOUNT_TMPFS, NULL, path, FALSE);
      else if (S_ISREG (st.st_mode))
        {
          if (!fp_bwrap_add_data (b->bwrap, "--ro-bind-data", "hidden", empty, path, error))
            return FALSE;
          note_layer (b, NULL, path);
        }
    }
  return TRUE;
}

/* The host's /etc for the host runtime, by one rule: every entry others
 * may read, read-only, links as they are; nothing only root or a group
 * may read, there or in the directories that hold secrets
 * (etc_private_dirs). Entry by entry, as Flatpak lays out a runtime's
 * /etc, so that grants can still add mount points in /etc. */
static gboolean
add_host_etc (Builder *b, GError **error)
{
  g_autoptr(GDir) etc = g_dir_open ("/etc", 0, NULL);
  const char *name;

  apply_mount (b, MOUNT_DIR, NULL, "/etc", FALSE);
  while (etc != NULL && (name = g_dir_read_name (etc)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/etc", name, NULL);
      g_autofree char *target = NULL;
      struct stat st;

      if (lstat (path, &st) != 0 || !etc_entry_is_public (&st))
        continue;
      if (S_ISLNK (st.st_mode) && (target = g_file_read_link (path, NULL)) != NULL)
        apply_mount (b, MOUNT_SYMLINK, target, path, FALSE);
      else if (S_ISDIR (st.st_mode) || S_ISREG (st.st_mode))
        apply_mount (b, MOUNT_RO_BIND, path, path, TRUE);
    }
  for (guint i = 0; etc_private_dirs[i] != NULL; i++)
    {
      g_autofree char *dir = g_build_filename ("/etc", etc_private_dirs[i], NULL);
      struct stat st;

      if (lstat (dir, &st) == 0 && S_ISDIR (st.st_mode) && etc_entry_is_public (&st) &&
          !hide_private_etc_entries (b, dir, error))
        return FALSE;
    }
  return TRUE;
}

/* A runtime path that is /etc, or holds it, would be mounted read-only
 * where the host's /etc is then to be laid out entry by entry: refused
 * with what to do, rather than failing inside bubblewrap. */
static gboolean
check_runtime_path_etc (const FpProfile *profile, const char *path, GError **error)
{
  if (!profile->runtime_host_etc || !path_is_under ("/etc", path))
    return TRUE;
  g_set_error (error, FP_ERROR, FP_ERROR_INVALID_PROFILE,
               "%s: runtime path %s holds /etc, which \"host-etc\": true (the default) takes from the host; "
               "set \"runtime\": {\"host-etc\": false} to take /etc from the paths, or leave %s out",
               profile->source_path ? profile->source_path : "profile", path, path);
  return FALSE;
}

/* The host as runtime: /usr read-only and the merged-/usr links (or real
 * directories on hosts that still have them), as the host has them. */
static void
add_host_runtime (Builder *b)
{
  static const char *const top_level[] = { "bin", "sbin", "lib", "lib32", "lib64", "libx32", NULL };

  apply_mount (b, MOUNT_RO_BIND, "/usr", "/usr", FALSE);
  for (guint i = 0; top_level[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename ("/", top_level[i], NULL);
      g_autofree char *target = g_file_read_link (path, NULL);

      if (target != NULL)
        apply_mount (b, MOUNT_SYMLINK, target, path, FALSE);
      else if (g_file_test (path, G_FILE_TEST_IS_DIR))
        apply_mount (b, MOUNT_RO_BIND, path, path, FALSE);
    }
  if (g_file_test ("/nix/store", G_FILE_TEST_IS_DIR))
    apply_mount (b, MOUNT_RO_BIND, "/nix/store", "/nix/store", FALSE);
  /* NixOS keeps the system profile and setuid wrappers here. */
  if (g_file_test ("/run/current-system", G_FILE_TEST_EXISTS))
    apply_mount (b, MOUNT_RO_BIND, "/run/current-system", "/run/current-system", TRUE);
  /* The host's font cache: see add_var_app_dirs, after the app's own
   * /var/cache it goes over. */
}

/* A group of runtime paths laid out together (fp-closure.h), once no
 * later mount turns out to go under their parent. */
typedef struct {
  GPtrArray *paths;
  guint first_arg;    /* of their binds, one a path */
  guint first_layer;
} PendingGroup;

static void
pending_group_free (PendingGroup *pending)
{
  g_ptr_array_unref (pending->paths);
  g_free (pending);
}

/* Listed paths, read-only at the same place. Those many under one parent
 * (a Nix closure) come last, together, the same binds in the same order
 * among themselves: fp_closure_apply may turn them into one. */
static void
add_runtime_paths (Builder *b, const char *const *paths)
{
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GHashTable) grouped = g_hash_table_new (g_str_hash, g_str_equal);

  if (b->spec->closure == NULL || b->spec->dry_run)
    groups = g_ptr_array_new ();
  else
    groups = fp_closure_plan (paths);
  for (guint i = 0; i < groups->len; i++)
    {
      GPtrArray *group = g_ptr_array_index (groups, i);

      for (guint j = 0; j < group->len; j++)
        g_hash_table_add (grouped, g_ptr_array_index (group, j));
    }
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *canonical = g_canonicalize_filename (paths[i], "/");

      if (!g_hash_table_contains (grouped, canonical))
        apply_mount (b, MOUNT_RO_BIND, paths[i], paths[i], FALSE);
    }
  for (guint i = 0; i < groups->len; i++)
    {
      PendingGroup *pending = g_new0 (PendingGroup, 1);

      pending->paths = g_ptr_array_ref (g_ptr_array_index (groups, i));
      pending->first_arg = b->bwrap->argv->len;
      pending->first_layer = b->layers->len;
      for (guint j = 0; j < pending->paths->len; j++)
        {
          const char *path = g_ptr_array_index (pending->paths, j);
          apply_mount (b, MOUNT_RO_BIND, path, path, FALSE);
        }
      g_ptr_array_add (b->runtime_groups, pending);
    }
}

/* A group whose parent gets another mount under it stays one bind a
 * path: that mount must land on what the group's binds made. */
static void
hand_over_runtime_groups (Builder *b)
{
  for (guint i = 0; i < b->runtime_groups->len; i++)
    {
      PendingGroup *pending = g_ptr_array_index (b->runtime_groups, i);
      g_autofree char *parent = g_path_get_dirname (g_ptr_array_index (pending->paths, 0));
      gboolean covered = FALSE;

      for (guint j = 0; j < b->layers->len && !covered; j++)
        {
          const Layer *layer = g_ptr_array_index (b->layers, j);

          if (j >= pending->first_layer && j < pending->first_layer + pending->paths->len)
            continue;
          covered = path_is_under (layer->dest, parent);
        }
      if (!covered)
        fp_closure_add_group (b->spec->closure, parent, pending->paths, pending->first_arg);
    }
}

static gboolean ensure_host_dir (Builder *b, const char *path, GError **error);

static gboolean
add_runtime (Builder *b, GError **error)
{
  const FpProfile *profile = b->spec->profile;

  if (profile->runtime == FP_RUNTIME_HOST)
    add_host_runtime (b);
  else
    {
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
          if (!check_runtime_path_etc (profile, path, error))
            return FALSE;
        }
      add_runtime_paths (b, (const char *const *) profile->runtime_paths);
    }
  if (profile->runtime_host_etc && !add_host_etc (b, error))
    return FALSE;
  return TRUE;
}

/* $XDG_RUNTIME_DIR inside is the one all instances of the app share
 * (Flatpak's per-app xdg-run), held by the per-app lock; an empty
 * directory when there is none. */
static void
add_runtime_dir (Builder *b)
{
  const FpAppDirs *dirs = b->spec->app_dirs;

  if (dirs == NULL)
    {
      add_mount (b, MOUNT_DIR, NULL, b->sandbox_runtime_dir, FALSE);
      return;
    }
  add_mount (b, MOUNT_BIND, dirs->xdg_run, b->sandbox_runtime_dir, FALSE);
  apply_mount (b, MOUNT_RO_BIND, dirs->ref, "/run/flatpak/per-app-dirs-ref", FALSE);
  fp_bwrap_add_args (b->bwrap, "--lock-file", "/run/flatpak/per-app-dirs-ref", NULL);
}

/* A symlink in $XDG_RUNTIME_DIR. When that is the app's shared
 * directory the link is made there on the host, as Flatpak makes it (bwrap
 * cannot make a link where an earlier instance left one): with symlinkat
 * in the directory opened without following links, so nothing the app
 * put there is followed; one already there is the app's business. */
static void
add_runtime_dir_symlink (Builder *b, const char *name, const char *target)
{
  g_autofree char *link = g_build_filename (b->sandbox_runtime_dir, name, NULL);
  int dir_fd;

  if (b->spec->app_dirs == NULL || b->spec->dry_run)
    {
      add_mount (b, MOUNT_SYMLINK, target, link, FALSE);
      return;
    }
  dir_fd = open (b->spec->app_dirs->xdg_run, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir_fd >= 0)
    {
      if (symlinkat (target, dir_fd, name) != 0 && errno != EEXIST && !b->quiet)
        g_printerr ("fauxpak: cannot link %s/%s: %s\n", b->spec->app_dirs->xdg_run, name, g_strerror (errno));
      close (dir_fd);
    }
}

/* A member of $XDG_RUNTIME_DIR that Flatpak keeps in /run/flatpak and
 * links from there: $XDG_RUNTIME_DIR/NAME -> ../../flatpak/NAME. */
static void
add_runtime_dir_link (Builder *b, const char *name)
{
  g_autofree char *target = g_build_filename ("../../flatpak", name, NULL);

  add_runtime_dir_symlink (b, name, target);
}

/* $XDG_RUNTIME_DIR/app/<app-id> is shared with the host (and with other
 * apps granted xdg-run/app/<app-id>), for IPC such as Discord's. */
static void
add_app_runtime_dir (Builder *b)
{
  const char *app_id = b->spec->profile->app_id;
  g_autofree char *host = g_build_filename (b->host_runtime_dir, "app", app_id, NULL);
  g_autofree char *inside = g_build_filename ("/run/flatpak/app", app_id, NULL);
  g_autoptr(GError) local_error = NULL;

  if (!ensure_host_dir (b, host, &local_error))
    {
      if (!b->quiet)
        g_printerr ("fauxpak: not sharing %s: %s\n", host, local_error->message);
      return;
    }
  add_mount (b, MOUNT_BIND, host, inside, FALSE);
  add_runtime_dir_link (b, "app");
}

/* bwrap's monitor closes inherited fds, so the launcher's lock cannot
 * outlive the exec; the sandbox's init takes its own through --lock-file
 * and holds it until the last process inside is gone. The instance
 * directory shows read-only at /run/flatpak/.flatpak/<id>, linked from
 * $XDG_RUNTIME_DIR/.flatpak, as Flatpak shows it. */
static void
add_instance_lock (Builder *b)
{
  g_autofree char *dir = NULL;
  g_autofree char *id = NULL;
  g_autofree char *inside = NULL;
  g_autofree char *lock = NULL;

  if (b->spec->instance_ref == NULL)
    return;
  dir = g_path_get_dirname (b->spec->instance_ref);
  id = g_path_get_basename (dir);
  inside = g_build_filename ("/run/flatpak/.flatpak", id, NULL);
  lock = g_build_filename (inside, ".ref", NULL);
  apply_mount (b, MOUNT_RO_BIND, dir, inside, FALSE);
  fp_bwrap_add_args (b->bwrap, "--lock-file", lock, NULL);
  add_runtime_dir_link (b, ".flatpak");
}

static gboolean
add_flatpak_info (Builder *b, GError **error)
{
  if (!fp_bwrap_add_data (b->bwrap, "--ro-bind-data", "flatpak-info",
                          b->spec->flatpak_info, "/.flatpak-info", error))
    return FALSE;
  note_layer (b, NULL, "/.flatpak-info");
  add_runtime_dir_symlink (b, "flatpak-info", "../../../.flatpak-info");
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

/* A directory under ~/.var/app/<app-id>, which the app itself can write:
 * it could have replaced a persistent directory with a symlink to / or to
 * ~ for the next launch to bind (Flatpak's CVE-2024-42472). Each element
 * is opened without following links and created when missing; a symlink
 * refuses the launch. Returns an fd for the directory itself. */
static int
open_app_owned_dir (const char *app_dir, const char *relative, GError **error)
{
  g_auto(GStrv) parts = g_strsplit (relative, "/", -1);
  int fd = open (app_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  for (guint i = 0; fd >= 0 && parts[i] != NULL; i++)
    {
      int next;

      if (*parts[i] == '\0' || g_str_equal (parts[i], "."))
        continue;
      if (mkdirat (fd, parts[i], 0700) != 0 && errno != EEXIST)
        {
          close (fd);
          fd = -1;
          break;
        }
      next = openat (fd, parts[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      close (fd);
      fd = next;
    }
  if (fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *path = g_build_filename (app_dir, relative, NULL);

      if (saved_errno == ENOTDIR || saved_errno == ELOOP)
        g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                     "%s is not a directory (a symlink?); a persistent directory must be one. "
                     "It may have been replaced from inside the sandbox: look at it before removing it",
                     path);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     "cannot create %s: %s", path, g_strerror (saved_errno));
    }
  return fd;
}

/* Special filesystem locations laid out by add_run_host_grants. */
static const char *const run_host_grants[] = { "host-os", "host-etc", NULL };

static gboolean
grant_of (Builder *b, const char *location)
{
  gpointer mode;

  return g_hash_table_lookup_extended (b->context->filesystems, location, NULL, &mode) &&
         GPOINTER_TO_INT (mode) != FP_FILESYSTEM_NONE;
}

/* `home` or `host` (which Flatpak counts as home access) granted. */
static gboolean
home_granted (Builder *b)
{
  return grant_of (b, "home") || grant_of (b, "host");
}

/* Binds the app-owned directory `relative` of `app_dir` at `dest`:
 * opened without following links (see open_app_owned_dir), bound through
 * its fd so that what was checked is what is bound. */
static gboolean
bind_app_owned_dir (Builder *b, const char *app_dir, const char *relative, const char *dest, GError **error)
{
  g_autofree char *fd_source = NULL;
  int fd;

  if (b->spec->dry_run)
    {
      g_autofree char *source = g_build_filename (app_dir, relative, NULL);

      add_mount (b, MOUNT_BIND, source, dest, FALSE);
      return TRUE;
    }
  fd = open_app_owned_dir (app_dir, relative, error);
  if (fd < 0)
    return FALSE;
  fd_source = g_strdup_printf ("/proc/self/fd/%d", fp_bwrap_take_fd (b->bwrap, fd));
  add_mount (b, MOUNT_BIND, fd_source, dest, FALSE);
  return TRUE;
}

/* Flatpak's fixed paths for the app's own directories: /var/cache,
 * /var/data, /var/config and /var/tmp (cache/tmp). On the host runtime
 * the host's font cache, which belongs with its fonts in /usr, shows
 * through /var/cache/fontconfig, read-only: without it every fontconfig
 * client in the sandbox scans the fonts again (30x slower). */
static gboolean
add_var_app_dirs (Builder *b, const char *app_dir, GError **error)
{
  static const struct { const char *relative; const char *dest; } dirs[] = {
    { "cache", "/var/cache" }, { "data", "/var/data" }, { "config", "/var/config" },
    { "cache/tmp", "/var/tmp" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (dirs); i++)
    if (!bind_app_owned_dir (b, app_dir, dirs[i].relative, dirs[i].dest, error))
      return FALSE;
  if (b->spec->profile->runtime == FP_RUNTIME_HOST && g_file_test ("/var/cache/fontconfig", G_FILE_TEST_IS_DIR))
    add_mount (b, MOUNT_RO_BIND, "/var/cache/fontconfig", "/var/cache/fontconfig", FALSE);
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

  /* A tmpfs, not a directory of the root: a home under /tmp would
   * otherwise be a directory in the /tmp the app's instances share, and
   * keep what one launch put there for the next (settle_home_mount makes
   * it a plain directory when a grant shares what is above it). */
  add_mount (b, MOUNT_TMPFS, NULL, b->home, FALSE);
  for (guint i = 0; subdirs[i] != NULL; i++)
    {
      g_autofree char *dir = g_build_filename (app_dir, subdirs[i], NULL);

      if (!ensure_host_dir (b, dir, error))
        return FALSE;
      fp_bwrap_set_env (b->bwrap, env_names[i], dir);
    }
  add_mount (b, MOUNT_BIND, app_dir, app_dir, FALSE);
  if (!add_var_app_dirs (b, app_dir, error))
    return FALSE;

  /* As under Flatpak, a persistent directory is moot when home is shared. */
  for (guint i = 0; !home_granted (b) && i < persistent->len; i++)
    {
      const char *name = g_ptr_array_index (persistent, i);
      g_autofree char *dest = g_build_filename (b->home, name, NULL);

      if (!bind_app_owned_dir (b, app_dir, name, dest, error))
        return FALSE;
    }
  return TRUE;
}

/* The user-dirs.dirs key of an xdg-* user directory, or NULL. */
static const char *
xdg_user_dir_key (const char *name)
{
  static const struct { const char *name; const char *key; } keys[] = {
    { "xdg-desktop", "XDG_DESKTOP_DIR" }, { "xdg-documents", "XDG_DOCUMENTS_DIR" },
    { "xdg-download", "XDG_DOWNLOAD_DIR" }, { "xdg-music", "XDG_MUSIC_DIR" },
    { "xdg-pictures", "XDG_PICTURES_DIR" }, { "xdg-public-share", "XDG_PUBLICSHARE_DIR" },
    { "xdg-templates", "XDG_TEMPLATES_DIR" }, { "xdg-videos", "XDG_VIDEOS_DIR" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    if (g_str_equal (keys[i].name, name))
      return keys[i].key;
  return NULL;
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
      if (!b->quiet)
        g_printerr ("fauxpak: not sharing %s with the sandbox: the path is reserved for the runtime\n", dest);
      return;
    }
  add_mount (b, mode == FP_FILESYSTEM_READ_ONLY ? MOUNT_RO_BIND : MOUNT_BIND, source, dest, FALSE);
}

/* TRUE when sharing `path` would share the root, home or a directory
 * above it, or the runtime: far more than any one entry names. */
static gboolean
is_too_wide (Builder *b, const char *path)
{
  return g_str_equal (path, "/") || path_is_under (b->home, path) || is_reserved (path);
}

/* A grant whose named entry is itself a symlink: bwrap would mount the
 * link's target at the name, and a link is easily planted (an app that can
 * write ~/project can point ~/project/data at /). As under Flatpak the
 * sandbox gets the target at its real path and the link at the name; a
 * link that leads to the root, to home or above, or into the runtime is
 * not followed: that would widen the grant beyond what the user named. */
static void
add_grant_through_link (Builder *b, const char *source, const char *dest, FpFilesystemMode mode)
{
  g_autofree char *link_target = g_file_read_link (source, NULL);
  g_autofree char *real = NULL;  /* realpath's malloc: GLib's free is the system's */

  if (link_target == NULL)
    {
      add_filesystem_mount (b, source, dest, mode);
      return;
    }
  real = realpath (source, NULL);
  if (real == NULL || is_too_wide (b, real))
    {
      if (!b->quiet)
        g_printerr ("fauxpak: not sharing %s with the sandbox: it is a symlink to %s, "
                    "which is wider than what was named; name the directory itself\n",
                    source, real ? real : link_target);
      return;
    }
  if (!g_str_equal (source, dest))
    {
      /* xdg-run/… appears at another path inside: the target goes there. */
      add_filesystem_mount (b, real, dest, mode);
      return;
    }
  add_filesystem_mount (b, real, real, mode);
  add_mount (b, MOUNT_SYMLINK, real, dest, FALSE);
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

/* --nofilesystem under a wider grant (home, say, without ~/.ssh): an
 * empty tmpfs over the directory, as Flatpak hides it. */
static void
hide_filesystem (Builder *b, const char *source, const char *dest)
{
  if (!g_file_test (source, G_FILE_TEST_IS_DIR) || g_file_test (source, G_FILE_TEST_IS_SYMLINK) ||
      is_reserved (dest) || path_is_under (b->home, dest))
    return;
  add_mount (b, MOUNT_TMPFS, NULL, dest, FALSE);
}

/* The user-dirs.dirs line for a granted xdg-download etc., which Flatpak
 * writes for the app (GLib finds Downloads through it). */
static void
note_user_dir (Builder *b, const char *location, const char *source, GString *user_dirs)
{
  g_autofree char *base = g_strndup (location, strcspn (location, "/"));
  const char *key = xdg_user_dir_key (base);
  g_autofree char *dir = NULL;

  if (key == NULL || !g_file_test (source, G_FILE_TEST_EXISTS))
    return;
  dir = xdg_dir_for (base);
  (void) b;
  g_string_append_printf (user_dirs, "%s=\"%s\"\n", key, dir);
}

/* xdg-config/NAME, xdg-data/NAME, xdg-cache/NAME also appear in the
 * app's own XDG_CONFIG_HOME (and so on), where the app looks for them:
 * a granted GTK settings.ini or font directory takes effect. */
static void
add_xdg_in_app_dir (Builder *b, const char *location, const char *source, FpFilesystemMode mode)
{
  static const struct { const char *prefix; const char *where; } dirs[] = {
    { "xdg-config/", "config" }, { "xdg-data/", "data" }, { "xdg-cache/", "cache" },
  };
  g_autofree char *app_dir = fp_sandbox_app_data_dir (b->spec->profile->app_id);

  for (gsize i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      const char *rest = location + strlen (dirs[i].prefix);
      g_autofree char *dest = NULL;

      if (!g_str_has_prefix (location, dirs[i].prefix) || *rest == '\0')
        continue;
      if (!g_file_test (source, G_FILE_TEST_IS_DIR) && !g_file_test (source, G_FILE_TEST_IS_REGULAR))
        return;
      dest = g_build_filename (app_dir, dirs[i].where, rest, NULL);
      add_grant_through_link (b, source, dest, mode);
      return;
    }
}

/* With home shared the app reads the host's user-dirs.dirs (at its own
 * XDG_CONFIG_HOME); otherwise one naming just the granted directories. */
static void
add_user_dirs_file (Builder *b, const char *contents)
{
  g_autofree char *app_dir = fp_sandbox_app_data_dir (b->spec->profile->app_id);
  g_autofree char *dest = g_build_filename (app_dir, "config", "user-dirs.dirs", NULL);

  if (home_granted (b))
    {
      g_autofree char *host = g_build_filename (g_get_user_config_dir (), "user-dirs.dirs", NULL);

      if (g_file_test (host, G_FILE_TEST_IS_REGULAR))
        add_mount (b, MOUNT_RO_BIND, host, dest, FALSE);
    }
  else if (*contents != '\0')
    add_data_mount (b, "user-dirs.dirs", contents, dest);
}

/* host-os, host-etc, and host (which implies both), laid out under
 * /run/host as Flatpak does: /usr, the merged-/usr links (or directories)
 * and, for the OS without its /etc, the parts of /etc libraries need.
 * Read-only whatever the mode (see README: a writable host /usr or /etc
 * only matters to root, and fauxpak runs root's apps too). */
static void
add_run_host_grants (Builder *b)
{
  static const char *const usr_merged[] = { "bin", "lib", "lib32", "lib64", "libx32", "sbin", NULL };
  static const char *const libs_need_etc[] = { "ld.so.cache", "alternatives", NULL };
  gboolean host = grant_of (b, "host");
  gboolean os = host || grant_of (b, "host-os");
  gboolean etc = host || grant_of (b, "host-etc");

  if (os)
    {
      add_mount (b, MOUNT_RO_BIND, "/usr", "/run/host/usr", FALSE);
      if (g_file_test ("/var/usrlocal", G_FILE_TEST_IS_DIR))
        add_mount (b, MOUNT_RO_BIND, "/var/usrlocal", "/run/host/var/usrlocal", FALSE);
      for (guint i = 0; usr_merged[i] != NULL; i++)
        {
          g_autofree char *path = g_build_filename ("/", usr_merged[i], NULL);
          g_autofree char *inside = g_build_filename ("/run/host", usr_merged[i], NULL);
          g_autofree char *target = g_file_read_link (path, NULL);

          if (target != NULL && g_str_has_prefix (target, "usr/"))
            add_mount (b, MOUNT_SYMLINK, target, inside, FALSE);
          else if (target != NULL && g_str_has_prefix (target, "/usr/"))
            add_mount (b, MOUNT_SYMLINK, target + 1, inside, FALSE);
          else if (g_file_test (path, G_FILE_TEST_IS_DIR))
            add_mount (b, MOUNT_RO_BIND, path, inside, FALSE);
        }
      for (guint i = 0; !etc && libs_need_etc[i] != NULL; i++)
        {
          g_autofree char *path = g_build_filename ("/etc", libs_need_etc[i], NULL);
          g_autofree char *inside = g_build_filename ("/run/host/etc", libs_need_etc[i], NULL);

          if (g_file_test (path, G_FILE_TEST_EXISTS))
            add_mount (b, MOUNT_RO_BIND, path, inside, FALSE);
        }
    }
  if (etc)
    add_mount (b, MOUNT_RO_BIND, "/etc", "/run/host/etc", FALSE);
}

static gboolean
add_filesystems (Builder *b, GError **error)
{
  g_autoptr(GPtrArray) locations = fp_sorted_keys (b->context->filesystems);
  g_autoptr(GString) user_dirs = g_string_new ("");

  for (guint i = 0; i < locations->len; i++)
    {
      const char *location = g_ptr_array_index (locations, i);
      FpFilesystemMode mode = GPOINTER_TO_INT (g_hash_table_lookup (b->context->filesystems, location));
      g_autofree char *source = NULL;
      g_autofree char *dest = NULL;

      if (g_strv_contains (run_host_grants, location))
        continue;  /* add_run_host_grants */
      if (g_str_equal (location, "host"))
        {
          if (mode != FP_FILESYSTEM_NONE)
            add_host_grant (b, mode);
          continue;
        }
      if (!resolve_filesystem (b, location, &source, &dest))
        continue;
      if (mode == FP_FILESYSTEM_NONE)
        {
          hide_filesystem (b, source, dest);
          continue;
        }
      note_user_dir (b, location, source, user_dirs);
      add_xdg_in_app_dir (b, location, source, mode);
      if (mode == FP_FILESYSTEM_CREATE && !g_file_test (source, G_FILE_TEST_EXISTS) &&
          !ensure_host_dir (b, source, error))
        return FALSE;
      /* As in Flatpak, a grant of something absent is no error. */
      if (!g_file_test (source, G_FILE_TEST_EXISTS) && !(b->spec->dry_run && mode == FP_FILESYSTEM_CREATE))
        continue;
      add_grant_through_link (b, source, dest, mode);
    }
  add_run_host_grants (b);
  add_user_dirs_file (b, user_dirs->str);
  return TRUE;
}

/* --device=shm: the host's /dev/shm (on Debian with sysvinit a link to
 * /run/shm: its target); per-app-dev-shm: the one all instances of the
 * app share; otherwise the sandbox's own, inside its /dev. */
static void
add_dev_shm (Builder *b)
{
  if (fp_context_has (b->context, FP_FLAGS_DEVICES, FP_DEVICE_SHM))
    {
      g_autofree char *real = realpath ("/dev/shm", NULL);

      if (real != NULL)
        apply_mount (b, MOUNT_BIND, real, "/dev/shm", FALSE);
    }
  else if (b->per_app_dev_shm != NULL)
    apply_mount (b, MOUNT_BIND, b->per_app_dev_shm, "/dev/shm", FALSE);
}

static void
add_devices (Builder *b)
{
  static const struct { FpDevices device; const char *paths[4]; } devices[] = {
    { FP_DEVICE_DRI, { "/dev/dri", "/dev/mali", "/dev/mali0", "/dev/umplock" } },
    { FP_DEVICE_KVM, { "/dev/kvm" } },
    { FP_DEVICE_INPUT, { "/dev/input" } },
    { FP_DEVICE_USB, { "/dev/bus/usb" } },
  };

  if (fp_context_has (b->context, FP_FLAGS_DEVICES, FP_DEVICE_ALL))
    return;
  add_dev_shm (b);
  for (gsize i = 0; i < G_N_ELEMENTS (devices); i++)
    {
      if (!fp_context_has (b->context, FP_FLAGS_DEVICES, devices[i].device))
        continue;
      for (gsize j = 0; j < G_N_ELEMENTS (devices[i].paths) && devices[i].paths[j] != NULL; j++)
        if (g_file_test (devices[i].paths[j], G_FILE_TEST_EXISTS))
          apply_mount (b, MOUNT_DEV_BIND, devices[i].paths[j], devices[i].paths[j], FALSE);
    }
  if (fp_context_has (b->context, FP_FLAGS_DEVICES, FP_DEVICE_DRI))
    {
      g_autoptr(GDir) dev = g_dir_open ("/dev", 0, NULL);
      const char *name;

      while (dev != NULL && (name = g_dir_read_name (dev)) != NULL)
        if (g_str_has_prefix (name, "nvidia"))
          {
            g_autofree char *path = g_build_filename ("/dev", name, NULL);
            apply_mount (b, MOUNT_DEV_BIND, path, path, FALSE);
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

/* A bus socket and the variable that names it. A proxy's socket may not
 * exist yet (a dry run, or the proxy still coming up while the sandbox's
 * arguments are built): the launch waits for the proxy before bwrap. */
static void
add_bus_socket (Builder *b, const char *host_path, gboolean proxied,
                const char *sandbox_path, const char *variable)
{
  g_autofree char *address = g_strconcat ("unix:path=", sandbox_path, NULL);

  if (!b->spec->dry_run && !proxied && !g_file_test (host_path, G_FILE_TEST_EXISTS))
    return;
  add_mount (b, MOUNT_BIND, host_path, sandbox_path, FALSE);
  fp_bwrap_set_env (b->bwrap, variable, address);
}

/* Each app sees only its own documents, at $XDG_RUNTIME_DIR/doc as under
 * Flatpak: the portal's by-app/<app-id> view of its FUSE filesystem. */
static void
add_documents (Builder *b)
{
  g_autofree char *by_app = NULL;
  g_autofree char *inside = NULL;

  if (b->spec->documents_mount == NULL)
    return;
  by_app = g_build_filename (b->spec->documents_mount, "by-app", b->spec->profile->app_id, NULL);
  inside = g_build_filename (b->sandbox_runtime_dir, "doc", NULL);
  add_mount (b, MOUNT_BIND, by_app, inside, FALSE);
}

/* TRUE when the last mount at or above `path` was made at `dest`. */
static gboolean
layers_last_at_or_above_is (GPtrArray *layers, const char *path, const char *dest)
{
  for (guint i = layers->len; i > 0; i--)
    {
      const Layer *layer = g_ptr_array_index (layers, i - 1);

      if (path_is_under (path, layer->dest))
        return g_str_equal (layer->dest, dest);
    }
  return FALSE;
}

/* A symlink at `path` in the /tmp the app's instances share: made there
 * on the host (bwrap cannot make a link where an earlier instance left
 * one), each directory on the way opened without following links, for
 * the app writes there. A link already in its place is kept. */
static void
add_shared_tmp_symlink (Builder *b, const char *target, const char *path)
{
  g_autofree char *parent = g_path_get_dirname (path + strlen ("/tmp"));
  g_autofree char *name = g_path_get_basename (path);
  g_autoptr(GError) local_error = NULL;
  int fd = open_app_owned_dir (b->per_app_tmp, parent, &local_error);

  if (fd < 0)
    {
      if (!b->quiet)
        g_printerr ("fauxpak: no link at %s in the sandbox: %s\n", path, local_error->message);
      return;
    }
  if (symlinkat (target, fd, name) != 0 && errno != EEXIST && !b->quiet)
    g_printerr ("fauxpak: no link at %s in the sandbox: %s\n", path, g_strerror (errno));
  close (fd);
  note_layer (b, NULL, path);
}

/* xdg-desktop-portal hands out paths under its own mount point, which is
 * $XDG_RUNTIME_DIR/doc of the host: the same place as in the sandbox when
 * that is /run/user/UID, as on a desktop. Where it is not, a symlink there
 * leads those paths to the app's documents too, unless the sandbox shows
 * that place of the host anyway. Made last, so nothing is mounted over it. */
static void
add_documents_alias (Builder *b)
{
  g_autofree char *inside = NULL;
  g_autofree char *mount = NULL;

  if (b->spec->documents_mount == NULL)
    return;
  inside = g_build_filename (b->sandbox_runtime_dir, "doc", NULL);
  mount = g_canonicalize_filename (b->spec->documents_mount, "/");
  if (g_str_equal (mount, inside) || layers_show (b->layers, mount))
    return;
  if (b->per_app_tmp != NULL && !b->spec->dry_run && path_is_under (mount, "/tmp") &&
      layers_last_at_or_above_is (b->layers, mount, "/tmp"))
    {
      add_shared_tmp_symlink (b, inside, mount);
      return;
    }
  apply_mount (b, MOUNT_SYMLINK, inside, mount, FALSE);
}

/* Wayland as Flatpak binds it: the host's socket at /run/flatpak/NAME,
 * linked from $XDG_RUNTIME_DIR, NAME the host's WAYLAND_DISPLAY when it
 * is a plain wayland-N, wayland-0 otherwise. TRUE when bound. */
static gboolean
add_wayland_socket (Builder *b)
{
  const char *name = g_getenv ("WAYLAND_DISPLAY");
  g_autofree char *host = NULL;
  g_autofree char *inside = NULL;
  struct stat st;

  if (name == NULL)
    name = "wayland-0";
  host = name[0] == '/' ? g_strdup (name) : g_build_filename (b->host_runtime_dir, name, NULL);
  if (!g_str_has_prefix (name, "wayland-") || strchr (name, '/') != NULL)
    name = "wayland-0";
  if (stat (host, &st) != 0 || !S_ISSOCK (st.st_mode))
    return FALSE;
  inside = g_build_filename ("/run/flatpak", name, NULL);
  add_mount (b, MOUNT_RO_BIND, host, inside, FALSE);
  add_runtime_dir_link (b, name);
  fp_bwrap_set_env (b->bwrap, "WAYLAND_DISPLAY", name);
  return TRUE;
}

/* X11 as Flatpak gives it: the display's socket at its own path (DISPLAY
 * unchanged) and an Xauthority holding only that display's cookies from
 * this machine. /tmp/.X11-unix is always a fresh tmpfs, so a shared /tmp
 * never shows the host's X sockets. */
static gboolean
add_x11 (Builder *b, gboolean allowed, GError **error)
{
  const char *value = g_getenv ("DISPLAY");
  g_auto(FpX11Display) display = { 0 };
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) cookies = NULL;

  add_mount (b, MOUNT_TMPFS, NULL, "/tmp/.X11-unix", FALSE);
  if (!allowed || value == NULL)
    return TRUE;
  if (!fp_x11_parse_display (value, &display, &local_error))
    {
      if (!b->quiet)
        g_printerr ("fauxpak: no X11 for the sandbox: %s\n", local_error->message);
      return TRUE;
    }
  if (display.socket != NULL && g_file_test (display.socket, G_FILE_TEST_EXISTS))
    add_mount (b, MOUNT_RO_BIND, display.socket, display.socket, FALSE);
  else if (!fp_context_has (b->context, FP_FLAGS_SHARED, FP_SHARE_NETWORK))
    {
      /* Only an abstract socket or TCP could reach it: the network. */
      if (!b->quiet)
        g_printerr ("fauxpak: X11 display %s has no socket in /tmp/.X11-unix; "
                    "reaching it needs --share=network\n", value);
    }
  fp_bwrap_set_env (b->bwrap, "DISPLAY", value);
  cookies = fp_x11_xauthority_for (&display);
  if (!fp_bwrap_add_data (b->bwrap, "--ro-bind-data", "Xauthority", cookies, "/run/flatpak/Xauthority", error))
    return FALSE;
  note_layer (b, NULL, "/run/flatpak/Xauthority");
  fp_bwrap_set_env (b->bwrap, "XAUTHORITY", "/run/flatpak/Xauthority");
  return TRUE;
}

/* fallback-x11 means X11 only where Wayland is not bound, whatever else
 * is granted: x11 + fallback-x11 + wayland gives Wayland alone (Flatpak's
 * rule, and what build-finish writes for many Flathub apps). */
static gboolean
add_display_sockets (Builder *b, GError **error)
{
  const FpContext *ctx = b->context;
  gboolean have_wayland = FALSE;
  gboolean allow_x11;

  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_WAYLAND))
    have_wayland = add_wayland_socket (b);
  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_FALLBACK_X11))
    allow_x11 = !have_wayland;
  else
    allow_x11 = fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_X11);
  return add_x11 (b, allow_x11, error);
}

/* PulseAudio as Flatpak gives it: the socket at /run/flatpak/pulse/native
 * with a client config that turns shared memory off, and ALSA's /dev/snd
 * (Flatpak reads pulseaudio as sound in general). */
static gboolean
add_pulseaudio (Builder *b, GError **error)
{
  g_autofree char *host = g_build_filename (b->host_runtime_dir, "pulse", "native", NULL);
  g_autoptr(GBytes) config = g_bytes_new_static ("enable-shm=no\n", strlen ("enable-shm=no\n"));

  if (g_file_test (host, G_FILE_TEST_EXISTS))
    {
      if (!fp_bwrap_add_data (b->bwrap, "--ro-bind-data", "pulseaudio", config, "/run/flatpak/pulse/config", error))
        return FALSE;
      note_layer (b, NULL, "/run/flatpak/pulse/config");
      add_mount (b, MOUNT_RO_BIND, host, "/run/flatpak/pulse/native", FALSE);
      add_runtime_dir_link (b, "pulse");
      fp_bwrap_set_env (b->bwrap, "PULSE_SERVER", "unix:/run/flatpak/pulse/native");
      fp_bwrap_set_env (b->bwrap, "PULSE_CLIENTCONFIG", "/run/flatpak/pulse/config");
    }
  if (g_file_test ("/dev/snd", G_FILE_TEST_IS_DIR))
    add_mount (b, MOUNT_DEV_BIND, "/dev/snd", "/dev/snd", FALSE);
  return TRUE;
}

static gboolean
add_sockets (Builder *b, GError **error)
{
  const FpContext *ctx = b->context;
  const char *rt = b->host_runtime_dir;
  const char *srt = b->sandbox_runtime_dir;

  if (!add_display_sockets (b, error))
    return FALSE;
  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_PULSEAUDIO) && !add_pulseaudio (b, error))
    return FALSE;
  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_PIPEWIRE))
    {
      g_autofree char *host = g_build_filename (rt, "pipewire-0", NULL);
      g_autofree char *inside = g_build_filename (srt, "pipewire-0", NULL);

      add_socket (b, host, inside);
    }
  /* Which socket each bus is (the real one or the D-Bus proxy's) was
   * decided with the launch, in fp_dbus_plan_new. */
  if (b->spec->session_bus_socket != NULL)
    {
      /* Where Flatpak puts it, linked from $XDG_RUNTIME_DIR/bus. */
      add_bus_socket (b, b->spec->session_bus_socket, b->spec->session_bus_proxied, "/run/flatpak/bus",
                      "DBUS_SESSION_BUS_ADDRESS");
      add_runtime_dir_link (b, "bus");
    }
  if (b->spec->system_bus_socket != NULL)
    add_bus_socket (b, b->spec->system_bus_socket, b->spec->system_bus_proxied,
                    "/run/dbus/system_bus_socket", "DBUS_SYSTEM_BUS_ADDRESS");
  /* As Flatpak: GTK and Qt find the accessibility bus here (always the
   * proxy's socket, there before the app starts). */
  if (b->spec->a11y_socket != NULL)
    add_bus_socket (b, b->spec->a11y_socket, TRUE, "/run/flatpak/at-spi-bus", "AT_SPI_BUS_ADDRESS");
  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_SSH_AUTH))
    {
      if (add_socket (b, g_getenv ("SSH_AUTH_SOCK"), "/run/flatpak/ssh-auth"))
        fp_bwrap_set_env (b->bwrap, "SSH_AUTH_SOCK", "/run/flatpak/ssh-auth");
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
  return TRUE;
}

static gboolean
add_raw_binds (Builder *b, GError **error)
{
  for (guint i = 0; i < b->context->binds->len; i++)
    {
      const FpBind *bind = g_ptr_array_index (b->context->binds, i);

      if (bind->kind == FP_BIND_TMPFS)
        {
          apply_mount (b, MOUNT_TMPFS, NULL, bind->dest, FALSE);
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
      apply_mount (b, bind->kind == FP_BIND_RO ? MOUNT_RO_BIND :
                      bind->kind == FP_BIND_DEV ? MOUNT_DEV_BIND : MOUNT_BIND,
                   bind->source, bind->dest, FALSE);
    }
  return TRUE;
}

/* The empty home is a tmpfs (see add_home_and_app_data) unless a grant
 * shares a directory above it (host, /home): then, as under Flatpak, home
 * is the host's, seen through that grant, and only made sure to exist. */
static void
settle_home_mount (Builder *b)
{
  Mount *home = NULL;
  gboolean shared_above = FALSE;

  for (guint i = 0; i < b->mounts->len; i++)
    {
      Mount *m = g_ptr_array_index (b->mounts, i);

      if (home == NULL && m->op == MOUNT_TMPFS && g_str_equal (m->dest, b->home))
        home = m;
      else if ((m->op == MOUNT_BIND || m->op == MOUNT_RO_BIND) && !g_str_equal (m->dest, b->home) &&
               path_is_under (b->home, m->dest) && m->source != NULL && g_str_equal (m->source, m->dest))
        shared_above = TRUE;
    }
  if (home != NULL && shared_above)
    home->op = MOUNT_DIR;
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
static gboolean
emit_mounts (Builder *b, GError **error)
{
  g_ptr_array_sort (b->mounts, compare_mounts);
  for (guint i = 0; i < b->mounts->len; i++)
    {
      const Mount *m = g_ptr_array_index (b->mounts, i);

      if (m->op != MOUNT_RO_DATA)
        {
          apply_mount (b, m->op, m->source, m->dest, m->optional);
          continue;
        }
      if (!fp_bwrap_add_data (b->bwrap, "--ro-bind-data", m->source, m->data, m->dest, error))
        return FALSE;
      note_layer (b, NULL, m->dest);
    }
  return TRUE;
}

/* Variables that describe the host session go first, with those Flatpak
 * always clears (its documented list: they would lead the app to the
 * host's modules, plugins and temporary directories); the sandbox gets its
 * own values, set while its mounts are added, only for what it was
 * granted. */
static void
clear_host_environment (Builder *b)
{
  static const char *const host_only[] = {
    "DBUS_SESSION_BUS_ADDRESS", "DBUS_SYSTEM_BUS_ADDRESS", "WAYLAND_DISPLAY", "DISPLAY",
    "XAUTHORITY", "PULSE_SERVER", "PULSE_CLIENTCONFIG", "SSH_AUTH_SOCK", "XDG_RUNTIME_DIR",
    "XDG_SESSION_ID", "AT_SPI_BUS_ADDRESS", "FLATPAK_ID", "container",
    /* Flatpak's own list (flatpak-run(1)) */
    "LD_LIBRARY_PATH", "LD_PRELOAD", "LD_AUDIT", "TEMP", "TEMPDIR", "TMP", "TMPDIR",
    "PYTHONPATH", "PERLLIB", "PERL5LIB", "XCURSOR_PATH", "GST_PLUGIN_PATH_1_0", "GST_REGISTRY",
    "GST_REGISTRY_1_0", "GST_PLUGIN_PATH", "GST_PLUGIN_SYSTEM_PATH", "GST_PLUGIN_SCANNER",
    "GST_PLUGIN_SCANNER_1_0", "GST_PLUGIN_SYSTEM_PATH_1_0", "GST_PRESET_PATH", "GST_PTP_HELPER",
    "GST_PTP_HELPER_1_0", "GST_INSTALL_PLUGINS_HELPER", "KRB5CCNAME", "XKB_CONFIG_ROOT",
    "GIO_EXTRA_MODULES", "GDK_BACKEND", "VK_ADD_DRIVER_FILES", "VK_ADD_LAYER_PATH",
    "VK_DRIVER_FILES", "VK_ICD_FILENAMES", "VK_LAYER_PATH", "__EGL_EXTERNAL_PLATFORM_CONFIG_DIRS",
    "__EGL_EXTERNAL_PLATFORM_CONFIG_FILENAMES", "__EGL_VENDOR_LIBRARY_DIRS",
    "__EGL_VENDOR_LIBRARY_FILENAMES", NULL
  };
  static const char *const host_xdg_homes[] = {
    "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", NULL
  };

  for (guint i = 0; host_only[i] != NULL; i++)
    fp_bwrap_unset_env (b->bwrap, host_only[i]);
  /* The host's own XDG homes, for apps that want to find them (Flatpak). */
  for (guint i = 0; host_xdg_homes[i] != NULL; i++)
    {
      const char *value = g_getenv (host_xdg_homes[i]);

      if (value != NULL)
        {
          g_autofree char *name = g_strconcat ("HOST_", host_xdg_homes[i], NULL);
          fp_bwrap_set_env (b->bwrap, name, value);
        }
    }
  fp_bwrap_set_env (b->bwrap, "SHELL", "/bin/sh");
}

/* The profile's variables come before the sandbox's own: as under Flatpak
 * they cannot change where the sandbox's sockets and directories are. */
static void
apply_profile_environment (Builder *b)
{
  g_autoptr(GPtrArray) names = fp_sorted_keys (b->context->env);

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

/* Who the app is and where its runtime directory is: never the profile's
 * to change (--env=FLATPAK_ID=… or container=… would lie to the app). */
static void
set_sandbox_identity (Builder *b)
{
  g_autofree char *app_dir = fp_sandbox_app_data_dir (b->spec->profile->app_id);
  g_autofree char *sandbox_dir = g_build_filename (app_dir, "sandbox", NULL);

  fp_bwrap_set_env (b->bwrap, "FLATPAK_ID", b->spec->profile->app_id);
  fp_bwrap_set_env (b->bwrap, "container", "flatpak");
  fp_bwrap_set_env (b->bwrap, "XDG_RUNTIME_DIR", b->sandbox_runtime_dir);
  fp_bwrap_set_env (b->bwrap, "FLATPAK_SANDBOX_DIR", sandbox_dir);
  if (!g_hash_table_contains (b->context->env, "PS1"))
    fp_bwrap_set_env (b->bwrap, "PS1", "[📦 $FLATPAK_ID \\W]\\$ ");
}

static void
builder_init (Builder *b, const FpSandboxSpec *spec, FpBwrap *bwrap)
{
  *b = (Builder) {
    .spec = spec,
    .bwrap = bwrap,
    .context = spec->profile->context,
    .home = g_canonicalize_filename (g_get_home_dir (), "/"),
    .sandbox_runtime_dir = fp_sandbox_runtime_dir (),
    .host_runtime_dir = g_get_user_runtime_dir (),
    .mounts = g_ptr_array_new_with_free_func ((GDestroyNotify) mount_free),
    .layers = g_ptr_array_new_with_free_func ((GDestroyNotify) layer_free),
    .runtime_groups = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_group_free),
    .per_app_tmp = spec->app_dirs ? g_strdup (spec->app_dirs->tmp) : NULL,
    .per_app_dev_shm = spec->app_dirs ? g_strdup (spec->app_dirs->dev_shm) : NULL,
  };
}

static void
builder_clear (Builder *b)
{
  g_free (b->home);
  g_free (b->sandbox_runtime_dir);
  g_free (b->per_app_tmp);
  g_free (b->per_app_dev_shm);
  g_ptr_array_unref (b->mounts);
  g_clear_pointer (&b->layers, g_ptr_array_unref);
  g_ptr_array_unref (b->runtime_groups);
}

/* Every mount, in the order bwrap makes them: what the sandbox shows of
 * the host follows from this alone, for the build and for a view. */
static gboolean
add_filesystem_layout (Builder *b, GError **error)
{
  add_base_filesystem (b);
  if (!add_runtime (b, error))
    return FALSE;
  add_runtime_dir (b);
  if (!add_flatpak_info (b, error) || !add_run_host_files (b, error))
    return FALSE;
  add_instance_lock (b);
  add_app_runtime_dir (b);
  if (!add_home_and_app_data (b, error))
    return FALSE;
  if (!add_filesystems (b, error))
    return FALSE;
  add_devices (b);
  if (!add_sockets (b, error))
    return FALSE;
  add_documents (b);
  settle_home_mount (b);
  if (!emit_mounts (b, error))
    return FALSE;
  if (!add_raw_binds (b, error))
    return FALSE;
  add_documents_alias (b);
  return TRUE;
}

gboolean
fp_sandbox_build (const FpSandboxSpec *spec,
                  FpBwrap             *bwrap,
                  GError             **error)
{
  Builder b;
  gboolean ok = FALSE;

  builder_init (&b, spec, bwrap);

  if (spec->info_fd >= 0)
    {
      g_autofree char *fd_text = g_strdup_printf ("%d", spec->info_fd);
      fp_bwrap_add_args (bwrap, "--info-fd", fd_text, NULL);
    }
  /* bwrap holds this fd until the sandbox is gone; the D-Bus proxy at the
   * other end of the pipe exits then. */
  if (spec->sync_fd > 0)
    {
      g_autofree char *fd_text = g_strdup_printf ("%d", spec->sync_fd);
      fp_bwrap_add_args (bwrap, "--sync-fd", fd_text, NULL);
    }
  add_namespaces (&b);
  /* No sandbox without its seccomp filter: failing to build it fails the launch. */
  if (!fp_seccomp_add_bwrap_args (bwrap, b.context, error))
    goto out;
  clear_host_environment (&b);
  apply_profile_environment (&b);
  if (!add_filesystem_layout (&b, error))
    goto out;
  hand_over_runtime_groups (&b);
  set_sandbox_identity (&b);

  fp_bwrap_add_env_args (bwrap);
  /* Like Flatpak, start in the current directory when the sandbox sees it
   * at the same path, and in home otherwise. */
  {
    g_autofree char *cwd = g_get_current_dir ();
    fp_bwrap_add_args (bwrap, "--chdir", spec->cwd ? spec->cwd : layers_show (b.layers, cwd) ? cwd : b.home,
                       "--", NULL);
  }
  fp_bwrap_add_argsv (bwrap, (const char *const *) spec->profile->command);
  fp_bwrap_add_argsv (bwrap, spec->args);
  ok = TRUE;

out:
  builder_clear (&b);
  return ok;
}

FpSandboxView *
fp_sandbox_view_new (const FpSandboxSpec *spec,
                     GError             **error)
{
  FpSandboxSpec dry_spec = *spec;
  g_autoptr(FpBwrap) scratch = fp_bwrap_new ("bwrap");
  FpSandboxView *view;
  Builder b;

  dry_spec.dry_run = TRUE;
  builder_init (&b, &dry_spec, scratch);
  b.quiet = TRUE;
  if (!add_filesystem_layout (&b, error))
    {
      builder_clear (&b);
      return NULL;
    }
  view = g_new0 (FpSandboxView, 1);
  view->layers = g_steal_pointer (&b.layers);
  builder_clear (&b);
  return view;
}

void
fp_sandbox_view_free (FpSandboxView *view)
{
  if (view == NULL)
    return;
  g_ptr_array_unref (view->layers);
  g_free (view);
}

gboolean
fp_sandbox_view_shows (const FpSandboxView *view,
                       const char          *path)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *resolved = realpath (absolute, NULL);

  /* Through the path as given, and to the file it names: a symlink in a
   * shared directory may point where the sandbox does not see. */
  return resolved != NULL && layers_show (view->layers, absolute) && layers_show (view->layers, resolved);
}
