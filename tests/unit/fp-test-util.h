/* Helpers shared by the unit tests: temporary directories, files and
 * assertions on error messages. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "fp-error.h"
#include "fp-profile.h"

/* A directory under $TMPDIR, removed with its contents when it goes out of
 * scope: g_autoptr(FpTmpDir) dir = fp_tmp_dir_new (); */
typedef struct {
  char *path;
} FpTmpDir;

static inline void
fp_test_remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);

  if (dir != NULL)
    {
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            fp_test_remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static inline FpTmpDir *
fp_tmp_dir_new (void)
{
  g_autoptr(GError) error = NULL;
  FpTmpDir *dir = g_new0 (FpTmpDir, 1);

  dir->path = g_dir_make_tmp ("fauxpak-unit-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

static inline void
fp_tmp_dir_free (FpTmpDir *dir)
{
  if (dir == NULL)
    return;
  fp_test_remove_tree (dir->path);
  g_free (dir->path);
  g_free (dir);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FpTmpDir, fp_tmp_dir_free)

static char *fp_test_home;

static void
fp_test_remove_home (void)
{
  if (fp_test_home != NULL)
    fp_test_remove_tree (fp_test_home);
  g_clear_pointer (&fp_test_home, g_free);
}

/* g_test_init with HOME and the XDG directories in a fresh temporary
 * directory, removed at exit, so that no user preset or file can change a
 * result. (G_TEST_OPTION_ISOLATE_DIRS would do it per test, but GLib 2.74's
 * g_set_user_dirs leaks, which LeakSanitizer reports.) Call it before
 * anything asks GLib for a user directory. */
static inline void
fp_test_init (int *argc, char ***argv)
{
  static const char *const xdg[][2] = {
    { "XDG_CONFIG_HOME", ".config" }, { "XDG_DATA_HOME", ".local/share" },
    { "XDG_CACHE_HOME", ".cache" }, { "XDG_STATE_HOME", ".local/state" },
  };
  g_autoptr(GError) error = NULL;

  fp_test_home = g_dir_make_tmp ("fauxpak-unit-home-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (fp_test_remove_home);
  g_setenv ("HOME", fp_test_home, TRUE);
  for (gsize i = 0; i < G_N_ELEMENTS (xdg); i++)
    {
      g_autofree char *dir = g_build_filename (fp_test_home, xdg[i][1], NULL);

      g_setenv (xdg[i][0], dir, TRUE);
    }
  g_unsetenv ("XDG_CONFIG_DIRS");
  g_unsetenv ("XDG_DATA_DIRS");
  g_test_init (argc, argv, NULL);
  g_assert_cmpstr (g_get_home_dir (), ==, fp_test_home);
}

/* Writes `contents` to DIR/NAME (creating parent directories) and returns
 * the file's path. */
static inline char *
fp_test_write (FpTmpDir *dir, const char *name, const char *contents)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir->path, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

/* g_test_message with newlines, control characters and invalid UTF-8
 * escaped, so that every note stays one valid TAP comment line. */
G_GNUC_PRINTF (1, 2) static inline void
fp_test_note (const char *format, ...)
{
  g_autofree char *message = NULL;
  g_autofree char *escaped = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  escaped = g_strescape (message, NULL);
  g_test_message ("%s", escaped);
}

/* fp_test_write for a file whose path the test does not need. */
static inline void
fp_test_put (FpTmpDir *dir, const char *name, const char *contents)
{
  g_free (fp_test_write (dir, name, contents));
}

/* Like g_assert_cmpstr, for "haystack contains needle": prints both. */
#define fp_assert_contains(haystack, needle)                                        \
  G_STMT_START {                                                                    \
    const char *fp_h_ = (haystack), *fp_n_ = (needle);                              \
    if (fp_h_ == NULL || strstr (fp_h_, fp_n_) == NULL)                             \
      g_assertion_message_cmpstr (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC,      \
                                  #haystack " contains " #needle,                   \
                                  fp_h_, "does not contain", fp_n_);                \
  } G_STMT_END

#define fp_assert_not_contains(haystack, needle)                                    \
  G_STMT_START {                                                                    \
    const char *fp_h_ = (haystack), *fp_n_ = (needle);                              \
    if (fp_h_ != NULL && strstr (fp_h_, fp_n_) != NULL)                             \
      g_assertion_message_cmpstr (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC,      \
                                  #haystack " does not contain " #needle,           \
                                  fp_h_, "contains", fp_n_);                        \
  } G_STMT_END

#define fp_assert_has_prefix(string, prefix)                                        \
  G_STMT_START {                                                                    \
    const char *fp_s_ = (string), *fp_p_ = (prefix);                                \
    if (fp_s_ == NULL || !g_str_has_prefix (fp_s_, fp_p_))                          \
      g_assertion_message_cmpstr (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC,      \
                                  #string " starts with " #prefix,                  \
                                  fp_s_, "does not start with", fp_p_);             \
  } G_STMT_END

/* Loads a profile from a string; the name "test.json" appears in messages. */
static inline FpProfile *
fp_test_load_ok (const char *json)
{
  g_autoptr(GError) error = NULL;
  FpProfile *profile = fp_profile_load_from_data (json, -1, "test.json", &error);

  g_assert_no_error (error);
  g_assert_nonnull (profile);
  return profile;
}

/* Loads a profile that must fail with `code` and returns the message. */
static inline char *
fp_test_load_fail (const char *json, FpError code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FpProfile) profile = fp_profile_load_from_data (json, -1, "test.json", &error);

  g_assert_null (profile);
  g_assert_error (error, FP_ERROR, (int) code);
  return g_strdup (error->message);
}
