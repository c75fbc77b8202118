#include "config.h"
#include "fp-sandbox.h"
#include "fp-error.h"
#include "fp-expand.h"
#include "fp-instance.h"
#include "fp-host-root.h"
#include "fp-nofollow.h"
#include "fp-resolve.h"
#include "fp-seccomp.h"
#include "fp-unreadable.h"
#include "fp-x11.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <gio/gunixmounts.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

/* How deep below /etc the walk for entries others may not read goes;
 * deeper than any package nests its configuration. */
#define ETC_HIDE_DEPTH 16
/* The same below /sys/devices, which nests devices deeply. */
#define SYS_HIDE_DEPTH 32
/* …and how many files there it hides at most before refusing: a desktop's
 * /sys/devices has a few hundred (PCI resourceN, rom, dmi serials), the
 * whole of /sys thousands. */
#define SYS_HIDE_MAX 2048

/* Directories the runtime or the sandbox itself provides; a filesystem
 * grant may not replace them, nor a directory above one (Flatpak's
 * dont_export_in and its merged-/usr links; /sys is ours besides). The
 * sandbox's $XDG_RUNTIME_DIR/flatpak-info is added at run time. */
static const char *const reserved_paths[] = {
  "/.flatpak-info", "/app", "/bin", "/dev", "/etc", "/lib", "/lib32", "/lib64",
  "/libx32", "/proc", "/run/flatpak", "/run/host", "/sbin", "/sys", "/usr", NULL
};

/* Host top-level entries `--filesystem=host` does not carry over:
 * Flatpak's dont_mount_in_root, and lost+found. */
static const char *const host_grant_excluded[] = {
  ".flatpak-info", "app", "bin", "boot", "dev", "efi", "etc", "lib", "lib32", "lib64",
  "libx32", "lost+found", "proc", "root", "run", "sbin", "sys", "tmp", "usr", "var", NULL
};

/* What Mesa, Vulkan, udev and libinput read of /sys: read-only, as
 * Flatpak has it. */
static const char *const sys_dirs[] = {
  "/sys/block", "/sys/bus", "/sys/class", "/sys/dev", "/sys/devices", NULL
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
  MOUNT_DATA,    /* a read-only copy of data of ours (--ro-bind-data): never passed to apply_mount */
  MOUNT_RO_DATA,
} MountOp;

typedef struct {
  MountOp op;
  char *source;  /* symlink target for MOUNT_SYMLINK, a name for MOUNT_RO_DATA */
  char *dest;
  gboolean optional;
  char *grant;   /* what asked for it, see Layer */
  gboolean from_profile;
  int fd;        /* MOUNT_BIND, MOUNT_RO_BIND: mount this fd (source names it), or -1 */
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
  char *grant;         /* what the mounts being added come from */
  gboolean grant_is_profile; /* …and whether that is the profile (checked) or fauxpak */
  char *per_app_tmp;   /* the host dir all instances of the app share as /tmp, or NULL */
  char *per_app_dev_shm; /* the same for /dev/shm (per-app-dev-shm), or NULL */
  GError *setup_error; /* the first mount point that could not be made safely */
  FpResolver *resolver;      /* host paths' real paths: the spec's, or own_resolver */
  FpResolver *own_resolver;
} Builder;

/* What one mount puts at `dest`: the host's `host_source`, or (NULL)
 * something of the sandbox's own: a tmpfs, a symlink, data. `grant` says
 * where it comes from in words a person reviewing a profile knows
 * ("--filesystem=home", "--bind=/srv/a:/srv/b", "runtime");
 * `from_profile` marks the profile's filesystems and raw binds. */
typedef struct {
  char *dest;
  char *host_source;
  MountOp op;
  char *grant;
  gboolean from_profile;
  gboolean writable;   /* a read-write bind */
  gboolean devices;    /* device nodes work there (--dev-bind) */
  int fd;              /* the directory bound (--bind-fd; the bwrap's own), or -1 */
} Layer;

struct _FpSandboxView {
  GPtrArray *layers;   /* Layer* */
};

static void
layer_free (Layer *layer)
{
  g_free (layer->dest);
  g_free (layer->host_source);
  g_free (layer->grant);
  g_free (layer);
}

/* What the mounts added next come from; `from_profile` ones are checked
 * against what no grant may show (check_grants_hide_protected). */
G_GNUC_PRINTF (3, 4) static void
set_grant (Builder *b, gboolean from_profile, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_free (b->grant);
  b->grant = g_strdup_vprintf (format, args);
  b->grant_is_profile = from_profile;
  va_end (args);
}

static void
note_layer (Builder *b, MountOp op, const char *host_source, const char *dest,
            const char *grant, gboolean from_profile)
{
  Layer *layer = g_new0 (Layer, 1);

  layer->dest = g_canonicalize_filename (dest, "/");
  layer->host_source = g_strdup (host_source);
  layer->op = op;
  layer->grant = g_strdup (grant);
  layer->from_profile = from_profile;
  layer->fd = -1;
  g_ptr_array_add (b->layers, layer);
}

/* Before bwrap mounts at `dest`: when what the sandbox shows at `dest` so
 * far is a host directory bound read-write, bwrap would make a missing
 * mount point on the host, following any link on the way, as root when
 * root runs fauxpak; and it mounts on whatever a link there leads to. It
 * is made here instead, walked from that bind without following links.
 * In the app's own directories (bound from fds: its data, its shared
 * /tmp and runtime directory) every link there is the app's doing, and
 * fails the launch (setup_error), even where the mount point exists: a
 * link planted as a mount point would have bwrap mount wherever the app
 * chose in the next sandbox. Under a grant of the
 * user's (home, say) a link may be the user's own (a ~/.config kept with
 * the dotfiles): an existing mount point is left to bwrap, as before, and
 * only a missing one is made without following links. Every running
 * instance of the app has the same mount points, which keeps it from
 * replacing them while one runs (Flatpak's argument for /tmp/.X11-unix). */
static gboolean is_own_runtime_dir_link (int dir_fd, const char *name);

