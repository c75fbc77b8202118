#include "fp-host-root.h"
#include "fp-error.h"
#include "fp-expand.h"

#include <dirent.h>
#include <fcntl.h>
#include <gio/gunixmounts.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Filesystems that are the kernel's interface rather than anyone's data:
 * writing them as uid 0 changes the host's kernel or its services. */
static const char *const kernel_filesystems[] = {
  "proc", "sysfs", "cgroup", "cgroup2", "debugfs", "tracefs", "securityfs", "bpf",
  "efivarfs", "pstore", "binfmt_misc", "selinuxfs", "smackfs", "configfs", "fusectl",
  "autofs", "hugetlbfs", "mqueue", "rpc_pipefs", "nfsd", NULL
};

static gboolean
is_process_entry (const char *name)
{
  return g_ascii_isdigit (name[0]) || g_str_equal (name, "self") || g_str_equal (name, "thread-self");
}

/* One entry of /proc that is not a process's: kept when root could write
 * through it (a directory, or a file with a write bit). */
static void
add_proc_entry (GStrvBuilder *entries, int proc_fd, const char *name)
{
  g_autofree char *path = NULL;
  struct stat st;

  /* Symlinks (mounts, net) lead into self/. */
  if (fstatat (proc_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISLNK (st.st_mode))
    return;
  if (S_ISDIR (st.st_mode) || (st.st_mode & 0222) != 0)
    {
      path = g_strconcat ("/proc/", name, NULL);
      g_strv_builder_add (entries, path);
    }
}

/* The kernel lists its own entries of /proc first, then "self",
 * "thread-self" and one entry per process (proc_root_readdir: positions
 * below FIRST_PROCESS_ENTRY, then proc_pid_readdir). Making the entry of
 * every process costs the kernel most of a listing (0.4-1.1 ms with 300
 * processes), so the listing is read in small pieces and stops at the
 * first process after self and thread-self: by then every entry of the
 * kernel's own has been seen. Were the order ever another, it reads on
 * to the end, and misses nothing either way. */
static GStrv
scan_proc_entries (void)
{
  g_autoptr(GStrvBuilder) entries = g_strv_builder_new ();
  int proc_fd = open ("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  gboolean seen_self = FALSE, seen_thread_self = FALSE, done = FALSE;
  union {
    struct dirent64 first;  /* aligned for the records getdents64 writes */
    char bytes[1024];
  } buffer;
  ssize_t n;

  while (proc_fd >= 0 && !done && (n = getdents64 (proc_fd, buffer.bytes, sizeof buffer)) > 0)
    {
      for (ssize_t offset = 0; offset < n && !done;)
        {
          const struct dirent64 *entry = (const struct dirent64 *) (buffer.bytes + offset);
          const char *name = entry->d_name;

          offset += entry->d_reclen;
          if (g_str_equal (name, ".") || g_str_equal (name, ".."))
            continue;
          if (g_str_equal (name, "self"))
            seen_self = TRUE;
          else if (g_str_equal (name, "thread-self"))
            seen_thread_self = TRUE;
          else if (g_ascii_isdigit (name[0]))
            done = seen_self && seen_thread_self;
          else
            add_proc_entry (entries, proc_fd, name);
        }
    }
  if (proc_fd >= 0)
    close (proc_fd);
  return g_strv_builder_end (entries);
}

GStrv
fp_host_root_proc_entries (void)
{
  /* The kernel's own entries do not change while fauxpak runs, and a
   * launch lays out its sandbox more than once (the dry view that refuses
   * before anything is made, then the sandbox): /proc is scanned once. */
  static GStrv entries;

  if (g_once_init_enter (&entries))
    g_once_init_leave (&entries, scan_proc_entries ());
  return g_strdupv (entries);
}

/* The kernel filesystem `path` is on, or one mounted anywhere below it
 * (a bind takes its submounts along: /sys/fs/cgroup is a tmpfs full of
 * cgroup mounts); NULL when there is none. `mount_path` says where. */
static const char *
kernel_filesystem (GList *mounts, const char *path, const char **mount_path)
{
  GUnixMountEntry *containing = NULL;

  for (GList *l = mounts; l != NULL; l = l->next)
    {
      const char *at = g_unix_mount_get_mount_path (l->data);

      if (fp_path_is_under (at, path) && !g_str_equal (at, path) &&
          g_strv_contains (kernel_filesystems, g_unix_mount_get_fs_type (l->data)))
        {
          *mount_path = at;
          return g_unix_mount_get_fs_type (l->data);
        }
      /* The deepest mount point above the path, the later one of equals
       * (mounted over the other), is the one the path is on. */
      if (fp_path_is_under (path, at) &&
          (containing == NULL || strlen (at) >= strlen (g_unix_mount_get_mount_path (containing))))
        containing = l->data;
    }
  if (containing == NULL || !g_strv_contains (kernel_filesystems, g_unix_mount_get_fs_type (containing)))
    return NULL;
  *mount_path = g_unix_mount_get_mount_path (containing);
  return g_unix_mount_get_fs_type (containing);
}

/* A block device at `path` or (a directory) up to `depth` levels below. */
static gboolean
holds_block_device (const char *path, int depth)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  struct stat st;

  if (lstat (path, &st) != 0)
    return FALSE;
  if (S_ISBLK (st.st_mode))
    return TRUE;
  if (!S_ISDIR (st.st_mode) || depth == 0 || (dir = g_dir_open (path, 0, NULL)) == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (holds_block_device (child, depth - 1))
        return TRUE;
    }
  return FALSE;
}

gboolean
fp_host_root_check_bind (GList      *mounts,
                         const char *source,
                         const char *real,
                         const char *dest,
                         gboolean    writable,
                         gboolean    devices,
                         GError    **error)
{
  const char *mount_path = NULL;
  const char *filesystem = kernel_filesystem (mounts, real != NULL ? real : source, &mount_path);

  if (g_strcmp0 (filesystem, "proc") == 0)
    {
      const char *name = g_str_has_prefix (source, "/proc/") ? source + strlen ("/proc/") : "";

      /* The read-only cover of the sandbox's own /proc is the one use. */
      if (!writable && g_str_equal (source, dest) && *name != '\0' && strchr (name, '/') == NULL &&
          !is_process_entry (name))
        return TRUE;
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "not binding %s into the sandbox: the host's /proc is mounted at %s, and as root "
                   "it would give the app the host's processes and kernel settings", source, mount_path);
      return FALSE;
    }
  if (writable && filesystem != NULL)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "not binding %s read-write into the sandbox: %s is %s, the kernel's own "
                   "interface, and root there would change the host's kernel; bind it read-only",
                   source, mount_path, filesystem);
      return FALSE;
    }
  if (devices && (g_strcmp0 (real, "/dev") == 0 || holds_block_device (source, 2)))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "not binding the devices of %s into the sandbox: as root the app could "
                   "write the host's disks through them; name the devices it needs instead",
                   source);
      return FALSE;
    }
  return TRUE;
}
