#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What others may not read in the host's `dir` and, at any depth down to
 * `depth`, in the directories below it that others may enter (not
 * through links): at most `limit` entries, each "d" (a directory) or "f"
 * (a file) and its path relative to `dir`, sorted by path. Root in the
 * sandbox is the host's uid 0: a 0600 file of root's deep in /etc or
 * sysfs is as secret as /etc/shadow. The walks are thousands of entries:
 * each is done once a process, by threads of its own. The host can
 * change in between (a device plugged in), no wider a window than the
 * one before bwrap mounts. Owned by the walk: do not free. */
GPtrArray *fp_unreadable_entries (const char *dir, int depth, guint limit);

/* Starts that walk now, for fp_unreadable_entries to find done or under
 * way: while the launcher makes the instance and asks the session. */
void fp_unreadable_prefetch (const char *dir, int depth, guint limit);

/* Waits for every walk started and ends the threads. */
void fp_unreadable_join (void);

G_END_DECLS