static void
prepare_mount_point (Builder *b, const char *dest, gboolean directory)
{
  g_autofree char *canonical = g_canonicalize_filename (dest, "/");

  if (b->spec->dry_run || b->setup_error != NULL)
    return;
  for (guint i = b->layers->len; i > 0; i--)
    {
      const Layer *layer = g_ptr_array_index (b->layers, i - 1);
      const char *relative;
      int anchor_fd;

      if (!fp_path_is_under (canonical, layer->dest))
        continue;
      /* On a mount already there, or in what is not the host's to write. */
      if (g_str_equal (canonical, layer->dest) || layer->host_source == NULL || !layer->writable ||
          layer->op == MOUNT_SYMLINK)
        return;
      relative = canonical + strlen (layer->dest) + (g_str_equal (layer->dest, "/") ? 0 : 1);
      if (layer->fd < 0)
        {
          g_autofree char *host = g_build_filename (layer->host_source, relative, NULL);

          if (g_file_test (host, directory ? G_FILE_TEST_IS_DIR : G_FILE_TEST_EXISTS))
            return;
        }
      anchor_fd = layer->fd >= 0 ? fcntl (layer->fd, F_DUPFD_CLOEXEC, 3)
                                 : open (layer->host_source, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (anchor_fd < 0)
        return;  /* not a directory: bwrap says why */
      /* A link of fauxpak's own in the app's $XDG_RUNTIME_DIR (pipewire-0
       * from an earlier --socket=pipewire) gives way to an xdg-run/NAME
       * grant's mount point; unlinkat removes the link, never its target. */
      if (b->spec->app_dirs != NULL && g_str_equal (layer->host_source, b->spec->app_dirs->xdg_run) &&
          is_own_runtime_dir_link (anchor_fd, relative))
        unlinkat (anchor_fd, relative, 0);
      fp_nofollow_make_mount_point (anchor_fd, layer->host_source, relative, directory, &b->setup_error);
      close (anchor_fd);
      return;
    }
}

static void
mount_free (Mount *mount)
{
  g_free (mount->source);
  g_free (mount->dest);
  g_free (mount->grant);
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
  /* The grant travels with the mount: sorting must not lose it. */
  mount->grant = g_strdup (b->grant);
  mount->from_profile = b->grant_is_profile;
  mount->fd = -1;
  g_ptr_array_add (b->mounts, mount);
}

/* A bind of the directory `fd` (which the builder's bwrap owns) holds,
 * `source` on the host: bwrap mounts what the fd names, whatever the path
 * leads to by then, and closes the fd once mounted, before the app runs. */
static void
add_fd_mount (Builder *b, MountOp op, int fd, const char *source, const char *dest)
{
  add_mount (b, op, source, dest, FALSE);
  ((Mount *) g_ptr_array_index (b->mounts, b->mounts->len - 1))->fd = fp_bwrap_take_fd (b->bwrap, fd);
}

/* A read-only file of the sandbox's own at `dest`, made in its turn
 * among the sorted mounts (inside a directory bound before it). */
static void
add_data_mount (Builder *b, const char *name, const char *contents, const char *dest)
{
  Mount *mount = g_new0 (Mount, 1);

  mount->op = MOUNT_RO_DATA;
  mount->fd = -1;  /* not fd 0: emit_mounts takes fd >= 0 for a bind from an fd */
  mount->grant = g_strdup (b->grant);
  mount->from_profile = b->grant_is_profile;
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
apply_mount_for (Builder *b, MountOp op, const char *source, const char *dest, gboolean optional,
                 const char *grant, gboolean from_profile)
{
  const char *from_host = NULL;

  if (op == MOUNT_TMPFS)
    prepare_mount_point (b, dest, TRUE);
  else if (op == MOUNT_BIND || op == MOUNT_RO_BIND || op == MOUNT_DEV_BIND)
    prepare_mount_point (b, dest, source == NULL || g_file_test (source, G_FILE_TEST_IS_DIR));
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
  note_layer (b, op, from_host, dest, grant, from_profile);
  if (from_host != NULL)
    {
      Layer *layer = g_ptr_array_index (b->layers, b->layers->len - 1);

      layer->writable = op == MOUNT_BIND || op == MOUNT_DEV_BIND;
      layer->devices = op == MOUNT_DEV_BIND;
    }
}

static void
apply_mount (Builder *b, MountOp op, const char *source, const char *dest, gboolean optional)
{
  apply_mount_for (b, op, source, dest, optional, b->grant, b->grant_is_profile);
}

static void apply_fd_mount (Builder *b, const Mount *m);

/* A directory every instance of the app shares (its /tmp, /dev/shm):
 * opened without following links and bound from the fd, so that what is
 * bound is the directory fauxpak made, whatever its path leads to by the
 * time bwrap runs. A failure fails the launch (setup_error). */
static void
apply_shared_dir (Builder *b, const char *source, const char *dest)
{
  Mount m = { .op = MOUNT_BIND, .source = (char *) source, .dest = (char *) dest,
              .grant = b->grant, .from_profile = b->grant_is_profile, .fd = -1 };
  struct stat st;

  if (b->spec->dry_run)
    {
      apply_mount (b, MOUNT_BIND, source, dest, FALSE);
      return;
    }
  if (b->setup_error != NULL)
    return;
  m.fd = fp_nofollow_open_dir_path (source, FALSE, &b->setup_error);
  if (m.fd < 0)
    return;
  /* Only ever the user's own: /dev/shm is everyone's to write. */
  if (fstat (m.fd, &st) != 0 || st.st_uid != getuid ())
    {
      g_set_error (&b->setup_error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "%s is not the user's own directory; not sharing it with the sandbox", source);
      close (m.fd);
      return;
    }
  m.fd = fp_bwrap_take_fd (b->bwrap, m.fd);
  apply_fd_mount (b, &m);
}

static void
apply_fd_mount (Builder *b, const Mount *m)
{
  g_autofree char *fd_text = g_strdup_printf ("%d", m->fd);

  g_assert (m->op == MOUNT_BIND || m->op == MOUNT_RO_BIND);
  prepare_mount_point (b, m->dest, TRUE);
  fp_bwrap_add_args (b->bwrap, m->op == MOUNT_RO_BIND ? "--ro-bind-fd" : "--bind-fd",
                     fd_text, m->dest, NULL);
  note_layer (b, m->op, m->source, m->dest, m->grant, m->from_profile);
  ((Layer *) g_ptr_array_index (b->layers, b->layers->len - 1))->writable = m->op == MOUNT_BIND;
  ((Layer *) g_ptr_array_index (b->layers, b->layers->len - 1))->fd = m->fd;
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

/* Whether the sandbox sees the host's absolute `path` at that path: the
 * last mount made at or above it brought the host's own directory there,
 * read-only or read-write as that mount is. */
static FpSandboxAccess
layers_access (GPtrArray *layers, const char *path)
{
  for (guint i = layers->len; i > 0; i--)
    {
      const Layer *layer = g_ptr_array_index (layers, i - 1);

      if (!fp_path_is_under (path, layer->dest))
        continue;
      if (layer->host_source == NULL || !g_str_equal (layer->host_source, layer->dest))
        return FP_SANDBOX_ACCESS_HIDDEN;
      return layer->op == MOUNT_RO_BIND ? FP_SANDBOX_ACCESS_READ_ONLY : FP_SANDBOX_ACCESS_READ_WRITE;
    }
  return FP_SANDBOX_ACCESS_HIDDEN;
}

static gboolean
layers_show (GPtrArray *layers, const char *path)
{
  return layers_access (layers, path) != FP_SANDBOX_ACCESS_HIDDEN;
}

/* A place in the sandbox that fauxpak makes and a grant must not replace:
 * a reserved path, something inside one, or a directory above one (as
 * Flatpak refuses /run, which holds /run/flatpak: bwrap would then make
 * fauxpak's own files in the host's directory). */
static gboolean
is_reserved (Builder *b, const char *path)
{
  g_autofree char *info_link = g_build_filename (b->sandbox_runtime_dir, "flatpak-info", NULL);

  for (guint i = 0; reserved_paths[i] != NULL; i++)
    if (fp_path_is_under (path, reserved_paths[i]) || fp_path_is_under (reserved_paths[i], path))
      return TRUE;
  return fp_path_is_under (info_link, path) || fp_path_is_under (path, info_link);
}

/* A raw bind may put any host path anywhere, so it is held to what no
 * Flatpak grant could do either: its source is not the root, home or a
 * directory above home, nor the host's /proc (whose /proc/1/root is the
 * host's root), nor /sys unless read-only; its destination does not replace what the sandbox is
 * identified by (/.flatpak-info, $XDG_RUNTIME_DIR/flatpak-info, /run/flatpak)
 * nor /proc, nor a directory above them. What it exposes besides is
 * checked with every other grant (check_grants_hide_protected). */
static gboolean
check_raw_bind (Builder *b, const FpBind *bind, const char *real_source, GError **error)
{
  static const char *const identity[] = { "/.flatpak-info", "/run/flatpak", "/proc", NULL };
  g_autofree char *info_link = g_build_filename (b->sandbox_runtime_dir, "flatpak-info", NULL);
  g_autofree char *dest = g_canonicalize_filename (bind->dest, "/");
  const char *why = NULL;

  if (real_source != NULL)
    {
      if (g_str_equal (real_source, "/"))
        why = "its source is the host's root";
      else if (fp_path_is_under (b->home, real_source))
        why = "its source is home or a directory above it; grant what the app needs inside home";
      else if (fp_path_is_under (real_source, "/proc"))
        why = "its source is in the host's /proc, which leads to every host process's files";
      else if (fp_path_is_under (real_source, "/sys") && bind->kind != FP_BIND_RO)
        why = "its source is in the host's /sys, which only a read-only bind may show (root could write it)";
    }
  for (guint i = 0; why == NULL && identity[i] != NULL; i++)
    if (fp_path_is_under (dest, identity[i]) || fp_path_is_under (identity[i], dest))
      why = "its destination would replace what the sandbox is identified by (/.flatpak-info, /run/flatpak) or its /proc";
  if (why == NULL && (fp_path_is_under (dest, info_link) || fp_path_is_under (info_link, dest)))
    why = "its destination would replace $XDG_RUNTIME_DIR/flatpak-info";
  if (why == NULL)
    return TRUE;
  if (real_source != NULL && bind->source != NULL && !g_str_equal (real_source, bind->source))
    g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT, "%s: refused: %s (the source resolves to %s)",
                 b->grant, why, real_source);
  else
    g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT, "%s: refused: %s", b->grant, why);
  return FALSE;
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
  fp_bwrap_add_args (b->bwrap, "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try", NULL);
  if (!b->spec->outlive_launcher)
    fp_bwrap_add_args (b->bwrap, "--die-with-parent", NULL);
  if (getuid () == 0)
    {
      /* Started by root, bwrap makes no user namespace unless asked, and
       * the app would keep the host's bounding set: any root program it
       * runs could take back every capability. In a user namespace of its
       * own (uid 0 is the host's uid 0 there, so files look as they do to
       * root) the bounding set is empty and what capabilities there are
       * count only inside; --cap-drop ALL drops those too. */
      fp_bwrap_add_arg (b->bwrap, "--unshare-user");
      if (bwrap_can_disable_userns (b->bwrap))
        fp_bwrap_add_arg (b->bwrap, "--disable-userns");
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

/* The kernel lets uid 0 write sysctls (core_pattern, modprobe: programs
 * the host's root runs) and a few other /proc files by uid alone, without
 * a capability, and uid 0 in the sandbox is the host's. bwrap covers
 * /proc/sys only when it can tell root may write it, which the sysctl
 * permission check hides; for root everything in /proc that is not a
 * process's goes read-only here, siblings of /proc/sys included. A user
 * could write only the sysctls of the sandbox's own namespaces (ipc, pid);
 * /proc/sys is read-only for users too, so that no sysctl is written from
 * inside at all. */
static void
add_proc_cover (Builder *b)
{
  g_auto(GStrv) entries = NULL;

  if (getuid () != 0)
    {
      apply_mount (b, MOUNT_RO_BIND, "/proc/sys", "/proc/sys", TRUE);
      return;
    }
  entries = fp_host_root_proc_entries ();
  for (guint i = 0; entries[i] != NULL; i++)
    apply_mount (b, MOUNT_RO_BIND, entries[i], entries[i], TRUE);
}

/* The other half of add_proc_cover: nothing bound in gives root a
 * writable kernel interface, the host's processes or its disks. */
static gboolean
check_root_binds (Builder *b, GError **error)
{
  GList *mounts;
  gboolean ok = TRUE;

  if (getuid () != 0)
    return TRUE;
  mounts = g_unix_mounts_get (NULL);
  for (guint i = 0; ok && i < b->layers->len; i++)
    {
      const Layer *layer = g_ptr_array_index (b->layers, i);

      /* A symlink mirroring the host's (/etc/mtab) mounts nothing. */
      ok = layer->host_source == NULL || layer->op == MOUNT_SYMLINK ||
           fp_host_root_check_bind (mounts, layer->host_source, fp_resolver_realpath (b->resolver, layer->host_source),
                                    layer->dest, layer->writable, layer->devices, error);
    }
  g_list_free_full (mounts, (GDestroyNotify) g_unix_mount_free);
  return ok;
}

/* --device=all shares the host's device nodes, but not its /dev/shm
 * (where other programs keep shared memory) unless --device=shm asks for
 * it: a private one instead, or the app's own with per-app-dev-shm. */
static void
add_dev_all (Builder *b)
{
  set_grant (b, FALSE, "--device=all");
  apply_mount (b, MOUNT_DEV_BIND, "/dev", "/dev", FALSE);
  if (fp_context_has (b->context, FP_FLAGS_DEVICES, FP_DEVICE_SHM) ||
      !g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) || g_file_test ("/dev/shm", G_FILE_TEST_IS_SYMLINK))
    return;
  if (b->per_app_dev_shm != NULL)
    apply_shared_dir (b, b->per_app_dev_shm, "/dev/shm");
  else
    apply_mount (b, MOUNT_TMPFS, NULL, "/dev/shm", FALSE);
}

static void
add_base_filesystem (Builder *b)
{
  set_grant (b, FALSE, "sandbox");
  apply_mount (b, MOUNT_PROC, NULL, "/proc", FALSE);
  add_proc_cover (b);
  if (fp_context_has (b->context, FP_FLAGS_DEVICES, FP_DEVICE_ALL))
    {
      add_dev_all (b);
      set_grant (b, FALSE, "sandbox");
    }
  else
    apply_mount (b, MOUNT_DEV, NULL, "/dev", FALSE);
  /* One /tmp for every instance of the app, as under Flatpak. */
  if (b->per_app_tmp != NULL)
    apply_shared_dir (b, b->per_app_tmp, "/tmp");
  else
    apply_mount (b, MOUNT_TMPFS, NULL, "/tmp", FALSE);
  apply_mount (b, MOUNT_DIR, NULL, "/var", FALSE);
  apply_mount (b, MOUNT_SYMLINK, "../run", "/var/run", FALSE);
  apply_mount (b, MOUNT_DIR, NULL, "/run", FALSE);
  apply_mount (b, MOUNT_DIR, NULL, "/run/host", FALSE);
  /* A tmpfs of its own, made read-only once everything is mounted
   * (finish_sys): a directory of the root would be writable to the app,
   * root included, where programs expect the kernel's. */
  apply_mount (b, MOUNT_TMPFS, NULL, "/sys", FALSE);
  for (guint i = 0; sys_dirs[i] != NULL; i++)
    if (g_file_test (sys_dirs[i], G_FILE_TEST_IS_DIR))
      apply_mount (b, MOUNT_RO_BIND, sys_dirs[i], sys_dirs[i], FALSE);
  /* What only root may read there: see hide_root_only_sysfs. */
}

/* What Flatpak puts under /run/host whatever the grants: the host's
 * os-release, and who manages the container. */
static gboolean
add_run_host_files (Builder *b, GError **error)
{
  g_autoptr(GBytes) manager = g_bytes_new_static ("flatpak\n", strlen ("flatpak\n"));

  set_grant (b, FALSE, "sandbox (the host's os-release and container manager, as under Flatpak)");
  if (g_file_test ("/etc/os-release", G_FILE_TEST_EXISTS))
    apply_mount (b, MOUNT_RO_BIND, "/etc/os-release", "/run/host/os-release", FALSE);
  else if (g_file_test ("/usr/lib/os-release", G_FILE_TEST_EXISTS))
    apply_mount (b, MOUNT_RO_BIND, "/usr/lib/os-release", "/run/host/os-release", FALSE);
  if (!fp_bwrap_add_data (b->bwrap, "--ro-bind-data", "container-manager", manager,
                          "/run/host/container-manager", error))
    return FALSE;
  note_layer (b, MOUNT_DATA, NULL, "/run/host/container-manager", b->grant, FALSE);
  return TRUE;
}

/* What others may not read in `dir` (fp_unreadable_entries), for this
 * build: none for the checks' dry view, which no hiding changes and
 * which does not wait for the walks. */
static GPtrArray *
unreadable_for (Builder *b, const char *dir, int depth, guint limit)
{
  static GPtrArray *none;

  if (b->spec->checks_only)
    return none != NULL ? none : (none = g_ptr_array_new ());
  return fp_unreadable_entries (dir, depth, limit);
}

/* Hides `entries` (fp_unreadable_entries') of a directory shown at `inside`:
 * an empty tmpfs over a directory, an empty read-only file over a file.
 * Now, or (`sorted`) in their turn among the sorted mounts, after a bind
 * that is itself sorted. */
static gboolean
hide_entries (Builder *b, GPtrArray *entries, const char *inside, gboolean sorted, GError **error)
{
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

  for (guint i = 0; i < entries->len; i++)
    {
      const char *entry = g_ptr_array_index (entries, i);
      g_autofree char *dest = g_build_filename (inside, entry + 1, NULL);

      if (entry[0] == 'd' && sorted)
        add_mount (b, MOUNT_TMPFS, NULL, dest, FALSE);
      else if (entry[0] == 'd')
        apply_mount (b, MOUNT_TMPFS, NULL, dest, FALSE);
      else if (sorted)
        add_data_mount (b, "hidden", "", dest);
      else if (!fp_bwrap_add_data (b->bwrap, "--ro-bind-data", "hidden", empty, dest, error))
        return FALSE;
      else
        note_layer (b, MOUNT_DATA, NULL, dest, b->grant, FALSE);
    }
  return TRUE;
}

/* The host's /etc for the host runtime, by one rule: every entry others
 * may read, read-only, links as they are; what only root or a group may
 * read, there or at any depth below, empty. One bind and a mount over
 * each hidden entry: bubblewrap's cost grows with every mount (it reads
 * the mount table for each), and /etc has a hundred or more entries. */
static gboolean
add_host_etc (Builder *b, GError **error)
{
  apply_mount (b, MOUNT_RO_BIND, "/etc", "/etc", FALSE);
  return hide_entries (b, unreadable_for (b, "/etc", ETC_HIDE_DEPTH, G_MAXUINT), "/etc", FALSE, error);
}

/* A runtime path that is /etc, or holds it, would be mounted read-only
 * where the host's /etc is then to be bound with its secrets hidden: refused
 * with what to do, rather than failing inside bubblewrap. */
static gboolean
check_runtime_path_etc (const FpProfile *profile, const char *path, GError **error)
{
  if (!profile->runtime_host_etc || !fp_path_is_under ("/etc", path))
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
          covered = fp_path_is_under (layer->dest, parent);
        }
      if (!covered)
        fp_closure_add_group (b->spec->closure, parent, pending->paths, pending->first_arg);
    }
}

