#include "fp-resolve.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct _FpResolver {
  GHashTable *answers;  /* path → its real path (realpath's malloc, or ours) */
};

FpResolver *
fp_resolver_new (void)
{
  FpResolver *resolver = g_new0 (FpResolver, 1);

  resolver->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free);
  return resolver;
}

void
fp_resolver_free (FpResolver *resolver)
{
  if (resolver == NULL)
    return;
  g_hash_table_unref (resolver->answers);
  g_free (resolver);
}

/* Only what resolves: a path that does not may be made meanwhile (the
 * instance directory, the app's data), and is asked again. */
static const char *
remember (FpResolver *resolver, const char *path, char *real, int error)
{
  if (real != NULL)
    g_hash_table_insert (resolver->answers, g_strdup (path), real);
  errno = error;
  return real;
}

/* An absolute path with no ".", "..", "//" or trailing "/": its parent
 * and last component are then what the path names. */
static gboolean
is_canonical (const char *path)
{
  g_autofree char *canonical = NULL;

  if (!g_path_is_absolute (path))
    return FALSE;
  canonical = g_canonicalize_filename (path, "/");
  return g_str_equal (canonical, path);
}

static char *
join (const char *dir, const char *name)
{
  gsize dir_len = g_str_equal (dir, "/") ? 0 : strlen (dir);
  gsize name_len = strlen (name);
  char *path = malloc (dir_len + 1 + name_len + 1);

  if (path == NULL)
    return NULL;
  memcpy (path, dir, dir_len);
  path[dir_len] = '/';
  memcpy (path + dir_len + 1, name, name_len + 1);
  return path;
}

const char *
fp_resolver_realpath (FpResolver *resolver,
                      const char *path)
{
  const char *known = g_hash_table_lookup (resolver->answers, path);
  const char *slash;
  const char *real_parent;
  char *candidate;
  struct stat st;

  if (known != NULL)
    return known;
  if (!is_canonical (path))
    {
      char *real = realpath (path, NULL);
      return remember (resolver, path, real, errno);
    }
  if (g_str_equal (path, "/"))
    return remember (resolver, path, strdup ("/"), ENOMEM);

  /* realpath resolves the directory first, then the last component in
   * it: the same two steps, the first one shared with its siblings. */
  slash = strrchr (path, '/');
  {
    g_autofree char *parent = slash == path ? g_strdup ("/") : g_strndup (path, slash - path);

    real_parent = fp_resolver_realpath (resolver, parent);
  }
  if (real_parent == NULL)
    return remember (resolver, path, NULL, errno);
  candidate = join (real_parent, slash + 1);
  if (candidate == NULL)
    return remember (resolver, path, NULL, ENOMEM);
  /* No link on the way to its directory, so only the last component may
   * lead elsewhere; one that does is left to realpath. */
  if (lstat (candidate, &st) != 0)
    {
      int saved_errno = errno;

      free (candidate);
      return remember (resolver, path, NULL, saved_errno);
    }
  if (S_ISLNK (st.st_mode))
    {
      char *real = realpath (candidate, NULL);
      int saved_errno = errno;

      free (candidate);
      return remember (resolver, path, real, saved_errno);
    }
  return remember (resolver, path, candidate, 0);
}
