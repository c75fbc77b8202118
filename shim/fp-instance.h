/* Flatpak instances: $XDG_RUNTIME_DIR/.flatpak/<id>/ with `info`,
 * `bwrapinfo.json`, `pid` and a `.ref` lock held for the sandbox's life
 * (and, ours alone, `pid-start-time`, which tells that pid's process from
 * a later one given the same number).
 * `flatpak ps` and the portals read these directories; the layout follows
 * what flatpak itself writes. */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

typedef struct {
  char *id;
  char *dir;
  int   lock_fd;  /* read-locked .ref; the lock must outlive us in bwrap */
} FpInstance;

/* The instance directories, the D-Bus proxies' sockets and the sandbox's
 * view of the session live under $XDG_RUNTIME_DIR. Fails unless it is set
 * and names a directory (not a symlink) of this user's with mode 0700: a
 * fallback such as GLib's ~/.cache would put other apps' proxy sockets
 * where a home grant reaches them. Call it before anything below. */
gboolean fp_instance_check_runtime_dir (GError **error);

FpInstance *fp_instance_allocate (GError **error);
void        fp_instance_free (FpInstance *instance);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FpInstance, fp_instance_free)

gboolean fp_instance_write_info (FpInstance *instance,
                                 GBytes     *info,
                                 GError    **error);

/* An fd for bwrap's --info-fd: bwrap writes bwrapinfo.json through it. */
int fp_instance_open_bwrapinfo (FpInstance *instance,
                                GError    **error);

/* Records `pid` (a running process) and its start time. */
gboolean fp_instance_write_pid (FpInstance *instance,
                                pid_t       pid,
                                GError    **error);

/* Removes the directory of an instance that never started. */
void fp_instance_discard (FpInstance *instance);

/* Removes the directories of instances whose sandbox has gone. Call it
 * before fp_instance_allocate, never after in the same process: looking at
 * an instance's .ref drops this process's own lock on it. */
void fp_instance_collect_garbage (void);

char *fp_instance_base_dir (void);

/* What every instance of one app shares, as under Flatpak:
 * $XDG_RUNTIME_DIR/.flatpak/<app-id>/ with `tmp` (the sandbox's /tmp),
 * `xdg-run` (its $XDG_RUNTIME_DIR), `dev-shm` (with per-app-dev-shm, a
 * link to its own directory in /dev/shm) and a `.ref` each sandbox keeps
 * read-locked. Neither the directory nor .ref is ever removed (Flatpak's
 * rule: its garbage collection takes .ref's lock first). */
typedef struct {
  char *ref;
  char *tmp;
  char *xdg_run;
  char *dev_shm;  /* NULL unless asked for and /dev/shm is a directory */
} FpAppDirs;

void fp_app_dirs_clear (FpAppDirs *dirs);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FpAppDirs, fp_app_dirs_clear)

/* Fills `dirs`; with `create` FALSE (a dry run) only names them. */
gboolean fp_instance_ensure_app_dirs (const char *app_id,
                                      gboolean    with_dev_shm,
                                      gboolean    create,
                                      FpAppDirs  *dirs,
                                      GError    **error);

typedef struct {
  char *id;
  char *dir;        /* the instance directory */
  char *app_id;
  pid_t pid;        /* bwrap */
  pid_t child_pid;  /* the sandbox's first process, from bwrapinfo.json:
                     * bwrap's init, in the sandbox's namespaces */
  pid_t app_pid;    /* the app: init's first child, or 0 once it is gone */
  gint64 start_time; /* when bwrap started, seconds since the epoch, or 0 */
  char *command;    /* the app's command line, space-separated, or NULL */
} FpInstanceSummary;

void fp_instance_summary_free (FpInstanceSummary *summary);

/* Running instances, sorted by id. */
GPtrArray *fp_instance_list_running (GError **error);

/* The first child of `pid` (bwrap's init in the sandbox: the app it
 * started), or 0 when it has none. */
pid_t fp_instance_first_child (pid_t pid);

G_END_DECLS