static gboolean
add_runtime (Builder *b, GError **error)
{
  const FpProfile *profile = b->spec->profile;

  set_grant (b, FALSE, "runtime");
  if (profile->runtime == FP_RUNTIME_HOST)
    add_host_runtime (b);
  else
    {
      for (guint i = 0; profile->runtime_paths[i] != NULL; i++)
        {
          const char *path = profile->runtime_paths[i];

          g_autoptr(FpBind) as_bind = fp_bind_new (FP_BIND_RO, path, path, FALSE);
          const char *real = fp_resolver_realpath (b->resolver, path);

          if (real == NULL && !g_file_test (path, G_FILE_TEST_EXISTS))
            {
              g_set_error (error, FP_ERROR, FP_ERROR_MISSING_SOURCE,
                           "%s: runtime path %s does not exist",
                           profile->source_path ? profile->source_path : "profile", path);
              return FALSE;
            }
          /* The profile's own list, so a read-only raw bind like any other:
           * "paths": ["/"] would hand over the host. */
          set_grant (b, TRUE, "runtime.paths: %s", path);
          if (!check_raw_bind (b, as_bind, real != NULL ? real : path, error))
            return FALSE;
          if (!check_runtime_path_etc (profile, path, error))
            return FALSE;
        }
      set_grant (b, TRUE, "runtime.paths");
      add_runtime_paths (b, (const char *const *) profile->runtime_paths);
      set_grant (b, FALSE, "runtime");
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

  set_grant (b, FALSE, "$XDG_RUNTIME_DIR (shared by the app's instances)");
  if (dirs == NULL)
    {
      add_mount (b, MOUNT_DIR, NULL, b->sandbox_runtime_dir, FALSE);
      return;
    }
  if (b->spec->dry_run)
    add_mount (b, MOUNT_BIND, dirs->xdg_run, b->sandbox_runtime_dir, FALSE);
  else
    {
      /* As the app's /tmp (apply_shared_dir), but in its turn among the
       * sorted mounts. */
      int fd = b->setup_error != NULL ? -1 : fp_nofollow_open_dir_path (dirs->xdg_run, FALSE, &b->setup_error);

      if (fd >= 0)
        add_fd_mount (b, MOUNT_BIND, fd, dirs->xdg_run, b->sandbox_runtime_dir);
    }
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
      gboolean made = symlinkat (target, dir_fd, name) == 0;
      struct stat st;

      /* An empty file or directory there is the mount point an xdg-run/NAME
       * grant left (prepare_mount_point): the link takes its place again.
       * Anything else is the app's business. */
      if (!made && errno == EEXIST && fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
          ((S_ISREG (st.st_mode) && st.st_size == 0 && unlinkat (dir_fd, name, 0) == 0) ||
           (S_ISDIR (st.st_mode) && unlinkat (dir_fd, name, AT_REMOVEDIR) == 0)))
        made = symlinkat (target, dir_fd, name) == 0;
      if (!made && errno != EEXIST && !b->quiet)
        g_printerr ("fauxpak: cannot link %s/%s: %s\n", b->spec->app_dirs->xdg_run, name, g_strerror (errno));
      close (dir_fd);
    }
}

