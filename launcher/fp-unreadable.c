#include "fp-unreadable.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Threads a walk uses besides the launcher's own: the machine's two
 * cores, while the launcher parses the profile and asks the session. */
#define WALK_THREADS 2

/* Levels below a walk's start listed as parts of their own, each a task
 * of the pool: /sys/devices' children hold thousands of entries each. */
#define WALK_SPLIT_LEVELS 1

typedef struct {
  guint      limit;
  GMutex     lock;
  GCond      done;
  guint      pending;  /* parts queued or running, under `lock` */
  gboolean   whole;    /* found sorted and cut to `limit` */
  GPtrArray *found;    /* char*, "d" or "f" and a path relative to `dir` */
} Walk;

/* One directory of a walk: listed by a thread of the pool. */
typedef struct {
  Walk *walk;
  int   dir_fd;        /* taken */
  char *relative;
  int   depth;
  int   split;         /* levels still listed as parts of their own */
} Part;

static GHashTable  *walks;  /* key → Walk*, for the process */
static GThreadPool *pool;

static void
walk_free (Walk *walk)
{
  g_mutex_clear (&walk->lock);
  g_cond_clear (&walk->done);
  g_ptr_array_unref (walk->found);
  g_free (walk);
}

static gboolean
entry_is_public (const struct stat *st)
{
  if (S_ISLNK (st->st_mode))
    return TRUE;
  if (S_ISDIR (st->st_mode))
    return (st->st_mode & (S_IROTH | S_IXOTH)) == (S_IROTH | S_IXOTH);
  return (st->st_mode & S_IROTH) != 0;
}

static void queue_part (Walk *walk, int dir_fd, const char *relative, int depth, int split);

/* The walk below one directory, opened as `dir_fd` (taken): appends to
 * `found` each entry others may not read, until `found` holds `limit`;
 * directories `split` levels down or less become parts of their own.
 * Entries are stat'ed through the directory's fd, not by path: sysfs
 * trees are deep and thousands of entries long; links (public) by their
 * d_type alone. */
static void
collect (Walk *walk, int dir_fd, const char *relative, int depth, int split, GPtrArray *found)
{
  DIR *listing = fdopendir (dir_fd);
  struct dirent *entry;

  if (listing == NULL)
    {
      close (dir_fd);
      return;
    }
  while (found->len < walk->limit && (entry = readdir (listing)) != NULL)
    {
      const char *name = entry->d_name;
      g_autofree char *path = NULL;
      struct stat st;

      if (g_str_equal (name, ".") || g_str_equal (name, "..") || entry->d_type == DT_LNK ||
          fstatat (dirfd (listing), name, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISLNK (st.st_mode))
        continue;
      path = g_build_filename (relative, name, NULL);
      if (entry_is_public (&st))
        {
          int child_fd;

          if (S_ISDIR (st.st_mode) && depth > 0 &&
              (child_fd = openat (dirfd (listing), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0)
            {
              if (split > 0)
                queue_part (walk, child_fd, path, depth - 1, split - 1);
              else
                collect (walk, child_fd, path, depth - 1, 0, found);
            }
        }
      /* A file nobody may read (sysfs's write-only controls, behind a
       * read-only mount) has nothing to hide. */
      else if (S_ISDIR (st.st_mode) || (S_ISREG (st.st_mode) && (st.st_mode & 0444) != 0))
        g_ptr_array_add (found, g_strconcat (S_ISDIR (st.st_mode) ? "d" : "f", path, NULL));
    }
  closedir (listing);
}

static void
run_part (gpointer data, gpointer user_data G_GNUC_UNUSED)
{
  Part *part = data;
  Walk *walk = part->walk;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);

  collect (walk, part->dir_fd, part->relative, part->depth, part->split, found);
  g_mutex_lock (&walk->lock);
  g_ptr_array_extend_and_steal (walk->found, g_steal_pointer (&found));
  if (--walk->pending == 0)
    g_cond_broadcast (&walk->done);
  g_mutex_unlock (&walk->lock);
  g_free (part->relative);
  g_free (part);
}

/* To the pool, or here and now when there is none. */
static void
queue_part (Walk *walk, int dir_fd, const char *relative, int depth, int split)
{
  Part *part = g_new0 (Part, 1);

  part->walk = walk;
  part->dir_fd = dir_fd;
  part->relative = g_strdup (relative);
  part->depth = depth;
  part->split = split;
  g_mutex_lock (&walk->lock);
  walk->pending++;
  g_mutex_unlock (&walk->lock);
  /* An exclusive pool has its threads from the start: a push only queues. */
  if (pool == NULL || !g_thread_pool_push (pool, part, NULL))
    run_part (part, NULL);
}

static char *
walk_key (const char *dir, int depth, guint limit)
{
  return g_strdup_printf ("%d %u %s", depth, limit, dir);
}

static Walk *
start_walk (const char *dir, int depth, guint limit)
{
  g_autofree char *key = walk_key (dir, depth, limit);
  Walk *walk;
  int dir_fd;

  if (walks == NULL)
    walks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) walk_free);
  walk = g_hash_table_lookup (walks, key);
  if (walk != NULL)
    return walk;
  if (pool == NULL)
    pool = g_thread_pool_new (run_part, NULL, WALK_THREADS, TRUE, NULL);
  walk = g_new0 (Walk, 1);
  walk->limit = limit;
  g_mutex_init (&walk->lock);
  g_cond_init (&walk->done);
  walk->found = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_insert (walks, g_steal_pointer (&key), walk);
  dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0)
    queue_part (walk, dir_fd, "", depth, WALK_SPLIT_LEVELS);
  return walk;
}

