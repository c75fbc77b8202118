/* fp-resolve: the same answers as realpath(3), links and failures alike,
 * however many paths share a directory and in whatever order they come. */
#include "fp-resolve.h"
#include "fp-test-util.h"

#include <errno.h>
#include <unistd.h>

static void
make_dir (const char *root, const char *name)
{
  g_autofree char *path = g_build_filename (root, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
}

static void
make_link (const char *root, const char *name, const char *target)
{
  g_autofree char *path = g_build_filename (root, name, NULL);

  g_assert_cmpint (symlink (target, path), ==, 0);
}

static void
make_file (const char *root, const char *name)
{
  g_autofree char *path = g_build_filename (root, name, NULL);

  g_assert_true (g_file_set_contents (path, "x", -1, NULL));
}

/* `path` (under `root`, or absolute when it starts with '/' and root is
 * NULL) as realpath and as the resolver see it. */
static void
assert_same (FpResolver *resolver, const char *root, const char *name)
{
  g_autofree char *path = root != NULL ? g_strconcat (root, "/", name, NULL) : g_strdup (name);
  char *expected;
  int expected_errno;
  const char *got;
  int got_errno;

  errno = 0;
  expected = realpath (path, NULL);
  expected_errno = errno;
  errno = 0;
  got = fp_resolver_realpath (resolver, path);
  got_errno = errno;
  fp_test_note ("%s: realpath %s (%s), resolver %s (%s)", path, expected ? expected : "NULL",
                g_strerror (expected_errno), got ? got : "NULL", g_strerror (got_errno));
  g_assert_cmpstr (got, ==, expected);
  if (expected == NULL)
    g_assert_cmpint (got_errno, ==, expected_errno);
  free (expected);
}

static const char *const cases[] = {
  "store", "store/a", "store/a/bin", "store/a/lib/data", "store/b", "store/missing",
  "store/missing/deeper", "store/a/lib/data/under-a-file", "store/to-a", "store/to-a/bin",
  "store/to-up", "store/to-up/store/b", "store/dangling", "store/loop", "store/to-root",
  "via/store/a", "via/store/to-a/bin", "store/a/lib/../bin", "store/a/./bin", "store/a/",
  "store//a", "store/abs-to-b", "store/chain", "store/chain/lib", "store/locked/inside",
  "store/a/lib/data/", NULL
};

static void
test_resolve_like_realpath (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autofree char *real_root = realpath (dir->path, NULL);
  g_autofree char *abs_target = NULL;
  g_autofree char *locked = NULL;

  make_dir (dir->path, "store/a/bin");
  make_dir (dir->path, "store/a/lib");
  make_file (dir->path, "store/a/lib/data");
  make_dir (dir->path, "store/b");
  make_dir (dir->path, "store/locked/inside");
  make_link (dir->path, "store/to-a", "a");
  make_link (dir->path, "store/to-up", "..");
  make_link (dir->path, "store/dangling", "nowhere");
  make_link (dir->path, "store/loop", "loop");
  make_link (dir->path, "store/to-root", "/");
  make_link (dir->path, "store/chain", "to-a");
  abs_target = g_build_filename (real_root, "store", "b", NULL);
  make_link (dir->path, "store/abs-to-b", abs_target);
  /* A link on the way to the directory, not only at the end. */
  make_link (dir->path, "via", ".");
  /* No search permission: only root gets past it. */
  locked = g_build_filename (dir->path, "store", "locked", NULL);
  g_assert_cmpint (chmod (locked, 0), ==, 0);

  /* In order, in reverse (children before their directories), and each
   * path twice (the remembered answer). */
  for (int pass = 0; pass < 2; pass++)
    {
      g_autoptr(FpResolver) resolver = fp_resolver_new ();
      guint n = g_strv_length ((char **) cases);

      for (guint round = 0; round < 2; round++)
        for (guint i = 0; i < n; i++)
          assert_same (resolver, dir->path, cases[pass == 0 ? i : n - 1 - i]);
    }
  {
    g_autoptr(FpResolver) resolver = fp_resolver_new ();
    static const char *const absolute[] = { "/", "/usr", "/usr/bin/sh", "/proc/self", "/proc/self/fd/0",
                                            "/nonexistent", "relative/path", ".", "", NULL };

    for (guint i = 0; absolute[i] != NULL; i++)
      assert_same (resolver, NULL, absolute[i]);
  }
  g_assert_cmpint (chmod (locked, 0755), ==, 0);
}

/* A path that does not resolve is asked again: the launch makes some
 * (its instance directory, the app's data) between its checks. One that
 * does is remembered. */
static void
test_resolve_missing_then_made (void)
{
  g_autoptr(FpTmpDir) dir = fp_tmp_dir_new ();
  g_autoptr(FpResolver) resolver = fp_resolver_new ();
  g_autofree char *real_root = realpath (dir->path, NULL);
  g_autofree char *path = g_build_filename (real_root, "later", NULL);

  errno = 0;
  g_assert_null (fp_resolver_realpath (resolver, path));
  g_assert_cmpint (errno, ==, ENOENT);
  make_dir (real_root, "later");
  g_assert_cmpstr (fp_resolver_realpath (resolver, path), ==, path);
  g_assert_cmpint (rmdir (path), ==, 0);
  g_assert_cmpstr (fp_resolver_realpath (resolver, path), ==, path);
}

int
main (int argc, char **argv)
{
  fp_test_init (&argc, &argv);

  g_test_add_func ("/resolve/like-realpath", test_resolve_like_realpath);
  g_test_add_func ("/resolve/missing-then-made", test_resolve_missing_then_made);
  return g_test_run ();
}