/* TRUE when NAME in the directory `dir_fd` is a link fauxpak makes in the
 * app's $XDG_RUNTIME_DIR (add_runtime_dir_link, the flatpak-info link),
 * which a grant's mount point may replace: not a link the app planted. */
static gboolean
is_own_runtime_dir_link (int dir_fd, const char *name)
{
  g_autofree char *own = g_build_filename ("../../flatpak", name, NULL);
  char target[PATH_MAX];
  ssize_t length = readlinkat (dir_fd, name, target, sizeof target - 1);

  if (length < 0 || strchr (name, '/') != NULL)
    return FALSE;
  target[length] = '\0';
  return g_str_equal (target, own) ||
         (g_str_equal (name, "flatpak-info") && g_str_equal (target, "../../../.flatpak-info"));
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

  int fd;

  set_grant (b, FALSE, "$XDG_RUNTIME_DIR/app/%s (the app's own)", app_id);
  if (b->spec->dry_run)
    add_mount (b, MOUNT_BIND, host, inside, FALSE);
  else
    {
      /* Apps write there: walked without links, bound from the fd. */
      fd = fp_nofollow_open_dir_path (host, TRUE, &local_error);
      if (fd < 0)
        {
          if (!b->quiet)
            g_printerr ("fauxpak: not sharing %s: %s\n", host, local_error->message);
          return;
        }
      add_fd_mount (b, MOUNT_BIND, fd, host, inside);
    }
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

  set_grant (b, FALSE, "instance lock");
  if (b->spec->instance_ref == NULL)
    {
      /* A view has no instance yet: shown under the name it stands for,
       * so that info lists every mount a launch makes. */
      if (b->spec->dry_run)
        {
          g_autofree char *base = fp_instance_base_dir ();
          g_autofree char *host = g_build_filename (base, "<instance-id>", NULL);

          note_layer (b, MOUNT_RO_BIND, host, "/run/flatpak/.flatpak/<instance-id>", b->grant, FALSE);
        }
      return;
    }
  dir = g_path_get_dirname (b->spec->instance_ref);
  id = g_path_get_basename (dir);
  inside = g_build_filename ("/run/flatpak/.flatpak", id, NULL);
  lock = g_build_filename (inside, ".ref", NULL);
  apply_mount (b, MOUNT_RO_BIND, dir, inside, FALSE);
  fp_bwrap_add_args (b->bwrap, "--lock-file", lock, NULL);
  add_runtime_dir_link (b, ".flatpak");
}

static void
add_flatpak_info_link (Builder *b)
{
  set_grant (b, FALSE, "/.flatpak-info");
  add_runtime_dir_symlink (b, "flatpak-info", "../../../.flatpak-info");
}

/* The keyfile the portals read, the sandbox's last mount: whatever an
 * earlier one put at /.flatpak-info (bwrap mounts on what a link the app
 * planted at a mount point leads to) lies under it. */
