/* fp-unreadable: what others may not read in a tree, found at any depth
 * by the threads of the walk, in one order whoever ends first. */
#include "fp-unreadable.h"
#include "fp-test-util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static void
make (const char *root, const char *name, mode_t mode)
{
  g_autofree char *path = g_build_filename (root, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  if (S_ISDIR (mode))
    g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
  else
    g_assert_true (g_file_set_contents (path, "x", -1, NULL));
  g_assert_cmpint (chmod (path, mode & 07777), ==, 0);
}

static char *
joined (GPtrArray *entries)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < entries->len; i++)
    g_string_append_printf (text, "%s%s", i ? " " : "", (const char *) g_ptr_array_index (entries, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A tree of the kinds the walk tells apart. Parents are made 0755 on the
 * way; the modes that matter are set last, deepest first. */
static FpTmpDir *
make_tree (void)
{
  FpTmpDir *dir = fp_tmp_dir_new ();
  g_autofree char *link = g_build_filename (dir->path, "link-to-secret", NULL);

  make (dir->path, "public", S_IFREG | 0644);
  make (dir->path, "secret", S_IFREG | 0600);
  make (dir->path, "group-only", S_IFREG | 0640);
  make (dir->path, "write-only", S_IFREG | 0200);  /* nobody reads it: nothing to hide */
  make (dir->path, "a/b/c/deep-secret", S_IFREG | 0600);
  make (dir->path, "a/b/c/deep-public", S_IFREG | 0644);
  make (dir->path, "private/inside", S_IFREG | 0644);
  make (dir->path, "private", S_IFDIR | 0700);      /* hidden whole, not walked */
  make (dir->path, "no-enter", S_IFDIR | 0754);
  g_assert_cmpint (symlink ("secret", link), ==, 0);  /* links are public */
  /* Many directories of one level: the walk's parts. */
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("many/d%02u/s%02u", i, i);

      make (dir->path, name, S_IFREG | 0400);
    }
  return dir;
}

static void
test_unreadable_finds_at_any_depth (void)
{
  g_autoptr(FpTmpDir) dir = make_tree ();
  g_autoptr(GString) expected = g_string_new ("fa/b/c/deep-secret fgroup-only");
  g_autofree char *found = NULL;

  for (guint i = 0; i < 40; i++)
    g_string_append_printf (expected, " fmany/d%02u/s%02u", i, i);
  g_string_append (expected, " dno-enter dprivate fsecret");
  found = joined (fp_unreadable_entries (dir->path, 16, G_MAXUINT));
  /* Sorted by path, the kind aside. */
  g_assert_cmpstr (found, ==, "fa/b/c/deep-secret fgroup-only fmany/d00/s00 fmany/d01/s01 fmany/d02/s02 "
                              "fmany/d03/s03 fmany/d04/s04 fmany/d05/s05 fmany/d06/s06 fmany/d07/s07 "
                              "fmany/d08/s08 fmany/d09/s09 fmany/d10/s10 fmany/d11/s11 fmany/d12/s12 "
                              "fmany/d13/s13 fmany/d14/s14 fmany/d15/s15 fmany/d16/s16 fmany/d17/s17 "
                              "fmany/d18/s18 fmany/d19/s19 fmany/d20/s20 fmany/d21/s21 fmany/d22/s22 "
                              "fmany/d23/s23 fmany/d24/s24 fmany/d25/s25 fmany/d26/s26 fmany/d27/s27 "
                              "fmany/d28/s28 fmany/d29/s29 fmany/d30/s30 fmany/d31/s31 fmany/d32/s32 "
                              "fmany/d33/s33 fmany/d34/s34 fmany/d35/s35 fmany/d36/s36 fmany/d37/s37 "
                              "fmany/d38/s38 fmany/d39/s39 dno-enter dprivate fsecret");
  g_assert_cmpstr (found, ==, expected->str);
}

static void
test_unreadable_depth_and_limit (void)
{
  g_autoptr(FpTmpDir) dir = make_tree ();
  g_autofree char *shallow = joined (fp_unreadable_entries (dir->path, 1, G_MAXUINT));
  GPtrArray *few = fp_unreadable_entries (dir->path, 16, 5);

  /* Depth 1: the top and one level below it (many/dNN/ is two). */
  g_assert_cmpstr (shallow, ==, "fgroup-only dno-enter dprivate fsecret");
  g_assert_cmpuint (few->len, ==, 5);
}

/* A walk started ahead answers as one started when asked, and a walk is
 * done once: the same array again. */
static void
test_unreadable_prefetch (void)
{
  g_autoptr(FpTmpDir) dir = make_tree ();
  g_autoptr(FpTmpDir) other = make_tree ();
  GPtrArray *ahead;
  g_autofree char *ahead_text = NULL;
  g_autofree char *asked_text = NULL;

  fp_unreadable_prefetch (dir->path, 16, G_MAXUINT);
  ahead = fp_unreadable_entries (dir->path, 16, G_MAXUINT);
  ahead_text = joined (ahead);
  asked_text = joined (fp_unreadable_entries (other->path, 16, G_MAXUINT));
  g_assert_cmpstr (ahead_text, ==, asked_text);
  g_assert_true (fp_unreadable_entries (dir->path, 16, G_MAXUINT) == ahead);
}

static void
test_unreadable_missing_dir (void)
{
  g_assert_cmpuint (fp_unreadable_entries ("/nonexistent/fauxpak-unit", 16, G_MAXUINT)->len, ==, 0);
}

int
main (int argc, char **argv)
{
  fp_test_init (&argc, &argv);

  g_test_add_func ("/unreadable/finds-at-any-depth", test_unreadable_finds_at_any_depth);
  g_test_add_func ("/unreadable/depth-and-limit", test_unreadable_depth_and_limit);
  g_test_add_func ("/unreadable/prefetch", test_unreadable_prefetch);
  g_test_add_func ("/unreadable/missing-dir", test_unreadable_missing_dir);
  return g_test_run ();
}