void
fp_unreadable_prefetch (const char *dir, int depth, guint limit)
{
  start_walk (dir, depth, limit);
}

static int
compare_entries (gconstpointer a, gconstpointer b)
{
  /* Past the kind: by path. */
  return strcmp (*(const char *const *) a + 1, *(const char *const *) b + 1);
}

/* Whether every walk started is whole. */
static gboolean
all_walks_done (void)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, walks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Walk *walk = value;
      guint pending;

      g_mutex_lock (&walk->lock);
      pending = walk->pending;
      g_mutex_unlock (&walk->lock);
      if (pending != 0)
        return FALSE;
    }
  return TRUE;
}

GPtrArray *
fp_unreadable_entries (const char *dir, int depth, guint limit)
{
  Walk *walk = start_walk (dir, depth, limit);

  g_mutex_lock (&walk->lock);
  while (walk->pending != 0)
    g_cond_wait (&walk->done, &walk->lock);
  g_mutex_unlock (&walk->lock);
  if (!walk->whole)
    {
      /* Parts end in any order: one order whoever listed them, so that
       * `info --show-bwrap` shows the very command line a launch runs. */
      g_ptr_array_sort (walk->found, compare_entries);
      if (walk->found->len > limit)
        g_ptr_array_set_size (walk->found, limit);
      walk->whole = TRUE;
    }
  /* No thread outlives the walks: the launcher forks and execs next. */
  if (pool != NULL && all_walks_done ())
    {
      g_thread_pool_free (pool, FALSE, TRUE);
      pool = NULL;
    }
  return walk->found;
}

void
fp_unreadable_join (void)
{
  GHashTableIter iter;
  gpointer value;

  if (pool == NULL)
    return;
  /* Every walk whole first: a part queues more while it runs, which a
   * pool being freed would refuse. */
  g_hash_table_iter_init (&iter, walks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Walk *walk = value;

      g_mutex_lock (&walk->lock);
      while (walk->pending != 0)
        g_cond_wait (&walk->done, &walk->lock);
      g_mutex_unlock (&walk->lock);
    }
  g_thread_pool_free (pool, FALSE, TRUE);
  pool = NULL;
}