static gboolean
add_flatpak_info (Builder *b, GError **error)
{
  set_grant (b, FALSE, "/.flatpak-info");
  if (!fp_bwrap_add_data (b->bwrap, "--ro-bind-data", "flatpak-info",
                          b->spec->flatpak_info, "/.flatpak-info", error))
    return FALSE;
  note_layer (b, MOUNT_DATA, NULL, "/.flatpak-info", b->grant, FALSE);
  return TRUE;
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
 * walked without following links (the app writes ~/.var/app/ID), created
 * when missing, and bound from the fd, so that what was checked is what
 * is bound. */
static gboolean
bind_app_owned_dir (Builder *b, const char *app_dir, const char *relative, const char *dest, GError **error)
{
  g_autofree char *source = g_build_filename (app_dir, relative, NULL);
  int fd;

  if (b->spec->dry_run)
    {
      add_mount (b, MOUNT_BIND, source, dest, FALSE);
      return TRUE;
    }
  fd = fp_nofollow_open_dir_path (source, TRUE, error);
  if (fd < 0)
    return FALSE;
  add_fd_mount (b, MOUNT_BIND, fd, source, dest);
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

/* Where fauxpak and Flatpak keep what decides an app's permissions: its
 * overrides, installed profiles, Flatpak's overrides and permission
 * store. An app that could write them would grant itself more at its next
 * launch; hidden under any grant, as Flatpak hides its own directory. */
static GPtrArray *
launcher_state_dirs (void)
{
  GPtrArray *dirs = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (dirs, g_build_filename (g_get_user_config_dir (), "fauxpak", NULL));
  g_ptr_array_add (dirs, g_build_filename (g_get_user_data_dir (), "fauxpak", NULL));
  g_ptr_array_add (dirs, g_build_filename (g_get_user_data_dir (), "flatpak", NULL));
  return dirs;
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

  g_autofree char *apps_dir = g_path_get_dirname (app_dir);

  set_grant (b, FALSE, "the app's own data");
  /* A tmpfs, not a directory of the root: a home under /tmp would
   * otherwise be a directory in the /tmp the app's instances share, and
   * keep what one launch put there for the next (settle_home_mount makes
   * it a plain directory when a grant shares what is above it). */
  add_mount (b, MOUNT_TMPFS, NULL, b->home, FALSE);
  /* Other apps' data stays hidden under a grant of home or host, as
   * Flatpak hides it; the app's own directory goes on top. */
  add_mount (b, MOUNT_TMPFS, NULL, apps_dir, FALSE);
  for (guint i = 0; subdirs[i] != NULL; i++)
    {
      g_autofree char *dir = g_build_filename (app_dir, subdirs[i], NULL);

      fp_bwrap_set_env (b->bwrap, env_names[i], dir);
    }
  if (b->spec->dry_run)
    add_mount (b, MOUNT_BIND, app_dir, app_dir, FALSE);
  else
    {
      int app_fd;

      /* The app writes all of ~/.var/app/<app-id>: any element may be a
       * link it planted for this launch to follow (a persistent directory
       * pointed at / or ~ is Flatpak's CVE-2024-42472). Each is walked
       * without following links, created when missing, mounted from the fd. */
      for (guint i = 0; subdirs[i] != NULL; i++)
        {
          g_autofree char *dir = g_build_filename (app_dir, subdirs[i], NULL);
          int fd = fp_nofollow_open_dir_path (dir, TRUE, error);

          if (fd < 0)
            return FALSE;
          close (fd);
        }
      app_fd = fp_nofollow_open_dir_path (app_dir, FALSE, error);
      if (app_fd < 0)
        return FALSE;
      add_fd_mount (b, MOUNT_BIND, app_fd, app_dir, app_dir);
    }
  if (!add_var_app_dirs (b, app_dir, error))
    return FALSE;

  /* As under Flatpak, a persistent directory is moot when home is shared. */
  for (guint i = 0; !home_granted (b) && i < persistent->len; i++)
    {
      const char *name = g_ptr_array_index (persistent, i);
      g_autofree char *dest = g_build_filename (b->home, name, NULL);

      set_grant (b, FALSE, "--persist=%s (the app's own data)", name);
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

/* An xdg-run/app/… grant: the host's $XDG_RUNTIME_DIR/app/… at
 * /run/flatpak/app/… (resolve_filesystem), the one place in reserved
 * /run/flatpak a grant may go; the app's own directory there is fauxpak's. */
static gboolean
is_app_ipc_grant (Builder *b, const char *source, const char *dest)
{
  g_autofree char *host_apps = g_build_filename (b->host_runtime_dir, "app", NULL);
  g_autofree char *own = g_build_filename ("/run/flatpak/app", b->spec->profile->app_id, NULL);

  return fp_path_is_under (dest, "/run/flatpak/app") && fp_path_is_under (source, host_apps) &&
         g_str_equal (source + strlen (host_apps), dest + strlen ("/run/flatpak/app")) &&
         !fp_path_is_under (dest, own) && strstr (dest, "/..") == NULL;
}

/* Whether a grant may put `source` at `dest`. */
static gboolean
grant_dest_allowed (Builder *b, const char *source, const char *dest)
{
  return !is_reserved (b, dest) || is_app_ipc_grant (b, source, dest);
}

static void
add_filesystem_mount (Builder *b, const char *source, const char *dest, FpFilesystemMode mode)
{
  if (!grant_dest_allowed (b, source, dest))
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
  return g_str_equal (path, "/") || fp_path_is_under (b->home, path) || is_reserved (b, path);
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
      /* $XDG_RUNTIME_DIR/app inside is fauxpak's link to /run/flatpak/app
       * (add_app_runtime_dir): another app's IPC directory goes where the
       * link leads, not through a link in a directory the app writes. */
      if (g_str_equal (rest, "app") || g_str_has_prefix (rest, "app/"))
        *dest = g_build_filename ("/run/flatpak", rest, NULL);
      else
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
 * empty tmpfs over the directory, as Flatpak hides it. A directory
 * reached through a symlink (~/.ssh -> dotfiles/ssh) is hidden where it
 * is, as Flatpak hides the target: the grant shows it there, and the link
 * then leads to the empty one. */
static void
hide_filesystem (Builder *b, const char *source, const char *dest)
{
  g_autofree char *real = NULL;  /* realpath's malloc: GLib's free is the system's */

  if (!g_file_test (source, G_FILE_TEST_IS_DIR))
    return;
  if (g_str_equal (source, dest) && (real = realpath (source, NULL)) != NULL)
    dest = real;
  else if (g_file_test (source, G_FILE_TEST_IS_SYMLINK))
    return;
  if (is_reserved (b, dest) || fp_path_is_under (b->home, dest))
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

/* What others may not read of the host's /etc at /run/host/etc: hidden
 * as under the host runtime's /etc (add_host_etc), for root may run
 * fauxpak and uid 0 inside reads what the host's root reads: a grant of
 * the host's /etc is what programs read there, not its shadow file or
 * its keys. In their turn among the sorted mounts, after the bind. */
static void
hide_private_host_etc (Builder *b)
{
  /* Sorted mounts only fail for data the caller gives: none here. */
  hide_entries (b, unreadable_for (b, "/etc", ETC_HIDE_DEPTH, G_MAXUINT), "/run/host/etc", TRUE, NULL);
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

  /* Each mount names the grant it comes from, as `fauxpak info` shows it. */
  if (os)
    {
      set_grant (b, TRUE, "--filesystem=%s", host ? "host" : "host-os");
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
    {
      set_grant (b, TRUE, "--filesystem=%s", host ? "host" : "host-etc");
      add_mount (b, MOUNT_RO_BIND, "/etc", "/run/host/etc", FALSE);
      set_grant (b, FALSE, "hidden: what others may not read of the host's /etc");
      hide_private_host_etc (b);
    }
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
      set_grant (b, TRUE, "--filesystem=%s%s", location,
                 mode == FP_FILESYSTEM_READ_ONLY ? ":ro" : mode == FP_FILESYSTEM_CREATE ? ":create" : "");
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
      /* What is missing is made without following links: a parent the app
       * can write (another grant) may hold one it planted. */
      if (mode == FP_FILESYSTEM_CREATE && !b->spec->dry_run && grant_dest_allowed (b, source, dest) &&
          !g_file_test (source, G_FILE_TEST_EXISTS))
        {
          int fd = fp_nofollow_open_dir_path (source, TRUE, error);

          if (fd < 0)
            return FALSE;
          add_fd_mount (b, MOUNT_BIND, fd, source, dest);
          continue;
        }
      /* As in Flatpak, a grant of something absent is no error. */
      if (!g_file_test (source, G_FILE_TEST_EXISTS) && !(b->spec->dry_run && mode == FP_FILESYSTEM_CREATE))
        continue;
      add_grant_through_link (b, source, dest, mode);
    }
  add_run_host_grants (b);
  set_grant (b, FALSE, "user-dirs.dirs (the granted xdg-* directories)");
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
    apply_shared_dir (b, b->per_app_dev_shm, "/dev/shm");
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
      set_grant (b, FALSE, "--device=%s", fp_context_flag_names (FP_FLAGS_DEVICES)[g_bit_nth_lsf (devices[i].device, -1)]);
      for (gsize j = 0; j < G_N_ELEMENTS (devices[i].paths) && devices[i].paths[j] != NULL; j++)
        if (g_file_test (devices[i].paths[j], G_FILE_TEST_EXISTS))
          apply_mount (b, MOUNT_DEV_BIND, devices[i].paths[j], devices[i].paths[j], FALSE);
    }
  if (fp_context_has (b->context, FP_FLAGS_DEVICES, FP_DEVICE_DRI))
    {
      g_autoptr(GDir) dev = g_dir_open ("/dev", 0, NULL);
      const char *name;

      set_grant (b, FALSE, "--device=dri");
      while (dev != NULL && (name = g_dir_read_name (dev)) != NULL)
        if (g_str_has_prefix (name, "nvidia"))
          {
            g_autofree char *path = g_build_filename ("/dev", name, NULL);
            apply_mount (b, MOUNT_DEV_BIND, path, path, FALSE);
          }
    }
}

/* A socket grant gives the one socket it names, read-only as Flatpak
 * binds it (the app can connect, not replace it or change its mode), and
 * only when the host path is a socket: never the directory around it. */
static gboolean
add_socket (Builder *b, const char *host_path, const char *sandbox_path)
{
  struct stat st;

  if (host_path == NULL || stat (host_path, &st) != 0)
    return FALSE;
  if (!S_ISSOCK (st.st_mode))
    {
      if (!b->quiet)
        g_printerr ("fauxpak: %s: not binding %s: it is not a socket\n", b->grant, host_path);
      return FALSE;
    }
  add_mount (b, MOUNT_RO_BIND, host_path, sandbox_path, FALSE);
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
  add_mount (b, MOUNT_RO_BIND, host_path, sandbox_path, FALSE);
  fp_bwrap_set_env (b->bwrap, variable, address);
}

/* Each app sees only its own documents, at $XDG_RUNTIME_DIR/doc and at
 * /run/flatpak/doc as under Flatpak: the portal's by-app/<app-id> view of
 * its FUSE filesystem. Newer portals hand an app whose desktop file says
 * X-Flatpak its documents under /run/flatpak/doc. */
static void
add_documents (Builder *b)
{
  g_autofree char *by_app = NULL;
  g_autofree char *inside = NULL;

  if (b->spec->documents_mount == NULL)
    return;
  by_app = g_build_filename (b->spec->documents_mount, "by-app", b->spec->profile->app_id, NULL);
  set_grant (b, FALSE, "documents (the app's own)");
  inside = g_build_filename (b->sandbox_runtime_dir, "doc", NULL);
  add_mount (b, MOUNT_BIND, by_app, inside, FALSE);
  add_mount (b, MOUNT_BIND, by_app, "/run/flatpak/doc", FALSE);
}

/* TRUE when the last mount at or above `path` was made at `dest`. */
static gboolean
layers_last_at_or_above_is (GPtrArray *layers, const char *path, const char *dest)
{
  for (guint i = layers->len; i > 0; i--)
    {
      const Layer *layer = g_ptr_array_index (layers, i - 1);

      if (fp_path_is_under (path, layer->dest))
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
  g_autofree char *host_parent = g_build_filename (b->per_app_tmp, parent, NULL);
  int fd = fp_nofollow_open_dir_path (host_parent, TRUE, &local_error);

  if (fd < 0)
    {
      if (!b->quiet)
        g_printerr ("fauxpak: no link at %s in the sandbox: %s\n", path, local_error->message);
      return;
    }
  if (symlinkat (target, fd, name) != 0 && errno != EEXIST && !b->quiet)
    g_printerr ("fauxpak: no link at %s in the sandbox: %s\n", path, g_strerror (errno));
  close (fd);
  note_layer (b, MOUNT_DATA, NULL, path, b->grant, FALSE);
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
  set_grant (b, FALSE, "documents (the app's own)");
  if (g_str_equal (mount, inside) || layers_show (b->layers, mount))
    return;
  if (b->per_app_tmp != NULL && !b->spec->dry_run && fp_path_is_under (mount, "/tmp") &&
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
  set_grant (b, FALSE, "--socket=wayland");
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
add_x11 (Builder *b, const char *granted_by, GError **error)
{
  const char *value = g_getenv ("DISPLAY");
  g_auto(FpX11Display) display = { 0 };
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) cookies = NULL;

  set_grant (b, FALSE, "sandbox (no X11 socket of the host's but the one granted)");
  add_mount (b, MOUNT_TMPFS, NULL, "/tmp/.X11-unix", FALSE);
  if (granted_by == NULL || value == NULL)
    return TRUE;
  set_grant (b, FALSE, "%s", granted_by);
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
  cookies = fp_x11_xauthority_for (&display, error);
  if (cookies == NULL || !fp_bwrap_add_data (b->bwrap, "--ro-bind-data", "Xauthority", cookies, "/run/flatpak/Xauthority", error))
    return FALSE;
  note_layer (b, MOUNT_DATA, NULL, "/run/flatpak/Xauthority", b->grant, FALSE);
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
  const char *x11 = NULL;

  set_grant (b, FALSE, "--socket=wayland");
  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_WAYLAND))
    have_wayland = add_wayland_socket (b);
  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_FALLBACK_X11))
    x11 = have_wayland ? NULL : "--socket=fallback-x11";
  else if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_X11))
    x11 = "--socket=x11";
  return add_x11 (b, x11, error);
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
      note_layer (b, MOUNT_DATA, NULL, "/run/flatpak/pulse/config", b->grant, FALSE);
      add_mount (b, MOUNT_RO_BIND, host, "/run/flatpak/pulse/native", FALSE);
      add_runtime_dir_link (b, "pulse");
      fp_bwrap_set_env (b->bwrap, "PULSE_SERVER", "unix:/run/flatpak/pulse/native");
      fp_bwrap_set_env (b->bwrap, "PULSE_CLIENTCONFIG", "/run/flatpak/pulse/config");
    }
  if (g_file_test ("/dev/snd", G_FILE_TEST_IS_DIR))
    add_mount (b, MOUNT_DEV_BIND, "/dev/snd", "/dev/snd", FALSE);
  return TRUE;
}

