/* What keeps uid 0 in the sandbox from being root over the host, when
 * fauxpak itself runs as root. The sandbox's user namespace maps uid 0 to
 * the host's uid 0 (files stay root's, as the user expects), and the
 * kernel grants some things by uid alone, whatever the capabilities:
 * sysctls (core_pattern, modprobe: code run as the host's root), root-owned
 * device nodes, kernel filesystems' files. This file finds those. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The entries of /proc, besides the per-process ones, that root could
 * write through (directories, or files with a write bit): the sandbox
 * mounts each read-only over its own /proc. NULL-terminated. */
GStrv fp_host_root_proc_entries (void);

/* Whether host `source` (`real`: its real path, NULL where it has none),
 * bound at `dest` (`writable`, `devices`: as
 * mounted; `mounts`: the host's, g_unix_mounts_get) would give root in the sandbox power over the host: a kernel
 * filesystem bound writable (sysfs, cgroup, debugfs…), any of the host's
 * /proc but its own read-only cover, a device directory that holds block
 * devices (the host's disks), or /dev itself. FALSE with an error naming
 * the path and why. */
gboolean fp_host_root_check_bind (GList      *mounts,
                                  const char *source,
                                  const char *real,
                                  const char *dest,
                                  gboolean    writable,
                                  gboolean    devices,
                                  GError    **error);

G_END_DECLS