/* Where the host's gpg-agent listens, as Flatpak asks: gpgconf knows
 * (GNUPGHOME moves it). NULL without gpgconf or an agent. */
static char *
gpg_agent_socket (void)
{
  const char *argv[] = { "gpgconf", "--list-dirs", "agent-socket", NULL };
  g_autofree char *out = NULL;
  int status = 0;
  struct stat st;

  if (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                    NULL, NULL, &out, NULL, &status, NULL) &&
      g_spawn_check_wait_status (status, NULL) && out != NULL && out[0] == '/' &&
      stat (g_strstrip (out), &st) == 0 && S_ISSOCK (st.st_mode))
    return g_steal_pointer (&out);
  return NULL;
}

static gboolean
add_sockets (Builder *b, GError **error)
{
  const FpContext *ctx = b->context;
  const char *rt = b->host_runtime_dir;

  if (!add_display_sockets (b, error))
    return FALSE;
  set_grant (b, FALSE, "--socket=pulseaudio");
  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_PULSEAUDIO) && !add_pulseaudio (b, error))
    return FALSE;
  /* Sockets go to /run/flatpak, linked from $XDG_RUNTIME_DIR as Flatpak
   * links its own: that directory is the app's to write, shared by its
   * instances, and a mount point there could be swapped for a link by an
   * instance running without the grant. */
  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_PIPEWIRE))
    {
      g_autofree char *host = g_build_filename (rt, "pipewire-0", NULL);

      set_grant (b, FALSE, "--socket=pipewire");
      if (add_socket (b, host, "/run/flatpak/pipewire-0"))
        add_runtime_dir_link (b, "pipewire-0");
    }
  /* Which socket each bus is (the real one or the D-Bus proxy's) was
   * decided with the launch, in fp_dbus_plan_new. */
  if (b->spec->session_bus_socket != NULL)
    {
      set_grant (b, FALSE, fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_SESSION_BUS)
                             ? "--socket=session-bus (unfiltered)" : "session bus (filtered by the D-Bus proxy)");
      /* Where Flatpak puts it, linked from $XDG_RUNTIME_DIR/bus. */
      add_bus_socket (b, b->spec->session_bus_socket, b->spec->session_bus_proxied, "/run/flatpak/bus",
                      "DBUS_SESSION_BUS_ADDRESS");
      add_runtime_dir_link (b, "bus");
    }
  if (b->spec->system_bus_socket != NULL)
    {
      set_grant (b, FALSE, fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_SYSTEM_BUS)
                             ? "--socket=system-bus (unfiltered)" : "system bus (filtered by the D-Bus proxy)");
      add_bus_socket (b, b->spec->system_bus_socket, b->spec->system_bus_proxied,
                      "/run/dbus/system_bus_socket", "DBUS_SYSTEM_BUS_ADDRESS");
    }
  /* As Flatpak: GTK and Qt find the accessibility bus here (always the
   * proxy's socket, there before the app starts). */
  if (b->spec->a11y_socket != NULL)
    {
      set_grant (b, FALSE, "accessibility bus (filtered by the D-Bus proxy)");
      add_bus_socket (b, b->spec->a11y_socket, TRUE, "/run/flatpak/at-spi-bus", "AT_SPI_BUS_ADDRESS");
    }
  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_SSH_AUTH))
    {
      set_grant (b, FALSE, "--socket=ssh-auth");
      if (add_socket (b, g_getenv ("SSH_AUTH_SOCK"), "/run/flatpak/ssh-auth"))
        fp_bwrap_set_env (b->bwrap, "SSH_AUTH_SOCK", "/run/flatpak/ssh-auth");
    }
  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_GPG_AGENT))
    {
      /* The agent's own socket only, where GnuPG inside looks for it: not
       * the directory, whose S.gpg-agent.ssh and S.gpg-agent.extra the
       * app could otherwise replace with its own (as Flatpak binds it). */
      g_autofree char *host = gpg_agent_socket ();

      set_grant (b, FALSE, "--socket=gpg-agent");
      /* GnuPG wants its socket directory the user's own, 0700. */
      if (host != NULL)
        fp_bwrap_add_args (b->bwrap, "--perms", "0700", "--dir", "/run/flatpak/gnupg", NULL);
      if (add_socket (b, host, "/run/flatpak/gnupg/S.gpg-agent"))
        add_runtime_dir_link (b, "gnupg");
    }
  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_PCSC))
    {
      const char *host = g_getenv ("PCSCLITE_CSOCK_NAME");

      set_grant (b, FALSE, "--socket=pcsc");
      if (add_socket (b, host != NULL ? host : "/run/pcscd/pcscd.comm", "/run/pcscd/pcscd.comm"))
        fp_bwrap_set_env (b->bwrap, "PCSCLITE_CSOCK_NAME", "/run/pcscd/pcscd.comm");
    }
  if (fp_context_has (ctx, FP_FLAGS_SOCKETS, FP_SOCKET_CUPS))
    {
      set_grant (b, FALSE, "--socket=cups");
      add_socket (b, "/run/cups/cups.sock", "/run/cups/cups.sock");
    }
  return TRUE;
}

static gboolean
add_raw_binds (Builder *b, GError **error)
{
  for (guint i = 0; i < b->context->binds->len; i++)
    {
      const FpBind *bind = g_ptr_array_index (b->context->binds, i);
      g_autofree char *real_source = NULL;  /* realpath's malloc: GLib's free is the system's */

      g_autofree char *option = fp_bind_to_option (bind);

      set_grant (b, TRUE, "%s%s", option, bind->optional ? " (optional)" : "");
      if (bind->kind == FP_BIND_TMPFS)
        {
          if (!check_raw_bind (b, bind, NULL, error))
            return FALSE;
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
      /* bwrap follows links in the source: judge where it leads. */
      real_source = realpath (bind->source, NULL);
      if (!check_raw_bind (b, bind, real_source != NULL ? real_source : bind->source, error))
        return FALSE;
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
               fp_path_is_under (b->home, m->dest) && m->source != NULL && g_str_equal (m->source, m->dest))
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

      if (m->fd >= 0)
        {
          apply_fd_mount (b, m);
          continue;
        }
      if (m->op != MOUNT_RO_DATA)
        {
          apply_mount_for (b, m->op, m->source, m->dest, m->optional, m->grant, m->from_profile);
          continue;
        }
      prepare_mount_point (b, m->dest, FALSE);
      if (!fp_bwrap_add_data (b->bwrap, "--ro-bind-data", m->source, m->data, m->dest, error))
        return FALSE;
      note_layer (b, MOUNT_DATA, NULL, m->dest, m->grant, m->from_profile);
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

  g_auto(GStrv) host = g_get_environ ();
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; host_only[i] != NULL; i++)
    fp_bwrap_unset_env (b->bwrap, host_only[i]);
  /* A pattern ("*_TOKEN": null) keeps matching host variables out; one
   * the profile sets by name is its own and goes in (set_environment). */
  g_hash_table_iter_init (&iter, b->context->env);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (value != NULL || !fp_env_name_is_pattern (key))
        continue;
      for (guint i = 0; host[i] != NULL; i++)
        {
          g_autofree char *name = g_strndup (host[i], strcspn (host[i], "="));

          if (g_pattern_match_simple (key, name))
            fp_bwrap_unset_env (b->bwrap, name);
        }
    }
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

      if (value == NULL && fp_env_name_is_pattern (name))
        continue;  /* done with the host's variables */
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
  if (spec->resolver == NULL)
    b->resolver = b->own_resolver = fp_resolver_new ();
  else
    b->resolver = spec->resolver;
}

static void
builder_clear (Builder *b)
{
  g_free (b->grant);
  g_free (b->home);
  g_free (b->sandbox_runtime_dir);
  g_free (b->per_app_tmp);
  g_free (b->per_app_dev_shm);
  g_clear_error (&b->setup_error);
  g_ptr_array_unref (b->mounts);
  g_clear_pointer (&b->layers, g_ptr_array_unref);
  g_ptr_array_unref (b->runtime_groups);
  fp_resolver_free (b->own_resolver);
}

/* What no grant may show the app: the buses' sockets (past their
 * filter), every app's instance directory (where the D-Bus proxies
 * listen: through another app's proxy the portals would take the app for
 * that app), Flatpak's proxies, the document portal's whole mount, the
 * accessibility bus, the user's systemd manager and the bus's service
 * directory (both run programs on the host), and other apps' data. */
typedef struct {
  char *path;          /* canonical host path */
  const char *what;
  gboolean inside_too; /* a grant of something inside it is refused as well */
  char *allowed;       /* except this, inside it (the app's own documents) */
} Protected;

static void
protected_free (Protected *p)
{
  g_free (p->path);
  g_free (p->allowed);
  g_free (p);
}

/* `path` with the links of what exists of it resolved: where a missing
 * directory would be made. Through the launch's resolver: the protected
 * paths and fauxpak's own directories, most of them missing, share home
 * and the runtime directory, which are then resolved once, not once for
 * every missing level of each. */
static char *
real_path_below (Builder *b, const char *path)
{
  const char *real = fp_resolver_realpath (b->resolver, path);
  g_autofree char *parent = NULL;
  g_autofree char *name = NULL;
  g_autofree char *real_parent = NULL;

  if (real != NULL || g_str_equal (path, "/"))
    return g_strdup (real != NULL ? real : "/");
  parent = g_path_get_dirname (path);
  name = g_path_get_basename (path);
  real_parent = real_path_below (b, parent);
  return g_build_filename (real_parent, name, NULL);
}

/* Where `path` is on the host, links resolved as far as it exists. */
static char *
canonical_host_path (Builder *b, const char *path)
{
  const char *real = fp_resolver_realpath (b->resolver, path);
  g_autofree char *absolute = NULL;

  if (real != NULL)
    return g_strdup (real);
  absolute = g_canonicalize_filename (path, "/");
  return real_path_below (b, absolute);
}

static void
protect (Builder *b, GPtrArray *list, const char *path, const char *what, gboolean inside_too,
         const char *allowed)
{
  Protected *p = g_new0 (Protected, 1);

  p->path = canonical_host_path (b, path);
  p->what = what;
  p->inside_too = inside_too;
  p->allowed = allowed != NULL ? canonical_host_path (b, allowed) : NULL;
  g_ptr_array_add (list, p);
}

static GPtrArray *
protected_host_paths (Builder *b)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) protected_free);
  const char *rt = b->host_runtime_dir;
  g_autofree char *instances = fp_instance_base_dir ();
  g_autofree char *documents = b->spec->documents_mount != NULL ? g_strdup (b->spec->documents_mount)
                                                               : g_build_filename (rt, "doc", NULL);
  g_autofree char *own_documents = g_build_filename (documents, "by-app", b->spec->profile->app_id, NULL);
  g_autofree char *apps = fp_sandbox_app_data_dir (b->spec->profile->app_id);
  g_autofree char *apps_dir = g_path_get_dirname (apps);
  static const struct { const char *name; const char *what; } runtime_dirs[] = {
    { ".dbus-proxy", "Flatpak's D-Bus proxies of other apps" },
    { "at-spi", "the accessibility bus" },
    { "systemd", "the user's systemd manager" },
    { "dbus-1", "the session bus's service directory" },
  };

  if (b->spec->host_bus_sockets != NULL)
    for (guint i = 0; i < b->spec->host_bus_sockets->len; i++)
      protect (b, list, g_ptr_array_index (b->spec->host_bus_sockets, i), "a D-Bus bus socket", FALSE, NULL);
  if (!fp_context_has (b->context, FP_FLAGS_SOCKETS, FP_SOCKET_SESSION_BUS))
    {
      g_autofree char *bus = g_build_filename (rt, "bus", NULL);
      protect (b, list, bus, "the session bus socket", FALSE, NULL);
    }
  if (!fp_context_has (b->context, FP_FLAGS_SOCKETS, FP_SOCKET_SYSTEM_BUS))
    protect (b, list, "/run/dbus/system_bus_socket", "the system bus socket", FALSE, NULL);
  protect (b, list, instances, "the instance directories of running apps, with their D-Bus proxies", TRUE, NULL);
  protect (b, list, documents, "the document portal's mount with every app's documents", TRUE, own_documents);
  for (gsize i = 0; i < G_N_ELEMENTS (runtime_dirs); i++)
    {
      g_autofree char *path = g_build_filename (rt, runtime_dirs[i].name, NULL);
      protect (b, list, path, runtime_dirs[i].what, TRUE, NULL);
    }
  protect (b, list, apps_dir, "other apps' data (~/.var/app)", FALSE, NULL);
  {
    g_autoptr(GPtrArray) state = launcher_state_dirs ();

    for (guint i = 0; i < state->len; i++)
      protect (b, list, g_ptr_array_index (state, i),
               "fauxpak's and Flatpak's own permission files (overrides, installed profiles)", TRUE, NULL);
  }
  return list;
}

/* TRUE when a mount made after layer `index` covers `inside`. */
static gboolean
hidden_after (GPtrArray *layers, guint index, const char *inside)
{
  for (guint j = index + 1; j < layers->len; j++)
    {
      const Layer *later = g_ptr_array_index (layers, j);

      if (later->op != MOUNT_DIR && later->op != MOUNT_SYMLINK && fp_path_is_under (inside, later->dest))
        return TRUE;
    }
  return FALSE;
}

/* Every grant of the profile's (filesystems and raw binds alike) against
 * what no grant may show, after all mounts are known: a grant of home is
 * fine because ~/.var/app is hidden under it, /tmp:ro is not when the
 * session bus listens in /tmp. Judged on real host paths, so a symlink on
 * the way changes nothing. A launch that would show one is refused. */
static gboolean
check_grants_hide_protected (Builder *b, GError **error)
{
  g_autoptr(GPtrArray) protected = NULL;

  for (guint i = 0; i < b->layers->len; i++)
    {
      const Layer *layer = g_ptr_array_index (b->layers, i);
      g_autofree char *source = NULL;

      if (!layer->from_profile || layer->host_source == NULL)
        continue;
      /* Resolved at the first grant: a sandbox with none has nothing to judge. */
      if (protected == NULL)
        protected = protected_host_paths (b);
      source = canonical_host_path (b, layer->host_source);
      for (guint k = 0; k < protected->len; k++)
        {
          const Protected *p = g_ptr_array_index (protected, k);
          g_autofree char *inside = NULL;

          if (fp_path_is_under (p->path, source))
            {
              const char *rel = g_str_equal (source, "/") ? p->path : p->path + strlen (source);

              inside = g_strconcat (layer->dest, rel, NULL);
              if (hidden_after (b->layers, i, inside))
                continue;
            }
          else if (!p->inside_too || !fp_path_is_under (source, p->path) ||
                   (p->allowed != NULL && fp_path_is_under (source, p->allowed)))
            continue;
          g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                       "%s would show the app %s (%s%s%s); refused: grant something that does not contain it",
                       layer->grant, p->what, p->path, inside != NULL ? " at " : "", inside != NULL ? inside : "");
          return FALSE;
        }
    }
  return TRUE;
}

/* Over what the grants show of launcher_state_dirs, after every grant:
 * an empty tmpfs, so that the app sees none of it and cannot create it.
 * What a grant shows elsewhere (a raw bind to another place) is not
 * covered, and check_grants_hide_protected refuses it. */
static void
hide_launcher_state (Builder *b)
{
  g_autoptr(GPtrArray) state = launcher_state_dirs ();

  set_grant (b, FALSE, "hidden: fauxpak's and Flatpak's permission files");
  for (guint i = 0; i < state->len; i++)
    {
      const char *dir = g_ptr_array_index (state, i);
      g_autofree char *real = NULL;
      gboolean named = FALSE;

      /* Made where fauxpak reads it, through the user's links as every
       * read of fauxpak's config goes (a ~/.config kept with the
       * dotfiles), so that the mount point exists before bwrap. */
      if (!b->spec->dry_run && layers_show (b->layers, dir) && g_mkdir_with_parents (dir, 0700) != 0 && !b->quiet)
        g_printerr ("fauxpak: cannot create %s: %s\n", dir, g_strerror (errno));
      /* Covered where it is: through the link too, then. */
      real = real_path_below (b, dir);
      /* A grant of the directory itself is refused, not quietly emptied. */
      for (guint j = 0; j < b->layers->len && !named; j++)
        {
          const char *dest = ((const Layer *) g_ptr_array_index (b->layers, j))->dest;
          named = g_str_equal (dest, dir) || g_str_equal (dest, real);
        }
      if (!named && layers_show (b->layers, real))
        apply_mount (b, MOUNT_TMPFS, NULL, real, FALSE);
    }
}

/* After the last mount (a raw bind may add one under /sys): nothing in
 * /sys is writable, as on the host for the app's uid. */
static void
finish_sys (Builder *b)
{
  fp_bwrap_add_args (b->bwrap, "--remount-ro", "/sys", NULL);
}

/* Every mount, in the order bwrap makes them: what the sandbox shows of
 * the host follows from this alone, for the build and for a view. */
/* What only root may read in sysfs is root's uid alone away from acting
 * on the host: reading /sys/class/zram-control/hot_add makes a zram
 * device, a PCI device's resourceN maps its memory, dmi/id/product_serial
 * identifies the machine. When root runs the app, every sysfs directory
 * the sandbox shows (the base /sys/{block,bus,class,dev,devices}, a
 * read-only grant or raw bind of /sys) has those files emptied; for anyone
 * else they are unreadable anyway, and the walk costs launch time. */
static gboolean
hide_root_only_sysfs (Builder *b, GError **error)
{
  guint shown = b->layers->len;
  guint hidden = 0;

  if (getuid () != 0)
    return TRUE;
  set_grant (b, FALSE, "sandbox (what only root may read in /sys)");
  for (guint i = 0; i < shown; i++)
    {
      const Layer *layer = g_ptr_array_index (b->layers, i);
      GPtrArray *entries;
      struct statfs fs;
      struct stat st;

      if (layer->host_source == NULL || layer->op == MOUNT_SYMLINK || statfs (layer->host_source, &fs) != 0 ||
          fs.f_type != SYSFS_MAGIC || stat (layer->host_source, &st) != 0 || !S_ISDIR (st.st_mode))
        continue;
      /* One mount each: bwrap takes a bounded command line. */
      entries = unreadable_for (b, layer->host_source, SYS_HIDE_DEPTH, SYS_HIDE_MAX + 1);
      hidden += entries->len;
      if (hidden > SYS_HIDE_MAX)
        {
          g_autofree char *last = g_build_filename (layer->host_source,
                                                    (const char *) g_ptr_array_index (entries, entries->len - 1) + 1,
                                                    NULL);

          g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                       "not showing %s in the sandbox: as root the app would read the files there only root "
                       "may read (%s and too many more to hide, some of which act on the host when read); "
                       "bind the directories it needs, or run it as a user", layer->host_source, last);
          return FALSE;
        }
      if (!hide_entries (b, entries, layer->dest, FALSE, error))
        return FALSE;
    }
  return TRUE;
}

void
fp_sandbox_prefetch (void)
{
  fp_unreadable_prefetch ("/etc", ETC_HIDE_DEPTH, G_MAXUINT);
  if (getuid () != 0)
    return;
  for (guint i = 0; sys_dirs[i] != NULL; i++)
    fp_unreadable_prefetch (sys_dirs[i], SYS_HIDE_DEPTH, SYS_HIDE_MAX + 1);
}

static gboolean
add_filesystem_layout (Builder *b, GError **error)
{
  add_base_filesystem (b);
  if (!add_runtime (b, error))
    return FALSE;
  add_runtime_dir (b);
  add_flatpak_info_link (b);
  if (!add_run_host_files (b, error))
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
  hide_launcher_state (b);
  add_documents_alias (b);
  if (!hide_root_only_sysfs (b, error))
    return FALSE;
  finish_sys (b);
  if (!add_flatpak_info (b, error))
    return FALSE;
  if (b->setup_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&b->setup_error));
      return FALSE;
    }
  return check_grants_hide_protected (b, error);
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
  if (!add_filesystem_layout (&b, error) || !check_root_binds (&b, error))
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
  /* Walks it did not need end too: no thread of theirs is left when the
   * launcher forks and execs. */
  fp_unreadable_join ();
  return ok;
}

FpSandboxView *
fp_sandbox_view_new (const FpSandboxSpec *spec,
                     GError             **error)
{
  FpSandboxSpec dry_spec = *spec;
  g_autoptr(FpBwrap) scratch = fp_bwrap_new_scratch ();
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

char *
fp_sandbox_view_describe (const FpSandboxView *view)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < view->layers->len; i++)
    {
      const Layer *layer = g_ptr_array_index (view->layers, i);
      const char *kind = NULL;

      switch (layer->op)
        {
        case MOUNT_BIND: kind = "rw"; break;
        case MOUNT_RO_BIND: kind = "ro"; break;
        case MOUNT_DEV_BIND: kind = "dev"; break;
        case MOUNT_TMPFS: kind = "tmpfs"; break;
        case MOUNT_PROC: kind = "proc"; break;
        case MOUNT_DEV: kind = "devfs"; break;
        case MOUNT_DATA: kind = "data"; break;
        case MOUNT_DIR:
        case MOUNT_SYMLINK:
        default: continue;
        }
      if (layer->host_source != NULL)
        g_string_append_printf (text, "%-5s %s -> %s   [%s]\n", kind, layer->host_source, layer->dest,
                                layer->grant ? layer->grant : "");
      else
        g_string_append_printf (text, "%-5s %s   [%s]\n", kind, layer->dest, layer->grant ? layer->grant : "");
    }
  return g_string_free (text, FALSE);
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

FpSandboxAccess
fp_sandbox_view_access (const FpSandboxView *view,
                        const char          *path)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *resolved = realpath (absolute, NULL);
  FpSandboxAccess as_given, as_resolved;
  struct stat st;

  if (resolved == NULL)
    {
      /* A file yet to be made (a save) gets what its directory has, as
       * under Flatpak; a dangling symlink is no such file. */
      g_autofree char *parent = g_path_get_dirname (absolute);
      g_autofree char *name = g_path_get_basename (absolute);
      g_autofree char *real_parent = NULL;

      if (errno != ENOENT || lstat (absolute, &st) == 0 || (real_parent = realpath (parent, NULL)) == NULL)
        return FP_SANDBOX_ACCESS_HIDDEN;
      resolved = g_build_filename (real_parent, name, NULL);
    }
  as_given = layers_access (view->layers, absolute);
  as_resolved = layers_access (view->layers, resolved);
  return MIN (as_given, as_resolved);
}
